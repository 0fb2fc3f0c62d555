/**
 * Square sandbox, written from docs/providers.md §6, §12 and §13 (and Square's OAuth reference where
 * docs/providers.md is silent).
 *
 * Host played: `connect.squareup.com`
 * - `GET /oauth2/authorize` (client_id, scope, state, optional redirect_uri, optional code_challenge):
 *   the seller's permission page; Allow → `{redirect}?code=…&response_type=code&state=…`,
 *   Cancel → `{redirect}?error=access_denied&error_description=user_denied&state=…`.
 * - `POST /oauth2/token` (JSON body): authorization_code (secret, or PKCE verifier) and refresh_token.
 * - `POST /oauth2/token/status` (Bearer): the token's scopes, expiry, client and merchant.
 * - `GET /v2/merchants/me` and `GET /v2/merchants/{id}` (Bearer).
 *
 * Error bodies (chosen): Square's v2 shape `{errors:[{category, code, detail, field?}]}` together with
 * the `{message, type}` pair its OAuth endpoints have answered with (the SDKs surface those as
 * `V1_ERROR` `service.not_authorized`), so both readings of a failure agree. API errors under `/v2`
 * carry only `errors`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { bearerToken, escapeHtml, html, htmlDocument, jsonWith, redirect, safeEqual, sleep, withQuery } from '../http.js';
import type { ControlledSandbox, GrantControls, SandboxContext, SandboxFactory, SandboxRequest, SandboxResponse } from '../types.js';
import { refreshFaults } from '../controls.js';
import { SQUARE_FACTS } from './facts.js';

const SQUARE_HOST = 'connect.squareup.com';

/** Codes: 5 minutes, single use. */
const CODE_TTL_MS = 5 * 60 * 1000;
/** Access tokens: 30 days, or 24 hours when `short_lived`. */
const ACCESS_TTL_S = 30 * 24 * 3600;
const SHORT_LIVED_TTL_S = 24 * 3600;
/** PKCE refresh tokens: single use, within 90 days. Code-flow refresh tokens do not expire. */
const PKCE_REFRESH_TTL_S = 90 * 24 * 3600;
const PENDING_TTL_MS = 60 * 60 * 1000;
const DEFAULT_SCOPES = ['MERCHANT_PROFILE_READ', 'PAYMENTS_READ', 'SETTLEMENTS_READ', 'BANK_ACCOUNTS_READ'];

/** Square's OAuthPermission values (an unknown scope is refused at the authorize step: chosen). */
const KNOWN_SCOPES = new Set([
  'APPOINTMENTS_ALL_READ', 'APPOINTMENTS_ALL_WRITE', 'APPOINTMENTS_BUSINESS_SETTINGS_READ', 'APPOINTMENTS_READ', 'APPOINTMENTS_WRITE',
  'BANK_ACCOUNTS_READ', 'CASH_DRAWER_READ', 'CHANNELS_CREATE', 'CHANNELS_READ', 'CHANNELS_UPDATE',
  'CUSTOMERS_READ', 'CUSTOMERS_WRITE', 'DEVICE_CREDENTIAL_MANAGEMENT', 'DEVICES_READ', 'DISPUTES_READ', 'DISPUTES_WRITE',
  'EMPLOYEES_READ', 'EMPLOYEES_WRITE', 'GIFTCARDS_READ', 'GIFTCARDS_WRITE', 'INVENTORY_READ', 'INVENTORY_WRITE',
  'INVOICES_READ', 'INVOICES_WRITE', 'ITEMS_READ', 'ITEMS_WRITE', 'LOYALTY_READ', 'LOYALTY_WRITE',
  'MERCHANT_PROFILE_READ', 'MERCHANT_PROFILE_WRITE', 'ONLINE_STORE_SITE_READ', 'ONLINE_STORE_SNIPPETS_READ', 'ONLINE_STORE_SNIPPETS_WRITE',
  'ORDERS_READ', 'ORDERS_WRITE', 'PAYMENTS_READ', 'PAYMENTS_WRITE', 'PAYMENTS_WRITE_ADDITIONAL_RECIPIENTS', 'PAYMENTS_WRITE_IN_PERSON',
  'PAYMENTS_WRITE_SHARED_ONFILE', 'PAYOUTS_READ', 'PERMISSION_SETS_READ', 'PERMISSION_SETS_WRITE', 'RESERVATIONS_READ', 'RESERVATIONS_WRITE',
  'RESTAURANT_CHECKS_READ', 'SETTLEMENTS_READ', 'SUBSCRIPTIONS_READ', 'SUBSCRIPTIONS_WRITE', 'TIMECARDS_READ', 'TIMECARDS_SETTINGS_READ',
  'TIMECARDS_SETTINGS_WRITE', 'TIMECARDS_WRITE', 'VENDOR_READ', 'VENDOR_WRITE',
]);

