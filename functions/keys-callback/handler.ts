/**
 * One-click key creation (WooCommerce's). `POST /api/oauth/{provider}/callback`:
 * the store posts the keys it created, server to server, unsigned; 200 once
 * they are checked and held (anything else, and the store deletes them).
 * `GET /api/oauth/{provider}/return`: the seller's browser back from the
 * store, with its session; the held keys become the account's only here,
 * and the answer is a redirect into the web app.
 */
import { connectEnv, parseEnv } from '#shared/runtime/config.js';
import { postedKeysRequest } from '#shared/http/key-schemas.js';
import { finishKeysReturn, receivePostedKeys } from '#shared/use-cases/keys/one-click.js';
import { keysDeps, sessionStore } from '../deps.js';
import { callbackRoute, httpHandler, webhookRoute } from '../http.js';
import { ONE_CLICK } from '#shared/providers/registries.js';

const env = parseEnv(connectEnv());
// Only the connectors of the providers whose stores create keys in one click.
const deps = keysDeps(env, ONE_CLICK);

export const handler = httpHandler(
  {
    'POST /api/oauth/{provider}/callback': webhookRoute({
      body: postedKeysRequest,
      handle: async ({ body, params }) => {
        await receivePostedKeys(deps, body, params.provider);
        return { status: 200, body: { stored: true } };
      },
    }),
    'GET /api/oauth/{provider}/return': callbackRoute({
      handle: async ({ query, caller, params }) => ({ redirect: await finishKeysReturn(deps, query, caller, params.provider) }),
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS, sessions: sessionStore(env) },
);
