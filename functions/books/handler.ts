/** Connect Bookkeeping (consent, reuse, organisation) and Accounts & Taxes (the live chart, the mapping). */
import { connectEnv, parseEnv } from '#shared/config.js';
import { booksConnectRequest, chooseOrganisationRequest, mappingRequest } from '#shared/schemas.js';
import { booksChart, chooseOrganisation, connectBooks, saveMapping } from '#shared/use-cases/books.js';
import { connectDeps, stores } from '../deps.js';
import { httpHandler, sellerRoute } from '../http.js';

const env = parseEnv(connectEnv);
const deps = connectDeps(env);

export const handler = httpHandler(
  {
    'POST /api/accounts/{id}/books/connect': sellerRoute({
      body: booksConnectRequest,
      handle: async ({ session, params, body }) => ({ body: await connectBooks(deps, session.userId, params.id!, body) }),
    }),
    'POST /api/accounts/{id}/books/organisation': sellerRoute({
      body: chooseOrganisationRequest,
      handle: async ({ session, params, body }) => ({ body: { account: await chooseOrganisation(deps, session.userId, params.id!, body.organisation) } }),
    }),
    'GET /api/accounts/{id}/books/chart': sellerRoute({
      handle: async ({ session, params }) => ({ body: await booksChart(deps, session.userId, params.id!) }),
    }),
    'PUT /api/accounts/{id}/mapping': sellerRoute({
      body: mappingRequest,
      handle: async ({ session, params, body }) => ({
        body: { account: await saveMapping(deps, session.userId, params.id!, { accounts: body.accounts as Record<string, string>, taxRates: body.taxRates, startDate: body.startDate }) },
      }),
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS, sessions: stores(env).sessions },
);
