/**
 * Walmart Marketplace sandbox: the Token API on `marketplace.walmartapis.com`
 * for seller-issued (Delegated Access) client credentials, US and Mexico
 * (docs/providers.md §7.1, §7.3), and US OAuth 2.0 for Onramp's Solution
 * Provider app, with its consent page on `login.account.wal-mart.com` (§7.2).
 *
 * Delegated Access keys:
 * - `POST /v3/token` (`grant_type=client_credentials`, `Authorization: Basic
 *   base64(clientId:clientSecret)`, form body, `WM_SVC.NAME`,
 *   `WM_QOS.CORRELATION_ID`, `WM_MARKET`) → `{access_token, token_type:
 *   "Bearer", expires_in: 900}`; XML `OAuthTokenDTO` unless the request
 *   accepts `application/json`.
 * - `GET /v3/token/detail` (`WM_SEC.ACCESS_TOKEN`, the two WM headers,
 *   `WM_MARKET`) → `{scopes, expireAt, issuedAt, isValid, isChannelMatch}`.
 *
 * US OAuth 2.0 (§7.2):
 * - `GET login.account.wal-mart.com/authorize?responseType=code&clientId=…&
 *   redirectUri=…&clientType=seller&nonce=…&state=…`: the consent page of
 *   the sandbox seller (`WALMART_FACTS.sellerId`). An unknown `clientId`, a
 *   `redirectUri` not registered for it (exact match), `responseType` other
 *   than `code`, `clientType` other than `seller` (`seller-ca`/`seller-mx`
 *   are other markets: OAuth is US-only here), or a missing `state` or
 *   `nonce` gets a 400 HTML page without a form. **Authorize** → 302 to
 *   `{redirectUri}?code=…&type=auth&clientId=…&sellerId=…&state=…`;
 *   **Cancel** → 302 to `{redirectUri}?error=access_denied&error_description=…&state=…`
 *   (Walmart's denied format is unconfirmed: this one is assumed). Codes
 *   are single-use and live 5 minutes.
 * - `POST /v3/token` with the app's `Authorization: Basic` (not a seller
 *   key), form body, the two WM headers, `WM_MARKET` `us` or absent, and
 *   `WM_PARTNER.ID` = the seller's id:
 *   `grant_type=authorization_code&code=…&redirect_uri=…` (the authorize
 *   request's `redirectUri`, exactly) → `{access_token, token_type: "Bearer",
 *   expires_in: 900, refresh_token}`, the refresh token valid 365 days;
 *   `grant_type=refresh_token&refresh_token=…` → the same shape with a new
 *   access token and the same refresh token (no rotation: assumed, the docs
 *   name none). XML `OAuthTokenDTO` with `<refreshToken>` unless JSON is
 *   accepted.
 * - `GET /v3/token/detail` accepts these access tokens too: the US scopes,
 *   reports `view_only`.
 *
 * Errors use Walmart's gateway envelope
 * `{error: [{code, field, description, info, severity, category, causes, errorIdentifiers}]}`
 * (XML `<ns2:errors>` when JSON is not accepted). Walmart's answers to bad
 * OAuth grants are not documented; the sandbox assumes these:
 * - 401 `UNAUTHORIZED.GMP_GATEWAY_API` (field `UNAUTHORIZED`): unknown,
 *   wrong or revoked client credentials, the app's included.
 * - 400 `INVALID_REQUEST_HEADER.GMP_GATEWAY_API`: a missing WM header, a
 *   form body not declared as one, `WM_MARKET` other than `us` for the OAuth
 *   grants, and a `WM_PARTNER.ID` missing or not the seller the code or
 *   refresh token was issued for (field `WM_PARTNER.ID`).
 * - 400 `INVALID_REQUEST_PARAM.GMP_GATEWAY_API`: a missing or unsupported
 *   `grant_type`; a code that is unknown, used or expired (field `code`); a
 *   `redirect_uri` missing or not the authorize request's (field
 *   `redirect_uri`); a refresh token past its 365 days (field
 *   `refresh_token`, description `The refresh token has expired`).
 * - 401 `UNAUTHORIZED.GMP_GATEWAY_API` with field `refresh_token`: a refresh
 *   token Walmart does not hold, never issued or revoked by the seller. So
 *   an expired refresh token (400, `INVALID_REQUEST_PARAM`) and a revoked
 *   one (401, `UNAUTHORIZED`) differ in status and code.
 * - 500 `SYSTEM_ERROR.GMP_GATEWAY_API`: Walmart's own failure.
 *
 * Fixture keys (client id / client secret):
 * - `sandbox-walmart-us` / `sandbox-secret-us`: US seller, reports `view_only`.
 * - `sandbox-walmart-mx` / `sandbox-secret-mx`: Mexico seller; only with `WM_MARKET: mx`.
 * - `sandbox-walmart-noreports` / `sandbox-secret-noreports`: US seller, reports `no_access`.
 * Test controls (US keys, for tests, not for the seller):
 * - `sandbox-walmart-down` / `sandbox-secret-down`: the token endpoint answers 500.
 * - `sandbox-walmart-slow` / `sandbox-secret-slow`: the token endpoint stalls `ctx.slowMs`, then issues a token.
 * The consent page's **Sandbox outcome**: `token_error` (the code's exchange
 * answers 500) and `token_slow` (it stalls `ctx.slowMs` first).
 *
 * Grant controls (`controls`, `GrantControls` in `types.ts`, plus `issueKey`):
 * - `revokeGrants()`: the seller reset the client secrets in the Developer
 *   Portal (or deleted the keys) and disconnected the OAuth app: every
 *   client id/secret pair known until now gets 401
 *   `UNAUTHORIZED.GMP_GATEWAY_API` from `/v3/token`, every OAuth refresh
 *   token the 401 above, unused codes are void, and every access token
 *   minted from either gets 401 from `/v3/token/detail` (the answers for an
 *   unknown key or token). Returns how many keys and refresh tokens went.
 * - `issueKey(market)`: the seller adds a new key for the Solution Provider
 *   (Developer Portal → API Keys, §7.1): a new client id/secret that mints
 *   tokens, revoked keys or not.
 * - `expireRefreshTokens()`: the OAuth refresh tokens reach the end of their
 *   365 days (the 400 above); keys get no refresh token (§7.1). Returns how
 *   many refresh tokens.
 * - `failRefresh(mode)`: `error` makes the key grant, the `refresh_token`
 *   grant and `/v3/token/detail` answer Walmart's 500
 *   `SYSTEM_ERROR.GMP_GATEWAY_API`; `timeout` stalls them `ctx.slowMs` first;
 *   `null` restores them. The `authorization_code` grant is left to the
 *   consent page's outcomes.
 *
 * The sections are files of their own: `consent.ts` (authorize and consent),
 * `keys.ts` (the seller keys and their grant), `tokens.ts` (the token
 * endpoint's OAuth grants and token detail), `controls.ts` (the grant
 * controls), with what they share in `common.ts`.
 */
