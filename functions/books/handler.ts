/** Connect Bookkeeping (consent, reuse, organisation) and Accounts & Taxes (the live chart, the mapping, the recommended accounts). */
import { connectEnv, parseEnv } from '#shared/runtime/config.js';
import { booksConnectRequest, chooseOrganisationRequest, createRecommendedRequest, mappingRequest } from '#shared/http/requests.js';
import { booksChart, chooseOrganisation, connectBooks, saveMapping } from '#shared/use-cases/books.js';
import { createRecommended, recommendedAccounts } from '#shared/use-cases/recommended.js';
import { connectDeps, sessionStore } from '../deps.js';
import { httpHandler, sellerRoute } from '../http.js';
import { BOOKS_CONNECT } from '#shared/providers/registries.js';

const env = parseEnv(connectEnv());
// Only the books' platforms' consent URLs and refreshes: this function connects and reads the books, never a channel.
const deps = connectDeps(env, BOOKS_CONNECT);

export const handler = httpHandler(
  {
    'POST /api/accounts/{id}/books/connect': sellerRoute({
      body: booksConnectRequest,
      handle: async ({ session, params, body, account }) => ({ body: await connectBooks(deps, session.userId, params.id!, body, account) }),
    }),
    'POST /api/accounts/{id}/books/organisation': sellerRoute({
      body: chooseOrganisationRequest,
      handle: async ({ session, params, body, account }) => ({ body: { account: await chooseOrganisation(deps, session.userId, params.id!, body.organisation, account) } }),
    }),
    'GET /api/accounts/{id}/books/chart': sellerRoute({
      handle: async ({ session, params, account }) => ({ body: await booksChart(deps, session.userId, params.id!, account) }),
    }),
    'PUT /api/accounts/{id}/mapping': sellerRoute({
      body: mappingRequest,
      handle: async ({ session, params, body, account }) => ({
        body: { account: await saveMapping(deps, session.userId, params.id!, { accounts: body.accounts as Record<string, string>, taxRates: body.taxRates, startDate: body.startDate }, account) },
      }),
    }),
    'GET /api/accounts/{id}/books/recommended': sellerRoute({
      handle: async ({ session, params, account }) => ({ body: await recommendedAccounts(deps, session.userId, params.id!, account) }),
    }),
    // Writes to the seller's books: only on their click, with the accounts they confirmed.
    'POST /api/accounts/{id}/books/recommended': sellerRoute({
      body: createRecommendedRequest,
      handle: async ({ session, params, body, account }) => ({ body: await createRecommended(deps, session.userId, params.id!, body.categories, account) }),
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS, sessions: sessionStore(env) },
);
