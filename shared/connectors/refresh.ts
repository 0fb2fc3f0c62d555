/**
 * Each provider's own refresh call, its answer sorted into three outcomes:
 * new tokens; a refusal that only the seller can mend (`RefreshRefusedError`
 * with the reason); or the provider failing for now (`ConnectError`
 * `provider_error` / `provider_timeout`, to be retried). The standard grant
 * goes through oauth4webapi; Square's JSON request, Shopify's per-shop JSON
 * request and TikTok Shop's GET in an envelope are made as each documents.
 */
import * as oauth from 'oauth4webapi';
import { ConnectError } from '../domain/errors.js';
import { jsonFrom } from './http.js';
import { clientAuth, recognizedTokenTypes, tokenSet } from './token.js';
import type { TokenSet } from './types.js';
import type { AppCredentials, ProviderHttp } from '../ports/index.js';
import { SHOP_DOMAIN_FIELD } from '../providers/fields.js';
import type { OAuthProviderDefinition, TikTokShopProvider } from '../providers/types.js';
import type { ReconnectReason } from '../domain/health.js';

/** The provider refused the refresh: the seller must consent again. */
export class RefreshRefusedError extends Error {
  override readonly name = 'RefreshRefusedError';
  constructor(
    readonly reason: ReconnectReason,
    /** For logs: the provider's error code, never its free text or a token. */
    readonly code: string,
  ) {
    super(`refresh refused: ${code}`);
  }
}

export interface RefreshCall {
  readonly app: AppCredentials;
  readonly http: ProviderHttp;
  readonly now: Date;
  readonly refreshToken: string;
  /** The account's store fields (Shopify's shop). */
  readonly fields: Readonly<Record<string, string>>;
}

const unavailable = (status: number) => new ConnectError('provider_error', `refresh answered ${status}`);

async function standardRefresh(p: OAuthProviderDefinition, x: RefreshCall): Promise<TokenSet> {
  const as: oauth.AuthorizationServer = { issuer: new URL(p.tokenUrl).origin, token_endpoint: p.tokenUrl };
  const client: oauth.Client = { client_id: x.app.clientId };
  const options = {
    [oauth.customFetch]: (url: string, init: RequestInit) => x.http.fetch(url, init),
    ...(p.scopeOnRefresh ? { additionalParameters: { scope: p.scopes.join(p.scopeSeparator) } } : {}),
  } as oauth.TokenEndpointRequestOptions;
  const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth(p.tokenRequest, x.app), x.refreshToken, options);
  if (response.status >= 500) {
    await response.body?.cancel();
    throw unavailable(response.status);
  }
  try {
    const body = await oauth.processRefreshTokenResponse(as, client, response, { recognizedTokenTypes });
    return tokenSet(body as unknown as Record<string, any>, x.now, 'refresh answer');
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant') {
      const described = typeof err.error_description === 'string' && /expired/i.test(err.error_description);
      throw new RefreshRefusedError(described ? 'refresh_token_expired' : 'consent_revoked', err.error);
    }
    if (err instanceof oauth.ResponseBodyError) throw new ConnectError('provider_error', `refresh: ${err.error}`);
    throw new ConnectError('provider_error', `refresh answer not understood (${(err as Error)?.name})`);
  }
}

/** Square's JSON refresh request; a refusal is a 401 with `UNAUTHORIZED`-category errors. */
async function squareRefresh(p: OAuthProviderDefinition, x: RefreshCall): Promise<TokenSet> {
  const res = await x.http.fetch(p.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ client_id: x.app.clientId, client_secret: x.app.clientSecret, grant_type: 'refresh_token', refresh_token: x.refreshToken }),
  });
  if (res.status === 401 || res.status === 400) {
    const text = await res.text();
    throw new RefreshRefusedError(/expired/i.test(text) ? 'refresh_token_expired' : 'consent_revoked', `http_${res.status}`);
  }
  return tokenSet(await jsonFrom(res, 'Square token endpoint'), x.now, 'refresh answer');
}

