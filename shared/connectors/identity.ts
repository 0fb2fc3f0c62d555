/**
 * The identity calls of the standard-flow providers: each proves the
 * connection works and says who connected. One named hook per provider,
 * because each provider's first call and answer are its own.
 */
import { ConnectError } from '../domain/errors.js';
import { ebay } from '../providers/ebay/definition.js';
import { etsy } from '../providers/etsy/definition.js';
import { quickbooks } from '../providers/quickbooks/definition.js';
import { square } from '../providers/square/definition.js';
import { xero } from '../providers/xero/definition.js';
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
  async [xero.id]({ http, tokens }) {
    // Only the organisations approved in this consent: the access token names its authentication event.
    const authEventId = jwtClaim(tokens.accessToken, 'authentication_event_id');
    const url = `${xero.apiUrl}/connections${authEventId ? `?authEventId=${encodeURIComponent(authEventId)}` : ''}`;
    const res = await http.fetch(url, { headers: bearer(tokens) });
    const body = await jsonFrom(res, 'Xero connections');
    const list = (Array.isArray(body) ? body : []) as Record<string, any>[];
    const orgs = list
      .filter((c) => c.tenantType === 'ORGANISATION' && typeof c.tenantId === 'string')
      .map((c) => ({ id: String(c.tenantId), name: String(c.tenantName ?? c.tenantId), connectionId: String(c.id ?? '') }));
    if (orgs.length === 0) throw new ConnectError('provider_error', 'Xero consent covered no organisation');
    if (orgs.length > 1) return { id: '', label: '', details: [], choices: orgs };
    const org = orgs[0]!;
    return { id: org.id, label: org.name, details: [{ label: 'Xero organisation', value: org.name }] };
  },
  async [quickbooks.id]({ http, tokens, query }) {
    const realmId = query.realmId ?? '';
    if (!/^\d{1,32}$/.test(realmId)) throw new ConnectError('provider_error', 'QuickBooks callback has no realmId');
    const url = `${quickbooks.apiUrl}/v3/company/${realmId}/companyinfo/${realmId}?minorversion=75`;
    const body = await jsonFrom(await http.fetch(url, { headers: bearer(tokens) }), 'QuickBooks company info');
    const info = (body.CompanyInfo ?? {}) as Record<string, any>;
    const name = typeof info.CompanyName === 'string' && info.CompanyName ? info.CompanyName : `Company ${realmId}`;
    return { id: realmId, label: name, details: [{ label: 'QuickBooks company', value: name }] };
  },
};

/** A claim of a JWT's payload, read without verifying (the token came straight from the token endpoint). */
function jwtClaim(jwt: string, claim: string): string | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const value = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>)[claim];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The identity hook of a standard-flow provider. */
export function identityOf(providerId: string): IdentityHook {
  const hook = HOOKS[providerId];
  if (!hook) throw new Error(`No identity call for ${providerId}`);
  return hook;
}
