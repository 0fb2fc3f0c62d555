/** Etsy's calls (docs/providers.md §4): the standard code flow with PKCE, and its identity call, the user and their shop. */
import { ConnectError } from '../../domain/errors.js';
import { jsonFrom } from '../../connectors/http.js';
import { bearer, codeFinishWith, urlFrom } from '../../connectors/oauth-code.js';
import type { etsy } from './definition.js';

export { codeStart as start, codeRefresh as refresh } from '../../connectors/oauth-code.js';

type Etsy = typeof etsy;

export const finish = /* @__PURE__ */ codeFinishWith<Etsy>(async (p, { http, tokens, app }) => {
  // Etsy wants the app's keystring and shared secret on every call, beside the seller's token.
  const headers = { ...bearer(tokens.accessToken), 'x-api-key': `${app.clientId}:${app.clientSecret}` };
  const me = await jsonFrom(await http.fetch(urlFrom(p.identity.url, { api: p.apiUrl }), { headers }), 'Etsy user');
  const userId = String(me.user_id ?? '');
  const shopId = me.shop_id === undefined || me.shop_id === null ? '' : String(me.shop_id);
  if (!userId) throw new ConnectError('provider_error', 'Etsy user has no user_id');
  let shopName = '';
  if (shopId) {
    const shop = await jsonFrom(await http.fetch(`${p.apiUrl}/v3/application/shops/${encodeURIComponent(shopId)}`, { headers }), 'Etsy shop');
    shopName = typeof shop.shop_name === 'string' ? shop.shop_name : '';
  }
  return {
    id: userId,
    label: shopName || `Etsy user ${userId}`,
    details: shopName ? [{ label: 'Etsy shop', value: shopName }] : [{ label: 'Etsy user', value: userId }],
  };
});
