/** Starts connecting an account's sales channel: answers the provider's consent URL. */
import { connectEnv, parseEnv } from '#shared/config.js';
import { connectRequest, reconnectRequest } from '#shared/schemas.js';
import { startChannelConnect } from '#shared/use-cases/connect.js';
import { startReconnect } from '#shared/use-cases/reconnect.js';
import { connectDeps, stores } from '../deps.js';
import { httpHandler, sellerRoute } from '../http.js';

const env = parseEnv(connectEnv);
const deps = connectDeps(env);

export const handler = httpHandler(
  {
    'POST /api/accounts/{id}/channel/connect': sellerRoute({
      body: connectRequest,
      handle: async ({ session, params }) => ({ body: await startChannelConnect(deps, session.userId, params.id!) }),
    }),
    'POST /api/accounts/{id}/reconnect': sellerRoute({
      body: reconnectRequest,
      handle: async ({ session, params, body }) => ({ body: await startReconnect(deps, session.userId, params.id!, body.kind) }),
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS, sessions: stores(env).sessions },
);
