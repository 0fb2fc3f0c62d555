/**
 * QuickBooks Online sandbox (docs/providers.md §10, §13): Intuit's OAuth 2.0 / OIDC
 * consent on `appcenter.intuit.com/connect/oauth2`, the token endpoint and
 * JWKS on `oauth.platform.intuit.com`, token revocation on
 * `developer.api.intuit.com`, the sandbox discovery document on
 * `developer.intuit.com`, and the Accounting API (`companyinfo` and the
 * SQL-like `query` endpoint for Account, TaxCode, TaxRate and CompanyInfo) on
 * both `sandbox-quickbooks.api.intuit.com` and `quickbooks.api.intuit.com`.
 *
 * The sandbox user has one company, **Sandbox Company US**
 * (`QUICKBOOKS_SANDBOX_COMPANY.realmId`).
 *
 * `POST /v3/company/{realmId}/account` creates an account (there is no
 * read-only scope: `com.intuit.quickbooks.accounting` reads and writes); the
 * accounts a sandbox creates are its own, and `query` lists them after the
 * company's chart.
 *
 * Test controls: the grant controls, a token ledger (`TokenLedger`: a grant
 * minted as a consent's code exchange would answer, and whether a refresh
 * token is the one it would accept now), and the books controls
 * (`BooksControls`: fail the nth account create with the gateway's 500, add
 * an account as the seller would in QuickBooks, list the create requests the
 * company received). Expire every access token with
 * `server.advance(ms)` (1 hour, or `accessTokenTtlSeconds`); codes expire
 * after 5 minutes; a refresh token is rolling 100 days and is replaced on
 * every refresh (the previous value then fails with `invalid_grant`), within
 * a 5-year hard limit from the first authorization.
 *
 * The sections are files of their own: `consent.ts` (authorize and
 * consent), `tokens.ts` (token endpoint and revocation), `identity.ts`
 * (id_token signing key, JWKS, discovery; the RS256 code is the sandboxes'
 * shared `../jwt.ts`), `api.ts` (the Accounting API, with its query language
 * and XML in `query.ts` and account creation in `accounts.ts`), `controls.ts`
 * (grant controls, token ledger, books controls),
 * with the company's data in `company.ts` and what they share in `common.ts`.
 */
import { createFaults, createLog, refreshFaults } from '../controls.js';
import type { ControlledSandbox, SandboxContext, SandboxFactory } from '../types.js';
import { quickbooksApi } from './api.js';
import { API_HOSTS, errorPage, HOSTS, json, type QuickbooksState } from './common.js';
import { quickbooksConsent } from './consent.js';
import { QUICKBOOKS_SANDBOX_COMPANY } from './company.js';
import { quickbooksBooksControls, quickbooksControls } from './controls.js';
import { discovery, jwks } from './identity.js';
import { quickbooksTokens } from './tokens.js';

export { QUICKBOOKS_SANDBOX_COMPANY } from './company.js';

export const createQuickbooksSandbox: SandboxFactory = (ctx: SandboxContext): ControlledSandbox => {
  const state: QuickbooksState = {
    ctx,
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    faults: refreshFaults(ctx),
    addedAccounts: new Map([[QUICKBOOKS_SANDBOX_COMPANY.realmId, []]]),
    createFaults: createFaults(),
    creates: createLog(),
    reg: () => ctx.registrations.quickbooks,
  };
  const { validate, consentPage, decide } = quickbooksConsent(state);
  const { issue, token, revoke } = quickbooksTokens(state);
  const { api } = quickbooksApi(state);
  const { controls, ledger } = quickbooksControls(state, issue);
  const books = quickbooksBooksControls(state);

  return {
    id: 'quickbooks',
    controls,
    ledger,
    books,
    hosts: (host) => HOSTS.has(host),
    async handle(req) {
      if (req.host === 'appcenter.intuit.com' && req.path === '/connect/oauth2') {
        if (req.method === 'GET') {
          const a = validate(req.query);
          return typeof a === 'string' ? errorPage(a) : consentPage(req.query, a);
        }
        if (req.method === 'POST') return decide(new URLSearchParams(req.body));
        return { status: 405, headers: { allow: 'GET, POST' } };
      }
      if (req.host === 'oauth.platform.intuit.com') {
        if (req.path === '/oauth2/v1/tokens/bearer') return token(req);
        if (req.path === '/op/v1/jwks') return json(200, jwks());
        return undefined;
      }
      if (req.host === 'developer.api.intuit.com' && req.path === '/v2/oauth2/tokens/revoke') return revoke(req);
      if (req.host === 'developer.intuit.com' && req.path === '/.well-known/openid-sandbox-configuration') return discovery(ctx);
      if (req.host === 'developer.api.intuit.com' && req.path === '/.well-known/openid_configuration') return discovery(ctx);
      if (API_HOSTS.has(req.host)) return api(req);
      return undefined;
    },
  };
};
