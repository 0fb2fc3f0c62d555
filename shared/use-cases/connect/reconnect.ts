/**
 * Reconnect: the seller goes through the provider's consent again (the same
 * connection engine, with the purpose `reconnect`), and the new credentials
 * take the connection's place (at the callback, `callback.ts`; a channel as a
 * new connection switched to in the account's own write, books in place under
 * the lease): the account keeps its step, its mapping and its history. The identity must be
 * the seller, shop or organisation connected before; another one is refused
 * and nothing is written. A keys channel (Walmart, WooCommerce) reconnects
 * with new keys instead (`reconnectKeys`): pasted, or created again in one
 * click at the store.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Connection, WizardRecord } from '../../domain/model.js';
import type { AccountView } from '../../http/schemas.js';
import { accountView } from '../../http/views.js';
import type { ConnectDeps } from './start.js';
import { nowOf, type KeysDeps } from '../keys/check.js';
import { findProvider } from '../../providers/index.js';
import { waysOf } from '../../providers/ways.js';
import { reconnectKeys, type ReconnectKeysRequest } from '../keys/reconnect.js';
import { consentUrl, oauthProvider } from './consent.js';

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
  /** `write`: the books' consent also asks permission to add accounts (the definition's `writeScopes`), for Create recommended accounts. */
  opts: { access?: 'write' } = {},
): Promise<{ authorizeUrl: string } | { account: AccountView }> {
  const account = loaded === undefined || (loaded && (loaded.id !== accountId || loaded.sellerId !== sellerId)) ? await deps.accounts.load(sellerId, accountId) : loaded;
  if (!account) throw new NotFoundError('We could not find that account. It may have been removed.');
  const connection = account.connections.find((c) => c.kind === kind);
  if (!connection) throw new ConflictError('This account has nothing of that kind connected to reconnect.', 'not_connected', accountView(account));
  const p = findProvider(connection.provider);
  const ways = p ? waysOf(p, account.region, nowOf(deps)) : { oauth: false, keys: false };
  const extra = Object.entries(keys).filter(([, v]) => v !== undefined && v !== '');
  // Keys given, or a channel that takes keys only here: new keys (or one-click creation again).
  if (p?.keys && (extra.length > 0 || !ways.oauth)) return reconnectKeys(deps, account, keys);
  const provider = ways.oauth ? oauthProvider(connection.provider) : undefined;
  if (!provider) return reconnectKeys(deps, account, keys);
  if (extra.length > 0) {
    const message = `${provider.name} reconnects by signing in; it takes no keys.`;
    throw new ValidationError(message, Object.fromEntries(extra.map(([k]) => [k, message])));
  }
  if (opts.access === 'write' && kind !== 'books') throw new ValidationError('Only the books are reconnected with permission to add accounts.', { access: 'Only the books are reconnected with permission to add accounts.' });
  // The same consent, asking the scopes that also write to the chart where the usual ones only read it (Xero);
  // QuickBooks' accounting scope already writes. The connection, its mapping and its history are kept as for any reconnect.
  const asked = opts.access === 'write' && provider.kind === 'oauth-code' && provider.writeScopes ? { ...provider, scopes: provider.writeScopes } : provider;
  return consentUrl(deps, asked, account, { sellerId, accountId, purpose: 'reconnect', connectionKind: kind });
}

