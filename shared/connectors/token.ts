/**
 * The standard token request (RFC 6749 §4.1.3), through oauth4webapi for the
 * form-encoded styles, and by hand where a provider steps outside it: Square
 * takes a JSON body. Errors become connect errors the seller can act on.
 */
import * as oauth from 'oauth4webapi';
import { ConnectError } from '../domain/errors.js';
import type { AppCredentials, ProviderHttp } from '../ports/index.js';
import type { TokenRequestStyle } from '../providers/types.js';
import { expiresIn, jsonFrom, str } from './http.js';
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

// eBay answers `token_type: "User Access Token"`, a bearer token by another name.
export const recognizedTokenTypes: oauth.RecognizedTokenTypes = { 'user access token': () => undefined };

export function clientAuth(style: TokenRequestStyle, app: AppCredentials): oauth.ClientAuth {
  switch (style) {
    case 'form-body':
      return oauth.ClientSecretPost(app.clientSecret);
    case 'form-basic':
      // RFC 6749 form-encodes the id and secret inside Basic (so `-` becomes `%2D`); eBay, Xero and
      // Intuit document plain `base64(client_id:client_secret)` and do not decode, so send it plain.
      return (_as, client, _body, headers) => {
        headers.set('authorization', `Basic ${Buffer.from(`${client.client_id}:${app.clientSecret}`).toString('base64')}`);
      };
    case 'form-public':
      return oauth.None();
    default:
      throw new Error(`${style} is not a form-encoded token request`);
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
  const as: oauth.AuthorizationServer = { issuer: new URL(x.tokenUrl).origin, token_endpoint: x.tokenUrl };
  const client: oauth.Client = { client_id: x.app.clientId };
  const options = { [oauth.customFetch]: (url: string, init: RequestInit) => x.http.fetch(url, init) } as oauth.TokenEndpointRequestOptions;
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth(x.style, x.app),
    // Our own store checked the state (single-use, bound to the seller); oauth4webapi checks the rest.
    oauth.validateAuthResponse(as, client, new URLSearchParams({ code: x.code }), oauth.skipStateCheck),
    x.redirectUri,
    x.codeVerifier ?? oauth.nopkce,
    options,
  );
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new ConnectError('provider_error', `token endpoint answered ${response.status}`);
  }
  try {
    const body = await oauth.processAuthorizationCodeResponse(as, client, response, { recognizedTokenTypes });
    return tokenSet(body as unknown as Record<string, any>, x.now, 'token answer');
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError) {
      // invalid_grant: the code was used, expired, or is not ours. The seller starts again.
      throw new ConnectError(err.error === 'invalid_grant' ? 'expired' : 'provider_error', `token endpoint: ${err.error}`);
    }
    throw new ConnectError('provider_error', `token answer not understood (${(err as Error)?.name})`);
  }
}
