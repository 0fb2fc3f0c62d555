/**
 * The Walmart sandbox's Token API on `marketplace.walmartapis.com`: `POST /v3/token`
 * (seller keys' `client_credentials`, and the OAuth app's `authorization_code` and
 * `refresh_token` grants, docs/providers.md §7.1, §7.2) and `GET /v3/token/detail` (§7.3).
 * The answers and the assumptions behind them are listed in `index.ts`.
 */
import { isForm, safeEqual, sleep } from '../http.js';
import type { SandboxRequest, SandboxResponse } from '../types.js';
import {
  checkCommonHeaders,
  errorResponse,
  header,
  invalidHeader,
  invalidParam,
  json,
  methodNotAllowed,
  mintAccessToken,
  opaqueToken,
  parseBasic,
  REFRESH_TTL_MS,
  SELLER_SCOPES,
  systemError,
  tokenAnswer,
  unauthorized,
  wantsJson,
  XML_HEAD,
  type Market,
  type WalmartState,
} from './common.js';
import type { walmartKeys } from './keys.js';

/** A refresh token Walmart does not hold: never issued, or revoked by the seller (assumed: 401, as for other credentials it does not know). */
const refreshTokenRefused = (req: SandboxRequest) =>
  errorResponse(req, 401, {
    code: 'UNAUTHORIZED.GMP_GATEWAY_API',
    field: 'refresh_token',
    description: 'Unauthorized',
    info: 'The refresh token is not valid: it was never issued to this app, or the seller revoked the authorization.',
    category: 'DATA',
  });

export function walmartTokens(s: WalmartState, keys: ReturnType<typeof walmartKeys>) {
  const { ctx, tokens, codes, refreshTokens, faults, reg } = s;

  async function token(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'POST') return methodNotAllowed(req, 'POST');
    const market = checkCommonHeaders(req);
    if (typeof market !== 'string') return market;
    const creds = parseBasic(header(req, 'authorization'));
    if (creds?.id === reg().clientId) return appToken(req, creds.secret, market);
    return keys.keyToken(req, creds, market);
  }

  /** `POST /v3/token` with Onramp's OAuth app credentials: the `authorization_code` and `refresh_token` grants (US only). */
  async function appToken(req: SandboxRequest, secret: string, market: Market): Promise<SandboxResponse> {
    if (!safeEqual(reg().clientSecret, secret)) return unauthorized(req);
    if (!isForm(req)) return invalidHeader(req, 'Content-Type', 'Content-Type must be application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body);
    const grantType = form.get('grant_type');
    if (!grantType) return invalidParam(req, 'grant_type', 'grant_type set blank or null');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      // Assumed: the app's own credentials mint only on a seller's authorization (§7.2).
      return invalidParam(req, 'grant_type', `grant_type ${grantType} is not supported for these credentials`);
    }
    if (grantType === 'refresh_token') {
      const fault = await faults.answer(systemError(req));
      if (fault) return fault;
    }
    // The authorization_code and refresh_token grants are US market only (§7).
    if (market !== 'us') return invalidHeader(req, 'WM_MARKET', `grant_type ${grantType} is available for WM_MARKET us only`);
    const partnerId = header(req, 'WM_PARTNER.ID');
    if (!partnerId) return invalidHeader(req, 'WM_PARTNER.ID', 'WM_PARTNER.ID set blank or null');
    return grantType === 'authorization_code' ? codeGrant(req, form, partnerId) : refreshGrant(req, form, partnerId);
  }

  async function codeGrant(req: SandboxRequest, form: URLSearchParams, partnerId: string): Promise<SandboxResponse> {
    const value = form.get('code');
    if (!value) return invalidParam(req, 'code', 'code set blank or null');
    const redirectUri = form.get('redirect_uri');
    if (!redirectUri) return invalidParam(req, 'redirect_uri', 'redirect_uri set blank or null');
    const code = codes.get(value);
    if (!code || code.clientId !== reg().clientId) return invalidParam(req, 'code', 'The authorization code is not valid');
    if (code.scenario === 'token_error') return systemError(req);
    if (code.scenario === 'token_slow') await sleep(ctx.slowMs);
    if (code.used) return invalidParam(req, 'code', 'The authorization code has already been used');
    if (ctx.now() >= code.expiresAt) return invalidParam(req, 'code', 'The authorization code has expired');
    if (partnerId !== code.sellerId) return invalidHeader(req, 'WM_PARTNER.ID', 'WM_PARTNER.ID is not the seller who authorized this code');
    if (redirectUri !== code.redirectUri) return invalidParam(req, 'redirect_uri', 'redirect_uri does not match the redirectUri of the authorization request');
    code.used = true;
    const refreshToken = opaqueToken();
    refreshTokens.set(refreshToken, { clientId: code.clientId, sellerId: code.sellerId, expiresAt: ctx.now() + REFRESH_TTL_MS });
    const { accessToken, expiresIn } = mintAccessToken(s, SELLER_SCOPES, 'us');
    return tokenAnswer(req, accessToken, expiresIn, refreshToken);
  }

  function refreshGrant(req: SandboxRequest, form: URLSearchParams, partnerId: string): SandboxResponse {
    const value = form.get('refresh_token');
    if (!value) return invalidParam(req, 'refresh_token', 'refresh_token set blank or null');
    const grant = refreshTokens.get(value);
    if (!grant || grant.clientId !== reg().clientId) return refreshTokenRefused(req);
    if (partnerId !== grant.sellerId) return invalidHeader(req, 'WM_PARTNER.ID', 'WM_PARTNER.ID is not the seller this refresh token was issued for');
    if (ctx.now() >= grant.expiresAt) return invalidParam(req, 'refresh_token', 'The refresh token has expired');
    // No rotation (assumed): the docs give the refresh token a 365-day life and say nothing of a new one per refresh.
    const { accessToken, expiresIn } = mintAccessToken(s, SELLER_SCOPES, 'us');
    return tokenAnswer(req, accessToken, expiresIn, value);
  }

  async function tokenDetail(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'GET') return methodNotAllowed(req, 'GET');
    const market = checkCommonHeaders(req);
    if (typeof market !== 'string') return market;
    const fault = await faults.answer(systemError(req));
    if (fault) return fault;

    const value = header(req, 'WM_SEC.ACCESS_TOKEN');
    const issued = value ? tokens.get(value) : undefined;
    if (!value || !issued) return unauthorized(req);
    if (ctx.now() >= issued.expiresAt) {
      tokens.delete(value);
      return unauthorized(req);
    }
    // A token minted for one market is not accepted in another.
    if (issued.market !== market) return unauthorized(req);

    const detail = {
      scopes: issued.scopes,
      expireAt: String(issued.expiresAt),
      issuedAt: String(issued.issuedAt),
      isValid: true,
      isChannelMatch: true,
    };
    if (wantsJson(req)) return json(200, detail);
    const scopes = Object.entries(detail.scopes)
      .map(([area, level]) => `<${area}>${level}</${area}>`)
      .join('');
    const body =
      `${XML_HEAD}<TokenDetailResponse><expireAt>${detail.expireAt}</expireAt><issuedAt>${detail.issuedAt}</issuedAt>` +
      `<isValid>true</isValid><isChannelMatch>true</isChannelMatch><scopes>${scopes}</scopes></TokenDetailResponse>`;
    return { status: 200, headers: { 'content-type': 'application/xml' }, body };
  }

  return { token, tokenDetail };
}
