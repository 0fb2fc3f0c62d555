/**
 * The standard token request (RFC 6749 §4.1.3 and §6): form-encoded, with
 * the provider's client authentication (§2.3.1), its answer read as §5.1
 * and §5.2 say; and by hand where a provider steps outside it: Square takes
 * a JSON body. Errors become connect errors the seller can act on.
 */
import { ConnectError } from '../domain/errors.js';
import type { AppCredentials, ProviderHttp } from '../ports/index.js';
import type { TokenRequestStyle } from '../providers/types.js';
import { expiresIn, jsonFrom, str } from './http.js';
import { basic, jsonObject } from './keys.js';
import type { TokenSet } from './types.js';

export interface CodeExchange {
  readonly tokenUrl: string;
  readonly style: TokenRequestStyle;
  readonly app: AppCredentials;
  readonly code: string;
  readonly redirectUri: string;
  readonly codeVerifier?: string | undefined;
  readonly http: ProviderHttp;
  readonly now: Date;
}

/**
 * The token types a token answer may name, lower-cased: a bearer token, and
 * eBay's `"User Access Token"`, a bearer token by another name. Any other
 * (DPoP, MAC) is a token Onramp cannot use.
 */
export const BEARER_TOKEN_TYPES: ReadonlySet<string> = new Set(['bearer', 'user access token']);

/** A token endpoint's refusal (RFC 6749 §5.2): its error code, and its description for the code's meaning only (never logged whole). */
export class TokenEndpointError extends Error {
  override readonly name = 'TokenEndpointError';
  constructor(
    readonly error: string,
    readonly description: string | undefined,
  ) {
    super(`token endpoint: ${error}`);
  }
}

/**
 * A form-encoded token request's fields and headers with the provider's
 * client authentication: the id and secret in the body (`form-body`), in
 * Basic (`form-basic`), or the id alone (`form-public`, a public client
 * proving itself with PKCE).
 */
export function formTokenRequest(style: TokenRequestStyle, app: AppCredentials, fields: Readonly<Record<string, string>>): RequestInit {
  const body = new URLSearchParams(fields);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' };
  switch (style) {
    case 'form-body':
      body.set('client_id', app.clientId);
      body.set('client_secret', app.clientSecret);
      break;
    case 'form-basic':
      // RFC 6749 form-encodes the id and secret inside Basic (so `-` becomes `%2D`); eBay, Xero and
      // Intuit document plain `base64(client_id:client_secret)` and do not decode, so send it plain.
      headers.authorization = basic(app.clientId, app.clientSecret);
      break;
    case 'form-public':
      body.set('client_id', app.clientId);
      break;
    default:
      throw new Error(`${style} is not a form-encoded token request`);
  }
  return { method: 'POST', headers, body: body.toString() };
}

/**
 * Reads a token endpoint's answer: a successful one (RFC 6749 §5.1) as its
 * JSON object, checked (an access token, a bearer token type, an expiry that
 * is a number, a refresh token and scope that are text); a refusal (§5.2, a
 * JSON `error`) as `TokenEndpointError`; anything else as the provider failing.
 */
export async function tokenAnswer(res: Response, what: string): Promise<Record<string, unknown>> {
  const json = jsonObject(await res.text());
  if (res.status !== 200) {
    if (json && typeof json.error === 'string' && json.error) {
      throw new TokenEndpointError(json.error, typeof json.error_description === 'string' ? json.error_description : undefined);
    }
    throw new ConnectError('provider_error', `${what}: answered ${res.status}`);
  }
  const refuse = (why: string): never => {
    throw new ConnectError('provider_error', `${what} not understood (${why})`);
  };
  if (!json) return refuse('not a JSON object');
  if (typeof json.access_token !== 'string' || !json.access_token) return refuse('no access_token');
  if (typeof json.token_type !== 'string' || !BEARER_TOKEN_TYPES.has(json.token_type.toLowerCase())) return refuse('not a bearer token_type');
  if (json.expires_in !== undefined) {
    // As oauth4webapi read it: a number, or text that starts with one.
    const n = typeof json.expires_in === 'number' ? json.expires_in : typeof json.expires_in === 'string' ? Number.parseFloat(json.expires_in) : Number.NaN;
    if (!Number.isFinite(n) || n < 0) return refuse('expires_in is not a number');
  }
  if (json.refresh_token !== undefined && (typeof json.refresh_token !== 'string' || !json.refresh_token)) return refuse('refresh_token is not text');
  if (json.scope !== undefined && typeof json.scope !== 'string') return refuse('scope is not text');
  return json;
}

