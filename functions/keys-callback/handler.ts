/**
 * WooCommerce's one-click key creation (`POST /api/oauth/woocommerce/callback`):
 * the store posts the keys it created, server to server, unsigned. 200 only
 * once they are checked and stored; anything else, and the store deletes them.
 */
import { connectEnv, parseEnv } from '#shared/config.js';
import { postedKeysRequest } from '#shared/key-schemas.js';
import { receivePostedKeys } from '#shared/use-cases/connect-keys.js';
import { keysDeps } from '../deps.js';
import { httpHandler, webhookRoute } from '../http.js';

const env = parseEnv(connectEnv());
const deps = keysDeps(env);

export const handler = httpHandler(
  {
    'POST /api/oauth/woocommerce/callback': webhookRoute({
      body: postedKeysRequest,
      handle: async ({ body }) => {
        await receivePostedKeys(deps, body);
        return { status: 200, body: { stored: true } };
      },
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS },
);
