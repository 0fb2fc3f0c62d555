/**
 * Shopify sandbox: plays every `<shop>.myshopify.com` host (docs/providers.md §3).
 *
 * - `GET /admin/oauth/authorize` shows the install (grant) page; the page
 *   posts back to the same path. **Install app** redirects to the
 *   `redirect_uri` with `code, hmac, host, shop, state, timestamp`, signed as
 *   §3.2 says (all parameters but `hmac`/`signature`, sorted, serialised
 *   `k=v&k=v` with `URLSearchParams` and `+` → `%20`, HMAC-SHA256 hex with
 *   the client secret). **Cancel** does not call the app back: Shopify
 *   documents no denied-install callback (§3.2, "unconfirmed"), and
 *   merchants report that cancelling the install screen leaves them in the
 *   admin's apps section, so Cancel redirects to
 *   `https://<shop>.myshopify.com/admin/apps` (a plain page played here).
 * - `POST /admin/oauth/access_token` exchanges a code (JSON or form body,
 *   credentials in the body) for a permanent offline token
 *   `{access_token: "shpat_…", scope}`, an expiring one (`expiring: "1"`:
 *   `expires_in` 3600, `refresh_token`, `refresh_token_expires_in` 90 days),
 *   or an online one (`grant_options[]=per-user`). Never a `token_type`.
 *   Codes are single-use, live 5 minutes and work only on the shop they were
 *   issued for. The refresh grant rotates the refresh token; the previous one
 *   keeps working until its replacement is first used (Shopify changelog,
 *   28 Aug 2026), for at most 30 days from its own first use.
 * - `POST /admin/api/<version>/graphql.json` with `X-Shopify-Access-Token`
 *   answers a `shop { … }` query, returning only the selected fields.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { escapeHtml, html, htmlDocument, isForm, json, mediaType, redirect, safeEqual, sleep } from '../http.js';
import type { ControlledSandbox, GrantControls, SandboxContext, SandboxFactory, SandboxRequest, SandboxResponse } from '../types.js';
import { refreshFaults } from '../controls.js';
import { SHOPIFY_FACTS } from './facts.js';

const SHOP_HOST = /^([a-z0-9][a-z0-9-]*)\.myshopify\.com$/;
const OTHER_SHOP = 'other-shop';
const APP_NAME = 'Onramp';

const CODE_TTL_MS = 5 * 60_000;
const EXPIRING_TOKEN_TTL_S = 3600;
const ONLINE_TOKEN_TTL_S = 86_399;
const REFRESH_TOKEN_TTL_S = 90 * 24 * 3600;
const REFRESH_RETRY_WINDOW_MS = 30 * 24 * 3600 * 1000;

/** The grant screen's outcomes: the README's common ones plus Shopify's `other_shop`. */
const SCENARIOS = ['ok', 'token_error', 'token_slow', 'other_shop'] as const;
type Scenario = (typeof SCENARIOS)[number];
const SCENARIO_LABELS: Record<Scenario, string> = {
  ok: 'Install normally (ok)',
  token_error: 'Token endpoint fails with a 500 (token_error)',
  token_slow: 'Token endpoint is slow (token_slow)',
  other_shop: 'Callback names another shop (other_shop)',
};

