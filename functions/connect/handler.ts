/**
 * Connects an account's sales channel: answers the provider's consent URL,
 * or (for a keys channel) checks the pasted keys and stores them, or starts
 * WooCommerce's one-click key creation; and reconnects a connection the same ways.
 */
import { connectEnv, parseEnv } from '#shared/runtime/config.js';
import { channelConnectRequest } from '#shared/http/key-schemas.js';
import { connectChannel } from '#shared/use-cases/connect/channel.js';
import { connectDeps, keysDeps, sessionStore } from '../deps.js';
import { reconnectRequest } from '#shared/http/requests.js';
import { startReconnect } from '#shared/use-cases/connect/reconnect.js';
import { httpHandler, sellerRoute } from '../http.js';

const env = parseEnv(connectEnv());
const deps = { ...connectDeps(env), ...keysDeps(env) };

export const handler = httpHandler(
  {
    'POST /api/accounts/{id}/channel/connect': sellerRoute({
      body: channelConnectRequest,
      handle: async ({ session, params, body, account }) => ({ body: await connectChannel(deps, session.userId, params.id!, body, account) }),
    }),
    'POST /api/accounts/{id}/reconnect': sellerRoute({
      body: reconnectRequest,
      handle: async ({ session, params, body, account }) => {
        const { kind, access, ...keys } = body;
        return { body: await startReconnect(deps, session.userId, params.id!, kind, keys, account, access ? { access } : {}) };
      },
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS, sessions: sessionStore(env) },
);
