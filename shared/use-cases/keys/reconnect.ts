/**
 * Reconnecting a channel with keys: new keys (pasted, or created again in one
 * click) take the old ones' place through the one replacing path
 * (`connect/replace.ts`), and the account keeps its step, its mapping and its
 * history. Nothing is written unless the new keys pass.
 */
import type { KeyConnection } from '../../connectors/keys.js';
import { ConflictError } from '../../domain/errors.js';
import type { Connection, WizardRecord } from '../../domain/model.js';
import type { ChannelConnectRequest } from '../../http/key-schemas.js';
import type { AccountView } from '../../http/schemas.js';
import { accountView } from '../../http/views.js';
import type { KeysProviderDefinition } from '../../providers/types.js';
import { logger } from '../../runtime/logger.js';
import { getAccount } from '../accounts.js';
import { replaceConnection } from '../connect/replace.js';
import { consentRecord } from '../health/record.js';
import { checkPasted, keysProviderOf, nowOf, refuseOthers, refuseUnlessOffered, type KeysDeps } from './check.js';
import { keyFacts } from './connect.js';
import { startAutomatic } from './one-click.js';

/** The keys a reconnect takes: the provider's key fields only (the store is the connection's own). */
export type ReconnectKeysRequest = Omit<ChannelConnectRequest, 'storeUrl'>;

/** The account's keys connection, or a 409 when there is none. */
function keysConnectionOf(account: WizardRecord): { connection: Connection; p: KeysProviderDefinition } {
  const connection = account.connections.find((c) => c.kind === 'channel');
  const p = connection ? keysProviderOf(connection.provider) : undefined;
  if (!connection || !p) throw new ConflictError('This account has no sales channel connected with keys to reconnect.', 'not_connected', accountView(account));
  return { connection, p };
}

/**
 * Replaces a keys connection's credentials with checked new ones, as a
 * connect makes them (`replaceConnection`): the new keys go to a secret of
 * their own, and one conditional write switches the account's connection to
 * it (showing the new key's last four characters), starts its record
 * (Connected, its daily check afresh) and records "Reconnected"; then the old
 * keys' secret is deleted under its lease. A 409 when the account no longer
 * has that connection (Start over, or another reconnect won meanwhile).
 */
export async function replaceKeys(
  deps: KeysDeps,
  account: WizardRecord,
  connection: Connection,
  p: KeysProviderDefinition,
  made: KeyConnection | (Omit<KeyConnection, 'credentials'> & { staged: string }),
): Promise<void> {
  const outcome = await replaceConnection(deps, account, connection, {
    ...('staged' in made ? { staged: made.staged } : { credentials: made.credentials }),
    label: made.label,
    identity: made.identity,
    details: made.details,
    record: consentRecord(keyFacts(deps, account, p)),
  });
  if (outcome === 'gone') throw new ConflictError('This account no longer has that connection. Here is where it stands now.', 'not_connected', accountView(account));
  logger.info('keys replaced', { provider: p.id, accountId: account.id });
}

/**
 * `POST /api/accounts/{id}/reconnect` for a keys channel: pasted keys are
 * checked and replace the connection's (the account comes back, with its
 * health); WooCommerce without keys starts the one-click key creation again
 * (the store's approval page comes back). Nothing is written unless the new
 * keys pass.
 */
export async function reconnectKeys(
  deps: KeysDeps,
  account: WizardRecord,
  body: ReconnectKeysRequest,
): Promise<{ account: AccountView } | { authorizeUrl: string }> {
  const { connection, p } = keysConnectionOf(account);
  refuseOthers(p, body);
  refuseUnlessOffered(p, account, nowOf(deps));
  const pasted = p.keys.fields.some((f) => (body[f.key] ?? '').trim() !== '');
  if (!pasted) return startAutomatic(deps, account, p, {}, 'reconnect');
  // As at connect time; the keys must be the connection's own (WooCommerce's of the same store).
  const made = await checkPasted(deps, account, p, body, connection);
  await replaceKeys(deps, account, connection, p, made);
  return { account: await getAccount({ accounts: deps.accounts, connections: deps.connections, ...(deps.now ? { now: deps.now } : {}) }, account.sellerId, account.id) };
}