const INVALID_TOKEN_BODY = JSON.stringify({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
const CODE_NOT_FOUND = 'The authorization code was not found or was already used';

interface AuthorizeRequest {
  readonly shop: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state: string;
  readonly online: boolean;
  /** The raw values, carried as hidden fields on the grant page. */
  readonly raw: readonly (readonly [string, string])[];
}

interface CodeRecord {
  readonly shop: string;
  readonly scope: string;
  readonly online: boolean;
  readonly scenario: Scenario;
  readonly expiresAt: number;
  used: boolean;
}

interface AccessTokenRecord {
  readonly shop: string;
  readonly scope: string;
  /** Epoch ms; undefined = permanent (non-expiring offline token). */
  readonly expiresAt: number | undefined;
}

interface RefreshTokenRecord {
  readonly shop: string;
  readonly scope: string;
  readonly expiresAt: number;
  /** The refresh token this one replaced; retired when this one is first used. */
  readonly predecessor: string | undefined;
  firstUsedAt: number | undefined;
  /** The latest token issued in exchange for this one. */
  replacement: string | undefined;
  retired: boolean;
}

type Check<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly kind: string; readonly message: string };

// ---------------------------------------------------------------------------
// Small helpers (HTML, JSON, bodies, tokens)
// ---------------------------------------------------------------------------

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f1f1f1}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem;background:#fff;min-height:100vh}
h1{font-size:1.4rem;line-height:1.3;margin:0 0 1rem}
ul{padding-left:1.25rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
select{width:100%;min-height:44px;font:inherit;padding:.4rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}
button{min-height:44px;min-width:8rem;font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:.5rem;border:2px solid #1a1a1a;background:#fff;color:#1a1a1a;cursor:pointer}
button[value=install]{background:#008060;border-color:#008060;color:#fff}
:focus-visible{outline:3px solid #005bd3;outline-offset:2px}
code{word-break:break-all}
`;

function htmlPage(title: string, body: string): string {
  return htmlDocument({ title, css: CSS, body });
}

/** An authorize request Shopify would refuse: its "Oauth error" page, 400, no form. */
function oauthErrorPage(kind: string, message: string): SandboxResponse {
  return html(
    400,
    htmlPage(
      'Oauth error',
      `<h1>Shopify could not install ${APP_NAME}</h1>
<p role="alert">Oauth error ${escapeHtml(kind)}: ${escapeHtml(message)}</p>`,
    ),
  );
}

/** A JSON or form body as string fields (Shopify's token endpoint takes both). */
function parseFields(req: SandboxRequest): Map<string, string> | undefined {
  const type = mediaType(req);
  const fields = new Map<string, string>();
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body);
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof v === 'string') fields.set(k, v);
      else if (typeof v === 'number' || typeof v === 'boolean') fields.set(k, String(v));
    }
    return fields;
  }
  if (type === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(req.body)) if (!fields.has(k)) fields.set(k, v);
    return fields;
  }
  return undefined;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The `k=v&k=v` message Shopify signs: every parameter but hmac/signature, sorted by key (§3.2). */
function shopifyHmacMessage(params: URLSearchParams): string {
  const entries = [...params].filter(([k]) => k !== 'hmac' && k !== 'signature').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(entries).toString().replace(/\+/g, '%20');
}

// ---------------------------------------------------------------------------
// Shop data (deterministic per shop name)
// ---------------------------------------------------------------------------

type GqlValue = string | number | boolean | null | readonly string[] | GqlObject;
interface GqlObject {
  readonly __typename: string;
  readonly [field: string]: GqlValue;
}

function shopNumber(handle: string, salt: string): number {
  return 10_000_000_000 + (createHash('sha256').update(`${salt}:${handle}`).digest().readUInt32BE(0) % 89_999_999_999);
}

function titleCase(handle: string): string {
  return handle
    .split('-')
    .filter((w) => w !== '')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

function shopData(handle: string): GqlObject {
  const domain = `${handle}.myshopify.com`;
  return {
    __typename: 'Shop',
    id: `gid://shopify/Shop/${shopNumber(handle, 'shop')}`,
    name: titleCase(handle) || handle,
    email: `owner@${handle}.example.com`,
    contactEmail: `hello@${handle}.example.com`,
    myshopifyDomain: domain,
    url: `https://${domain}`,
    currencyCode: 'GBP',
    enabledPresentmentCurrencies: ['GBP'],
    ianaTimezone: 'Europe/London',
    timezoneAbbreviation: 'GMT',
    weightUnit: 'KILOGRAMS',
    primaryDomain: { __typename: 'Domain', id: `gid://shopify/Domain/${shopNumber(handle, 'domain')}`, host: domain, url: `https://${domain}`, sslEnabled: true },
    plan: { __typename: 'ShopPlan', displayName: 'Basic', partnerDevelopment: false, shopifyPlus: false },
    billingAddress: { __typename: 'ShopAddress', countryCodeV2: 'GB', country: 'United Kingdom', city: 'London', province: null, zip: 'EC1A 1BB' },
  };
}

// ---------------------------------------------------------------------------
// A very small GraphQL reader: one query operation, fields, aliases, nested
// selections; arguments and directives are skipped. Enough for `shop { … }`.
// ---------------------------------------------------------------------------

interface Selection {
  readonly alias: string;
  readonly name: string;
  readonly children: readonly Selection[] | undefined;
}

class GqlSyntaxError extends Error {}
class GqlUnsupported extends Error {}

function tokenize(src: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src.charAt(i);
    if (/[\s,\uFEFF]/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < src.length && src.charAt(i) !== '\n') i++;
    } else if (/[_A-Za-z]/.test(c)) {
      const m = /^[_A-Za-z][_0-9A-Za-z]*/.exec(src.slice(i));
      tokens.push(m?.[0] ?? c);
      i += m?.[0].length ?? 1;
    } else if (src.startsWith('...', i)) {
      tokens.push('...');
      i += 3;
    } else if ('!$&():=@[]{}|'.includes(c)) {
      tokens.push(c);
      i++;
    } else if (c === '"') {
      const block = src.startsWith('"""', i);
      const end = block ? src.indexOf('"""', i + 3) : findStringEnd(src, i + 1);
      if (end < 0) throw new GqlSyntaxError('Parse error: unterminated string');
      tokens.push('"string"');
      i = end + (block ? 3 : 1);
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new GqlSyntaxError(`Parse error on "${c}"`);
      tokens.push(m[0]);
      i += m[0].length;
    } else {
      throw new GqlSyntaxError(`Parse error on "${c}"`);
    }
  }
  return tokens;
}

