/** Shopify: the install flow on the shop's own host, HMAC-signed callback (docs/providers.md §3). */
import { SHOP_DOMAIN_FIELD } from '../fields.js';
import type { ShopifyInstallProvider } from '../types.js';

export const shopify = {
  id: 'shopify',
  name: 'Shopify',
  role: 'channel',
  group: 'cart',
  kind: 'shopify-install',
  connect: { button: 'Connect to Shopify', explanation: 'You will install the Onramp app in your Shopify admin, which lets Onramp read your orders.' },
  accountFields: [SHOP_DOMAIN_FIELD],
  authorizePath: '/admin/oauth/authorize',
  tokenUrl: 'https://{shop}/admin/oauth/access_token',
  tokenRequest: 'json-body',
  apiVersion: '2025-10',
  hmacMaxAgeSeconds: 90,
  scopes: ['read_orders'],
  scopeSeparator: ',',
  pkce: 'none',
  callback: { code: 'code', state: 'state', error: 'error', extra: ['shop', 'hmac', 'timestamp', 'host'] },
  identity: { method: 'POST', url: 'https://{shop}/admin/api/{version}/graphql.json', description: 'GraphQL shop { id name myshopifyDomain }' },
  // Expiring offline tokens rotate (`refresh_token_expires_in`) and are refreshed; non-expiring ones (no refresh token) are checked daily.
  calendar: { refreshRenews: true, checked: true },
  sources: ['docs/providers.md §3'],
} as const satisfies ShopifyInstallProvider;
