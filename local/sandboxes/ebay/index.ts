/**
 * eBay sandbox, written from docs/providers.md §2 (eBay's own OAuth and Identity
 * API documentation):
 *
 * - consent `GET auth.ebay.com/oauth2/authorize` with `client_id`,
 *   `redirect_uri` = the app's **RuName** (a name, not a URL),
 *   `response_type=code`, space-separated `scope` URIs, optional `state`
 *   (`prompt`, `locale` accepted and ignored);
 * - **I agree** sends the browser to the RuName's accept URL with `code`
 *   (eBay-shaped `v^1.1#…`, needing URL-encoding), `expires_in=299` and
 *   `state` when one was sent; **Cancel** sends it to the RuName's decline URL
 *   with only `state` added (eBay's decline query is unconfirmed, §2.2);
 * - `POST api.ebay.com/identity/v1/oauth2/token`: form body, client
 *   credentials only as HTTP Basic, `redirect_uri` = the RuName, codes single
 *   use and valid 299 s; refresh needs `scope` (the granted scopes or a
 *   subset) and returns no new refresh token; OAuth errors as
 *   `{error, error_description}`;
 * - `GET apiz.ebay.com/commerce/identity/v1/user/` (Bearer; the
 *   `commerce.identity.readonly` scope), eBay's `{errors:[{errorId,…}]}` on
 *   401/403.
 */
import { randomBytes } from 'node:crypto';
import { basicCredentials, bearerToken, escapeHtml, html, htmlDocument, isForm, jsonWith, redirect, sleep, STRICT_PAGE_HEADERS, withQuery } from '../http.js';
import type { ControlledSandbox, GrantControls, SandboxContext, SandboxFactory, SandboxRequest, SandboxResponse } from '../types.js';
import { refreshFaults } from '../controls.js';
import { EBAY_FACTS } from './facts.js';

const AUTH_HOST = 'auth.ebay.com';
const API_HOST = 'api.ebay.com';
const APIZ_HOST = 'apiz.ebay.com';
const AUTHORIZE_PATH = '/oauth2/authorize';
const TOKEN_PATH = '/identity/v1/oauth2/token';
const IDENTITY_PATH = '/commerce/identity/v1/user/';

export const IDENTITY_SCOPE = 'https://api.ebay.com/oauth/api_scope/commerce.identity.readonly';
/** A scope is a full URI: `https://api.ebay.com/oauth/api_scope` or one of its `/…` children. */
const SCOPE_PATTERN = /^https:\/\/api\.ebay\.com\/oauth\/api_scope(\/[a-z][a-z0-9_.]*)?$/;

/** The one sandbox eBay seller (what the Identity API returns for it). */
export const EBAY_SANDBOX_USER = {
  userId: 'sBxOnr4mpU1',
  username: 'onramp_sandbox_seller',
  accountType: 'BUSINESS',
  registrationMarketplaceId: 'EBAY_GB',
  status: 'CONFIRMED',
} as const;

/** `expires_in` on the accept redirect, and how long a code lives. */
const CODE_TTL_S = 299;
const DEFAULT_ACCESS_TTL_S = 7200;
const REFRESH_TTL_S = 47_304_000;

const SCENARIOS = ['ok', 'token_error', 'token_slow'] as const;
type Scenario = (typeof SCENARIOS)[number];
const SCENARIO_LABELS: Record<Scenario, string> = {
  ok: 'ok: normal authorization',
  token_error: 'token_error: the token endpoint answers this code with a 500',
  token_slow: 'token_slow: the token endpoint stalls before answering',
};

interface CodeRecord {
  readonly scopes: readonly string[];
  readonly scenario: Scenario;
  readonly expiresAt: number;
  used: boolean;
}
interface TokenRecord {
  readonly scopes: readonly string[];
  readonly expiresAt: number;
}

// ---------------------------------------------------------------------------
// HTML

