/** WooCommerce: REST API keys, pasted or created in one click (providers.md §8). */
import { STORE_URL_FIELD } from './fields.js';
import type { ApiKeysProvider } from './types.js';

export const woocommerce = {
  id: 'woocommerce',
  name: 'WooCommerce',
  role: 'channel',
  group: 'cart',
  kind: 'api-keys',
  connect: {
    button: 'Connect to WooCommerce',
    explanation: 'Paste a Consumer Key and Consumer Secret with Read permission from WooCommerce > Settings > Advanced > REST API.',
  },
  accountFields: [STORE_URL_FIELD],
  sources: ['providers.md §8'],
} as const satisfies ApiKeysProvider;
