/**
 * Walmart's calls (docs/providers.md §7).
 *
 * - US OAuth 2.0 (§7.2): `oauth.ts`.
 * - Keys (§7.1, §7.3): the seller's keys are checked by minting a token for
 *   the account's market and reading its detail (`keys.ts`).
 * - The daily check: the same `client_credentials` token request with the
 *   stored keys, in their market. Walmart answers 401
 *   `UNAUTHORIZED.GMP_GATEWAY_API` (or 403) to keys that were reset or
 *   deleted: `keys_rotated`.
 */
import { CheckRefusedError, type CheckCall } from '../../connectors/check.js';
import type { KeyTarget, KeysStrategy } from '../../connectors/keys.js';
import { ConnectError, ValidationError } from '../../domain/errors.js';
import { KeyCheckError } from '../../domain/key-errors.js';
import { findRegion } from '../index.js';
import type { Region } from '../types.js';
import { walmart } from './definition.js';
import { checkWalmartKeys, mintToken } from './keys.js';

export { walmartAuthorizeUrl as start, walmartFinish as finish, walmartRefresh as refresh } from './oauth.js';

type Walmart = typeof walmart;

/** The market the keys are checked in: the account's region. */
interface MarketTarget extends KeyTarget {
  readonly region: Region;
}

export const keys: KeysStrategy<Walmart, MarketTarget> = {
  timeout: 'provider_timeout',
  target(p, { account }) {
    const region = findRegion(p, account.region);
    if (!region) throw new ValidationError('This account has no Walmart market. Add a new account and choose United States or Mexico.');
    return { region, context: { region: region.name } };
  },
  // Walmart's token answers do not name the seller, so new keys for a reconnect are taken for the account's market as they are.
  check: (p, target, pasted, io) => checkWalmartKeys(p, target.region, { clientId: pasted.clientId ?? '', clientSecret: pasted.clientSecret ?? '' }, io.http),
};

/** One token request with the stored client id and secret, in their market. */
export async function check(x: CheckCall): Promise<void> {
  const { clientId, clientSecret } = x.stored;
  if (!clientId || !clientSecret) throw new CheckRefusedError('keys_rotated', 'no_keys_stored');
  let token: string;
  try {
    token = await mintToken(walmart, x.http, x.stored.market || 'us', { clientId, clientSecret });
  } catch (err) {
    if (err instanceof KeyCheckError) throw new ConnectError(err.code === 'provider_timeout' ? 'provider_timeout' : 'provider_error', err.reason);
    throw err;
  }
  if (token === 'rejected') throw new CheckRefusedError('keys_rotated', 'http_401');
}