const STYLE = [
  'body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f7f7f7;color:#191919;line-height:1.5}',
  'main{box-sizing:border-box;max-width:36rem;margin:0 auto;padding:1.25rem;background:#fff;min-height:100vh}',
  'h1{font-size:1.375rem;margin:0 0 1rem}',
  '.error{color:#d50b0b;font-weight:600;border-left:4px solid #d50b0b;padding:.25rem .75rem}',
  '.field{margin:1rem 0}',
  'label{font-weight:600}',
  'select{display:block;width:100%;font-size:1rem;padding:.5rem;margin-top:.25rem}',
  '.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}',
  'button{font-size:1rem;min-height:2.75rem;padding:.5rem 1.25rem;border-radius:1.5rem;border:1px solid #3665f3;background:#fff;color:#3665f3;cursor:pointer}',
  'button[value=agree]{background:#3665f3;color:#fff}',
  'button:focus-visible,select:focus-visible{outline:3px solid #191919;outline-offset:2px}',
  'ul{padding-left:1.25rem;overflow-wrap:anywhere}',
].join('');

function htmlPage(status: number, title: string, body: string): SandboxResponse {
  return html(status, htmlDocument({ title, css: STYLE, body }), STRICT_PAGE_HEADERS);
}

/** eBay answers a bad consent request with `{error_id, error_description, http_status_code}`; the sandbox shows it on an HTML page. */
function errorPage(errorId: string, description: string): SandboxResponse {
  return htmlPage(
    400,
    'Request refused – eBay',
    `<h1>eBay: this request to grant application access cannot be completed</h1>
<p class="error" role="alert"><code>${escapeHtml(errorId)}</code>: ${escapeHtml(description)}</p>
<p>Return to the application that sent you here and try again.</p>`,
  );
}

// ---------------------------------------------------------------------------
// JSON

/** eBay labels its JSON plain `application/json`. */
const json = jsonWith({ 'content-type': 'application/json' });

const oauthError = (status: number, error: string, description: string): SandboxResponse => json(status, { error, error_description: description });

const MALFORMED = 'request is missing a required parameter or malformed.';
const BAD_CODE = 'the provided authorization grant code is invalid or was issued to another client';
const BAD_REFRESH = 'the provided authorization refresh token is invalid or was issued to another client';
const BAD_SCOPE = 'The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client';

const apiError = (status: number, errorId: number, domain: string, message: string, longMessage: string): SandboxResponse =>
  json(status, { errors: [{ errorId, domain, category: 'REQUEST', message, longMessage }] });

// ---------------------------------------------------------------------------
// Helpers

/** eBay's opaque token shape: `v^1.1#i^1#…#t^` + base64 (characters that must be URL-encoded). */
const ebayToken = (kind: 'code' | 'access' | 'refresh'): string => {
  const prefix = { code: 'v^1.1#i^1#f^0#r^1#I^3#p^3#t^Ul41XzI6', access: 'v^1.1#i^1#p^3#r^1#I^3#f^0#t^H4sIAAAAAAAA', refresh: 'v^1.1#i^1#p^3#I^3#r^1#f^0#t^Ul4xMF82' }[kind];
  return `${prefix}${randomBytes(kind === 'code' ? 48 : 96).toString('base64')}`;
};

const parseScenario = (value: string | null): Scenario => (SCENARIOS as readonly string[]).includes(value ?? '') ? (value as Scenario) : 'ok';

const splitScopes = (scope: string): string[] => scope.split(' ').filter((s) => s !== '');

// ---------------------------------------------------------------------------

interface ConsentRequest {
  readonly scopes: readonly string[];
  readonly state: string | undefined;
}

