/**
 * The one path that replaces a connection's credentials, whatever brought
 * the new ones: a consent's callback, pasted keys, or keys a store posted.
 *
 * A channel is switched to a new secret in the account's own conditional
 * write (`reconnectChannel`), with "Reconnected" recorded in it, and its old
 * secret deleted under its lease. Books are shared by reference between a
 * seller's accounts, and what they show (the organisation) is the same
 * before and after, so their secret is replaced in place through the
 * credentials' owner (under the lease, into the existing secret only, the
 * record a generation on). 'gone' when the connection was deleted or
 * replaced meanwhile (Start over while the seller was at the provider).
 */
import type { Connection, WizardRecord } from '../../domain/model.js';
import { logger } from '../../runtime/logger.js';
import { replaceCredentials, type CredentialDeps } from '../credentials.js';
import { nowOf } from '../health/lease.js';
import { reconnectChannel, type Reconnection, type WizardDeps } from '../wizard/steps.js';

export async function replaceConnection(deps: WizardDeps & CredentialDeps, account: WizardRecord, connection: Connection, to: Reconnection): Promise<'replaced' | 'gone'> {
  if (connection.kind === 'channel') return reconnectChannel(deps, account, connection, to);
  if (!to.credentials) throw new Error('books are replaced in place: they need the credentials themselves');
  const outcome = await replaceCredentials(deps, {
    secretName: connection.secretName,
    // The books' secret also names its organisation.
    value: { ...(connection.identity ? { identity: connection.identity } : {}), ...to.credentials },
    record: { ...to.record, secretName: connection.secretName },
  });
  if (outcome === 'replaced') {
    await deps.accounts
      .addEvent(account.sellerId, { accountId: account.id, type: 'reconnected', at: nowOf(deps).toISOString(), actor: 'seller', detail: connection.label })
      .catch((err: unknown) => logger.warn('audit event not written', { accountId: account.id, type: 'reconnected', errorName: (err as Error)?.name }));
  }
  return outcome;
}
