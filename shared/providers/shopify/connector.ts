/** Shopify's calls (docs/providers.md §3): the install flow (`install.ts`), and the daily check of a non-expiring token. */
import { CheckRefusedError, failing, type CheckCall } from '../../connectors/check.js';
import { jsonObject } from '../../connectors/keys.js';
import { urlFrom } from '../../connectors/oauth-code.js';
import { SHOP_DOMAIN_FIELD } from '../fields.js';
import { shopify } from './definition.js';

export { shopifyAuthorizeUrl as start, shopifyFinish as finish, shopifyRefresh as refresh } from './install.js';

/**
 * The daily check of a non-expiring offline token: the GraphQL shop query,
 * as the identity call makes it. Shopify answers 401 to a token whose app
 * was uninstalled: `app_uninstalled`.
 */
export async function check(x: CheckCall): Promise<void> {
  const shop = x.fields[SHOP_DOMAIN_FIELD.key] ?? '';
  const token = x.stored.accessToken;
  if (!shop || !token) throw new CheckRefusedError('app_uninstalled', 'no_token_stored');
  const res = await x.http.fetch(urlFrom(shopify.identity.url, { shop, version: shopify.apiVersion }), {
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

