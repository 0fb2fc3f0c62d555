/**
 * Xero sandbox (docs/providers.md §9, §13): the OAuth 2.0 / OIDC authorize and
 * consent page on `login.xero.com`, the token endpoint, discovery document and
 * JWKS on `identity.xero.com`, and on `api.xero.com` the Identity API
 * (`/connections`) plus the Accounting API calls the onboarding wizard makes
 * (`/api.xro/2.0/Accounts`, `/TaxRates`, `/Organisation`).
 *
 * The sandbox user has two organisations, **Demo Company (UK)** and **Second
 * Shop Ltd** (`XERO_SANDBOX_TENANTS`). The consent page ticks only the first;
 * a POST may name organisations as repeated `tenant` fields (a browser), as one
 * comma-separated `tenant` value (`consent()` sets one value per name), or not
 * at all, in which case the hidden `tenant_default` (the first organisation)
 * is used.
 *
 * As at Xero, connections belong to the user and the app, not to one consent:
 * `GET /connections` lists every organisation the sandbox user has connected
 * to the client (narrow it with `?authEventId=`, the access token's
 * `authentication_event_id` claim), and any live access token of that client
 * may call the Accounting API for any connected organisation.
 *
 * `PUT /api.xro/2.0/Accounts` creates an account in the organisation's chart
 * (a grant with `accounting.settings`, not only `.read`); each sandbox has its
 * own copy of the charts, so what one test creates no other sees.
 *
 * Test controls: the grant controls and the books controls (`BooksControls`:
 * fail the nth account create with Xero's 500, add an account as the seller
 * would in Xero, list the create requests each organisation received). Expire
 * every access token with `server.advance(ms)` (30 minutes, or
 * `accessTokenTtlSeconds`); codes expire after 5 minutes, a consumed refresh
 * token after its 30-minute grace, an unused one after 60 days.
 *
 * The sections are files of their own: `consent.ts` (authorize and consent),
 * `tokens.ts` (the token endpoint), `identity.ts` (signing key, JWKS,
 * discovery; the RS256 code is the sandboxes' shared `../jwt.ts`), `api.ts`
 * (`/connections` and the Accounting API), `accounts.ts` (creating an
 * account), `controls.ts` (the grant and books controls), with the
 * organisations' data in `organisations.ts` and what they share in
 * `common.ts`.
 */
import { createFaults, createLog, refreshFaults } from '../controls.js';
import { json } from '../http.js';
import type { ControlledSandbox, SandboxContext, SandboxFactory } from '../types.js';
import { xeroApi } from './api.js';
import { errorPage, type XeroState } from './common.js';
import { xeroConsent } from './consent.js';
import { xeroBooksControls, xeroControls } from './controls.js';
import { discovery, jwks } from './identity.js';
import { ORGS } from './organisations.js';
import { xeroTokens } from './tokens.js';

export { XERO_SANDBOX_TENANTS, XERO_SANDBOX_USER } from './organisations.js';

export const createXeroSandbox: SandboxFactory = (ctx: SandboxContext): ControlledSandbox => {
  const state: XeroState = {
    ctx,
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    connections: new Map(),
    faults: refreshFaults(ctx),
    charts: new Map([...ORGS].map(([tenantId, org]) => [tenantId, org.accounts.map((a) => ({ ...a }))])),
    createFaults: createFaults(),
    creates: createLog(),
    reg: () => ctx.registrations.xero,
  };
  const { validate, consentPage, decide } = xeroConsent(state);
  const { token } = xeroTokens(state);
  const { connectionsApi, accountingApi } = xeroApi(state);
  const controls = xeroControls(state);
  const books = xeroBooksControls(state);

  return {
    id: 'xero',
    controls,
    books,
    hosts: (host) => host === 'login.xero.com' || host === 'identity.xero.com' || host === 'api.xero.com',
    async handle(req) {
      if (req.host === 'login.xero.com' && req.path === '/identity/connect/authorize') {
        if (req.method === 'GET') {
          const a = validate(req.query);
          return typeof a === 'string' ? errorPage(a) : consentPage(req.query, a);
        }
        if (req.method === 'POST') return decide(new URLSearchParams(req.body));
        return { status: 405, headers: { allow: 'GET, POST' } };
      }
      if (req.host === 'identity.xero.com') {
        if (req.path === '/connect/token') return token(req);
        if (req.path === '/.well-known/openid-configuration') return discovery(ctx);
        if (req.path === '/.well-known/openid-configuration/jwks') return json(200, jwks());
        return undefined;
      }
      if (req.host === 'api.xero.com') {
        if (/^\/connections(\/|$)/i.test(req.path)) return connectionsApi(req);
        return accountingApi(req);
      }
      return undefined;
    },
  };
};