function findStringEnd(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src.charAt(i);
    if (c === '\\') i++;
    else if (c === '"') return i;
    else if (c === '\n') return -1;
  }
  return -1;
}

function parseQuery(src: string): Selection[] {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos++];
    if (t === undefined) throw new GqlSyntaxError('Parse error: unexpected end of document');
    return t;
  };
  const skipBalanced = (open: string, close: string) => {
    let depth = 0;
    do {
      const t = next();
      if (t === open) depth++;
      else if (t === close) depth--;
    } while (depth > 0);
  };
  const skipDirectives = () => {
    while (peek() === '@') {
      next();
      next();
      if (peek() === '(') skipBalanced('(', ')');
    }
  };
  const selectionSet = (): Selection[] => {
    if (next() !== '{') throw new GqlSyntaxError('Parse error: expected "{"');
    const out: Selection[] = [];
    while (peek() !== '}') {
      const first = next();
      if (first === '...') throw new GqlUnsupported('Fragments are not played by the Shopify sandbox');
      if (!/^[_A-Za-z]/.test(first)) throw new GqlSyntaxError(`Parse error on "${first}"`);
      const alias = first;
      let name = first;
      if (peek() === ':') {
        next();
        name = next();
        if (!/^[_A-Za-z]/.test(name)) throw new GqlSyntaxError(`Parse error on "${name}"`);
      }
      if (peek() === '(') skipBalanced('(', ')');
      skipDirectives();
      const children = peek() === '{' ? selectionSet() : undefined;
      out.push({ alias, name, children });
    }
    next();
    if (out.length === 0) throw new GqlSyntaxError('Parse error: empty selection set');
    return out;
  };
  let operation: Selection[];
  const head = peek();
  if (head === '{') {
    operation = selectionSet();
  } else if (head === 'query') {
    next();
    if (peek() !== undefined && /^[_A-Za-z]/.test(peek() ?? '')) next();
    if (peek() === '(') skipBalanced('(', ')');
    skipDirectives();
    operation = selectionSet();
  } else if (head === 'mutation' || head === 'subscription' || head === 'fragment') {
    throw new GqlUnsupported(`The Shopify sandbox plays only the shop query, not a ${head}`);
  } else {
    throw new GqlSyntaxError(`Parse error on "${head ?? 'end of document'}"`);
  }
  if (pos < tokens.length) throw new GqlUnsupported('The Shopify sandbox plays a single query operation per request');
  return operation;
}