/** Shopify's refresh of an expiring offline token, on the shop's own host; a refused token means the app is gone from the shop. */
async function shopifyRefresh(p: Extract<OAuthProviderDefinition, { kind: 'shopify-install' }>, x: RefreshCall): Promise<TokenSet> {
  const shop = x.fields[SHOP_DOMAIN_FIELD.key] ?? '';
  const res = await x.http.fetch(`https://${shop}${p.tokenPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ client_id: x.app.clientId, client_secret: x.app.clientSecret, grant_type: 'refresh_token', refresh_token: x.refreshToken }),
  });
  if (res.status === 400 || res.status === 401) {
    await res.body?.cancel();
    throw new RefreshRefusedError('app_uninstalled', `http_${res.status}`);
  }
  return tokenSet(await jsonFrom(res, 'Shopify token endpoint'), x.now, 'refresh answer');
}

// TikTok Shop's envelope codes for a refresh token it no longer knows or that ran out.
const TIKTOK_EXPIRED = 36004001;
const TIKTOK_UNKNOWN = 36004005;

/** TikTok Shop's GET refresh call, answered in a `{code, message, data}` envelope with Unix-timestamp expiries. */
async function tiktokRefresh(p: TikTokShopProvider, x: RefreshCall): Promise<TokenSet> {
  const url = new URL(p.refreshUrl);
  url.searchParams.set('app_key', x.app.clientId);
  url.searchParams.set('app_secret', x.app.clientSecret);
  url.searchParams.set('refresh_token', x.refreshToken);
  url.searchParams.set('grant_type', 'refresh_token');
  const body = await jsonFrom(await x.http.fetch(url.href, { headers: { accept: 'application/json' } }), 'TikTok Shop refresh call');
  if (body.code === TIKTOK_EXPIRED) throw new RefreshRefusedError('refresh_token_expired', String(body.code));
  if (body.code === TIKTOK_UNKNOWN) throw new RefreshRefusedError('consent_revoked', String(body.code));
  if (body.code !== 0) throw new ConnectError('provider_error', `TikTok Shop refresh answered code ${String(body.code)}`);
  const data = (body.data ?? {}) as Record<string, any>;
  const unix = (v: unknown) => (typeof v === 'number' && v > 0 ? new Date(v * 1000).toISOString() : undefined);
  if (typeof data.access_token !== 'string' || !data.access_token) throw new ConnectError('provider_error', 'TikTok Shop refresh answer has no access_token');
  const accessTokenExpiresAt = unix(data.access_token_expire_in);
  const refreshTokenExpiresAt = unix(data.refresh_token_expire_in);
  return {
    accessToken: data.access_token,
    ...(typeof data.refresh_token === 'string' && data.refresh_token ? { refreshToken: data.refresh_token } : {}),
    ...(accessTokenExpiresAt ? { accessTokenExpiresAt } : {}),
    ...(refreshTokenExpiresAt ? { refreshTokenExpiresAt } : {}),
  };
}

type Refresh<P extends OAuthProviderDefinition> = (p: P, x: RefreshCall) => Promise<TokenSet>;

/** Each kind of provider's refresh call (the standard flow's by its token request style: Square's is JSON). */
const REFRESH: { [K in OAuthProviderDefinition['kind']]: Refresh<Extract<OAuthProviderDefinition, { kind: K }>> } = {
  'oauth-code': (p, x) => (p.tokenRequest === 'json-body' ? squareRefresh(p, x) : standardRefresh(p, x)),
  'amazon-consent': standardRefresh,
  'shopify-install': shopifyRefresh,
  'tiktok-shop': tiktokRefresh,
};

/** Refreshes with the provider's own call. A provider that does not rotate answers no refresh token: the old one stays. */
export async function providerRefresh(p: OAuthProviderDefinition, x: RefreshCall): Promise<TokenSet> {
  const tokens = await (REFRESH[p.kind] as Refresh<OAuthProviderDefinition>)(p, x);
  return { ...tokens, refreshToken: tokens.refreshToken ?? x.refreshToken };
}
