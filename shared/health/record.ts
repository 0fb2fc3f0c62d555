/** Recording a connection's calendar when a consent gives it tokens, or the seller gives it keys (a connect, or a reconnect). */
import type { TokenSet } from '../connectors/types.js';
import { logger } from '../logger.js';
import { checkDueAt, expiryAfterConsent, refreshDueAt } from './calendar.js';
import type { ConnectionRecord, ConsentRecord } from './model.js';
import type { ConnectionRecordStore } from './ports.js';

export interface ConsentFacts {
  readonly secretName: string;
  readonly provider: string;
  readonly kind: 'channel' | 'books';
  readonly sellerId: string;
  readonly accountId: string;
  readonly region: string | null;
  readonly fields: Readonly<Record<string, string>>;
  /** The tokens a consent gave; none for keys (Walmart, WooCommerce), which never expire. */
  readonly tokens?: TokenSet;
  readonly now: Date;
}

/** The record a consent (or keys) makes: Connected, with the provider's calendar (the store numbers it one generation on from the last). */
export function consentRecord(f: ConsentFacts): ConsentRecord {
  const expiry = f.tokens ? expiryAfterConsent(f.provider, f.tokens, f.now) : {};
  const canRefresh = !!f.tokens?.refreshToken;
  const due = refreshDueAt(f.provider, { ...expiry, status: 'connected', canRefresh }, f.now);
  const check = checkDueAt(f.provider, { status: 'connected', canRefresh }, f.now);
  const at = f.now.toISOString();
  return {
    secretName: f.secretName,
    provider: f.provider,
    kind: f.kind,
    sellerId: f.sellerId,
    accountId: f.accountId,
    region: f.region,
    fields: { ...f.fields },
    status: 'connected',
    connectedAt: at,
    ...expiry,
    ...(due ? { refreshDueAt: due } : {}),
    ...(check ? { checkDueAt: check } : {}),
    updatedAt: at,
  };
}

/**
 * Writes the record after the tokens are stored (a reconnect; a connect
 * writes it with the step it completes). The connection stands whether or
 * not this write succeeds: without a record it shows Connected, and its
 * tokens are refreshed when used.
 */
export async function noteConsent(deps: { readonly connections: ConnectionRecordStore }, f: ConsentFacts): Promise<ConnectionRecord | undefined> {
  try {
    return await deps.connections.recordConsent(consentRecord(f));
  } catch (err) {
    logger.warn('connection record not written', { provider: f.provider, errorName: (err as Error)?.name });
    return undefined;
  }
}