/** Plain-language lines for the permission page. */
const SCOPE_TEXT: Readonly<Record<string, string>> = {
  MERCHANT_PROFILE_READ: 'Read your business profile and locations',
  ORDERS_READ: 'Read your orders',
  PAYMENTS_READ: 'Read your payments',
  PAYOUTS_READ: 'Read your payouts',
  SETTLEMENTS_READ: 'Read your settlements',
  BANK_ACCOUNTS_READ: 'Read your linked bank accounts',
};

/** The one seller who signs in to this sandbox. */
const MERCHANT = {
  id: 'MLSNDBX0NRMP1',
  business_name: 'Onramp Sandbox Café',
  country: 'GB',
  language_code: 'en-GB',
  currency: 'GBP',
  status: 'ACTIVE',
  main_location_id: 'LSNDBX0NRMP01',
  created_at: '2024-05-14T09:30:00.000Z',
} as const;

type Scenario = 'ok' | 'token_error' | 'token_slow';
const SCENARIOS: readonly Scenario[] = ['ok', 'token_error', 'token_slow'];

interface Pending {
  readonly scopes: readonly string[];
  readonly state: string | null;
  readonly redirectUri: string | null;
  readonly codeChallenge: string | null;
  readonly createdAt: number;
}

interface AuthCode {
  readonly scopes: readonly string[];
  readonly redirectUri: string | null;
  readonly codeChallenge: string | null;
  readonly scenario: Scenario;
  readonly expiresAt: number;
  used: boolean;
}

interface RefreshToken {
  readonly scopes: readonly string[];
  readonly pkce: boolean;
  /** Epoch ms; undefined = does not expire (code flow). */
  readonly expiresAt: number | undefined;
  used: boolean;
}

interface AccessToken {
  readonly scopes: readonly string[];
  /** Epoch ms. */
  readonly expiresAt: number;
}

