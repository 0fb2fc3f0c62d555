/** The Walmart sandbox's seller-issued (Delegated Access) keys and their `client_credentials` grant on `/v3/token` (docs/providers.md §7.1). */
import { randomBytes, randomUUID } from 'node:crypto';
import { isForm, safeEqual, sleep } from '../http.js';
import type { SandboxRequest, SandboxResponse } from '../types.js';
import { invalidHeader, invalidParam, mintAccessToken, SELLER_SCOPES, systemError, tokenAnswer, unauthorized, type Market, type SellerKey, type WalmartState } from './common.js';
import { WALMART_FACTS } from './facts.js';

/** The seller-issued keys this sandbox knows. */
export const WALMART_SANDBOX_KEYS: readonly SellerKey[] = [
  { ...WALMART_FACTS.keys.us, market: 'us', scopes: SELLER_SCOPES },
  { ...WALMART_FACTS.keys.mx, market: 'mx', scopes: SELLER_SCOPES },
  { ...WALMART_FACTS.keys.noReports, market: 'us', scopes: { ...SELLER_SCOPES, reports: 'no_access' } },
  { ...WALMART_FACTS.keys.down, market: 'us', scopes: SELLER_SCOPES, control: 'down' },
  { ...WALMART_FACTS.keys.slow, market: 'us', scopes: SELLER_SCOPES, control: 'slow' },
];

/** A client id/secret pair the seller issued (`issueKey`). */
export interface WalmartIssuedKey {
  readonly clientId: string;
  readonly clientSecret: string;
}

export function walmartKeys(s: WalmartState) {
  const { ctx, keys, faults } = s;

  /** `POST /v3/token` with credentials other than Onramp's OAuth app: a seller key's `client_credentials` grant. */
  async function keyToken(req: SandboxRequest, creds: { readonly id: string; readonly secret: string } | undefined, market: Market): Promise<SandboxResponse> {
    const fault = await faults.answer(systemError(req));
    if (fault) return fault;

    // Walmart checks the credentials against the market named by WM_MARKET (default us).
    const candidate = creds && keys.get(creds.id);
    const key = creds && candidate && safeEqual(candidate.clientSecret, creds.secret) ? candidate : undefined;
    if (!key || key.market !== market) return unauthorized(req);

    if (!isForm(req)) {
      return invalidHeader(req, 'Content-Type', 'Content-Type must be application/x-www-form-urlencoded');
    }
    const grantType = new URLSearchParams(req.body).get('grant_type');
    if (!grantType) return invalidParam(req, 'grant_type', 'grant_type set blank or null');
    if (grantType !== 'client_credentials') {
      // Seller-issued (Delegated Access) keys mint with client_credentials only; the
      // authorization_code / refresh_token grants belong to US OAuth 2.0 apps (§7.2).
      return invalidParam(req, 'grant_type', `grant_type ${grantType} is not supported for these credentials`);
    }

    if (key.control === 'down') return systemError(req);
    if (key.control === 'slow') await sleep(ctx.slowMs);

    const { accessToken, expiresIn } = mintAccessToken(s, key.scopes, market);
    return tokenAnswer(req, accessToken, expiresIn);
  }

  /** The seller adds a new key for the Solution Provider (Developer Portal → API Keys, §7.1). */
  function issueKey(market: 'us' | 'mx'): WalmartIssuedKey {
    const key: SellerKey = { clientId: randomUUID(), clientSecret: randomBytes(64).toString('base64url'), market, scopes: SELLER_SCOPES };
    keys.set(key.clientId, key);
    return { clientId: key.clientId, clientSecret: key.clientSecret };
  }

  return { keyToken, issueKey };
}
