/** WooCommerce: REST API keys, pasted or created in one click (docs/providers.md §8). */
import { STORE_URL_FIELD } from '../fields.js';
import type { ApiKeysProvider } from '../types.js';

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
  keys: {
    fields: [
      {
        key: 'consumerKey',
        label: 'Consumer Key',
        secret: false,
        // WooCommerce's keys are `ck_` and `cs_` followed by 40 hex characters.
        pattern: /^ck_[A-Za-z0-9_]{1,200}$/,
        message: 'Paste the Consumer Key (it starts with ck_) from WooCommerce > Settings > Advanced > REST API.',
        showLastFour: true,
      },
      {
        key: 'consumerSecret',
        label: 'Consumer Secret',
        secret: true,
        pattern: /^cs_[A-Za-z0-9_]{1,200}$/,
        message: 'Paste the Consumer Secret (it starts with cs_) that WooCommerce showed when you created the key.',
      },
    ],
    endpoints: {
      // Paths on the store: the WordPress REST index, and the first call (it needs manage_woocommerce).
      restIndex: '/wp-json/',
      systemStatus: 'wc/v3/system_status',
      namespace: 'wc/v3',
    },
    steps: [
      'In your WordPress admin, go to WooCommerce > Settings > Advanced > REST API.',
      'Click "Add key".',
      'Enter "Onramp" as the description, choose a user who is an Administrator or Shop Manager, and set Permissions to "Read".',
      'Click "Generate API key", then copy the Consumer Key and Consumer Secret and paste them below. WooCommerce shows the secret only once.',
    ],
    automatic: {
      button: 'Connect automatically',
      explanation: 'You will sign in to your WordPress admin and approve Read access for Onramp. WooCommerce then creates the keys and sends them to Onramp for you.',
      authorizePath: '/wc-auth/v1/authorize',
      appName: 'Onramp',
      scope: 'read',
    },
  },
  // REST API keys never run out: they stop working only when the seller revokes them, so they are checked daily.
  calendar: { refreshRenews: false, checked: true },
  sources: ['docs/providers.md §8'],
} as const satisfies ApiKeysProvider;
