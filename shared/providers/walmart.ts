/** Walmart Marketplace: keys the seller issues to Onramp as a Solution Provider (providers.md §7). */
import type { ApiKeysProvider } from './types.js';

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
  regions: [
    { id: 'US', name: 'United States', urls: { market: 'us' } },
    { id: 'MX', name: 'Mexico', urls: { market: 'mx' } },
  ],
  sources: ['providers.md §7'],
} as const satisfies ApiKeysProvider;
