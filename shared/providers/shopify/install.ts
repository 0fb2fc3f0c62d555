/**
 * Shopify's install flow, on the shop's own host. The callback is signed:
 * its HMAC (over every parameter but `hmac` and `signature`, sorted, with the
 * app's secret) is checked in constant time, with a fresh timestamp and a
 * `*.myshopify.com` shop that is the one the seller entered, before the code
 * is used. The token request is a JSON POST whose answer has no `token_type`,
 * so it is made here rather than through the generic client.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConnectError } from '../../domain/errors.js';
import { SHOP_DOMAIN_FIELD } from '../fields.js';
import type { ShopifyInstallProvider } from '../types.js';
import { jsonFrom, str } from '../../connectors/http.js';
import { urlFrom } from '../../connectors/oauth-code.js';
import { RefreshRefusedError } from '../../connectors/refresh.js';
import { tokenSet } from '../../connectors/token.js';
import type { AuthorizeUrl, ConsentFinish, RefreshCall, TokenSet } from '../../connectors/types.js';

/** Whether the callback's HMAC is the one Shopify computes with `secret`. */
export function shopifyHmacValid(query: Readonly<Record<string, string>>, secret: string): boolean {
  const given = query.hmac;
  if (!given || !/^[0-9a-f]{64}$/i.test(given)) return false;
  const message = new URLSearchParams(
    Object.entries(query)
      .filter(([k]) => k !== 'hmac' && k !== 'signature')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  )
    .toString()
    .replace(/\+/g, '%20');
  const expected = createHmac('sha256', secret).update(message).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** The shop the seller entered (its `*.myshopify.com` domain). */
export const shopOf = (account: { fields: Readonly<Record<string, string>> }) => account.fields[SHOP_DOMAIN_FIELD.key] ?? '';

/** Shopify's install page, on the shop's own host. */
export const shopifyAuthorizeUrl: AuthorizeUrl<ShopifyInstallProvider> = (p, { app, account, state, redirectUri }) => {
  const url = new URL(p.authorizePath, `https://${shopOf(account)}`);
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('scope', p.scopes.join(p.scopeSeparator));
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', state);
  return url.href;
};

/** Shopify's refresh of an expiring offline token, on the shop's own host; a refused token means the app is gone from the shop. */
export async function shopifyRefresh(p: ShopifyInstallProvider, x: RefreshCall): Promise<TokenSet> {
  const shop = x.fields[SHOP_DOMAIN_FIELD.key] ?? '';
  const res = await x.http.fetch(urlFrom(p.tokenUrl, { shop }), {
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

/** Shopify's callback: its HMAC checked first, the code exchanged on the shop's host, and the shop query. */
export const shopifyFinish: ConsentFinish<ShopifyInstallProvider> = {
  readCallback(p, { app, query, now }) {
    if (!query[p.callback.code]) return { denied: true };
    if (!shopifyHmacValid(query, app.clientSecret)) throw new ConnectError('bad_signature', 'HMAC does not match');
    const ts = Number(query.timestamp);
    if (!Number.isFinite(ts) || Math.abs(now.getTime() / 1000 - ts) > p.hmacMaxAgeSeconds) throw new ConnectError('bad_signature', 'stale timestamp');
    if (!SHOP_DOMAIN_FIELD.pattern.test(query.shop ?? '')) throw new ConnectError('bad_signature', 'shop outside myshopify.com');
    return { code: query[p.callback.code]! };
  },
  async exchange(p, { app, account, query, code, http, now }) {
    // A signed callback for another shop than the seller entered is refused before its code is used.
    if (query.shop !== shopOf(account)) throw new ConnectError('wrong_shop', 'callback shop differs');
    const res = await http.fetch(urlFrom(p.tokenUrl, { shop: shopOf(account) }), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ client_id: app.clientId, client_secret: app.clientSecret, code }),
    });
    if (res.status === 400 || res.status === 401) {
      await res.body?.cancel();
      throw new ConnectError('expired', `token endpoint refused the code (${res.status})`);
    }
    const body = await jsonFrom(res, 'Shopify token endpoint');
    const seconds = Number(body.expires_in);
    return {
      accessToken: str(body, 'access_token', 'Shopify token answer'),
      ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
      ...(Number.isFinite(seconds) && seconds > 0 ? { accessTokenExpiresAt: new Date(now.getTime() + seconds * 1000).toISOString() } : {}),
    };
  },
  async identify(p, { account, http, tokens }) {
    const shop = shopOf(account);
    const res = await http.fetch(urlFrom(p.identity.url, { shop, version: p.apiVersion }), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': tokens.accessToken },
      body: JSON.stringify({ query: '{ shop { id name myshopifyDomain } }' }),
    });
    const body = await jsonFrom(res, 'Shopify shop query');
    const data = (body.data?.shop ?? {}) as Record<string, any>;
    const domain = str(data, 'myshopifyDomain', 'Shopify shop');
    if (domain.toLowerCase() !== shop) throw new ConnectError('wrong_shop', 'token is for another shop');
    const name = typeof data.name === 'string' && data.name ? data.name : domain;
    return { id: domain.toLowerCase(), label: name, details: [{ label: 'Shop', value: name }, { label: 'Shopify address', value: domain }] };
  },
};
