/**
 * TikTok Shop's service authorization. Outside OAuth 2.0 on two counts: the
 * token call is a GET with the app key and secret in the query, answered in
 * a `{code, message, data}` envelope with expiry times as Unix timestamps;
 * and API calls are signed (HMAC-SHA256 with the app secret). The shop must
 * be in the market the seller chose (UK or US).
 */
import { createHmac } from 'node:crypto';
import { ConnectError } from '../../domain/errors.js';
import { findRegion } from '../index.js';
import type { TikTokShopProvider } from '../types.js';
import { jsonFrom } from '../../connectors/http.js';
import { urlFrom } from '../../connectors/oauth-code.js';
import { RefreshRefusedError } from '../../connectors/refresh.js';
import type { AuthorizeUrl, ConsentFinish, RefreshCall, TokenSet } from '../../connectors/types.js';

/** TikTok Shop's request signature: sorted `{key}{value}` pairs after the path, wrapped in the secret, HMAC-SHA256 hex. */
export function tiktokSign(path: string, params: Readonly<Record<string, string>>, secret: string, body = ''): string {
  const pairs = Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'access_token')
    .sort()
    .map((k) => `${k}${params[k]}`)
    .join('');
  return createHmac('sha256', secret).update(`${secret}${path}${pairs}${body}${secret}`).digest('hex');
}

async function envelope(res: Response, what: string): Promise<Record<string, any>> {
  if (!res.ok) {
    await res.body?.cancel();
    throw new ConnectError('provider_error', `${what} answered ${res.status}`);
  }
  let body: Record<string, any>;
  try {
    body = (await res.json()) as Record<string, any>;
  } catch {
    throw new ConnectError('provider_error', `${what} answered with something other than JSON`);
  }
  if (body.code !== 0) throw new ConnectError('provider_error', `${what} answered code ${String(body.code)}`);
  return (body.data ?? {}) as Record<string, any>;
}

const unix = (v: unknown) => (typeof v === 'number' && v > 0 ? new Date(v * 1000).toISOString() : undefined);

/** TikTok Shop's authorization page of the chosen market, which takes the Service ID (not the app key). */
export const tiktokShopAuthorizeUrl: AuthorizeUrl<TikTokShopProvider> = (p, { app, account, state }) => {
  const region = findRegion(p, account.region);
  if (!region?.urls?.authorize) throw new ConnectError('wrong_market', `no TikTok Shop market ${account.region}`);
  const url = new URL(region.urls.authorize);
  url.searchParams.set('service_id', app.serviceId ?? '');
  url.searchParams.set('state', state);
  return url.href;
};

// TikTok Shop's envelope codes for a refresh token it no longer knows or that ran out.
const TIKTOK_EXPIRED = 36004001;
const TIKTOK_UNKNOWN = 36004005;

/** TikTok Shop's GET refresh call, answered in a `{code, message, data}` envelope with Unix-timestamp expiries. */
export async function tiktokRefresh(p: TikTokShopProvider, x: RefreshCall): Promise<TokenSet> {
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

/** TikTok Shop's callback: its GET token call and its shops call. */
export const tiktokShopFinish: ConsentFinish<TikTokShopProvider> = {
  readCallback(p, { query }) {
    const code = query[p.callback.code];
    return code ? { code } : { denied: true };
  },
  async exchange(p, { app, code, http }) {
    const url = new URL(p.tokenUrl);
    url.searchParams.set('app_key', app.clientId);
    url.searchParams.set('app_secret', app.clientSecret);
    url.searchParams.set('auth_code', code);
    url.searchParams.set('grant_type', 'authorized_code');
    const res = await http.fetch(url.href, { headers: { accept: 'application/json' } });
    let data: Record<string, any>;
    try {
      data = await envelope(res, 'TikTok Shop token call');
    } catch (err) {
      // An envelope error on the token call is almost always a used or expired code.
      if (err instanceof ConnectError && res.ok) throw new ConnectError('expired', err.reason);
      throw err;
    }
    if (typeof data.access_token !== 'string' || !data.access_token) throw new ConnectError('provider_error', 'TikTok Shop token answer has no access_token');
    const accessTokenExpiresAt = unix(data.access_token_expire_in);
    const refreshTokenExpiresAt = unix(data.refresh_token_expire_in);
    return {
      accessToken: data.access_token,
      ...(typeof data.refresh_token === 'string' ? { refreshToken: data.refresh_token } : {}),
      ...(accessTokenExpiresAt ? { accessTokenExpiresAt } : {}),
      ...(refreshTokenExpiresAt ? { refreshTokenExpiresAt } : {}),
    };
  },
  async identify(p, { app, account, http, tokens, now }) {
    const region = findRegion(p, account.region);
    const url = new URL(urlFrom(p.identity.url, { api: p.apiUrl ?? '' }));
    // The signature covers the path the definition names.
    const path = url.pathname;
    const params: Record<string, string> = { app_key: app.clientId, timestamp: String(Math.floor(now.getTime() / 1000)) };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    url.searchParams.set('sign', tiktokSign(path, params, app.clientSecret));
    const data = await envelope(
      await http.fetch(url.href, { headers: { 'x-tts-access-token': tokens.accessToken, 'content-type': 'application/json', accept: 'application/json' } }),
      'TikTok Shop shops call',
    );
    const shops = Array.isArray(data.shops) ? (data.shops as Record<string, any>[]) : [];
    const shop = shops.find((s) => s.region === region?.urls?.shopRegion);
    if (!shop) throw new ConnectError('wrong_market', `shops in ${shops.map((s) => s.region).join(',') || 'none'}`);
    const name = typeof shop.name === 'string' && shop.name ? shop.name : String(shop.id);
    return {
      id: String(shop.id),
      label: name,
      details: [
        { label: 'Shop', value: name },
        { label: 'Market', value: region?.name ?? String(shop.region) },
      ],
    };
  },
};
