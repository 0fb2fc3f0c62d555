/** QuickBooks Online: Intuit OAuth 2.0, `realmId` on the callback (docs/providers.md §10). */
import type { OAuthCodeProvider } from '../types.js';

export const quickbooks = {
  id: 'quickbooks',
  name: 'QuickBooks Online',
  role: 'books',
  kind: 'oauth-code',
  connect: { button: 'Connect to QuickBooks', explanation: 'You will sign in to Intuit and connect the QuickBooks company your sales should be posted to.' },
  accountFields: [],
  authorizeUrl: 'https://appcenter.intuit.com/connect/oauth2',
  redirectUri: 'callback-url',
  taxCountry: 'US',
  words: { organisation: 'company', organisations: 'companies' },
  tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
  tokenRequest: 'form-basic',
  apiUrl: 'https://quickbooks.api.intuit.com',
  scopes: ['com.intuit.quickbooks.accounting'],
  scopeSeparator: ' ',
  pkce: 'none',
  callback: { code: 'code', state: 'state', error: 'error', extra: ['realmId'] },
  identity: { method: 'GET', url: '{api}/v3/company/{realmId}/companyinfo/{realmId}?minorversion=75', description: 'the company (CompanyName)' },
  // Rolling 100-day refresh tokens (`x_refresh_token_expires_in`); the value may change.
  calendar: { refreshIdleDays: 100, refreshRenews: true },
  sources: ['docs/providers.md §10'],
} as const satisfies OAuthCodeProvider;
