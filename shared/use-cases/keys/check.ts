/**
 * Checking keys, whatever brought them: the provider that takes them, its
 * key fields read from the request, the target decided before any key is
 * sent (the provider's `keys` strategy: Walmart's market, WooCommerce's
 * store), then the keys checked at it within the budget, and every failure
 * put in one sentence for the seller.
 */
import type { KeyCheckIo, KeyConnection, KeysStrategy, KeyTarget } from '../../connectors/keys.js';
import { AppError, ValidationError } from '../../domain/errors.js';
import { KeyCheckError, KeysNotConnectedError, type KeyCheckCode } from '../../domain/key-errors.js';
import { keyMessage, type KeyMessageContext } from '../../domain/key-messages.js';
import type { Connection, WizardRecord } from '../../domain/model.js';
import type { ChannelConnectRequest } from '../../http/key-schemas.js';
import type { ConnectionRecordStore, LeaseStore } from '../../ports/health.js';
import type { InvitationStore, PendingKeysStore, ProviderHttp, StoreHttp } from '../../ports/index.js';
import { findChannel } from '../../providers/catalog.js';
import { keysOf, type Connectors } from '../../providers/registry.js';
import type { KeyField, KeysProviderDefinition } from '../../providers/types.js';
import { waysOf } from '../../providers/ways.js';
import { logger } from '../../runtime/logger.js';
import type { WizardDeps } from '../wizard/steps.js';

/**
 * How long a one-click key creation may take, from the click to the seller's
 * return (signing in to WordPress included). Keys posted by a store whose
 * seller never comes back stay staged in a secret no record names: when the
 * pending record expires (the table's TTL), the refresher's orphan sweep
 * deletes that secret after its grace period (`ORPHAN_GRACE_MS`).
 */
export const PENDING_KEYS_TTL_SECONDS = 900;

export interface KeysDeps extends WizardDeps {
  /** Calls to providers' own APIs (Walmart): timeouts, and the sandboxes locally. */
  readonly http: ProviderHttp;
  /** Calls to sellers' own stores (WooCommerce), behind the SSRF guard. */
  readonly stores: StoreHttp;
  readonly pendingKeys: PendingKeysStore;
  /** Connect links: keys brought through one are kept only as the link is used. */
  readonly invitations: InvitationStore;
  /** Where the web app and API are served (a store posts created keys to `<origin>/api/oauth/<provider>/callback`). */
  readonly appOrigin: string;
  /** The local stack only: plain http and loopback store addresses. */
  readonly allowLocalStores: boolean;
  /** How long one whole key check may take, every call in it included. */
  readonly checkBudgetMs: number;
  /** Each connection's health record (stored keys start its daily check). */
  readonly connections: ConnectionRecordStore;
  /** The connection's lease, also taken by the refresher's check: new keys replace the old ones under it. */
  readonly leases: LeaseStore;
  readonly leaseMs?: number;
  /** The providers' calls this function carries (the key checks among them). */
  readonly connectors: Connectors;
}

export const nowOf = (deps: Pick<WizardDeps, 'now'>) => deps.now?.() ?? new Date();

/** The provider of an account's channel when it takes keys (as its way, or as the other one), or undefined. */
export function keysProviderOf(channel: string): KeysProviderDefinition | undefined {
  const p = findChannel(channel);
  return p?.keys ? (p as KeysProviderDefinition) : undefined;
}

/** Refuses keys where the provider no longer takes them (retired) or never did (another region), in a sentence. */
export function refuseUnlessOffered(p: KeysProviderDefinition, account: Pick<WizardRecord, 'region'>, now: Date): void {
  const ways = waysOf(p, account.region, now);
  if (ways.keys) return;
  const message = ways.keysRetired ?? `${p.name} connects by signing in here, not with keys.`;
  throw new ValidationError(message, Object.fromEntries(p.keys.fields.map((f) => [f.key, message])));
}

/** The key strategy of a provider that takes keys (a function given no connector for it is built wrong: that throws). */
export function keyStrategy(deps: Pick<KeysDeps, 'connectors'>, p: KeysProviderDefinition): KeysStrategy {
  const strategy = keysOf(deps.connectors, p);
  if (!strategy) throw new Error(`No keys connector for ${p.id} here`);
  return strategy;
}

