/**
 * The daily check of credentials that nothing refreshes: each provider's
 * cheapest authenticated call, made with the stored credentials, its answer
 * sorted into three outcomes, as a refresh's is: they work; a refusal only
 * the seller can mend (`CheckRefusedError`, with the reason); or the provider
 * failing for now (`ConnectError` `provider_error` / `provider_timeout`, to be
 * retried on the next run, changing nothing).
 *
 * - Walmart (Delegated Access keys, docs/providers.md §7.1): the `client_credentials`
 *   token request, as the key check at connect time makes it (Basic auth, the
 *   `WM_*` headers, the account's market). Walmart answers 401
 *   `UNAUTHORIZED.GMP_GATEWAY_API` (or 403) to keys that were reset or deleted:
 *   `keys_rotated`.
 * - WooCommerce (REST API keys, §8.3-8.4): `GET wc/v3/system_status` on the
 *   store, through the SSRF-guarded store client, with `_fields=security`:
 *   WordPress's `_fields` parameter makes WooCommerce (3.9 and later) compute
 *   only that section, not the environment's remote self-tests. The
 *   permission check is the same (`manage_woocommerce`). WooCommerce's own
 *   401/403 refusals (`woocommerce_rest_cannot_view` for a deleted key, which
 *   leaves the request anonymous; `woocommerce_rest_authentication_error`
 *   for a changed secret or permission; 403 for a user who may no longer
 *   manage the shop): `keys_rotated`.
 * - Shopify (non-expiring offline token, §3.3-3.4): the GraphQL `shop` query,
 *   as the identity check makes it. Shopify answers 401 to a token whose app
 *   was uninstalled: `app_uninstalled`.
 *
 * Anything else (a 5xx, a timeout, an unreachable store, a redirect, a
 * refusal by something other than the provider, such as a security plugin
 * closing the REST API) is the provider failing for now: nothing is marked
 * on an answer the provider does not document as a refusal of the credentials.
 */
import { ConnectError } from '../domain/errors.js';
import { KeyCheckError, StoreRequestError } from '../domain/key-errors.js';
import { basic, jsonObject } from './keys.js';
import { mintToken } from '../providers/walmart/keys.js';
import { routeUrl } from '../providers/woocommerce/keys.js';
import type { ProviderHttp, StoreHttp } from '../ports/index.js';
import { SHOP_DOMAIN_FIELD } from '../providers/fields.js';
import { shopify } from '../providers/shopify/definition.js';
import { walmart } from '../providers/walmart/definition.js';
import { woocommerce } from '../providers/woocommerce/definition.js';
import type { ReconnectReason } from '../domain/health.js';

/** The provider refused the stored credentials: the seller must give new ones (or install the app again). */
export class CheckRefusedError extends Error {
  override readonly name = 'CheckRefusedError';
  constructor(
    readonly reason: ReconnectReason,
    /** For logs: the provider's status and error code, never its free text or a credential. */
    readonly code: string,
  ) {
    super(`credentials refused: ${code}`);
  }
}

export interface CheckCall {
  /** The connection's secret, as stored: the credentials themselves. */
  readonly stored: Readonly<Record<string, string>>;
  /** The account's store fields (Shopify's shop). */
  readonly fields: Readonly<Record<string, string>>;
  readonly http: ProviderHttp;
  readonly stores: StoreHttp | undefined;
}

const failing = (reason: string) => new ConnectError('provider_error', reason);

/** Walmart: one token request with the stored client id and secret, in their market. */
async function walmartCheck(x: CheckCall): Promise<void> {
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

/** WooCommerce's refusals of the keys themselves (its REST authentication and permission checks). */
const WOO_REFUSALS = /^woocommerce_rest_(authentication_error|cannot_view)$/;

/** WooCommerce: one system_status read, of its cheapest section, on the store the keys were checked on. */
async function woocommerceCheck(x: CheckCall): Promise<void> {
  const { storeUrl, consumerKey, consumerSecret } = x.stored;
  if (!storeUrl || !consumerKey || !consumerSecret) throw new CheckRefusedError('keys_rotated', 'no_keys_stored');
  if (!x.stores) throw new Error('The WooCommerce check needs the store client');
  const url = new URL(routeUrl({ base: storeUrl, style: x.stored.restStyle === 'query' ? 'query' : 'path' }, woocommerce.keys.endpoints.systemStatus));
  url.searchParams.set('_fields', 'security');
  let res;
  try {
    // The keys go only where they were checked, and follow no redirect (the store client's SSRF guard applies to every request).
    res = await x.stores.get(url.href, { headers: { authorization: basic(consumerKey, consumerSecret) }, followRedirects: false });
  } catch (err) {
    if (err instanceof StoreRequestError) throw new ConnectError(err.failure === 'timeout' ? 'provider_timeout' : 'provider_error', `store ${err.failure}`);
    throw err;
  }
  const body = jsonObject(res.body);
  if (res.status === 200 && body) return;
  const code = typeof body?.code === 'string' ? body.code : undefined;
  if ((res.status === 401 || res.status === 403) && code && WOO_REFUSALS.test(code)) throw new CheckRefusedError('keys_rotated', `http_${res.status} ${code}`);
  throw failing(`system_status answered ${res.status}${code ? ` ${code}` : ''}`);
}

/** Shopify: the GraphQL shop query with the stored offline token. */
async function shopifyCheck(x: CheckCall): Promise<void> {
  const shop = x.fields[SHOP_DOMAIN_FIELD.key] ?? '';
  const token = x.stored.accessToken;
  if (!shop || !token) throw new CheckRefusedError('app_uninstalled', 'no_token_stored');
  const res = await x.http.fetch(`https://${shop}/admin/api/${shopify.apiVersion}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify({ query: '{ shop { id } }' }),
  });
  const text = await res.text().catch(() => '');
  if (res.status === 401) throw new CheckRefusedError('app_uninstalled', 'http_401');
  const body = jsonObject(text);
  if (res.status === 200 && body?.data?.shop) return;
  throw failing(`shop query answered ${res.status}`);
}

/** Each checked provider's call (the providers the calendar marks `checked`). */
export const CHECKS: Readonly<Record<string, (x: CheckCall) => Promise<void>>> = {
  walmart: walmartCheck,
  woocommerce: woocommerceCheck,
  shopify: shopifyCheck,
};

/** Checks the stored credentials with the provider: returns when they work, throws otherwise. */
export async function providerCheck(provider: string, x: CheckCall): Promise<void> {
  const check = CHECKS[provider];
  if (!check) throw new Error(`No check for ${provider}`);
  await check(x);
}
