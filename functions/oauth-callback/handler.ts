/**
 * The providers' redirects back (`GET /api/oauth/{provider}/callback`): a
 * browser navigation, so every answer is a redirect into the web app, with
 * the outcome as a code the app puts in the seller's words.
 */
import { connectEnv, parseEnv } from '#shared/runtime/config.js';
import { finishConnect } from '#shared/use-cases/connect/callback.js';
import { connectDeps, sessionStore } from '../deps.js';
import { callbackRoute, httpHandler } from '../http.js';
import { CONSENT_FINISH } from '#shared/providers/registries.js';

const env = parseEnv(connectEnv());
// The connectors of the providers that connect by consent: what a callback finishes.
const deps = connectDeps(env, CONSENT_FINISH);

export const handler = httpHandler(
  {
    'GET /api/oauth/{provider}/callback': callbackRoute({
      handle: async ({ params, query, caller }) => ({ redirect: await finishConnect(deps, params.provider!, query, caller) }),
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS, sessions: sessionStore(env) },
);
