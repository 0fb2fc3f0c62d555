/**
 * Walmart's US OAuth 2.0 for Solution Providers (docs/providers.md §7.2), the
 * way US sellers connect once delegated keys retire.
 *
 * - Consent: `login.account.wal-mart.com/authorize` with Walmart's own
 *   parameter names (`responseType=code`, `clientId`, `redirectUri`,
 *   `clientType=seller`, `nonce`, `state`).
 * - Callback: `code`, `type=auth`, `clientId`, `sellerId` and `state`. The
 *   callback is not signed, but the `sellerId` it names is sent back as
 *   `WM_PARTNER.ID` with the code, and Walmart exchanges the code only for the
 *   seller it was issued to: the identity is proven by the exchange.
 * - Token and refresh: `POST /v3/token` (the key grant's endpoint) with the
 *   app's Basic credentials, `WM_PARTNER.ID`, `WM_MARKET: us`,
 *   `WM_QOS.CORRELATION_ID` and `WM_SVC.NAME`; a form body with the
 *   `authorization_code` (the `redirect_uri` exactly as sent) or the
 *   `refresh_token` grant. Access tokens last 15 minutes (refreshed on use),
 *   refresh tokens 365 days (the calendar's `refreshIdleDays`). The seller id
 *   is kept in the secret with the tokens (`TokenSet.extra`), since every
 *   refresh names it again.
 * - Identity: the token detail call (§7.3) with the new access token, which
 *   must be valid and may read Reports.
 *
 * Walmart does not document its answers to a refused grant; a 401 is read as
 * the seller having disconnected Onramp, a 400 naming the refresh token as it
 * having run out, and a 5xx (or no answer) as Walmart failing for now.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { jsonObject, basic } from '../../connectors/keys.js';
import { RefreshRefusedError } from '../../connectors/refresh.js';
import { tokenSet } from '../../connectors/token.js';
import type { AuthorizeUrl, ConsentFinish, Refresh, TokenSet } from '../../connectors/types.js';
import { ConnectError } from '../../domain/errors.js';
import type { AppCredentials, ProviderHttp } from '../../ports/index.js';
import type { walmart } from './definition.js';
import { reportsAccess } from './keys.js';

type Walmart = typeof walmart;

/** A seller id as Walmart's callback names it. */
const SELLER_ID = /^[A-Za-z0-9-]{1,64}$/;
/** OAuth is offered in the US market only (§7.2: `clientType=seller`). */
const MARKET = 'us';

function tokenHeaders(p: Walmart, app: AppCredentials, sellerId: string): Record<string, string> {
  return {
    accept: 'application/json',
    authorization: basic(app.clientId, app.clientSecret),
    'content-type': 'application/x-www-form-urlencoded',
    'WM_PARTNER.ID': sellerId,
    WM_MARKET: MARKET,
    'WM_QOS.CORRELATION_ID': randomUUID(),
    'WM_SVC.NAME': p.keys.endpoints.serviceName,
  };
}

/** One token request; its answer as tokens, with the seller id kept beside them. */
async function tokenCall(p: Walmart, http: ProviderHttp, app: AppCredentials, sellerId: string, grant: Record<string, string>, now: Date): Promise<{ status: number; tokens?: TokenSet; body?: Record<string, any> }> {
  const res = await http.fetch(p.tokenUrl, { method: 'POST', headers: tokenHeaders(p, app, sellerId), body: new URLSearchParams(grant).toString() });
  const text = await res.text().catch(() => '');
  const body = jsonObject(text);
  if (res.status >= 500) throw new ConnectError('provider_error', `token call answered ${res.status}`);
  if (res.status !== 200) return { status: res.status, ...(body ? { body } : {}) };
  if (!body) throw new ConnectError('provider_error', 'token answer not JSON');
  return { status: 200, tokens: { ...tokenSet(body, now, 'Walmart token answer'), extra: { partnerId: sellerId } } };
}