/** What a key check may call. */
export const ioOf = (deps: KeysDeps): KeyCheckIo => ({ http: deps.http, stores: deps.stores, allowLocalStores: deps.allowLocalStores });

/** Runs a key check within the budget; running out is the provider (or store) being too slow. */
export async function within<T>(ms: number, timeout: KeyCheckCode, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  let onAbort: () => void = () => undefined;
  const expired = new Promise<never>((_, reject) => {
    onAbort = () => reject(new KeyCheckError(timeout, 'check budget spent'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(signal), expired]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The seller-facing error for a key check's outcome. */
export function notConnected(err: KeyCheckError, p: KeysProviderDefinition, ctx: Omit<KeyMessageContext, 'provider'>): KeysNotConnectedError {
  logger.warn('keys not connected', { provider: p.id, code: err.code, reason: err.reason });
  const m = keyMessage(err.code, { provider: p.name, ...ctx, ...err.context });
  return new KeysNotConnectedError(m.status, err.code, m.message, Object.keys(m.fields).length > 0 ? { ...m.fields } : undefined);
}

/** The keys a provider takes, from the body, trimmed and checked against its definition; a 400 naming each bad one. */
export function readKeys(p: KeysProviderDefinition, body: ChannelConnectRequest): Record<KeyField['key'], string> {
  const fields: Record<string, string> = {};
  const keys: Record<string, string> = {};
  for (const f of p.keys.fields) {
    const value = (body[f.key] ?? '').trim();
    if (!f.pattern.test(value)) fields[f.key] = f.message;
    else keys[f.key] = value;
  }
  if (Object.keys(fields).length > 0) throw new ValidationError(Object.values(fields)[0]!, fields);
  return keys as Record<KeyField['key'], string>;
}

/** Refuses fields this provider does not take (another provider's keys, a store URL for Walmart). */
export function refuseOthers(p: KeysProviderDefinition, body: ChannelConnectRequest): void {
  const takes = new Set<string>([...p.keys.fields.map((f) => f.key), ...p.accountFields.map((f) => f.key)]);
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined && !takes.has(k)) fields[k] = `${p.name} does not take this. Remove it and try again.`;
  if (Object.keys(fields).length > 0) throw new ValidationError(Object.values(fields)[0]!, fields);
}

/**
 * Runs the checks of a form's fields and, if more than one fails, names
 * every bad field in one 400; one failure is thrown as it is.
 */
export function together<T>(first: () => T, ...rest: (() => unknown)[]): T {
  const failures: AppError[] = [];
  let value: T | undefined;
  for (const [i, check] of [first, ...rest].entries()) {
    try {
      const v = check();
      if (i === 0) value = v as T;
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400 || !err.fields) throw err;
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const fields = Object.assign({}, ...failures.map((f) => f.fields)) as Record<string, string>;
    throw new ValidationError(Object.values(fields)[0]!, fields);
  }
  return value as T;
}

/** Where the keys will go, from the account and the request (no key sent); a refusal in the seller's words. */
export function targetOf(deps: KeysDeps, account: WizardRecord, p: KeysProviderDefinition, requested: Readonly<Record<string, string | undefined>>): KeyTarget {
  try {
    return keyStrategy(deps, p).target(p, { account, requested, allowLocalStores: deps.allowLocalStores });
  } catch (err) {
    if (err instanceof KeyCheckError) throw notConnected(err, p, {});
    throw err;
  }
}

/**
 * Checks pasted keys for the account (and, for a reconnect, its existing
 * connection, whose keys they must replace): every field is checked before
 * anything is sent and all problems are named at once; then the keys are
 * checked at the target, within the budget.
 */
export async function checkPasted(
  deps: KeysDeps,
  account: WizardRecord,
  p: KeysProviderDefinition,
  body: ChannelConnectRequest,
  connection?: Pick<Connection, 'identity'>,
): Promise<KeyConnection> {
  const strategy = keyStrategy(deps, p);
  const target = together(
    () => targetOf(deps, account, p, body),
    () => readKeys(p, body),
  );
  const keys = readKeys(p, body);
  try {
    return await within(deps.checkBudgetMs, strategy.timeout, (signal) => strategy.check(p, target, keys, ioOf(deps), signal, connection));
  } catch (err) {
    if (err instanceof KeyCheckError) throw notConnected(err, p, target.context);
    throw err;
  }
}
