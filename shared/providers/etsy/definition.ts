/** Etsy Open API v3: code grant with mandatory PKCE S256, public client (docs/providers.md §4). */
import type { OAuthCodeProvider } from '../types.js';

export const etsy = {
  id: 'etsy',
  name: 'Etsy',
  role: 'channel',
  group: 'marketplace',
  kind: 'oauth-code',
  connect: { button: 'Connect to Etsy', explanation: 'You will sign in to Etsy and grant Onramp access to read your shop and its orders.' },
  accountFields: [],
  authorizeUrl: 'https://www.etsy.com/oauth/connect',
  redirectUri: 'callback-url',
  tokenUrl: 'https://api.etsy.com/v3/public/oauth/token',
  tokenRequest: 'form-public',
  apiUrl: 'https://openapi.etsy.com',
  scopes: ['transactions_r', 'shops_r'],
  scopeSeparator: ' ',
  pkce: 'S256',
  callback: { code: 'code', state: 'state', error: 'error' },
  identity: { method: 'GET', url: '{api}/v3/application/users/me', description: 'user_id and shop_id, then the shop (x-api-key keystring:secret)' },
  // Refresh tokens last 90 days and rotate on every refresh.
  calendar: { refreshIdleDays: 90, refreshRenews: true },
  sources: ['docs/providers.md §4'],
} as const satisfies OAuthCodeProvider;
