/** Square: OAuth 2.0 code flow, JSON token request (docs/providers.md §6). */
import type { OAuthCodeProvider } from '../types.js';

export const square = {
  id: 'square',
  name: 'Square',
  role: 'channel',
  group: 'cart',
  beta: true,
  kind: 'oauth-code',
  connect: { button: 'Connect to Square', explanation: 'You will sign in to Square and allow Onramp to read your orders, payments and payouts.' },
  accountFields: [],
  authorizeUrl: 'https://connect.squareup.com/oauth2/authorize',
  redirectUri: 'callback-url',
  tokenUrl: 'https://connect.squareup.com/oauth2/token',
  tokenRequest: 'json-body',
  apiUrl: 'https://connect.squareup.com',
  scopes: ['MERCHANT_PROFILE_READ', 'ORDERS_READ', 'PAYMENTS_READ', 'PAYOUTS_READ'],
  scopeSeparator: ' ',
  // Square's PKCE flow is for apps without a secret and makes refresh tokens single-use;
  // a server-side app uses the code flow, whose refresh token does not expire.
  pkce: 'none',
  callback: { code: 'code', state: 'state', error: 'error' },
  identity: { method: 'GET', url: '{api}/v2/merchants/me', description: 'the merchant (id, business_name, country)' },
  // The code flow's refresh token does not expire; access tokens last 30 days, refreshed weekly as Square advises.
  calendar: { refreshRenews: false, accessAheadDays: 23 },
  sources: ['docs/providers.md §6'],
} as const satisfies OAuthCodeProvider;
