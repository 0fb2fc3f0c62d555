/**
 * Walmart Marketplace (docs/providers.md §7): US sellers connect through
 * Walmart's OAuth 2.0 for Solution Providers (§7.2), the default, or with
 * keys they issue to Onramp (Delegated Access, §7.1) until Walmart retires
 * those for the US after 30 April 2027; Mexico connects with keys.
 */
import type { OAuthCodeProvider } from '../types.js';

export const walmart = {
  id: 'walmart',
  name: 'Walmart',
  role: 'channel',
  group: 'marketplace',
  kind: 'oauth-code',
  connect: {
    button: 'Connect to Walmart',
    explanation: 'You will sign in to Walmart Seller Center and authorize Onramp to read your reports.',
  },
  accountFields: [],
  // `market` is the WM_MARKET header value: Walmart checks the keys against it.
  regions: [
    { id: 'US', name: 'United States', urls: { market: 'us' } },
    { id: 'MX', name: 'Mexico', urls: { market: 'mx' } },
  ],
  // US OAuth 2.0 (§7.2): Walmart's own parameter names on the consent and a token request carrying the seller's id,
  // made by the connector (`oauth.ts`); these are the URLs it calls.
  oauthRegions: ['US'],
  authorizeUrl: 'https://login.account.wal-mart.com/authorize',
  redirectUri: 'callback-url',
  tokenUrl: 'https://marketplace.walmartapis.com/v3/token',
  tokenRequest: 'form-basic',
  apiUrl: 'https://marketplace.walmartapis.com',
  // Access follows the app's registered scopes (Reports: View Only), not the consent URL.
  scopes: [],
  scopeSeparator: ' ',
  pkce: 'none',
  callback: { code: 'code', state: 'state', error: 'error', extra: ['type', 'clientId', 'sellerId'] },
  identity: { method: 'GET', url: '{api}/v3/token/detail', description: 'the token detail (isValid, scopes: Reports readable); the seller id from the callback, proven by the exchange' },
  keys: {
    explanation: 'Or paste the Client ID and Client Secret you created for Onramp in the Walmart Developer Portal (Reports: View Only).',
    retires: {
      after: '2027-04-30',
      regions: ['US'],
      message: 'Walmart retired the keys sellers issued to Onramp for the US after 30 April 2027. Press "Connect to Walmart" and sign in to Walmart instead.',
    },
    fields: [
      {
        key: 'clientId',
        label: 'Client ID',
        secret: false,
        pattern: /^\S{1,200}$/,
        message: 'Paste the Client ID of the key you created for Onramp in the Walmart Developer Portal.',
        showLastFour: true,
      },
      {
        key: 'clientSecret',
        label: 'Client Secret',
        secret: true,
        pattern: /^\S{1,500}$/,
        message: 'Paste the Client Secret of the key you created for Onramp in the Walmart Developer Portal.',
      },
    ],
    endpoints: {
      // Seller-issued (Delegated Access) keys mint with client_credentials, in every market.
      token: 'https://marketplace.walmartapis.com/v3/token',
      tokenDetail: 'https://marketplace.walmartapis.com/v3/token/detail',
      serviceName: 'Walmart Marketplace',
    },
    steps: [
      'Sign in to the Walmart Developer Portal (developer.walmart.com) with your Seller Center login.',
      'Open API Keys and choose "Add New Key for a Solution Provider".',
      'Pick Onramp as the Solution Provider and set Reports to "View Only". Onramp needs no other permission.',
      'Submit, then copy the Client ID and Client Secret Walmart shows and paste them below.',
    ],
  },
  // OAuth: access tokens last 15 minutes (refreshed on use), refresh tokens 365 days from the consent, not renewed by
  // a refresh. Seller-issued keys never run out: they stop working only when the seller resets or deletes them, so
  // they are checked daily.
  calendar: { refreshIdleDays: 365, refreshRenews: false, checked: true },
  sources: ['docs/providers.md §7'],
} as const satisfies OAuthCodeProvider;
