/**
 * Etsy sandbox (Open API v3): plays `www.etsy.com`, `api.etsy.com` and
 * `openapi.etsy.com` (docs/providers.md §4).
 *
 * - `GET https://www.etsy.com/oauth/connect` shows the grant page for a request
 *   with `response_type=code`, the app's keystring as `client_id`, a
 *   registered `redirect_uri`, a space-separated `scope` of Etsy scopes, a
 *   `state`, and PKCE (`code_challenge` + `code_challenge_method=S256`, both
 *   required). Anything else gets a 400 error page without a form. The page
 *   posts back to the same URL. **Grant access** redirects to
 *   `{redirect_uri}?code=…&state=…`; **Cancel** to
 *   `{redirect_uri}?error=access_denied&error_description=…&state=…` (§4.2).
 * - `POST https://api.etsy.com/v3/public/oauth/token` (form; JSON also taken,
 *   as Etsy's own quickstart sends it) exchanges a code: `grant_type`,
 *   `client_id` (keystring), `redirect_uri` (the one on the authorize
 *   request), `code`, `code_verifier` (S256-checked). No client secret.
 *   Answers `{access_token: "<user_id>.<random>", token_type: "Bearer",
 *   expires_in: 3600, refresh_token: "<user_id>.<random>"}`. Codes are
 *   single-use and live 5 minutes. The refresh grant (`grant_type`,
 *   `client_id`, `refresh_token`) rotates the refresh token; the old one is
 *   revoked at once.
 * - `GET /v3/application/users/me` and `GET /v3/application/shops/{shop_id}`
 *   (on `openapi.etsy.com` and `api.etsy.com`) need `x-api-key:
 *   <keystring>:<shared secret>` and `Authorization: Bearer <access token>`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { bearerToken, escapeHtml, html, htmlDocument, isForm, json, mediaType, redirect, sleep } from '../http.js';
import type { ControlledSandbox, GrantControls, SandboxContext, SandboxFactory, SandboxRequest, SandboxResponse } from '../types.js';
import { refreshFaults } from '../controls.js';
import { ETSY_FACTS } from './facts.js';

const WWW = 'www.etsy.com';
const API_HOSTS = new Set(['api.etsy.com', 'openapi.etsy.com']);
const APP_NAME = 'Onramp';

const CODE_TTL_MS = 5 * 60_000;
const ACCESS_TOKEN_TTL_S = 3600;
const REFRESH_TOKEN_TTL_S = 90 * 24 * 3600;

/** The one seller who signs in on the sandbox's Etsy. */
const SELLER = { userId: 58_291_734, shopId: 31_847_265, shopName: 'OnrampSandboxStudio', loginName: 'onrampsandbox' } as const;

/** Etsy's scopes (§4.1) and what the grant page says about them. */
const SCOPES: Readonly<Record<string, string>> = {
  address_r: 'See your shipping addresses',
  address_w: 'Update your shipping addresses',
  billing_r: 'See your Etsy bill, charges and payments',
  cart_r: 'See your shopping carts',
  cart_w: 'Update your shopping carts',
  email_r: 'See your email address',
  favorites_r: 'See your favourites',
  favorites_w: 'Update your favourites',
  feedback_r: 'See your purchase reviews',
  listings_d: 'Delete your listings',
  listings_r: 'See your listings, including inactive ones',
  listings_w: 'Create and edit your listings',
  profile_r: 'See your profile',
  profile_w: 'Update your profile',
  recommend_r: 'See your recommended listings',
  recommend_w: 'Accept or reject recommended listings',
  shops_r: 'See your shop details',
  shops_w: 'Update your shop',
  transactions_r: 'See your purchases and sales',
  transactions_w: 'Update your sales data',
};

const SCENARIOS = ['ok', 'token_error', 'token_slow'] as const;
type Scenario = (typeof SCENARIOS)[number];
const SCENARIO_LABELS: Record<Scenario, string> = {
  ok: 'Grant normally (ok)',
  token_error: 'Token endpoint fails with a 500 (token_error)',
  token_slow: 'Token endpoint is slow (token_slow)',
};

interface ConnectRequest {
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state: string;
  readonly codeChallenge: string;
  /** The raw values, carried as hidden fields on the grant page. */
  readonly raw: readonly (readonly [string, string])[];
}

interface CodeRecord {
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly scopes: readonly string[];
  readonly scenario: Scenario;
  readonly expiresAt: number;
  used: boolean;
}

interface TokenRecord {
  readonly userId: number;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  revoked: boolean;
}

