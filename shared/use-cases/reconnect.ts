/**
 * Reconnect: the seller goes through the provider's consent again (the same
 * connection engine, with the purpose `reconnect`), and the new credentials
 * replace those of the same connection: the account keeps its step, its
 * mapping and its history. The identity must be the seller, shop or
 * organisation connected before; another one is refused and nothing is written.
 * A keys channel (Walmart, WooCommerce) reconnects with new keys instead
 * (`reconnectKeys`): pasted, or created again in one click at the store.
 */
import { strategyFor } from '../connectors/index.js';
import { redirectUriFor } from '../connectors/types.js';
import type { Identity, TokenSet } from '../connectors/types.js';
import { ConflictError, ConnectError, DependencyError, NotFoundError, ServiceUnavailableError, ValidationError } from '../errors.js';
import { noteConsent } from '../health/record.js';
import { withLease } from '../health/lease.js';
import { logger } from '../logger.js';
import type { Connection, WizardRecord } from '../model.js';
import type { PendingConsent } from '../ports.js';
import type { OAuthProviderDefinition } from '../providers/index.js';
import type { AccountView } from '../schemas.js';
import { accountView } from '../views.js';
import type { ConnectDeps } from './connect.js';
import { reconnectKeys, type KeysDeps, type ReconnectKeysRequest } from './connect-keys.js';
import { callbackUrl, consentUrl, oauthProvider, withError } from './consent.js';

const nowOf = (deps: Pick<ConnectDeps, 'now'>) => deps.now?.() ?? new Date();

/**
 * Starts reconnecting one of the account's connections: the provider's
 * consent URL; for a keys channel, new keys (`keys`) replace the old ones and
 * the account comes back, or WooCommerce's one-click key creation starts.
 * `loaded` is the account as the route already read it with the session.
 */
export async function startReconnect(
  deps: ConnectDeps & KeysDeps,
  sellerId: string,
  accountId: string,
  kind: Connection['kind'],
  keys: ReconnectKeysRequest = {},
  loaded?: WizardRecord | null,
): Promise<{ authorizeUrl: string } | { account: AccountView }> {
  const account = loaded === undefined || (loaded && (loaded.id !== accountId || loaded.sellerId !== sellerId)) ? await deps.accounts.load(sellerId, accountId) : loaded;
  if (!account) throw new NotFoundError('We could not find that account. It may have been removed.');
  const connection = account.connections.find((c) => c.kind === kind);
  if (!connection) throw new ConflictError('This account has nothing of that kind connected to reconnect.', 'not_connected', accountView(account));
  const provider = oauthProvider(connection.provider);
  if (!provider) return reconnectKeys(deps, account, keys);
  const extra = Object.entries(keys).filter(([, v]) => v !== undefined && v !== '');
  if (extra.length > 0) {
    const message = `${provider.name} reconnects by signing in; it takes no keys.`;
    throw new ValidationError(message, Object.fromEntries(extra.map(([k]) => [k, message])));
  }
  return consentUrl(deps, provider, account, { sellerId, accountId, purpose: 'reconnect', connectionKind: kind });
}

/** Whether the consent came from the identity the connection was made with (for Xero, among the organisations it covered). */
function sameIdentity(connection: Connection, identity: Identity): boolean {
  if (!connection.identity) return true;
  if (identity.choices && identity.choices.length > 0) return identity.choices.some((c) => c.id === connection.identity);
  return identity.id === connection.identity;
}

/** Replaces the connection's credentials under its refresh lease, then its record (Connected, a new generation). */
async function replaceCredentials(deps: ConnectDeps, account: WizardRecord, connection: Connection, tokens: TokenSet, now: Date): Promise<void> {
  const credentials: Record<string, string> = {
    // The books' shared secret also names its organisation.
    ...(connection.kind === 'books' && connection.identity ? { identity: connection.identity } : {}),
    accessToken: tokens.accessToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(tokens.accessTokenExpiresAt ? { accessTokenExpiresAt: tokens.accessTokenExpiresAt } : {}),
    ...(tokens.refreshTokenExpiresAt ? { refreshTokenExpiresAt: tokens.refreshTokenExpiresAt } : {}),
  };
  await withLease(deps, connection.secretName, true, async () => {
    await deps.secrets.save(connection.secretName, credentials, { accountId: account.id, sellerId: account.sellerId });
    await noteConsent(deps, {
      secretName: connection.secretName,
      provider: connection.provider,
      kind: connection.kind,
      sellerId: account.sellerId,
      accountId: account.id,
      region: account.region,
      fields: account.fields,
      tokens,
      now,
    });
  });
}

/**
 * Finishes a reconnect at the provider's callback (the state already taken):
 * where the browser goes next, back to the account with the outcome.
 */
export async function finishReconnect(
  deps: ConnectDeps,
  provider: OAuthProviderDefinition,
  pending: PendingConsent,
  query: Readonly<Record<string, string>>,
  sellerId: string,
  /** The account as this request already read it, with the session (null: none); absent: read here. */
  loaded?: WizardRecord | null,
): Promise<string> {
  const kind = pending.connectionKind ?? 'channel';
  // The account page, told which connection the outcome is about.
  const page = `/accounts/${pending.accountId}?reconnect=${kind}`;
  const now = nowOf(deps);
  try {
    const account = loaded !== undefined && (!loaded || (loaded.id === pending.accountId && loaded.sellerId === sellerId)) ? loaded : await deps.accounts.load(sellerId, pending.accountId);
    if (!account) return withError('/', 'expired');
    const connection = account.connections.find((c) => c.kind === kind);
    // Started over (or reconnected to something else) while the seller was at the provider.
    if (!connection || connection.provider !== provider.id) return withError(page, 'expired');
    const app = await deps.apps.get(provider.id);
    const strategy = strategyFor(provider);
    const read = strategy.readCallback(provider, { app, query, now });
    if ('denied' in read) throw new ConnectError('denied');
    const ctx = { app, account, pending, query, http: deps.http, now, redirectUri: redirectUriFor(provider, app, callbackUrl(deps.appOrigin, provider.id)) };
    const tokens = await strategy.exchange(provider, { ...ctx, code: read.code });
    const identity = await strategy.identify(provider, { ...ctx, tokens });
    if (!sameIdentity(connection, identity)) {
      logger.warn('reconnect refused', { provider: provider.id, code: 'other_identity' });
      return withError(page, 'other_identity');
    }
    await replaceCredentials(deps, account, connection, tokens, now);
    await deps.accounts
      .addEvent(sellerId, { accountId: account.id, type: 'reconnected', at: now.toISOString(), actor: 'seller', detail: connection.label })
      .catch((err: unknown) => logger.warn('audit event not written', { accountId: account.id, type: 'reconnected', errorName: (err as Error)?.name }));
    return `/accounts/${pending.accountId}?reconnected=${connection.kind}`;
  } catch (err) {
    if (err instanceof ConnectError) {
      logger.warn('reconnect failed', { provider: provider.id, code: err.code, reason: err.reason });
      return withError(page, err.code);
    }
    logger[err instanceof DependencyError || err instanceof ServiceUnavailableError ? 'warn' : 'error']('reconnect failed', { provider: provider.id, errorName: (err as Error)?.name });
    return withError(page, 'try_again');
  }
}