type Json = Record<string, unknown>;

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; background: #f2f2f2; color: #1a1a1a; }
  main { box-sizing: border-box; max-width: 30rem; margin: 0 auto; padding: 1.25rem 1rem 2rem; background: #fff; min-height: 100vh; }
  h1 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 1rem; }
  p, li { line-height: 1.5; }
  .field { display: flex; flex-direction: column; gap: 0.35rem; margin: 1rem 0 1.25rem; }
  label { font-size: 1rem; }
  select { font-size: 1rem; min-height: 44px; padding: 0 0.5rem; border: 1px solid #767676; border-radius: 6px; background: #fff; color: inherit; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; }
  button { flex: 1 1 10rem; font-size: 1rem; font-weight: 600; min-height: 48px; border-radius: 6px; border: 2px solid #006aff; cursor: pointer; }
  button.primary { background: #006aff; color: #fff; }
  button.secondary { background: #fff; color: #0047ab; }
  :focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
`;

function htmlPage(title: string, content: string): string {
  return htmlDocument({ title, css: STYLE, body: content });
}

/** Square's pages may not be framed. */
const htmlResponse = (status: number, body: string): SandboxResponse => html(status, body, { 'x-frame-options': 'DENY' });

function errorPage(status: number, message: string): SandboxResponse {
  const content = `<h1>Square: Onramp cannot be authorized</h1>
<p role="alert">${escapeHtml(message)}</p>`;
  return htmlResponse(status, htmlPage('Square authorization error', content));
}

/** Square labels its JSON plain `application/json`. */
const json = jsonWith({ 'content-type': 'application/json' });

interface SquareError {
  readonly category: string;
  readonly code: string;
  readonly detail: string;
  readonly field?: string;
}

/** An OAuth endpoint failure: v2 `errors` plus the v1-style `message`/`type`. */
const oauthError = (status: number, type: string, error: SquareError): SandboxResponse =>
  json(status, { message: error.detail, type, errors: [error] });

const badRequest = (code: string, detail: string, field?: string) =>
  oauthError(400, 'bad_request', { category: 'INVALID_REQUEST_ERROR', code, detail, ...(field ? { field } : {}) });
const notAuthorized = (detail: string) =>
  oauthError(401, 'service.not_authorized', { category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED', detail });

/** An API failure under `/v2`: just `errors`. */
const apiError = (status: number, error: SquareError): SandboxResponse => json(status, { errors: [error] });

const randomToken = (bytes: number) => randomBytes(bytes).toString('base64url');
/** Square timestamps: RFC 3339 with second precision. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const createSquareSandbox: SandboxFactory = (ctx: SandboxContext): ControlledSandbox => {
  const reg = ctx.registrations.square;
  const pending = new Map<string, Pending>();
  const codes = new Map<string, AuthCode>();
  const refreshTokens = new Map<string, RefreshToken>();
  const accessTokens = new Map<string, AccessToken>();

  const sweep = () => {
    const t = ctx.now();
    for (const [id, p] of pending) if (t - p.createdAt > PENDING_TTL_MS) pending.delete(id);
  };

  // ---- authorize -------------------------------------------------------------

  function permissionPage(query: URLSearchParams): SandboxResponse {
    const clientId = query.get('client_id');
    if (!clientId) return errorPage(400, 'Missing client_id: this link does not name an application.');
    if (clientId !== reg.applicationId) return errorPage(400, 'The application was not found. Check the client_id.');
    const redirectUri = query.get('redirect_uri');
    if (redirectUri !== null && redirectUri !== reg.redirectUrl) {
      return errorPage(400, "The redirect_uri does not match the Redirect URL on the application's OAuth page.");
    }
    const scopeParam = query.get('scope');
    const scopes = scopeParam === null ? DEFAULT_SCOPES : scopeParam.split(/\s+/).filter((s) => s !== '');
    if (scopes.length === 0) return errorPage(400, 'The scope parameter is empty.');
    const unknown = scopes.filter((s) => !KNOWN_SCOPES.has(s));
    if (unknown.length > 0) return errorPage(400, `Unknown permission requested: ${unknown.join(', ')}.`);
    const codeChallenge = query.get('code_challenge');
    const method = query.get('code_challenge_method');
    if (method !== null && method !== 'S256') return errorPage(400, 'Only the S256 code_challenge_method is supported.');
    if (codeChallenge !== null && !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) {
      return errorPage(400, 'The code_challenge must be the base64url SHA-256 of the code verifier (43 characters).');
    }
    sweep();
    const id = randomToken(16);
    pending.set(id, { scopes: [...new Set(scopes)], state: query.get('state'), redirectUri, codeChallenge, createdAt: ctx.now() });
    const action = ctx.sandboxUrl(`https://${SQUARE_HOST}/oauth2/authorize`);
    const items = [...new Set(scopes)].map((s) => `<li>${escapeHtml(SCOPE_TEXT[s] ?? s)}</li>`).join('\n');
    const options = SCENARIOS.map((s) => `<option value="${s}"${s === 'ok' ? ' selected' : ''}>${s}</option>`).join('');
    const content = `<h1>Square: allow Onramp to access your account</h1>
<p>Signed in as <strong>${escapeHtml(MERCHANT.business_name)}</strong>.</p>
<p>Onramp would like to:</p>
<ul>
${items}
</ul>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="authorization_request" value="${escapeHtml(id)}">
<div class="field">
<label for="scenario">Sandbox outcome</label>
<select id="scenario" name="scenario">${options}</select>
</div>
<div class="actions">
<button type="submit" name="decision" value="${SQUARE_FACTS.accept.decision}" class="primary">${escapeHtml(SQUARE_FACTS.accept.label)}</button>
<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
</div>
</form>`;
    return htmlResponse(200, htmlPage('Allow Onramp – Square', content));
  }

  function permissionDecision(req: SandboxRequest): SandboxResponse {
    const form = new URLSearchParams(req.body);
    const id = form.get('authorization_request') ?? '';
    const p = pending.get(id);
    if (!p || ctx.now() - p.createdAt > PENDING_TTL_MS) {
      return errorPage(400, 'This authorization request has expired. Start again from Onramp.');
    }
    const decision = form.get('decision');
    if (decision === 'cancel') {
      pending.delete(id);
      return redirect(withQuery(reg.redirectUrl, { error: 'access_denied', error_description: 'user_denied', state: p.state ?? undefined }, 'append'));
    }
    if (decision !== SQUARE_FACTS.accept.decision) return errorPage(400, 'Choose Allow or Cancel.');
    const scenario = form.get('scenario') ?? 'ok';
    if (!SCENARIOS.includes(scenario as Scenario)) return errorPage(400, 'Unknown sandbox outcome.');
    pending.delete(id);
    const code = `sq0cgp-${randomToken(16)}`;
    codes.set(code, {
      scopes: p.scopes,
      redirectUri: p.redirectUri,
      codeChallenge: p.codeChallenge,
      scenario: scenario as Scenario,
      expiresAt: ctx.now() + CODE_TTL_MS,
      used: false,
    });
    return redirect(withQuery(reg.redirectUrl, { code, response_type: 'code', state: p.state ?? undefined }, 'append'));
  }

  // ---- token -----------------------------------------------------------------

  function issue(scopes: readonly string[], shortLived: boolean, refresh: { token: string; record: RefreshToken }): Json {
    const accessToken = `EAAA${randomToken(45)}`;
    const ttl = ctx.accessTokenTtlSeconds ?? (shortLived ? SHORT_LIVED_TTL_S : ACCESS_TTL_S);
    const expiresAt = ctx.now() + ttl * 1000;
    accessTokens.set(accessToken, { scopes, expiresAt });
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_at: isoSeconds(expiresAt),
      merchant_id: MERCHANT.id,
      refresh_token: refresh.token,
      short_lived: shortLived,
      ...(refresh.record.expiresAt !== undefined ? { refresh_token_expires_at: isoSeconds(refresh.record.expiresAt) } : {}),
    };
  }

  function newRefreshToken(scopes: readonly string[], pkce: boolean) {
    const token = `EQAA${randomToken(45)}`;
    const record: RefreshToken = { scopes, pkce, expiresAt: pkce ? ctx.now() + PKCE_REFRESH_TTL_S * 1000 : undefined, used: false };
    refreshTokens.set(token, record);
    return { token, record };
  }

  const str = (body: Json, key: string): string | undefined => {
    const v = body[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };

  async function obtainToken(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'POST') return oauthError(405, 'bad_request', { category: 'INVALID_REQUEST_ERROR', code: 'METHOD_NOT_ALLOWED', detail: 'Use POST.' });
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    if (!/^application\/json\s*(;|$)/.test(contentType)) {
      return badRequest('INVALID_CONTENT_TYPE', 'Content-Type must be application/json.');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body);
    } catch {
      return badRequest('BAD_REQUEST', 'The request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return badRequest('BAD_REQUEST', 'The request body must be a JSON object.');
    }
    const body = parsed as Json;
    const clientId = str(body, 'client_id');
    const grantType = str(body, 'grant_type');
    if (!clientId) return badRequest('MISSING_REQUIRED_PARAMETER', 'Missing required parameter: client_id.', 'client_id');
    if (!grantType) return badRequest('MISSING_REQUIRED_PARAMETER', 'Missing required parameter: grant_type.', 'grant_type');
    if (clientId !== reg.applicationId) return notAuthorized('Not Authorized: unknown client_id.');
    const secret = str(body, 'client_secret');
    if (secret !== undefined && !safeEqual(secret, reg.applicationSecret)) return notAuthorized('Not Authorized: invalid client_secret.');
    const shortLived = body.short_lived === true;

    if (grantType === 'authorization_code') {
      const codeValue = str(body, 'code');
      if (!codeValue) return badRequest('MISSING_REQUIRED_PARAMETER', 'Missing required parameter: code.', 'code');
      const code = codes.get(codeValue);
      if (!code) return notAuthorized('Authorization code not found.');
      if (code.scenario === 'token_error') {
        return oauthError(500, 'internal_server_error', { category: 'API_ERROR', code: 'INTERNAL_SERVER_ERROR', detail: 'An internal error has occurred.' });
      }
      if (code.scenario === 'token_slow') await sleep(ctx.slowMs);
      const verifier = str(body, 'code_verifier');
      if (code.codeChallenge !== null) {
        if (!verifier) return badRequest('MISSING_REQUIRED_PARAMETER', 'Missing required parameter: code_verifier.', 'code_verifier');
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (!safeEqual(challenge, code.codeChallenge)) return notAuthorized('The code_verifier does not match the code_challenge.');
      } else if (secret === undefined) {
        return badRequest('MISSING_REQUIRED_PARAMETER', 'Missing required parameter: client_secret.', 'client_secret');
      }
      const redirectUri = str(body, 'redirect_uri');
      if (redirectUri !== undefined && redirectUri !== reg.redirectUrl) {
        return badRequest('INVALID_VALUE', 'The redirect_uri does not match the Redirect URL on the OAuth page.', 'redirect_uri');
      }
      if (code.redirectUri !== null && redirectUri === undefined) {
        return badRequest('MISSING_REQUIRED_PARAMETER', 'The authorize request had a redirect_uri: send the same one.', 'redirect_uri');
      }
      if (code.used) return notAuthorized('Authorization code is already redeemed.');
      if (ctx.now() > code.expiresAt) return notAuthorized('Authorization code is expired.');
      code.used = true;
      return json(200, issue(code.scopes, shortLived, newRefreshToken(code.scopes, code.codeChallenge !== null)));
    }

    if (grantType === 'refresh_token') {
      const refreshValue = str(body, 'refresh_token');
      if (!refreshValue) return badRequest('MISSING_REQUIRED_PARAMETER', 'Missing required parameter: refresh_token.', 'refresh_token');
      const fault = await faults.answer(oauthError(500, 'internal_server_error', { category: 'API_ERROR', code: 'INTERNAL_SERVER_ERROR', detail: 'An internal error has occurred.' }));
      if (fault) return fault;
      const record = refreshTokens.get(refreshValue);
      if (!record) return notAuthorized('Refresh token not found.');
      if (!record.pkce && secret === undefined) {
        return badRequest('MISSING_REQUIRED_PARAMETER', 'Missing required parameter: client_secret.', 'client_secret');
      }
      if (record.used) return notAuthorized('Refresh token is already used.');
      if (record.expiresAt !== undefined && ctx.now() > record.expiresAt) return notAuthorized('Refresh token is expired.');
      if (!record.pkce) {
        // Code flow: the refresh token does not expire and the same one comes back.
        return json(200, issue(record.scopes, shortLived, { token: refreshValue, record }));
      }
      // PKCE: single-use; a new one (90 days) replaces it.
      record.used = true;
      return json(200, issue(record.scopes, shortLived, newRefreshToken(record.scopes, true)));
    }

    return badRequest('INVALID_VALUE', `Unsupported grant_type: ${grantType}.`, 'grant_type');
  }

  // ---- bearer-authenticated calls ---------------------------------------------

  function bearer(req: SandboxRequest): { readonly error: SandboxResponse } | { readonly token: AccessToken } {
    const presented = bearerToken(req.headers.authorization);
    if (!presented) {
      return { error: apiError(401, { category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED', detail: 'Your request did not include an `Authorization` http header with an access token.' }) };
    }
    const token = accessTokens.get(presented);
    if (!token) {
      return { error: apiError(401, { category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED', detail: 'This request could not be authorized.' }) };
    }
    if (ctx.now() >= token.expiresAt) {
      return { error: apiError(401, { category: 'AUTHENTICATION_ERROR', code: 'ACCESS_TOKEN_EXPIRED', detail: 'The access token has expired.' }) };
    }
    return { token };
  }

  function tokenStatus(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST') return oauthError(405, 'bad_request', { category: 'INVALID_REQUEST_ERROR', code: 'METHOD_NOT_ALLOWED', detail: 'Use POST.' });
    const checked = bearer(req);
    if ('error' in checked) return checked.error;
    return json(200, {
      scopes: checked.token.scopes,
      expires_at: isoSeconds(checked.token.expiresAt),
      client_id: reg.applicationId,
      merchant_id: MERCHANT.id,
    });
  }

  function merchant(req: SandboxRequest, id: string): SandboxResponse {
    if (req.method !== 'GET') {
      return apiError(405, { category: 'INVALID_REQUEST_ERROR', code: 'METHOD_NOT_ALLOWED', detail: 'Use GET.' });
    }
    const checked = bearer(req);
    if ('error' in checked) return checked.error;
    if (!checked.token.scopes.includes('MERCHANT_PROFILE_READ')) {
      return apiError(403, {
        category: 'AUTHENTICATION_ERROR',
        code: 'INSUFFICIENT_SCOPES',
        detail: 'The merchant has not given your application sufficient permissions to do that. The developer should include the MERCHANT_PROFILE_READ scope in the OAuth authorization request.',
      });
    }
    if (id !== 'me' && id !== MERCHANT.id) {
      return apiError(404, { category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Merchant ${id} not found.` });
    }
    return json(200, { merchant: MERCHANT });
  }

  /* ---------------- test controls: revoke a grant, run out refresh tokens, fail refreshes (GrantControls) ---------------- */

  const faults = refreshFaults(ctx);
  const controls: GrantControls = {
    revokeGrants() {
      const n = refreshTokens.size;
      refreshTokens.clear();
      accessTokens.clear();
      return n;
    },
    expireRefreshTokens() {
      for (const [token, record] of refreshTokens) refreshTokens.set(token, { ...record, expiresAt: ctx.now() - 1 });
      return refreshTokens.size;
    },
    failRefresh: (mode) => faults.set(mode),
  };

  return {
    id: 'square',
    controls,
    hosts: (host) => host === SQUARE_HOST,
    async handle(req) {
      if (req.path === '/oauth2/authorize') {
        if (req.method === 'GET') return permissionPage(req.query);
        if (req.method === 'POST') return permissionDecision(req);
        return errorPage(405, 'Method not allowed.');
      }
      if (req.path === '/oauth2/token') return obtainToken(req);
      if (req.path === '/oauth2/token/status') return tokenStatus(req);
      const m = /^\/v2\/merchants\/([^/]+)$/.exec(req.path);
      if (m?.[1]) return merchant(req, m[1]);
      return undefined;
    },
  };
};
