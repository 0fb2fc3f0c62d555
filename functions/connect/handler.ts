/**
 * Connects an account's sales channel: answers the provider's consent URL,
 * or (for a keys channel) checks the pasted keys and stores them, or starts
 * WooCommerce's one-click key creation; and reconnects a connection the same
 * ways. Also connect links (invitations): the seller makes, lists and cancels
 * them, and whoever holds one opens it and connects its step without a
 * session: its consent, or its keys form (and the return from WooCommerce's
 * one-click approval, decided with the link's token).
 */
import { connectEnv, parseEnv } from '#shared/runtime/config.js';
import { channelConnectRequest } from '#shared/http/key-schemas.js';
import { connectChannel } from '#shared/use-cases/connect/channel.js';
import { attemptCounter, connectDeps, keysDeps, sessionStore } from '../deps.js';
import { createInvitationRequest, invitedConnectRequest, invitedKeysRequest, invitedKeysReturnRequest, openInvitationRequest, reconnectRequest } from '#shared/http/requests.js';
import { startReconnect } from '#shared/use-cases/connect/reconnect.js';
import { connectInvitedKeys, createInvitation, finishInvitedKeys, listInvitations, openInvitation, revokeInvitation, startInvitedConnect } from '#shared/use-cases/invitations.js';
import { clientAddress } from '../client-address.js';
import { httpHandler, route, sellerRoute } from '../http.js';
import { CHANNEL_CONNECT } from '#shared/providers/registries.js';

const env = parseEnv(connectEnv());
const deps = { ...connectDeps(env, CHANNEL_CONNECT), ...keysDeps(env, CHANNEL_CONNECT), attempts: attemptCounter(env) };
const caller = (event: Parameters<typeof clientAddress>[0]) => ({ client: clientAddress(event, env.CLIENT_ADDRESS_HEADER) });

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
    'POST /api/accounts/{id}/invitations': sellerRoute({
      body: createInvitationRequest,
      handle: async ({ session, params, body, account }) => ({ status: 201, body: await createInvitation(deps, session, params.id!, body, account) }),
    }),
    'GET /api/accounts/{id}/invitations': sellerRoute({
      handle: async ({ session, params, account }) => ({ body: { invitations: await listInvitations(deps, session.userId, params.id!, account) } }),
    }),
    'DELETE /api/accounts/{id}/invitations/{invitationId}': sellerRoute({
      handle: async ({ session, params, account }) => ({ body: { invitation: await revokeInvitation(deps, session.userId, params.id!, params.invitationId!, account) } }),
    }),
    'POST /api/invitations/open': route({
      body: openInvitationRequest,
      handle: async ({ event, body }) => ({ body: await openInvitation(deps, body.token, caller(event)) }),
    }),
    'POST /api/invitations/connect': route({
      body: invitedConnectRequest,
      handle: async ({ event, body }) => ({ body: await startInvitedConnect(deps, body.token, { provider: body.provider }, caller(event)) }),
    }),
    'POST /api/invitations/keys': route({
      body: invitedKeysRequest,
      handle: async ({ event, body }) => {
        const { token, ...keys } = body;
        return { body: await connectInvitedKeys(deps, token, keys, caller(event)) };
      },
    }),
    'POST /api/invitations/keys/return': route({
      body: invitedKeysReturnRequest,
      handle: async ({ event, body }) => ({ body: await finishInvitedKeys(deps, body, caller(event)) }),
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS, sessions: sessionStore(env) },
);