/** The first error code in Walmart's gateway envelope (`{error: [{code, field}]}`), for logs and for telling refusals apart. */
const errorOf = (body: Record<string, any> | undefined): { code: string; field: string } => {
  const first = Array.isArray(body?.error) ? (body.error[0] as Record<string, unknown> | undefined) : undefined;
  return { code: typeof first?.code === 'string' ? first.code : '', field: typeof first?.field === 'string' ? first.field : '' };
};

/** Walmart's consent page, with its own parameter names. */
export const walmartAuthorizeUrl: AuthorizeUrl<Walmart> = (p, { app, state, redirectUri }) => {
  const url = new URL(p.authorizeUrl);
  url.searchParams.set('responseType', 'code');
  url.searchParams.set('clientId', app.clientId);
  url.searchParams.set('redirectUri', redirectUri);
  url.searchParams.set('clientType', 'seller');
  // Walmart requires a nonce; no ID token comes back to check it against, the single-use state binds the callback.
  url.searchParams.set('nonce', randomBytes(16).toString('base64url'));
  url.searchParams.set('state', state);
  return url.href;
};

/** Walmart's callback: the seller id it names, the token request carrying it, and the token detail. */
export const walmartFinish: ConsentFinish<Walmart> = {
  readCallback(p, { query }) {
    const code = query[p.callback.code];
    if (!code) return { denied: true };
    if (!SELLER_ID.test(query.sellerId ?? '')) throw new ConnectError('provider_error', 'callback without a seller id');
    return { code };
  },
  async exchange(p, { app, code, query, redirectUri, http, now }) {
    const sellerId = query.sellerId ?? '';
    const answer = await tokenCall(p, http, app, sellerId, { grant_type: 'authorization_code', code, redirect_uri: redirectUri }, now);
    if (answer.tokens) return answer.tokens;
    // A used, expired or foreign code (or a seller id it was not issued for): the seller starts again.
    const { code: error } = errorOf(answer.body);
    throw new ConnectError(answer.status === 400 || answer.status === 401 ? 'expired' : 'provider_error', `token call answered ${answer.status}${error ? ` ${error}` : ''}`);
  },
  async identify(p, { http, tokens, query }) {
    const sellerId = query.sellerId ?? '';
    const res = await http.fetch(p.keys.endpoints.tokenDetail, {
      headers: { accept: 'application/json', 'WM_SEC.ACCESS_TOKEN': tokens.accessToken, 'WM_SVC.NAME': p.keys.endpoints.serviceName, 'WM_QOS.CORRELATION_ID': randomUUID(), WM_MARKET: MARKET },
    });
    const detail = jsonObject(await res.text().catch(() => ''));
    if (!res.ok || !detail) throw new ConnectError('provider_error', `token detail answered ${res.status}`);
    if (detail.isValid === false) throw new ConnectError('provider_error', 'token detail says not valid');
    const reports = reportsAccess(detail);
    if (!reports.canRead) throw new ConnectError('provider_error', `reports ${reports.level}`);
    const market = p.regions.find((r) => r.urls.market === MARKET)?.name ?? 'United States';
    return {
      id: sellerId,
      label: market,
      details: [
        { label: 'Market', value: market },
        { label: 'Seller ID', value: sellerId },
        { label: 'Reports', value: reports.text },
      ],
    };
  },
};

/** Walmart's refresh, which names the seller the consent was for (kept beside the tokens). */
export const walmartRefresh: Refresh<Walmart> = async (p, x) => {
  const sellerId = x.stored.partnerId ?? '';
  if (!sellerId) throw new RefreshRefusedError('consent_revoked', 'no_seller_id_stored');
  // A 5xx or no answer throws `ConnectError`: Walmart failing for now, retried later.
  const answer = await tokenCall(p, x.http, x.app, sellerId, { grant_type: 'refresh_token', refresh_token: x.refreshToken }, x.now);
  if (answer.tokens) return answer.tokens;
  const { code, field } = errorOf(answer.body);
  if (answer.status === 401) throw new RefreshRefusedError('consent_revoked', `http_401 ${code}`);
  if (answer.status === 400 && field === 'refresh_token') throw new RefreshRefusedError('refresh_token_expired', `http_400 ${code}`);
  throw new ConnectError('provider_error', `refresh answered ${answer.status}${code ? ` ${code}` : ''}`);
};
