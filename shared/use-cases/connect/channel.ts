/**
 * `POST /api/accounts/{id}/channel/connect`: one route for every channel.
 * What the body holds and how the channel connects in the account's region
 * decide: keys (or a store address) go to the keys path, which checks and
 * stores them or starts one-click key creation; an empty body starts the
 * consent where the channel connects by consent, and the keys path where it
 * takes keys only.
 */
import { ValidationError } from '../../domain/errors.js';
import type { WizardRecord } from '../../domain/model.js';
import type { ChannelConnectRequest } from '../../http/key-schemas.js';
import type { AccountView } from '../../http/schemas.js';
import { findChannel } from '../../providers/catalog.js';
import { waysOf } from '../../providers/ways.js';
import { nowOf, type KeysDeps } from '../keys/check.js';
import { connectKeysChannel } from '../keys/connect.js';
import { loadAccount } from '../wizard/steps.js';
import { startChannelConnect, type ConnectDeps } from './start.js';

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
  const p = findChannel(account.channel);
  const ways = p ? waysOf(p, account.region, nowOf(deps)) : { oauth: true, keys: false };
  const given = Object.entries(body).filter(([, v]) => v !== undefined);
  if (p?.keys && (given.length > 0 || !ways.oauth)) return connectKeysChannel(deps, sellerId, accountId, body, account);
  if (given.length > 0) {
    const message = `${p?.name ?? 'This channel'} connects by signing in; it takes no keys or store address here.`;
    throw new ValidationError(message, Object.fromEntries(given.map(([k]) => [k, message])));
  }
  return startChannelConnect(deps, sellerId, accountId, account);
}
