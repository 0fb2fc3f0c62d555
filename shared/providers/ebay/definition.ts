/** eBay: OAuth 2.0 code grant with the RuName as redirect_uri (docs/providers.md §2). */
import type { OAuthCodeProvider } from '../types.js';

export const ebay = {
  id: 'ebay',
  name: 'eBay',
  role: 'channel',
  group: 'marketplace',
  kind: 'oauth-code',
  connect: { button: 'Connect to eBay', explanation: 'You will sign in to eBay and agree that Onramp may read your orders and payouts.' },
  accountFields: [],
  authorizeUrl: 'https://auth.ebay.com/oauth2/authorize',
  redirectUri: 'registered-name',
  tokenUrl: 'https://api.ebay.com/identity/v1/oauth2/token',
  tokenRequest: 'form-basic',
  apiUrl: 'https://apiz.ebay.com',
  scopes: [
    'https://api.ebay.com/oauth/api_scope/commerce.identity.readonly',
    'https://api.ebay.com/oauth/api_scope/sell.finances',
    'https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly',
  ],
  scopeSeparator: ' ',
  scopeOnRefresh: true,
  pkce: 'none',
  callback: { code: 'code', state: 'state', error: 'error', extra: ['expires_in'] },
  identity: { method: 'GET', url: '{api}/commerce/identity/v1/user/', description: 'the eBay user (userId, username)' },
  // The refresh token lasts 18 months (`refresh_token_expires_in`) and is not renewed by use.
  calendar: { refreshRenews: false },
  sources: ['docs/providers.md §2'],
} as const satisfies OAuthCodeProvider;
