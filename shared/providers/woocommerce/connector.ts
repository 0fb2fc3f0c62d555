/**
 * WooCommerce's calls (docs/providers.md §8).
 *
 * - Keys (§8.3-8.4): the store is found first, with no key sent (its REST
 *   index must answer as WooCommerce), then the keys are checked on it with
 *   one authenticated read (`keys.ts`); for a reconnect they must be of the
 *   same store. One-click creation (§8.1): the store's approval page, and the
 *   keys it posts, checked the same way.
 * - The daily check: `GET wc/v3/system_status` on the store, through the
 *   SSRF-guarded store client, with `_fields=security`: WordPress's `_fields`
 *   makes WooCommerce (3.9 and later) compute only that section, not the
 *   environment's remote self-tests, under the same permission check
 *   (`manage_woocommerce`). WooCommerce's own 401/403 refusals
 *   (`woocommerce_rest_cannot_view` for a deleted key, which leaves the
 *   request anonymous; `woocommerce_rest_authentication_error` for a changed
 *   secret or permission; 403 for a user who may no longer manage the shop):
 *   `keys_rotated`. A refusal by anything else (a security plugin closing
 *   the REST API) is the store failing for now.
 */
import { CheckRefusedError, failing, type CheckCall } from '../../connectors/check.js';
import { basic, jsonObject, type KeyConnection, type KeyTarget, type KeysStrategy } from '../../connectors/keys.js';
import { ConnectError, ValidationError } from '../../domain/errors.js';
import { KeyCheckError, StoreRequestError } from '../../domain/key-errors.js';
import { normaliseStoreUrl } from '../../domain/store-url.js';
import { woocommerce } from './definition.js';
import { checkWooKeys, findStore, routeUrl } from './keys.js';

type WooCommerce = typeof woocommerce;

/** The store the keys are for: the account's own address, or the one first given with them. */
interface StoreTarget extends KeyTarget {
  readonly url: string;
  readonly isNew: boolean;
}

/** WooCommerce's key permissions, in its own words. */
const PERMISSIONS: Record<string, string> = { read: 'Read', write: 'Write', read_write: 'Read/Write' };

export const keys: KeysStrategy<WooCommerce, StoreTarget> = {
  timeout: 'store_timeout',
  /**
   * The store to connect: the account's own address, or (when it has none)
   * the one in the request, normalised and checked by the SSRF guard's rules.
   */
  target(_p, { account, requested, allowLocalStores }) {
    const rules = { allowLocal: allowLocalStores };
    const saved = account.fields.storeUrl;
    const asked = requested.storeUrl;
    if (saved) {
      const own = normaliseStoreUrl(saved, rules);
      if ('refusal' in own) throw new KeyCheckError(`store_url_${own.refusal}`, undefined, { storeUrl: saved, accountStoreUrl: saved });
      if (asked !== undefined && asked.trim() !== '') {
        const other = normaliseStoreUrl(asked, rules);
        if (!('url' in other) || other.url.toLowerCase() !== own.url.toLowerCase()) throw new KeyCheckError('store_url_other', undefined, { accountStoreUrl: saved });
      }
      return { url: own.url, isNew: false, context: { storeUrl: own.url, accountStoreUrl: saved } };
    }
    if (asked === undefined || asked.trim() === '') {
      const message = 'Enter your store\u2019s address, like https://shop.example.com.';
      throw new ValidationError(message, { storeUrl: message });
    }
    const given = normaliseStoreUrl(asked, rules);
    if ('refusal' in given) throw new KeyCheckError(`store_url_${given.refusal}`, undefined, { storeUrl: asked.trim() });
    return { url: given.url, isNew: true, context: { storeUrl: given.url } };
  },
  // The store is found first, then the keys are checked on it: keys are only sent to a store that passed.
  async check(p, target, pasted, io, signal, connection) {
    const store = await findStore(p, target.url, io.stores, signal);
    const checked = await checkWooKeys(p, store, { consumerKey: pasted.consumerKey ?? '', consumerSecret: pasted.consumerSecret ?? '' }, io.stores, signal);
    // The store the keys work on must be the one connected (it may have moved its address since).
    if (connection?.identity && checked.identity !== connection.identity) throw new KeyCheckError('store_url_other', 'keys for another store');
    return target.isNew ? { ...checked, fields: { storeUrl: store.base } } : checked;
  },
  automatic: {
    async approvalUrl(p, target, params, io, signal) {
      // The store must answer as a WooCommerce store before the seller is sent there.
      const store = await findStore(p, target.url, io.stores, signal);
      const authorizePath = p.keys.automatic.authorizePath;
      // With plain permalinks WooCommerce reads the same route from its query variables.
      const url =
        store.style === 'path'
          ? `${store.base}${authorizePath}?${params}`
          : `${store.base}/?wc-auth-version=1&wc-auth-route=${authorizePath.split('/').pop()}&${params}`;
      return { url, base: store.base };
    },
    async checkPosted(p, base, posted, io, signal, connection): Promise<KeyConnection> {
      const store = await findStore(p, base, io.stores, signal);
      const checked = await checkWooKeys(p, store, { consumerKey: String(posted.consumer_key ?? '').trim(), consumerSecret: String(posted.consumer_secret ?? '').trim() }, io.stores, signal);
      if (connection?.identity && checked.identity !== connection.identity) throw new KeyCheckError('store_url_other', 'keys for another store');
      const permissions = PERMISSIONS[String(posted.key_permissions ?? '')];
      return permissions ? { ...checked, details: [...checked.details, { label: 'Permissions', value: permissions }] } : checked;
    },
    fieldsFor: (base) => ({ storeUrl: base }),
  },
};

/** WooCommerce's refusals of the keys themselves (its REST authentication and permission checks). */
const WOO_REFUSALS = /^woocommerce_rest_(authentication_error|cannot_view)$/;

/** One system_status read, of its cheapest section, on the store the keys were checked on. */
export async function check(x: CheckCall): Promise<void> {
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

