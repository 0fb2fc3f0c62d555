/** Walmart Marketplace: keys the seller issues to Onramp as a Solution Provider (docs/providers.md §7.1, §7.3). */
import type { ApiKeysProvider } from '../types.js';

export const walmart = {
  id: 'walmart',
  name: 'Walmart',
  role: 'channel',
  group: 'marketplace',
  kind: 'api-keys',
  connect: {
    button: 'Connect to Walmart',
    explanation: 'Paste the Client ID and Client Secret you created for Onramp in the Walmart Developer Portal (Reports: View Only).',
  },
  accountFields: [],
  // `market` is the WM_MARKET header value: Walmart checks the keys against it.
  regions: [
    { id: 'US', name: 'United States', urls: { market: 'us' } },
    { id: 'MX', name: 'Mexico', urls: { market: 'mx' } },
  ],
  keys: {
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
  // Seller-issued keys never run out: they stop working only when the seller resets or deletes them, so they are checked daily.
  calendar: { refreshRenews: false, checked: true },
  sources: ['docs/providers.md §7'],
} as const satisfies ApiKeysProvider;
