/** Xero: OAuth 2.0 code grant with PKCE and a secret; refresh tokens rotate (docs/providers.md §9). */
import type { OAuthCodeProvider } from '../types.js';

export const xero = {
  id: 'xero',
  name: 'Xero',
  role: 'books',
  kind: 'oauth-code',
  connect: { button: 'Connect to Xero', explanation: 'You will sign in to Xero and allow Onramp to read your chart of accounts and tax rates.' },
  accountFields: [],
  authorizeUrl: 'https://login.xero.com/identity/connect/authorize',
  redirectUri: 'callback-url',
  // Xero's home market; the sandbox organisations are UK ones.
  taxCountry: 'GB',
  words: { organisation: 'organisation', organisations: 'organisations' },
  tokenUrl: 'https://identity.xero.com/connect/token',
  tokenRequest: 'form-basic',
  apiUrl: 'https://api.xero.com',
  scopes: ['offline_access', 'accounting.settings.read'],
  // Adding the recommended accounts needs the chart's write scope (§9.9), asked only on the seller's say-so.
  writeScopes: ['offline_access', 'accounting.settings'],
  scopeSeparator: ' ',
  pkce: 'S256',
  callback: { code: 'code', state: 'state', error: 'error' },
  identity: { method: 'GET', url: '{api}/connections', description: 'the organisations (tenants) authorised' },
  // Rotating refresh tokens that expire after 60 days unused.
  calendar: { refreshIdleDays: 60, refreshRenews: true },
  sources: ['docs/providers.md §9'],
} as const satisfies OAuthCodeProvider;