type Check<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#faf7f2}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem;background:#fff;min-height:100vh}
h1{font-size:1.4rem;line-height:1.3;margin:0 0 1rem}
ul{padding-left:1.25rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
select{width:100%;min-height:44px;font:inherit;padding:.4rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}
button{min-height:44px;min-width:8rem;font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:999px;border:2px solid #222;background:#fff;color:#222;cursor:pointer}
button[value=grant]{background:#222;color:#fff}
:focus-visible{outline:3px solid #0b61d8;outline-offset:2px}
code{word-break:break-all}
`;

function htmlPage(title: string, body: string): string {
  return htmlDocument({ title, css: CSS, body });
}

/** A connect request Etsy refuses: its "An error occurred" page, 400, no form. */
function errorPage(message: string): SandboxResponse {
  return html(
    400,
    htmlPage(
      'An error occurred | Etsy',
      `<h1>Etsy: ${APP_NAME} cannot connect to your account</h1>
<p>An error occurred</p>
<p role="alert">${escapeHtml(message)}</p>`,
    ),
  );
}

/** A form (or JSON) body as string fields. */
function parseFields(req: SandboxRequest): Map<string, string> | undefined {
  const type = mediaType(req);
  const fields = new Map<string, string>();
  if (type === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(req.body)) if (!fields.has(k)) fields.set(k, v);
    return fields;
  }
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body);
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (typeof v === 'string') fields.set(k, v);
    return fields;
  }
  return undefined;
}

const random = (bytes: number) => randomBytes(bytes).toString('base64url');
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

function shopResource() {
  const created = 1_609_459_200; // 2021-01-01T00:00:00Z
  return {
    shop_id: SELLER.shopId,
    user_id: SELLER.userId,
    shop_name: SELLER.shopName,
    create_date: created,
    created_timestamp: created,
    title: 'Handmade things for the Onramp sandbox',
    announcement: null,
    currency_code: 'GBP',
    is_vacation: false,
    vacation_message: null,
    sale_message: null,
    digital_sale_message: null,
    update_date: created,
    updated_timestamp: created,
    listing_active_count: 12,
    digital_listing_count: 0,
    login_name: SELLER.loginName,
    accepts_custom_requests: false,
    url: `https://www.etsy.com/shop/${SELLER.shopName}`,
    image_url_760x100: null,
    num_favorers: 42,
    languages: ['en-GB'],
    icon_url_fullxfull: null,
    is_using_structured_policies: true,
    has_onboarded_structured_policies: true,
    is_direct_checkout_onboarded: true,
    is_etsy_payments_onboarded: true,
    is_calculated_eligible: true,
    is_opted_in_to_buyer_promise: true,
    is_shop_us_based: false,
    transaction_sold_count: 137,
    shipping_from_country_iso: 'GB',
    shop_location_country_iso: 'GB',
    review_count: 25,
    review_average: 4.9,
  };
}

// ---------------------------------------------------------------------------
// The sandbox
// ---------------------------------------------------------------------------

export const createEtsySandbox: SandboxFactory = (ctx: SandboxContext): ControlledSandbox => {
  const registration = ctx.registrations.etsy;
  const codes = new Map<string, CodeRecord>();
  const accessTokens = new Map<string, TokenRecord>();
  const refreshTokens = new Map<string, TokenRecord>();

  function readConnect(params: URLSearchParams): Check<ConnectRequest> {
    const clientId = params.get('client_id') ?? '';
    if (clientId === '') return { ok: false, message: 'client_id is required' };
    if (clientId !== registration.keystring) return { ok: false, message: 'The client_id is not a valid API key.' };
    const redirectUri = params.get('redirect_uri') ?? '';
    if (redirectUri === '' || !registration.redirectUris.includes(redirectUri)) return { ok: false, message: 'The requested redirect URL is not permitted.' };
    const responseType = params.get('response_type') ?? '';
    if (responseType !== 'code') return { ok: false, message: 'response_type must be code' };
    const state = params.get('state') ?? '';
    if (state === '') return { ok: false, message: 'state is required' };
    const rawScope = params.get('scope') ?? '';
    const scopes = rawScope.split(' ').filter((s) => s !== '');
    if (scopes.length === 0) return { ok: false, message: 'scope is required' };
    const unknown = scopes.filter((s) => !(s in SCOPES));
    if (unknown.length > 0) return { ok: false, message: `Invalid scope: ${unknown.join(' ')} (scopes are space-separated, e.g. "transactions_r shops_r")` };
    const codeChallenge = params.get('code_challenge') ?? '';
    if (codeChallenge === '') return { ok: false, message: 'code_challenge is required' };
    const method = params.get('code_challenge_method') ?? '';
    if (method === '') return { ok: false, message: 'code_challenge_method is required' };
    if (method !== 'S256') return { ok: false, message: 'code_challenge_method must be S256' };
    const raw: [string, string][] = [
      ['response_type', responseType],
      ['client_id', clientId],
      ['redirect_uri', redirectUri],
      ['scope', rawScope],
      ['state', state],
      ['code_challenge', codeChallenge],
      ['code_challenge_method', method],
    ];
    return { ok: true, value: { redirectUri, scopes: [...new Set(scopes)], state, codeChallenge, raw } };
  }

  function grantPage(req: ConnectRequest): SandboxResponse {
    const hidden = req.raw.map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('\n');
    const scopes = req.scopes.map((s) => `<li>${escapeHtml(SCOPES[s] ?? s)} (<code>${escapeHtml(s)}</code>)</li>`).join('\n');
    const options = SCENARIOS.map((s) => `<option value="${s}"${s === 'ok' ? ' selected' : ''}>${escapeHtml(SCENARIO_LABELS[s])}</option>`).join('\n');
    const action = ctx.sandboxUrl(`https://${WWW}/oauth/connect`);
    return html(
      200,
      htmlPage(
        `Grant access to ${APP_NAME} | Etsy`,
        `<h1>Etsy: ${APP_NAME} would like to connect to your account</h1>
<p>Signed in as <strong>${escapeHtml(SELLER.loginName)}</strong> (shop ${escapeHtml(SELLER.shopName)}). ${APP_NAME} is asking to:</p>
<ul aria-label="Requested access">
${scopes}
</ul>
<form method="post" action="${escapeHtml(action)}">
${hidden}
<label for="scenario">Sandbox outcome</label>
<select id="scenario" name="scenario">
${options}
</select>
<div class="actions">
<button type="submit" name="decision" value="${ETSY_FACTS.accept.decision}">${escapeHtml(ETSY_FACTS.accept.label)}</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`,
      ),
    );
  }

  function connect(req: SandboxRequest): SandboxResponse {
    if (req.method === 'GET') {
      const check = readConnect(req.query);
      return check.ok ? grantPage(check.value) : errorPage(check.message);
    }
    if (req.method !== 'POST') return errorPage('Unsupported method');
    if (!isForm(req)) return errorPage('Unsupported form encoding');
    const form = new URLSearchParams(req.body);
    const check = readConnect(form);
    if (!check.ok) return errorPage(check.message);
    const target = new URL(check.value.redirectUri);
    const decision = form.get('decision');
    if (decision === 'cancel') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user denied the request');
      target.searchParams.set('state', check.value.state);
      return redirect(target.href);
    }
    if (decision !== ETSY_FACTS.accept.decision) return errorPage('Unknown decision');
    const scenario = form.get('scenario') ?? 'ok';
    if (!(SCENARIOS as readonly string[]).includes(scenario)) return errorPage('Unknown sandbox outcome');
    const code = random(48);
    codes.set(code, {
      redirectUri: check.value.redirectUri,
      codeChallenge: check.value.codeChallenge,
      scopes: check.value.scopes,
      scenario: scenario as Scenario,
      expiresAt: ctx.now() + CODE_TTL_MS,
      used: false,
    });
    target.searchParams.set('code', code);
    target.searchParams.set('state', check.value.state);
    return redirect(target.href);
  }

  function issueTokens(scopes: readonly string[]) {
    const ttl = ctx.accessTokenTtlSeconds ?? ACCESS_TOKEN_TTL_S;
    const now = ctx.now();
    const accessToken = `${SELLER.userId}.${random(54)}`;
    const refreshToken = `${SELLER.userId}.${random(54)}`;
    accessTokens.set(accessToken, { userId: SELLER.userId, scopes, expiresAt: now + ttl * 1000, revoked: false });
    refreshTokens.set(refreshToken, { userId: SELLER.userId, scopes, expiresAt: now + REFRESH_TOKEN_TTL_S * 1000, revoked: false });
    return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, refresh_token: refreshToken });
  }

  const missing = (name: string) => json(400, { error: 'invalid_request', error_description: `${name} is required` });

  async function exchangeCode(fields: Map<string, string>): Promise<SandboxResponse> {
    for (const name of ['redirect_uri', 'code', 'code_verifier']) if (!fields.get(name)) return missing(name);
    const record = codes.get(fields.get('code') ?? '');
    if (!record || record.used || record.expiresAt <= ctx.now()) {
      return json(400, { error: 'invalid_grant', error_description: 'code is invalid, expired or already used' });
    }
    if (fields.get('redirect_uri') !== record.redirectUri) {
      return json(400, { error: 'invalid_grant', error_description: 'redirect_uri does not match the one used in the authorization request' });
    }
    if (s256(fields.get('code_verifier') ?? '') !== record.codeChallenge) {
      return json(400, { error: 'invalid_grant', error_description: 'code_verifier is invalid' });
    }
    if (record.scenario === 'token_error') return json(500, { error: 'server_error', error_description: 'An internal error occurred' });
    if (record.scenario === 'token_slow') await sleep(ctx.slowMs);
    if (record.used) return json(400, { error: 'invalid_grant', error_description: 'code is invalid, expired or already used' });
    record.used = true;
    return issueTokens(record.scopes);
  }

  async function refresh(fields: Map<string, string>): Promise<SandboxResponse> {
    const presented = fields.get('refresh_token') ?? '';
    if (presented === '') return missing('refresh_token');
    const fault = await faults.answer(json(500, { error: 'server_error', error_description: 'An internal error occurred' }));
    if (fault) return fault;
    const record = refreshTokens.get(presented);
    if (!record) return json(400, { error: 'invalid_grant', error_description: 'refresh_token is invalid' });
    if (record.revoked) return json(400, { error: 'invalid_grant', error_description: 'refresh_token is revoked' });
    if (record.expiresAt <= ctx.now()) return json(400, { error: 'invalid_grant', error_description: 'refresh_token is expired' });
    record.revoked = true;
    return issueTokens(record.scopes);
  }

  async function token(req: SandboxRequest): Promise<SandboxResponse | undefined> {
    if (req.method !== 'POST') return undefined;
    const fields = parseFields(req);
    if (!fields) return json(400, { error: 'invalid_request', error_description: 'The request body must be application/x-www-form-urlencoded' });
    const grantType = fields.get('grant_type') ?? '';
    if (grantType === '') return missing('grant_type');
    const clientId = fields.get('client_id') ?? '';
    if (clientId === '') return missing('client_id');
    if (clientId !== registration.keystring) return json(401, { error: 'invalid_client', error_description: 'Invalid API key' });
    if (grantType === 'authorization_code') return exchangeCode(fields);
    if (grantType === 'refresh_token') return refresh(fields);
    return json(400, { error: 'unsupported_grant_type', error_description: `grant_type ${grantType} is not supported` });
  }

  /** The x-api-key and bearer checks every `/v3/application` call passes; undefined = allowed. */
  function authenticate(req: SandboxRequest): SandboxResponse | undefined {
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey !== 'string' || apiKey === '') return json(403, { error: 'Missing x-api-key header.' });
    const colon = apiKey.indexOf(':');
    const keystring = colon < 0 ? apiKey : apiKey.slice(0, colon);
    const secret = colon < 0 ? '' : apiKey.slice(colon + 1);
    if (keystring !== registration.keystring) return json(403, { error: 'Invalid API key' });
    if (secret === '') return json(403, { error: 'Shared secret is required in x-api-key header.' });
    if (secret !== registration.sharedSecret) return json(403, { error: 'Invalid API key' });
    const bearer = bearerToken(req.headers.authorization);
    if (!bearer) return json(401, { error: 'invalid_token', error_description: 'access token is required' });
    const record = accessTokens.get(bearer);
    if (!record || record.revoked) return json(401, { error: 'invalid_token', error_description: 'access token is invalid' });
    if (record.expiresAt <= ctx.now()) return json(401, { error: 'invalid_token', error_description: 'access token is expired' });
    return undefined;
  }

  function application(req: SandboxRequest): SandboxResponse | undefined {
    if (req.method !== 'GET') return undefined;
    const me = req.path === '/v3/application/users/me';
    const shop = /^\/v3\/application\/shops\/([^/]+)$/.exec(req.path);
    if (!me && !shop) return undefined;
    const refused = authenticate(req);
    if (refused) return refused;
    if (me) return json(200, { user_id: SELLER.userId, shop_id: SELLER.shopId });
    const id = shop?.[1] ?? '';
    if (!/^\d+$/.test(id)) return json(400, { error: `Expected int value for 'shop_id'` });
    if (Number(id) !== SELLER.shopId) return json(404, { error: `Could not find a Shop with shop_id = ${id}` });
    return json(200, shopResource());
  }

  /* ---------------- test controls: revoke a grant, run out refresh tokens, fail refreshes (GrantControls) ---------------- */

  const faults = refreshFaults(ctx);
  const controls: GrantControls = {
    revokeGrants() {
      for (const record of [...refreshTokens.values(), ...accessTokens.values()]) record.revoked = true;
      return refreshTokens.size;
    },
    expireRefreshTokens() {
      for (const [token, record] of refreshTokens) refreshTokens.set(token, { ...record, expiresAt: ctx.now() });
      return refreshTokens.size;
    },
    failRefresh: (mode) => faults.set(mode),
  };

  return {
    id: 'etsy',
    controls,
    hosts: (host) => host === WWW || API_HOSTS.has(host),
    async handle(req) {
      if (req.host === WWW) return req.path === '/oauth/connect' ? connect(req) : undefined;
      if (!API_HOSTS.has(req.host)) return undefined;
      if (req.path === '/v3/public/oauth/token') return token(req);
      return application(req);
    },
  };
};
