/**
 * WooCommerce REST API keys (docs/providers.md §8.3, §8.4). First the store is
 * found without sending any key: the WordPress REST index at `/wp-json/`
 * (or `?rest_route=/` where pretty permalinks are off) must answer and list
 * the `wc/v3` namespace; redirects are followed there, through the SSRF
 * guard, so the keys go only to where the store really lives. Then the keys
 * are checked with one authenticated call (`system_status`, Basic auth, no
 * redirects), whose WordPress error codes say what is wrong with them.
 */
import { KeyCheckError, StoreRequestError, type KeyCheckCode } from '../../domain/key-errors.js';
import type { StoreHttp, StoreResponse } from '../../ports/index.js';
import type { woocommerce } from './definition.js';
import { basic, jsonObject, lastFour, type KeyConnection } from '../../connectors/keys.js';

type WooCommerce = typeof woocommerce;

/** A store whose REST API answered: its base URL, and how its REST routes are addressed. */
export interface WooStore {
  readonly base: string;
  /** `path`: `<base>/wp-json/<route>`; `query`: `<base>/?rest_route=/<route>` (plain permalinks). */
  readonly style: 'path' | 'query';
  /** The site's name, from its REST index. */
  readonly name: string | undefined;
}

export interface WooKeys {
  readonly consumerKey: string;
  readonly consumerSecret: string;
}

const FAILURES: Record<StoreRequestError['failure'], KeyCheckCode> = {
  refused: 'store_url_invalid',
  private_address: 'store_url_private',
  not_found: 'store_not_found',
  unreachable: 'store_unreachable',
  tls: 'store_tls',
  timeout: 'store_timeout',
  redirects: 'store_error',
  too_large: 'store_error',
};

/** GETs from the store; a refusal or failure becomes the key check's outcome. */
async function get(stores: StoreHttp, url: string, options: Parameters<StoreHttp['get']>[1]): Promise<StoreResponse> {
  try {
    return await stores.get(url, options);
  } catch (err) {
    if (err instanceof StoreRequestError) {
      const code: KeyCheckCode = err.failure === 'refused' && err.refusal ? `store_url_${err.refusal}` : FAILURES[err.failure];
      throw new KeyCheckError(code, err.message);
    }
    throw err;
  }
}

/** The REST route's URL on a found store. */
export function routeUrl(store: Pick<WooStore, 'base' | 'style'>, route: string): string {
  return store.style === 'path' ? `${store.base}/wp-json/${route}` : `${store.base}/?rest_route=/${route}`;
}

/** A WordPress REST index answer, or undefined. */
const restIndex = (res: StoreResponse) => {
  const body = res.status === 200 ? jsonObject(res.body) : undefined;
  return body && Array.isArray(body.namespaces) ? body : undefined;
};

/** A WordPress REST error (`{code, message, data: {status}}`): the REST API is there, but refused. */
const restError = (res: StoreResponse) => {
  const body = jsonObject(res.body);
  return body && typeof body.code === 'string' && typeof body.message === 'string' ? body : undefined;
};

/** Signs of WordPress in a page that has no REST API to ask. */
const looksLikeWordPress = (res: StoreResponse) => /api\.w\.org/.test(res.headers.link ?? '') || /wp-content|wp-includes|wp-json|wordpress/i.test(res.body);