export const createEbaySandbox: SandboxFactory = (ctx: SandboxContext): ControlledSandbox => {
  const reg = ctx.registrations.ebay;
  const codes = new Map<string, CodeRecord>();
  const refreshTokens = new Map<string, TokenRecord>();
  const accessTokens = new Map<string, TokenRecord>();

  /** Checks a consent request as eBay does; a tuple is the refusal (error id, description). */
  function readConsent(params: URLSearchParams): ConsentRequest | [string, string] {
    if (params.get('client_id') !== reg.clientId) return ['unauthorized_client', 'The OAuth client was not found.'];
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!redirectUri) return ['invalid_request', 'Input request parameters are invalid. The redirect_uri (RuName) is missing.'];
    if (redirectUri !== reg.ruName)
      return ['invalid_request', 'Input request parameters are invalid. The redirect_uri must be the application’s RuName (not a URL).'];
    if (params.get('response_type') !== 'code') return ['unsupported_response_type', 'Input request parameters are invalid. response_type must be code.'];
    const scopes = splitScopes(params.get('scope') ?? '');
    if (scopes.length === 0) return ['invalid_scope', 'The requested scope is missing.'];
    const bad = scopes.find((s) => !SCOPE_PATTERN.test(s));
    if (bad !== undefined) return ['invalid_scope', `The requested scope is invalid, unknown or malformed: ${bad}`];
    const state = params.get('state');
    return { scopes, state: state === null ? undefined : state };
  }

  function consentPage(c: ConsentRequest): SandboxResponse {
    const action = ctx.sandboxUrl(`https://${AUTH_HOST}${AUTHORIZE_PATH}`);
    const hidden: [string, string][] = [
      ['client_id', reg.clientId],
      ['redirect_uri', reg.ruName],
      ['response_type', 'code'],
      ['scope', c.scopes.join(' ')],
      ...(c.state !== undefined ? ([['state', c.state]] as [string, string][]) : []),
    ];
    const options = SCENARIOS.map((s) => `<option value="${s}"${s === 'ok' ? ' selected' : ''}>${escapeHtml(SCENARIO_LABELS[s])}</option>`).join('\n');
    const body = `<h1>eBay: grant application access to Onramp</h1>
<p>You are signed in to eBay as <strong>${escapeHtml(EBAY_SANDBOX_USER.username)}</strong>.</p>
<p>Onramp would like permission to access your eBay account:</p>
<ul>
${c.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('\n')}
</ul>
<form method="post" action="${escapeHtml(action)}">
${hidden.map(([n, v]) => `<input type="hidden" name="${n}" value="${escapeHtml(v)}">`).join('\n')}
<div class="field">
<label for="scenario">Sandbox outcome</label>
<select id="scenario" name="scenario">
${options}
</select>
</div>
<div class="actions">
<button type="submit" name="decision" value="${EBAY_FACTS.accept.decision}">${escapeHtml(EBAY_FACTS.accept.label)}</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`;
    return htmlPage(200, 'Grant application access: Onramp – eBay', body);
  }

  function handleAuthorize(req: SandboxRequest): SandboxResponse {
    if (req.method === 'GET') {
      const c = readConsent(req.query);
      return Array.isArray(c) ? errorPage(c[0], c[1]) : consentPage(c);
    }
    if (req.method !== 'POST') return { status: 405, headers: { allow: 'GET, POST' } };
    if (!isForm(req)) return errorPage('invalid_request', 'The form was not submitted as application/x-www-form-urlencoded.');
    const form = new URLSearchParams(req.body);
    const c = readConsent(form);
    if (Array.isArray(c)) return errorPage(c[0], c[1]);
    const decision = form.get('decision');
    if (decision === 'cancel') return redirect(withQuery(reg.declineUrl, { state: c.state }));
    if (decision !== EBAY_FACTS.accept.decision) return errorPage('invalid_request', 'Choose I agree or Cancel.');
    const code = ebayToken('code');
    codes.set(code, { scopes: c.scopes, scenario: parseScenario(form.get('scenario')), expiresAt: ctx.now() + CODE_TTL_S * 1000, used: false });
    return redirect(withQuery(reg.acceptUrl, { state: c.state, code, expires_in: String(CODE_TTL_S) }));
  }

  function issueAccessToken(scopes: readonly string[]): { token: string; expiresIn: number } {
    const token = ebayToken('access');
    const expiresIn = ctx.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TTL_S;
    accessTokens.set(token, { scopes, expiresAt: ctx.now() + expiresIn * 1000 });
    return { token, expiresIn };
  }

  async function handleToken(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'POST') return json(405, { error: 'invalid_request', error_description: MALFORMED }, { allow: 'POST' });
    if (!isForm(req)) return oauthError(400, 'invalid_request', MALFORMED);
    const client = basicCredentials(req.headers.authorization);
    if (!client || client.id !== reg.clientId || client.secret !== reg.clientSecret) return oauthError(401, 'invalid_client', 'client authentication failed');
    const form = new URLSearchParams(req.body);
    const grantType = form.get('grant_type');

    if (grantType === 'authorization_code') {
      const code = form.get('code');
      const redirectUri = form.get('redirect_uri');
      if (!code || !redirectUri) return oauthError(400, 'invalid_request', MALFORMED);
      if (codes.get(code)?.scenario === 'token_slow') await sleep(ctx.slowMs);
      const record = codes.get(code);
      if (!record || record.used || ctx.now() >= record.expiresAt) return oauthError(400, 'invalid_grant', BAD_CODE);
      if (record.scenario === 'token_error') return oauthError(500, 'server_error', 'There was a problem with an eBay internal system or process. Contact eBay developer support for assistance.');
      if (redirectUri !== reg.ruName) return oauthError(400, 'invalid_grant', 'the redirect_uri does not match the RuName the authorization code was issued for');
      record.used = true;
      const refreshToken = ebayToken('refresh');
      refreshTokens.set(refreshToken, { scopes: record.scopes, expiresAt: ctx.now() + REFRESH_TTL_S * 1000 });
      const access = issueAccessToken(record.scopes);
      return json(200, {
        access_token: access.token,
        expires_in: access.expiresIn,
        refresh_token: refreshToken,
        refresh_token_expires_in: REFRESH_TTL_S,
        token_type: 'User Access Token',
      });
    }

    if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token');
      const scope = form.get('scope');
      if (!refreshToken || !scope) return oauthError(400, 'invalid_request', MALFORMED);
      const fault = await faults.answer(oauthError(500, 'server_error', 'There was a problem with an eBay internal system or process. Contact eBay developer support for assistance.'));
      if (fault) return fault;
      const record = refreshTokens.get(refreshToken);
      if (!record || ctx.now() >= record.expiresAt) return oauthError(400, 'invalid_grant', BAD_REFRESH);
      const scopes = splitScopes(scope);
      if (scopes.length === 0 || scopes.some((s) => !record.scopes.includes(s))) return oauthError(400, 'invalid_scope', BAD_SCOPE);
      const access = issueAccessToken(scopes);
      return json(200, { access_token: access.token, expires_in: access.expiresIn, token_type: 'User Access Token' });
    }

    if (!grantType) return oauthError(400, 'invalid_request', MALFORMED);
    return oauthError(400, 'unsupported_grant_type', 'grant type in request is not supported by the authorization server');
  }

  function handleIdentity(req: SandboxRequest): SandboxResponse | undefined {
    if (req.method !== 'GET') return undefined;
    const token = bearerToken(req.headers.authorization);
    const record = token ? accessTokens.get(token) : undefined;
    if (!record || ctx.now() >= record.expiresAt)
      return apiError(401, 1001, 'OAuth', 'Invalid access token', 'Invalid access token. Check the value of the Authorization HTTP request header.');
    if (!record.scopes.includes(IDENTITY_SCOPE)) return apiError(403, 1100, 'ACCESS', 'Access denied', 'Insufficient permissions to fulfill the request.');
    return json(200, { ...EBAY_SANDBOX_USER });
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
      for (const [token, record] of refreshTokens) refreshTokens.set(token, { ...record, expiresAt: ctx.now() });
      return refreshTokens.size;
    },
    failRefresh: (mode) => faults.set(mode),
  };

  return {
    id: 'ebay',
    controls,
    hosts: (host) => host === AUTH_HOST || host === API_HOST || host === APIZ_HOST,
    async handle(req) {
      if (req.host === AUTH_HOST && req.path === AUTHORIZE_PATH) return handleAuthorize(req);
      if (req.host === API_HOST && req.path === TOKEN_PATH) return handleToken(req);
      if (req.host === APIZ_HOST && req.path === IDENTITY_PATH) return handleIdentity(req);
      return undefined;
    },
  };
};
