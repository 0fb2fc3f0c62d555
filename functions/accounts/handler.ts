/** A seller's accounts: list, create, and the Account Settings view. */
import { baseEnv, parseEnv } from '#shared/config.js';
import { createAccountRequest } from '#shared/schemas.js';
import { createAccount, getAccount, listAccounts } from '#shared/use-cases/accounts.js';
import { sessionFrom, stores } from '../deps.js';
import { httpHandler, route } from '../http.js';

const env = parseEnv(baseEnv);
const deps = stores(env);

export const handler = httpHandler(
  {
    'GET /api/accounts': route({
      handle: async ({ cookies }) => {
        const session = await sessionFrom(deps, cookies);
        return { body: { accounts: await listAccounts(deps, session.userId) } };
      },
    }),
    'POST /api/accounts': route({
      body: createAccountRequest,
      handle: async ({ cookies, body }) => {
        const session = await sessionFrom(deps, cookies);
        return { status: 201, body: { account: await createAccount(deps, session.userId, body) } };
      },
    }),
    'GET /api/accounts/{id}': route({
      handle: async ({ cookies, params }) => {
        const session = await sessionFrom(deps, cookies);
        return { body: { account: await getAccount(deps, session.userId, params.id ?? '') } };
      },
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS },
);
