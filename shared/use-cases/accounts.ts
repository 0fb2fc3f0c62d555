/** A seller's accounts: create, list, view. */
import { randomUUID } from 'node:crypto';
import type { AccountStore } from '../ports/index.js';
import { NotFoundError, ServiceUnavailableError } from '../domain/errors.js';
import type { AccountEvent, WizardRecord } from '../domain/model.js';
import { findChannel } from '../providers/catalog.js';
import type { AccountView, EventView, ValidAccountRequest } from '../http/schemas.js';
import { accountView, eventView } from '../http/views.js';
import { healthOf, type Health } from '../domain/health-status.js';
import type { ConnectionRecordStore } from '../ports/health.js';
import type { ConnectionRecord } from '../domain/health.js';
import { logger } from '../runtime/logger.js';
import type { Account } from '../domain/model.js';
import { FIRST_STEP } from '../domain/wizard.js';
import { executionName, startFirstExecution, type WizardDeps } from './wizard/steps.js';

/** The store fields the channel takes, as the seller entered them. */
function storeFields(req: ValidAccountRequest): Record<string, string> {
  const provider = findChannel(req.channel);
  const fields: Record<string, string> = {};
  for (const f of provider?.accountFields ?? []) {
    const v = (req as Readonly<Record<string, unknown>>)[f.key];
    if (typeof v === 'string' && v) fields[f.key] = v;
  }
  return fields;
}

export interface AccountDeps {
  readonly accounts: AccountStore;
  readonly now?: () => Date;
  /** Connection records, for each connection's health (Account Settings and the list show it). */
  readonly connections?: Pick<ConnectionRecordStore, 'getMany'>;
}

/**
 * Each connection's health by secret name; undefined when it cannot be read
 * (the page still answers, without it). Records already read in this request
 * (`known`, null for none) are not read again.
 */
async function healthFor(deps: AccountDeps, accounts: readonly Account[], known: ReadonlyMap<string, ConnectionRecord | null> = new Map()): Promise<Map<string, Health> | undefined> {
  if (!deps.connections) return undefined;
  const names = accounts.flatMap((a) => a.connections.map((c) => c.secretName));
  if (names.length === 0) return new Map();
  try {
    const missing = names.filter((n) => !known.has(n));
    const read = missing.length > 0 ? await deps.connections.getMany(missing) : new Map<string, ConnectionRecord>();
    const recordOf = (n: string) => (known.has(n) ? (known.get(n) ?? undefined) : read.get(n));
    const now = deps.now?.() ?? new Date();
    return new Map(names.map((n) => [n, healthOf(recordOf(n), now)]));
  } catch (err) {
    logger.warn('connection health not read', { errorName: (err as Error)?.name });
    return undefined;
  }
}

/**
 * Creates an account at the wizard's first step, naming its first execution,
 * then starts that execution (the account item is written first, so the
 * execution's task always finds it).
 */
export async function createAccount(
  deps: Pick<WizardDeps, 'accounts' | 'executions' | 'now'>,
  sellerId: string,
  req: ValidAccountRequest,
): Promise<AccountView> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  const id = randomUUID();
  const account: WizardRecord = {
    id,
    sellerId,
    name: req.name,
    channel: req.channel,
    region: req.region ?? null,
    fields: storeFields(req),
    step: FIRST_STEP,
    status: 'active',
    version: 1,
    executionArn: deps.executions.arnFor(executionName(id, 1)),
    execSeq: 1,
    taskToken: null,
    tokenStep: null,
    lastFailure: null,
    connections: [],
    createdAt: now,
    updatedAt: now,
  };
  try {
    // The account and its "created" event, in one write.
    await deps.accounts.create(account, { accountId: id, type: 'created', at: now, actor: 'seller', detail: null });
  } catch {
    throw new ServiceUnavailableError('We could not create the account just now. Nothing was saved; please try again.');
  }
  return accountView(await startFirstExecution(deps, account));
}

/**
 * The account as this request already read it (with the session: `null` when
 * the seller has none of this id), or read now; a 404 when there is none.
 */
async function accountOf(deps: AccountDeps, sellerId: string, accountId: string, loaded?: Account | null): Promise<Account> {
  const account = loaded === undefined || (loaded && (loaded.id !== accountId || loaded.sellerId !== sellerId)) ? await deps.accounts.get(sellerId, accountId) : loaded;
  if (!account) throw new NotFoundError('We could not find that account. It may have been removed.');
  return account;
}

/** The account's audit trail, newest first; another seller's account is a 404. */
export async function listEvents(deps: AccountDeps, sellerId: string, accountId: string, loaded?: Account | null): Promise<EventView[]> {
  await accountOf(deps, sellerId, accountId, loaded);
  const events: AccountEvent[] = await deps.accounts.listEvents(sellerId, accountId);
  return events.map(eventView);
}

export async function listAccounts(
  deps: AccountDeps,
  sellerId: string,
  /** The seller's accounts as this request already read them (with the session). */
  loaded?: readonly Account[],
): Promise<AccountView[]> {
  const accounts = loaded ?? (await deps.accounts.list(sellerId));
  const health = await healthFor(deps, accounts);
  return accounts.map((a) => accountView(a, health));
}

/** The Account Settings view; another seller's account is a 404, never a 403. */
export async function getAccount(
  deps: AccountDeps,
  sellerId: string,
  accountId: string,
  loaded?: Account | null,
  /** Connection records read with the account (by name; null: none), used only for the account's own connections. */
  records?: ReadonlyMap<string, ConnectionRecord | null>,
): Promise<AccountView> {
  const account = await accountOf(deps, sellerId, accountId, loaded);
  // Records count only when read with this very account (the seller's own, in this request).
  const known = loaded && loaded.id === account.id ? records : undefined;
  return accountView(account, await healthFor(deps, [account], known));
}
