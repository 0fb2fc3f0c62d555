/**
 * `POST /api/accounts/{id}/channel/connect`: one route for every channel.
 * A consent channel starts its consent (the body must be empty); a keys
 * channel checks and stores the keys, or starts one-click key creation.
 */
import { findChannel } from '../../providers/catalog.js';
import { ValidationError } from '../../domain/errors.js';
import type { ChannelConnectRequest } from '../../http/key-schemas.js';
import { startChannelConnect, type ConnectDeps } from './start.js';
import { connectKeysChannel, keysProviderOf, type KeysDeps } from '../keys/keys.js';
import type { AccountView } from '../../http/schemas.js';
import type { WizardRecord } from '../../domain/model.js';
import { loadAccount } from '../wizard/steps.js';

export async function connectChannel(
  deps: ConnectDeps & KeysDeps,
  sellerId: string,
  accountId: string,
  body: ChannelConnectRequest,
  /** The account as this request already read it (see `loadAccount`). */
  loaded?: WizardRecord | null,
): Promise<{ authorizeUrl: string } | { account: AccountView }> {
  // Read once, and handed on: the write that follows is conditional on its version.
  const account = await loadAccount(deps, sellerId, accountId, loaded);
  if (keysProviderOf(account.channel)) return connectKeysChannel(deps, sellerId, accountId, body, account);
  const given = Object.entries(body).filter(([, v]) => v !== undefined);
  if (given.length > 0) {
    const message = `${findChannel(account.channel)?.name ?? 'This channel'} connects by signing in; it takes no keys or store address here.`;
    throw new ValidationError(message, Object.fromEntries(given.map(([k]) => [k, message])));
  }
  return startChannelConnect(deps, sellerId, accountId, account);
}
