/** A seller's accounts: list, create, Account Settings, the audit trail, Resume and Start over. */
import { parseEnv, wizardEnv } from '#shared/runtime/config.js';
import { createAccountRequest } from '#shared/http/requests.js';
import { createAccount, getAccount, listAccounts, listEvents } from '#shared/use-cases/accounts.js';
import { resume, startOver } from '#shared/use-cases/wizard/steps.js';
import { healthStores, sessionStore, wizardDeps } from '../deps.js';
import { httpHandler, sellerRoute } from '../http.js';

const env = parseEnv(wizardEnv());
const sessions = sessionStore(env);
const deps = { ...wizardDeps(env), connections: healthStores(env).connections };

export const handler = httpHandler(
  {
    'GET /api/accounts': sellerRoute({
      // The seller's accounts, read with the session in one request.
      readsAccounts: true,
      handle: async ({ session, accounts }) => ({ body: { accounts: await listAccounts(deps, session.userId, accounts) } }),
    }),
    'POST /api/accounts': sellerRoute({
      body: createAccountRequest,
      handle: async ({ session, body }) => ({ status: 201, body: { account: await createAccount(deps, session.userId, body) } }),
    }),
    'GET /api/accounts/{id}': sellerRoute({
      // The channel connection's record is named by the account id alone: read with the session and the account.
      readWith: ({ id }) => [deps.secrets.nameFor(id!, 'channel')],
      handle: async ({ session, params, account, records }) => ({ body: { account: await getAccount(deps, session.userId, params.id!, account, records) } }),
    }),
    'GET /api/accounts/{id}/events': sellerRoute({
      handle: async ({ session, params, account }) => ({ body: { events: await listEvents(deps, session.userId, params.id!, account) } }),
    }),
    'POST /api/accounts/{id}/resume': sellerRoute({
      handle: async ({ session, params, account }) => ({ body: { account: await resume(deps, session.userId, params.id!, 'seller', account) } }),
    }),
    'POST /api/accounts/{id}/start-over': sellerRoute({
      handle: async ({ session, params, account }) => ({ body: { account: await startOver(deps, session.userId, params.id!, 'seller', null, undefined, account) } }),
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS, sessions },
);