import { grantControls, refreshFaults } from '../controls.js';
import type { ControlledSandbox, Sandbox, SandboxContext, SandboxFactory } from '../types.js';
import { WALMART_HOST, WALMART_LOGIN_HOST, type WalmartState } from './common.js';
import { walmartConsent } from './consent.js';
import { walmartGrantControls, type WalmartControls } from './controls.js';
import { WALMART_SANDBOX_KEYS, walmartKeys } from './keys.js';
import { walmartTokens } from './tokens.js';

export { WALMART_HOST, WALMART_LOGIN_HOST, type WalmartAccess } from './common.js';
export type { WalmartControls } from './controls.js';
export { WALMART_SANDBOX_KEYS, type WalmartIssuedKey } from './keys.js';

/** The Walmart sandbox, with its controls. */
export interface WalmartSandbox extends ControlledSandbox {
  readonly controls: WalmartControls;
}

export const createWalmartSandbox: SandboxFactory = (ctx: SandboxContext): WalmartSandbox => {
  const state: WalmartState = {
    ctx,
    keys: new Map(WALMART_SANDBOX_KEYS.map((k) => [k.clientId, k])),
    tokens: new Map(),
    pending: new Map(),
    codes: new Map(),
    refreshTokens: new Map(),
    faults: refreshFaults(ctx),
    reg: () => ctx.registrations.walmart,
  };
  const keys = walmartKeys(state);
  const { authorize } = walmartConsent(state);
  const { token, tokenDetail } = walmartTokens(state, keys);
  const controls = walmartGrantControls(state, keys);

  return {
    id: 'walmart',
    controls,
    hosts: (host) => host === WALMART_HOST || host === WALMART_LOGIN_HOST,
    handle: async (req) => {
      const path = req.path.replace(/\/+$/, '');
      if (req.host === WALMART_LOGIN_HOST) return path === '/authorize' ? authorize(req) : undefined;
      if (path === '/v3/token') return token(req);
      if (path === '/v3/token/detail') return tokenDetail(req);
      return undefined;
    },
  };
};

/** The Walmart sandbox's controls among a server's sandboxes (`grantControls` with Walmart's `issueKey`). */
export function walmartControls(sandboxes: readonly Sandbox[]): WalmartControls {
  return grantControls(sandboxes, 'walmart') as WalmartControls;
}
