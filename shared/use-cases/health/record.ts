/** Recording a connection's calendar when a consent gives it tokens, or the seller gives it keys (a connect, or a reconnect). */
import type { TokenSet } from '../../connectors/types.js';
import { checkDueAt, expiryAfterConsent, refreshDueAt } from '../../domain/calendar.js';
import type { ConsentRecord } from '../../domain/health.js';

export interface ConsentFacts {
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

/** The record a consent (or keys) makes: Connected, with the provider's calendar (its secret's name is the credentials owner's to give). */
export function consentRecord(f: ConsentFacts): Omit<ConsentRecord, 'secretName'> {
  const expiry = f.tokens ? expiryAfterConsent(f.provider, f.tokens, f.now) : {};
  const canRefresh = !!f.tokens?.refreshToken;
  const due = refreshDueAt(f.provider, { ...expiry, status: 'connected', canRefresh }, f.now);
  const check = checkDueAt(f.provider, { status: 'connected', canRefresh }, f.now);
  const at = f.now.toISOString();
  return {
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
