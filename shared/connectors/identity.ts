/**
 * The identity calls of the standard-flow providers: each proves the
 * connection works and says who connected. One named hook per provider,
 * because each provider's first call and answer are its own.
 */
import { ConnectError } from '../errors.js';
import { ebay } from '../providers/ebay.js';
import { etsy } from '../providers/etsy.js';
import { square } from '../providers/square.js';
import { jsonFrom, str } from './http.js';
import type { FinishContext, Identity, TokenSet } from './types.js';

type IdentityHook = (ctx: FinishContext & { readonly tokens: TokenSet }) => Promise<Identity>;

const bearer = (tokens: TokenSet) => ({ authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' });

const HOOKS: Record<string, IdentityHook> = {
  async [ebay.id]({ http, tokens }) {
    const body = await jsonFrom(await http.fetch(`${ebay.apiUrl}/commerce/identity/v1/user/`, { headers: bearer(tokens) }), 'eBay identity');
    const username = str(body, 'username', 'eBay identity');
    return {
      id: str(body, 'userId', 'eBay identity'),
      label: username,
      details: [
        { label: 'eBay user', value: username },
        ...(typeof body.registrationMarketplaceId === 'string' ? [{ label: 'Registered on', value: body.registrationMarketplaceId }] : []),
      ],
    };
  },
  async [etsy.id]({ http, tokens, app }) {
    // Etsy wants the app's keystring and shared secret on every call, beside the seller's token.
    const headers = { ...bearer(tokens), 'x-api-key': `${app.clientId}:${app.clientSecret}` };
    const me = await jsonFrom(await http.fetch(`${etsy.apiUrl}/v3/application/users/me`, { headers }), 'Etsy user');
    const userId = String(me.user_id ?? '');
    const shopId = me.shop_id === undefined || me.shop_id === null ? '' : String(me.shop_id);
    if (!userId) throw new ConnectError('provider_error', 'Etsy user has no user_id');
    let shopName = '';
    if (shopId) {
      const shop = await jsonFrom(await http.fetch(`${etsy.apiUrl}/v3/application/shops/${encodeURIComponent(shopId)}`, { headers }), 'Etsy shop');
      shopName = typeof shop.shop_name === 'string' ? shop.shop_name : '';
    }
    return {
      id: userId,
      label: shopName || `Etsy user ${userId}`,
      details: shopName ? [{ label: 'Etsy shop', value: shopName }] : [{ label: 'Etsy user', value: userId }],
    };
  },
  async [square.id]({ http, tokens }) {
    const body = await jsonFrom(await http.fetch(`${square.apiUrl}/v2/merchants/me`, { headers: bearer(tokens) }), 'Square merchant');
    const merchant = (body.merchant ?? {}) as Record<string, any>;
    const id = str(merchant, 'id', 'Square merchant');
    const name = typeof merchant.business_name === 'string' && merchant.business_name ? merchant.business_name : id;
    return {
      id,
      label: name,
      details: [
        { label: 'Square business', value: name },
        ...(typeof merchant.country === 'string' ? [{ label: 'Country', value: merchant.country }] : []),
      ],
    };
  },
};

/** The identity hook of a standard-flow provider. */
export function identityOf(providerId: string): IdentityHook {
  const hook = HOOKS[providerId];
  if (!hook) throw new Error(`No identity call for ${providerId}`);
  return hook;
}