interface GqlError {
  readonly message: string;
  readonly path: readonly string[];
  readonly extensions: Readonly<Record<string, string>>;
}

function resolveSelections(value: GqlObject, selections: readonly Selection[], path: readonly string[], errors: GqlError[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const sel of selections) {
    const fieldPath = [...path, sel.alias];
    if (!(sel.name in value)) {
      errors.push({
        message: `Field '${sel.name}' doesn't exist on type '${value.__typename}'`,
        path: fieldPath,
        extensions: { code: 'undefinedField', typeName: value.__typename, fieldName: sel.name },
      });
      continue;
    }
    const v = value[sel.name];
    if (v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v)) {
      const obj = v as GqlObject;
      if (!sel.children) {
        errors.push({
          message: `Field must have selections (field '${sel.name}' returns ${obj.__typename} but has no selections. Did you mean '${sel.name} { ... }'?)`,
          path: fieldPath,
          extensions: { code: 'selectionMismatch', nodeName: `field '${sel.name}'`, typeName: obj.__typename },
        });
        continue;
      }
      out[sel.alias] = resolveSelections(obj, sel.children, fieldPath, errors);
    } else {
      if (sel.children) {
        errors.push({
          message: `Selections can't be made on scalars (field '${sel.name}' returns a scalar but has selections [${sel.children.map((c) => c.name).join(', ')}])`,
          path: fieldPath,
          extensions: { code: 'selectionMismatch', nodeName: `field '${sel.name}'` },
        });
        continue;
      }
      out[sel.alias] = v ?? null;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The sandbox
// ---------------------------------------------------------------------------

export const createShopifySandbox: SandboxFactory = (ctx: SandboxContext): ControlledSandbox => {
  const registration = ctx.registrations.shopify;
  const codes = new Map<string, CodeRecord>();
  const accessTokens = new Map<string, AccessTokenRecord>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();

  const shopOf = (host: string): string | undefined => SHOP_HOST.exec(host)?.[1];
  const shopUrl = (shop: string, path: string) => ctx.sandboxUrl(`https://${shop}.myshopify.com${path}`);

  function readAuthorize(shop: string, params: URLSearchParams): Check<AuthorizeRequest> {
    const clientId = params.get('client_id') ?? '';
    if (clientId === '') return { ok: false, kind: 'invalid_request', message: 'Missing client_id parameter' };
    if (clientId !== registration.clientId) return { ok: false, kind: 'invalid_request', message: `Could not find Shopify API application with api_key ${clientId}` };
    const redirectUri = params.get('redirect_uri') ?? '';
    if (redirectUri === '') return { ok: false, kind: 'invalid_request', message: 'Missing redirect_uri parameter' };
    if (!registration.redirectUris.includes(redirectUri)) return { ok: false, kind: 'invalid_request', message: 'The redirect_uri is not whitelisted' };
    const rawScope = params.get('scope') ?? '';
    const scopes = rawScope.split(',').map((s) => s.trim());
    if (rawScope.trim() === '' || scopes.some((s) => !/^(unauthenticated_)?(read|write)_[a-z_]+$/.test(s))) {
      const bad = scopes.filter((s) => !/^(unauthenticated_)?(read|write)_[a-z_]+$/.test(s));
      return { ok: false, kind: 'invalid_scope', message: `Scope undefined: ${bad.join(' ') || '(empty)'} (scopes are comma-separated, e.g. read_orders,read_products)` };
    }
    const state = params.get('state') ?? '';
    if (state === '') return { ok: false, kind: 'invalid_request', message: 'Missing state parameter' };
    const grantOptions = params.getAll('grant_options[]');
    if (grantOptions.some((g) => g !== '' && g !== 'per-user')) return { ok: false, kind: 'invalid_request', message: `Unknown grant_options[] value: ${grantOptions.join(',')}` };
    const raw: [string, string][] = [
      ['client_id', clientId],
      ['redirect_uri', redirectUri],
      ['scope', rawScope],
      ['state', state],
      ...grantOptions.map((g): [string, string] => ['grant_options[]', g]),
    ];
    return { ok: true, value: { shop, clientId, redirectUri, scopes: [...new Set(scopes)], state, online: grantOptions.includes('per-user'), raw } };
  }

  function refuse(check: { kind: string; message: string }): SandboxResponse {
    return oauthErrorPage(check.kind, check.message);
  }

  function grantPage(req: AuthorizeRequest): SandboxResponse {
    const shopName = titleCase(req.shop) || req.shop;
    const hidden = req.raw.map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('\n');
    const scopes = req.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('\n');
    const options = SCENARIOS.map((s) => `<option value="${s}"${s === 'ok' ? ' selected' : ''}>${escapeHtml(SCENARIO_LABELS[s])}</option>`).join('\n');
    const action = shopUrl(req.shop, '/admin/oauth/authorize');
    return html(
      200,
      htmlPage(
        `Install ${APP_NAME} – Shopify`,
        `<h1>Shopify: install ${APP_NAME} on ${escapeHtml(shopName)}</h1>
<p>${APP_NAME} is asking to connect to <strong>${escapeHtml(req.shop)}.myshopify.com</strong>${req.online ? ' for your user session' : ''} and to:</p>
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
<button type="submit" name="decision" value="${SHOPIFY_FACTS.accept.decision}">${escapeHtml(SHOPIFY_FACTS.accept.label)}</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`,
      ),
    );
  }

  function callback(req: AuthorizeRequest, scenario: Scenario): SandboxResponse {
    const shop = scenario === 'other_shop' ? OTHER_SHOP : req.shop;
    const code = hex(16);
    codes.set(code, { shop, scope: req.scopes.join(','), online: req.online, scenario, expiresAt: ctx.now() + CODE_TTL_MS, used: false });
    const shopDomain = `${shop}.myshopify.com`;
    const params = new URLSearchParams({
      code,
      host: Buffer.from(`${shopDomain}/admin`).toString('base64').replace(/=+$/, ''),
      shop: shopDomain,
      state: req.state,
      timestamp: String(Math.floor(ctx.now() / 1000)),
    });
    const hmac = createHmac('sha256', registration.clientSecret).update(shopifyHmacMessage(params)).digest('hex');
    const target = new URL(req.redirectUri);
    for (const key of ['code', 'hmac', 'host', 'shop', 'state', 'timestamp']) {
      target.searchParams.set(key, key === 'hmac' ? hmac : (params.get(key) ?? ''));
    }
    return redirect(target.href);
  }

  async function authorize(shop: string, req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method === 'GET') {
      const check = readAuthorize(shop, req.query);
      return check.ok ? grantPage(check.value) : refuse(check);
    }
    if (req.method !== 'POST') return oauthErrorPage('invalid_request', 'Unsupported method');
    if (!isForm(req)) return oauthErrorPage('invalid_request', 'Unsupported form encoding');
    const form = new URLSearchParams(req.body);
    const check = readAuthorize(shop, form);
    if (!check.ok) return refuse(check);
    const decision = form.get('decision');
    if (decision === 'cancel') return redirect(shopUrl(shop, '/admin/apps'));
    if (decision !== SHOPIFY_FACTS.accept.decision) return oauthErrorPage('invalid_request', 'Unknown decision');
    const scenario = form.get('scenario') ?? 'ok';
    if (!(SCENARIOS as readonly string[]).includes(scenario)) return oauthErrorPage('invalid_request', 'Unknown sandbox outcome');
    return callback(check.value, scenario as Scenario);
  }

  function adminApps(shop: string): SandboxResponse {
    const name = titleCase(shop) || shop;
    return html(
      200,
      htmlPage(
        `Apps · ${name} · Shopify`,
        `<h1>Shopify admin: apps for ${escapeHtml(name)}</h1>
<p>${APP_NAME} was not installed. You can close this page or return to ${APP_NAME} to try again.</p>`,
      ),
    );
  }

  function issueRefreshToken(shop: string, scope: string, predecessor: string | undefined): string {
    const token = `shprt_${hex(16)}`;
    refreshTokens.set(token, { shop, scope, expiresAt: ctx.now() + REFRESH_TOKEN_TTL_S * 1000, predecessor, firstUsedAt: undefined, replacement: undefined, retired: false });
    return token;
  }

  function expiringPair(shop: string, scope: string, predecessor: string | undefined) {
    const ttl = ctx.accessTokenTtlSeconds ?? EXPIRING_TOKEN_TTL_S;
    const accessToken = `shpat_${hex(16)}`;
    accessTokens.set(accessToken, { shop, scope, expiresAt: ctx.now() + ttl * 1000 });
    const refreshToken = issueRefreshToken(shop, scope, predecessor);
    return {
      body: { access_token: accessToken, scope, expires_in: ttl, refresh_token: refreshToken, refresh_token_expires_in: REFRESH_TOKEN_TTL_S },
      refreshToken,
    };
  }

  async function exchangeCode(shop: string, fields: Map<string, string>): Promise<SandboxResponse> {
    const code = fields.get('code') ?? '';
    if (code === '') return json(400, { error: 'invalid_request', error_description: 'Missing required parameter: code' });
    const record = codes.get(code);
    if (!record || record.used || record.shop !== shop || record.expiresAt <= ctx.now()) {
      return json(400, { error: 'invalid_request', error_description: CODE_NOT_FOUND });
    }
    if (record.scenario === 'token_error') return json(500, { errors: 'Internal Server Error' });
    if (record.scenario === 'token_slow') await sleep(ctx.slowMs);
    if (record.used) return json(400, { error: 'invalid_request', error_description: CODE_NOT_FOUND });
    record.used = true;
    if (record.online) {
      const ttl = ctx.accessTokenTtlSeconds ?? ONLINE_TOKEN_TTL_S;
      const token = `shpua_${hex(16)}`;
      accessTokens.set(token, { shop, scope: record.scope, expiresAt: ctx.now() + ttl * 1000 });
      return json(200, {
        access_token: token,
        scope: record.scope,
        expires_in: ttl,
        associated_user_scope: record.scope,
        associated_user: {
          id: shopNumber(shop, 'user'),
          first_name: 'Sandbox',
          last_name: 'Owner',
          email: `owner@${shop}.example.com`,
          email_verified: true,
          account_owner: true,
          locale: 'en-GB',
          collaborator: false,
        },
      });
    }
    if (fields.get('expiring') === '1') return json(200, expiringPair(shop, record.scope, undefined).body);
    const token = `shpat_${hex(16)}`;
    accessTokens.set(token, { shop, scope: record.scope, expiresAt: undefined });
    return json(200, { access_token: token, scope: record.scope });
  }

  async function refresh(shop: string, fields: Map<string, string>): Promise<SandboxResponse> {
    const presented = fields.get('refresh_token') ?? '';
    if (presented === '') return json(400, { error: 'invalid_request', error_description: 'Missing required parameter: refresh_token' });
    const fault = await faults.answer(json(500, { errors: 'Internal Server Error' }));
    if (fault) return fault;
    const record = refreshTokens.get(presented);
    const now = ctx.now();
    const invalid = json(400, { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked' });
    if (!record || record.retired || record.shop !== shop || record.expiresAt <= now) return invalid;
    if (record.firstUsedAt !== undefined && now - record.firstUsedAt > REFRESH_RETRY_WINDOW_MS) return invalid;
    // Using this token retires the one it replaced; a retry retires the replacement it got last time.
    if (record.predecessor) {
      const previous = refreshTokens.get(record.predecessor);
      if (previous) previous.retired = true;
    }
    if (record.replacement) {
      const unused = refreshTokens.get(record.replacement);
      if (unused) unused.retired = true;
    }
    const pair = expiringPair(shop, record.scope, presented);
    record.firstUsedAt ??= now;
    record.replacement = pair.refreshToken;
    return json(200, pair.body);
  }

  async function accessToken(shop: string, req: SandboxRequest): Promise<SandboxResponse | undefined> {
    if (req.method !== 'POST') return undefined;
    const fields = parseFields(req);
    if (!fields) return json(400, { error: 'invalid_request', error_description: 'The request body must be JSON or form-encoded' });
    const clientId = fields.get('client_id') ?? '';
    const clientSecret = fields.get('client_secret') ?? '';
    if (clientId !== registration.clientId || !safeEqual(clientSecret, registration.clientSecret)) {
      return json(401, { error: 'invalid_client', error_description: 'Client authentication failed: unknown client_id or wrong client_secret' });
    }
    const grantType = fields.get('grant_type');
    if (grantType === 'refresh_token') return refresh(shop, fields);
    if (grantType !== undefined && grantType !== 'authorization_code') {
      return json(400, { error: 'unsupported_grant_type', error_description: `The Shopify sandbox does not play grant_type ${grantType}` });
    }
    return exchangeCode(shop, fields);
  }

  function graphql(shop: string, req: SandboxRequest): SandboxResponse | undefined {
    if (req.method !== 'POST') return undefined;
    const token = req.headers['x-shopify-access-token'];
    const record = typeof token === 'string' ? accessTokens.get(token) : undefined;
    if (!record || record.shop !== shop || (record.expiresAt !== undefined && record.expiresAt <= ctx.now())) {
      return { status: 401, headers: { 'content-type': 'application/json; charset=utf-8' }, body: INVALID_TOKEN_BODY };
    }
    let query: string | undefined;
    const type = mediaType(req);
    if (type === 'application/json') {
      try {
        const parsed = JSON.parse(req.body) as unknown;
        const q = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).query : undefined;
        query = typeof q === 'string' ? q : undefined;
      } catch {
        query = undefined;
      }
    } else if (type === 'application/graphql') {
      query = req.body;
    }
    if (!query || query.trim() === '') return json(400, { errors: { query: 'Required parameter missing or invalid' } });
    let selections: Selection[];
    try {
      selections = parseQuery(query);
    } catch (e) {
      if (e instanceof GqlSyntaxError || e instanceof GqlUnsupported) return json(200, { errors: [{ message: e.message }] });
      throw e;
    }
    const errors: GqlError[] = [];
    const root: GqlObject = { __typename: 'QueryRoot', shop: shopData(shop) };
    const unplayed = selections.filter((s) => !(s.name in root));
    if (unplayed.length > 0) {
      return json(200, {
        errors: unplayed.map((s) => ({ message: `The Shopify sandbox plays only the shop query, not '${s.name}'`, path: ['query', s.alias] })),
      });
    }
    const data = resolveSelections(root, selections, ['query'], errors);
    if (errors.length > 0) return json(200, { errors });
    return json(200, {
      data,
      extensions: { cost: { requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1999, restoreRate: 100 } } },
    });
  }

  /* ---------------- test controls: revoke a grant, run out refresh tokens, fail refreshes (GrantControls) ---------------- */

  const faults = refreshFaults(ctx);
  const controls: GrantControls = {
    // On Shopify a revoked grant is the app uninstalled from the shop: every token of the app goes.
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
    id: 'shopify',
    controls,
    hosts: (host) => SHOP_HOST.test(host),
    async handle(req) {
      const shop = shopOf(req.host);
      if (!shop) return undefined;
      if (req.path === '/admin/oauth/authorize') return authorize(shop, req);
      if (req.path === '/admin/oauth/access_token') return accessToken(shop, req);
      if (req.path === '/admin/apps' && req.method === 'GET') return adminApps(shop);
      const api = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(req.path);
      if (api) {
        const version = api[1] ?? '';
        if (!/^(\d{4}-(01|04|07|10)|unstable)$/.test(version)) return json(404, { errors: 'Not Found' });
        return graphql(shop, req);
      }
      return undefined;
    },
  };
};