/** Finds the WooCommerce REST API of the store at `base`; no key is sent. */
export async function findStore(p: WooCommerce, base: string, stores: StoreHttp, signal?: AbortSignal): Promise<WooStore> {
  const opts = { followRedirects: true, ...(signal ? { signal } : {}) };
  const pretty = await get(stores, `${base}${p.keys.endpoints.restIndex}`, opts);
  let index = restIndex(pretty);
  let found: WooStore | undefined;
  if (index) {
    // Where the index answered from, after redirects, is where the store lives.
    const at = new URL(pretty.url);
    found = { base: `${at.origin}${at.pathname.replace(/\/wp-json\/?$/, '')}`, style: 'path', name: undefined };
  }
  if (!index && (pretty.status === 401 || pretty.status === 403) && restError(pretty)) {
    // The index is closed to visitors (a security plugin), but the WooCommerce routes may still take keys:
    // the authenticated call decides, where the index answered (every redirect on the way was checked).
    const at = new URL(pretty.url);
    return { base: `${at.origin}${at.pathname.replace(/\/wp-json\/?$/, '')}`.replace(/\/+$/, ''), style: 'path', name: undefined };
  }
  let plain: StoreResponse | undefined;
  if (!index) {
    plain = await get(stores, `${base}/?rest_route=/`, opts);
    index = restIndex(plain);
    if (index) {
      const at = new URL(plain.url);
      found = { base: `${at.origin}${at.pathname.replace(/\/+$/, '')}`, style: 'query', name: undefined };
    }
  }
  if (!index || !found) {
    throw new KeyCheckError(looksLikeWordPress(pretty) || (plain && looksLikeWordPress(plain)) ? 'store_rest_off' : 'store_not_wordpress', `REST index answered ${pretty.status}`);
  }
  if (!(index.namespaces as unknown[]).includes(p.keys.endpoints.namespace)) throw new KeyCheckError('store_no_woocommerce', 'no wc/v3 namespace');
  return { ...found, base: found.base.replace(/\/+$/, ''), name: typeof index.name === 'string' && index.name.trim() ? index.name.trim() : undefined };
}

/** One authenticated read; the answer, never followed elsewhere. */
const statusCall = (p: WooCommerce, store: WooStore, keys: WooKeys, stores: StoreHttp, signal?: AbortSignal) =>
  get(stores, routeUrl(store, p.keys.endpoints.systemStatus), {
    headers: { authorization: basic(keys.consumerKey, keys.consumerSecret) },
    followRedirects: false,
    ...(signal ? { signal } : {}),
  });

/** Checks the keys on a found store; what to keep and show when they may read it. */
export async function checkWooKeys(p: WooCommerce, store: WooStore, keys: WooKeys, stores: StoreHttp, signal?: AbortSignal): Promise<KeyConnection> {
  const res = await statusCall(p, store, keys, stores, signal);
  const body = jsonObject(res.body);
  if (res.status === 200 && body && body.environment && typeof body.environment === 'object') {
    const host = new URL(store.base).host;
    const name = store.name ?? host;
    return {
      label: `${p.name}: ${name}`,
      identity: `${p.id}:${store.base.toLowerCase()}`,
      details: [
        { label: 'Store', value: name },
        { label: 'Store URL', value: store.base },
        { label: 'Consumer Key', value: lastFour(keys.consumerKey) },
      ],
      credentials: { storeUrl: store.base, restStyle: store.style, consumerKey: keys.consumerKey, consumerSecret: keys.consumerSecret },
    };
  }
  const code = typeof body?.code === 'string' ? body.code : undefined;
  const why = `system_status answered ${res.status}${code ? ` ${code}` : ''}`;
  if (!code) throw new KeyCheckError(res.status >= 500 ? 'store_error' : 'store_rest_off', why);
  if (code === 'rest_no_route') throw new KeyCheckError('store_no_woocommerce', why);
  if (code === 'woocommerce_rest_authentication_error') {
    // The key is known (an unknown one is treated as no key at all): either its secret is wrong,
    // or it may not read. The messages are translated, so compare with a secret that is surely wrong.
    if (/read permission/i.test(String(body?.message ?? ''))) throw new KeyCheckError('keys_no_read', why);
    const probe = jsonObject((await statusCall(p, store, { consumerKey: keys.consumerKey, consumerSecret: 'cs_0' }, stores, signal)).body);
    throw new KeyCheckError(probe?.message === body?.message ? 'keys_wrong_secret' : 'keys_no_read', why);
  }
  // WordPress's own refusals (`rest_forbidden`, a plugin's `rest_cannot_access`): something other than WooCommerce blocks the API.
  if (code.startsWith('rest_')) throw new KeyCheckError('store_rest_off', why);
  if (res.status === 401) throw new KeyCheckError('keys_unknown', why);
  if (res.status === 403) throw new KeyCheckError('keys_not_manager', why);
  throw new KeyCheckError('store_error', why);
}