/**
 * A form-encoded token request and its answer's tokens. A refusal (§5.2) is
 * `TokenEndpointError`, for the caller to say what it means; a server error,
 * an answer that cannot be used, or one that stopped arriving is the
 * provider failing (`ConnectError`), as it is for every other provider call.
 */
export async function formTokenCall(x: {
  readonly http: ProviderHttp;
  readonly url: string;
  readonly style: TokenRequestStyle;
  readonly app: AppCredentials;
  readonly fields: Readonly<Record<string, string>>;
  readonly now: Date;
  readonly what: string;
}): Promise<TokenSet> {
  const response = await x.http.fetch(x.url, formTokenRequest(x.style, x.app, x.fields));
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new ConnectError('provider_error', `${x.what}: answered ${response.status}`);
  }
  try {
    return tokenSet(await tokenAnswer(response, x.what), x.now, x.what);
  } catch (err) {
    if (err instanceof TokenEndpointError || err instanceof ConnectError) throw err;
    // The answer's body stopped arriving (the call's timeout covers it), or held a date that is not one.
    const name = (err as Error)?.name;
    throw new ConnectError(name === 'TimeoutError' || name === 'AbortError' ? 'provider_timeout' : 'provider_error', `${x.what} not understood (${name})`);
  }
}

export function tokenSet(body: Record<string, any>, now: Date, what: string): TokenSet {
  const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : undefined;
  const accessTokenExpiresAt = typeof body.expires_at === 'string' ? new Date(body.expires_at).toISOString() : expiresIn(now, body.expires_in);
  const refreshTokenExpiresAt =
    typeof body.refresh_token_expires_at === 'string'
      ? new Date(body.refresh_token_expires_at).toISOString()
      : expiresIn(now, body.refresh_token_expires_in ?? body.x_refresh_token_expires_in);
  return {
    accessToken: str(body, 'access_token', what),
    ...(refreshToken ? { refreshToken } : {}),
    ...(accessTokenExpiresAt ? { accessTokenExpiresAt } : {}),
    ...(refreshTokenExpiresAt ? { refreshTokenExpiresAt } : {}),
  };
}

/** Exchanges an authorization code for tokens with the provider's token request style. */
export async function exchangeCode(x: CodeExchange): Promise<TokenSet> {
  if (x.style === 'json-body') {
    const res = await x.http.fetch(x.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        client_id: x.app.clientId,
        client_secret: x.app.clientSecret,
        code: x.code,
        grant_type: 'authorization_code',
        redirect_uri: x.redirectUri,
        ...(x.codeVerifier ? { code_verifier: x.codeVerifier } : {}),
      }),
    });
    if (res.status === 400 || res.status === 401) {
      await res.body?.cancel();
      throw new ConnectError('expired', `token endpoint refused the code (${res.status})`);
    }
    return tokenSet(await jsonFrom(res, 'token endpoint'), x.now, 'token answer');
  }
  if (x.style === 'get-query') throw new Error('get-query token requests are TikTok Shop\u2019s own; see tiktok-shop.ts');
  const fields: Record<string, string> = { grant_type: 'authorization_code', code: x.code, redirect_uri: x.redirectUri };
  if (x.codeVerifier) fields.code_verifier = x.codeVerifier;
  try {
    // Our own store checked the state (single-use, bound to the seller) before the code was sent.
    return await formTokenCall({ http: x.http, url: x.tokenUrl, style: x.style, app: x.app, fields, now: x.now, what: 'token answer' });
  } catch (err) {
    // invalid_grant: the code was used, expired, or is not ours. The seller starts again.
    if (err instanceof TokenEndpointError) throw new ConnectError(err.error === 'invalid_grant' ? 'expired' : 'provider_error', `token endpoint: ${err.error}`);
    throw err;
  }
}
