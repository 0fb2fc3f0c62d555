/** A seller's accounts: list, create, Account Settings, the audit trail, Resume and Start over. */
import { parseEnv, wizardEnv } from '#shared/config.js';
import { createAccountRequest } from '#shared/schemas.js';
import { createAccount, getAccount, listAccounts, listEvents } from '#shared/use-cases/accounts.js';
import { resume, startOver } from '#shared/use-cases/wizard.js';
import { sessionFrom, stores, wizardDeps } from '../deps.js';
import { httpHandler, route } from '../http.js';

const env = parseEnv(wizardEnv);
const { sessions } = stores(env);
const wizard = wizardDeps(env);
const deps = { ...wizard, sessions };

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
    'GET /api/accounts/{id}/events': route({
      handle: async ({ cookies, params }) => {
        const session = await sessionFrom(deps, cookies);
        return { body: { events: await listEvents(deps, session.userId, params.id ?? '') } };
      },
    }),
    'POST /api/accounts/{id}/resume': route({
      handle: async ({ cookies, params }) => {
        const session = await sessionFrom(deps, cookies);
        return { body: { account: await resume(deps, session.userId, params.id ?? '') } };
      },
    }),
    'POST /api/accounts/{id}/start-over': route({
      handle: async ({ cookies, params }) => {
        const session = await sessionFrom(deps, cookies);
        return { body: { account: await startOver(deps, session.userId, params.id ?? '') } };
      },
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS },
);
