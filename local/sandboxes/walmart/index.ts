/**
 * Walmart Marketplace sandbox: the Token API on `marketplace.walmartapis.com`
 * for seller-issued (Delegated Access) client credentials, US and Mexico
 * (docs/providers.md §7.1, §7.3).
 *
 * - `POST /v3/token` (`grant_type=client_credentials`, `Authorization: Basic
 *   base64(clientId:clientSecret)`, form body, `WM_SVC.NAME`,
 *   `WM_QOS.CORRELATION_ID`, `WM_MARKET`) → `{access_token, token_type:
 *   "Bearer", expires_in: 900}`; XML `OAuthTokenDTO` unless the request
 *   accepts `application/json`.
 * - `GET /v3/token/detail` (`WM_SEC.ACCESS_TOKEN`, the two WM headers,
 *   `WM_MARKET`) → `{scopes, expireAt, issuedAt, isValid, isChannelMatch}`.
 *
 * Errors use Walmart's gateway envelope
 * `{error: [{code, field, description, info, severity, category, causes, errorIdentifiers}]}`
 * (XML `<ns2:errors>` when JSON is not accepted).
 *
 * Fixture keys (client id / client secret):
 * - `sandbox-walmart-us` / `sandbox-secret-us`: US seller, reports `view_only`.
 * - `sandbox-walmart-mx` / `sandbox-secret-mx`: Mexico seller; only with `WM_MARKET: mx`.
 * - `sandbox-walmart-noreports` / `sandbox-secret-noreports`: US seller, reports `no_access`.
 * Test controls (US keys, for tests, not for the seller):
 * - `sandbox-walmart-down` / `sandbox-secret-down`: the token endpoint answers 500.
 * - `sandbox-walmart-slow` / `sandbox-secret-slow`: the token endpoint stalls `ctx.slowMs`, then issues a token.
 *
 * Grant controls (`controls`, `GrantControls` in `types.ts`, plus `issueKey`):
 * - `revokeGrants()`: the seller reset the client secrets in the Developer
 *   Portal (or deleted the keys): every client id/secret pair known until now
 *   gets 401 `UNAUTHORIZED.GMP_GATEWAY_API` from `/v3/token`, and every
 *   access token minted from them gets the same 401 from `/v3/token/detail`
 *   (the answers for an unknown key or token). Returns how many keys went.
 * - `issueKey(market)`: the seller adds a new key for the Solution Provider
 *   (Developer Portal → API Keys, §7.1): a new client id/secret that mints
 *   tokens, revoked keys or not.
 * - `expireRefreshTokens()`: nothing to run out; these keys mint with
 *   `client_credentials` and get no refresh token (§7.1). Returns 0.
 * - `failRefresh(mode)`: `error` makes `/v3/token` and `/v3/token/detail`
 *   answer Walmart's 500 `SYSTEM_ERROR.GMP_GATEWAY_API`; `timeout` stalls
 *   them `ctx.slowMs` first; `null` restores them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { grantControls, refreshFaults } from '../controls.js';
import { basicCredentials, isForm, jsonWith, safeEqual, sleep } from '../http.js';
import type { ControlledSandbox, GrantControls, Sandbox, SandboxContext, SandboxFactory, SandboxRequest, SandboxResponse } from '../types.js';

import { WALMART_FACTS } from './facts.js';

export const WALMART_HOST = 'marketplace.walmartapis.com';

type Market = 'us' | 'mx' | 'ca' | 'cl';
/** The access levels `/v3/token/detail` reports per API area (Walmart's spelling). */
export type WalmartAccess = 'full_access' | 'view_only' | 'no_access';

interface SellerKey {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly market: Market;
  readonly scopes: Readonly<Record<string, WalmartAccess>>;
  /** Test controls: `down` answers 500, `slow` stalls `ctx.slowMs`. */
  readonly control?: 'down' | 'slow';
}

const SELLER_SCOPES: Readonly<Record<string, WalmartAccess>> = {
  item: 'full_access',
  price: 'full_access',
  lagtime: 'full_access',
  inventory: 'full_access',
  orders: 'full_access',
  returns: 'full_access',
  feeds: 'full_access',
  reports: 'view_only',
  content: 'view_only',
  fulfillment: 'no_access',
};

/** The seller-issued keys this sandbox knows. */
export const WALMART_SANDBOX_KEYS: readonly SellerKey[] = [
  { ...WALMART_FACTS.keys.us, market: 'us', scopes: SELLER_SCOPES },
  { ...WALMART_FACTS.keys.mx, market: 'mx', scopes: SELLER_SCOPES },
  { ...WALMART_FACTS.keys.noReports, market: 'us', scopes: { ...SELLER_SCOPES, reports: 'no_access' } },
  { ...WALMART_FACTS.keys.down, market: 'us', scopes: SELLER_SCOPES, control: 'down' },
  { ...WALMART_FACTS.keys.slow, market: 'us', scopes: SELLER_SCOPES, control: 'slow' },
];

const DEFAULT_TTL_SECONDS = 900;

/** A client id/secret pair the seller issued (`issueKey`). */
export interface WalmartIssuedKey {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The Walmart sandbox's controls: the grant controls, and the seller issuing a new key. */
export interface WalmartControls extends GrantControls {
  /** The seller adds a new key for the Solution Provider (Developer Portal → API Keys, §7.1), for `market` (default `us`), with the seller's usual scopes. */
  issueKey(market?: 'us' | 'mx'): WalmartIssuedKey;
}

/** The Walmart sandbox, with its controls. */
export interface WalmartSandbox extends ControlledSandbox {
  readonly controls: WalmartControls;
}

interface IssuedToken {
  readonly key: SellerKey;
  readonly market: Market;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

interface WalmartError {
  readonly code: string;
  readonly field: string;
  readonly description: string;
  readonly info: string;
  readonly severity: 'ERROR';
  readonly category: 'DATA' | 'APPLICATION' | 'SYSTEM';
  readonly causes: readonly never[];
  readonly errorIdentifiers: Readonly<Record<string, never>>;
}

/** Walmart labels its JSON plain `application/json`. */
const json = jsonWith({ 'content-type': 'application/json' });

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

/** A header's value (names are lower-case in Node); repeated headers are joined. */
function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  const s = Array.isArray(v) ? v.join(', ') : v;
  const t = s?.trim();
  return t ? t : undefined;
}

/** Walmart answers JSON only to a request that accepts it; its spec's default is XML (docs/providers.md §7.1, [W9]). */
const wantsJson = (req: SandboxRequest) => /\bapplication\/(?:[\w.+-]*\+)?json\b/i.test(header(req, 'accept') ?? '');

function errorResponse(req: SandboxRequest, status: number, e: Omit<WalmartError, 'severity' | 'causes' | 'errorIdentifiers'>): SandboxResponse {
  const err: WalmartError = { ...e, severity: 'ERROR', causes: [], errorIdentifiers: {} };
  if (wantsJson(req)) {
    return json(status, { error: [err] });
  }
  const x = (tag: string, v: string) => `<ns2:${tag}>${xmlEscape(v)}</ns2:${tag}>`;
  const body =
    `${XML_HEAD}<ns2:errors xmlns:ns2="http://walmart.com/"><ns2:error>` +
    x('code', err.code) +
    x('field', err.field) +
    x('description', err.description) +
    x('info', err.info) +
    x('severity', err.severity) +
    x('category', err.category) +
    '<ns2:causes/><ns2:errorIdentifiers/></ns2:error></ns2:errors>';
  return { status, headers: { 'content-type': 'application/xml' }, body };
}

/** Walmart's own 500, for a key marked `down` and while `failRefresh('error')` is on. */
const systemError = (req: SandboxRequest) =>
  errorResponse(req, 500, {
    code: 'SYSTEM_ERROR.GMP_GATEWAY_API',
    field: 'UNKNOWN',
    description: 'Internal Server Error',
    info: 'The server encountered an unexpected condition. Please try again later.',
    category: 'SYSTEM',
  });

const unauthorized = (req: SandboxRequest) =>
  errorResponse(req, 401, {
    code: 'UNAUTHORIZED.GMP_GATEWAY_API',
    field: 'UNAUTHORIZED',
    description: 'Unauthorized',
    info:
      'Unauthorized token or incorrect authorization header. Please verify correct format: "Authorization: Basic Base64Encode(clientId:clientSecret)" ' +
      'For more information, see https://developer.walmart.com/#/apicenter/marketPlace/latest#apiAuthentication.',
    category: 'DATA',
  });

const invalidHeader = (req: SandboxRequest, field: string, description: string) =>
  errorResponse(req, 400, { code: 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', field, description, info: 'One or more request headers are invalid.', category: 'DATA' });

const invalidParam = (req: SandboxRequest, field: string, description: string) =>
  errorResponse(req, 400, { code: 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', field, description, info: 'One or more request parameters are invalid.', category: 'DATA' });

const methodNotAllowed = (req: SandboxRequest, allow: string): SandboxResponse => {
  const r = errorResponse(req, 405, {
    code: 'METHOD_NOT_ALLOWED.GMP_GATEWAY_API',
    field: 'method',
    description: `Request method ${req.method} is not supported`,
    info: `Use ${allow}.`,
    category: 'DATA',
  });
  return { ...r, headers: { ...r.headers, allow } };
};

/** The headers every Marketplace call needs (docs/providers.md §7.1): 400 when blank or absent. */
function checkCommonHeaders(req: SandboxRequest): SandboxResponse | Market {
  for (const name of ['WM_SVC.NAME', 'WM_QOS.CORRELATION_ID']) {
    if (!header(req, name)) return invalidHeader(req, name, `${name} set blank or null`);
  }
  const market = (header(req, 'WM_MARKET') ?? 'us').toLowerCase();
  if (market !== 'us' && market !== 'mx' && market !== 'ca' && market !== 'cl') return invalidHeader(req, 'WM_MARKET', 'WM_MARKET set null or invalid');
  return market;
}

/** The gateway reads only a base64 Basic credential; anything else in it is unauthorized. */
const BASE64_BASIC = /^Basic\s+[A-Za-z0-9+/=_-]+\s*$/i;
const parseBasic = (value: string | undefined) => (value && BASE64_BASIC.test(value) ? basicCredentials(value) : undefined);

/** Walmart access tokens are opaque JWE-looking strings (`eyJ…`). */
const newAccessToken = () =>
  `${Buffer.from(JSON.stringify({ kid: 'sandbox', enc: 'A256GCM', alg: 'dir' })).toString('base64url')}..${randomBytes(12).toString('base64url')}.${randomBytes(96).toString('base64url')}.${randomBytes(16).toString('base64url')}`;

export const createWalmartSandbox: SandboxFactory = (ctx: SandboxContext): WalmartSandbox => {
  /** The keys that mint tokens now, by client id: the fixtures until `revokeGrants`, then only what `issueKey` adds. */
  const keys = new Map<string, SellerKey>(WALMART_SANDBOX_KEYS.map((k) => [k.clientId, k]));
  const tokens = new Map<string, IssuedToken>();
  const faults = refreshFaults(ctx);

  async function token(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'POST') return methodNotAllowed(req, 'POST');
    const market = checkCommonHeaders(req);
    if (typeof market !== 'string') return market;
    const fault = await faults.answer(systemError(req));
    if (fault) return fault;

    // Walmart checks the credentials against the market named by WM_MARKET (default us).
    const creds = parseBasic(header(req, 'authorization'));
    const candidate = creds && keys.get(creds.id);
    const key = creds && candidate && safeEqual(candidate.clientSecret, creds.secret) ? candidate : undefined;
    if (!key || key.market !== market) return unauthorized(req);

    if (!isForm(req)) {
      return invalidHeader(req, 'Content-Type', 'Content-Type must be application/x-www-form-urlencoded');
    }
    const grantType = new URLSearchParams(req.body).get('grant_type');
    if (!grantType) return invalidParam(req, 'grant_type', 'grant_type set blank or null');
    if (grantType !== 'client_credentials') {
      // Seller-issued (Delegated Access) keys mint with client_credentials only; the
      // authorization_code / refresh_token grants belong to US OAuth 2.0 apps (§7.2).
      return invalidParam(req, 'grant_type', `grant_type ${grantType} is not supported for these credentials`);
    }

    if (key.control === 'down') return systemError(req);
    if (key.control === 'slow') await sleep(ctx.slowMs);

    const ttl = ctx.accessTokenTtlSeconds ?? DEFAULT_TTL_SECONDS;
    const issuedAt = ctx.now();
    const accessToken = newAccessToken();
    tokens.set(accessToken, { key, market, issuedAt, expiresAt: issuedAt + ttl * 1000 });

    if (wantsJson(req)) {
      return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: ttl });
    }
    const body = `${XML_HEAD}<OAuthTokenDTO><accessToken>${xmlEscape(accessToken)}</accessToken><tokenType>Bearer</tokenType><expiresIn>${ttl}</expiresIn></OAuthTokenDTO>`;
    return { status: 200, headers: { 'content-type': 'application/xml' }, body };
  }

  async function tokenDetail(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'GET') return methodNotAllowed(req, 'GET');
    const market = checkCommonHeaders(req);
    if (typeof market !== 'string') return market;
    const fault = await faults.answer(systemError(req));
    if (fault) return fault;

    const value = header(req, 'WM_SEC.ACCESS_TOKEN');
    const issued = value ? tokens.get(value) : undefined;
    if (!value || !issued) return unauthorized(req);
    if (ctx.now() >= issued.expiresAt) {
      tokens.delete(value);
      return unauthorized(req);
    }
    // A token minted for one market is not accepted in another.
    if (issued.market !== market) return unauthorized(req);

    const detail = {
      scopes: issued.key.scopes,
      expireAt: String(issued.expiresAt),
      issuedAt: String(issued.issuedAt),
      isValid: true,
      isChannelMatch: true,
    };
    if (wantsJson(req)) return json(200, detail);
    const scopes = Object.entries(detail.scopes)
      .map(([area, level]) => `<${area}>${level}</${area}>`)
      .join('');
    const body =
      `${XML_HEAD}<TokenDetailResponse><expireAt>${detail.expireAt}</expireAt><issuedAt>${detail.issuedAt}</issuedAt>` +
      `<isValid>true</isValid><isChannelMatch>true</isChannelMatch><scopes>${scopes}</scopes></TokenDetailResponse>`;
    return { status: 200, headers: { 'content-type': 'application/xml' }, body };
  }

  /* ---------------- test controls: reset the seller's keys, fail token calls (GrantControls), issue a key ---------------- */

  const controls: WalmartControls = {
    // The seller reset the client secrets (or deleted the keys) in the Developer Portal: no old
    // id/secret pair mints a token any more, and the tokens minted from them stop working too.
    revokeGrants() {
      const n = keys.size;
      keys.clear();
      tokens.clear();
      return n;
    },
    // Delegated Access keys mint with client_credentials and get no refresh token (§7.1): the
    // keys themselves do not run out, so there is nothing to expire.
    expireRefreshTokens: () => 0,
    failRefresh: (mode) => faults.set(mode),
    issueKey(market = 'us') {
      const key: SellerKey = { clientId: randomUUID(), clientSecret: randomBytes(64).toString('base64url'), market, scopes: SELLER_SCOPES };
      keys.set(key.clientId, key);
      return { clientId: key.clientId, clientSecret: key.clientSecret };
    },
  };

  return {
    id: 'walmart',
    controls,
    hosts: (host) => host === WALMART_HOST,
    handle: async (req) => {
      const path = req.path.replace(/\/+$/, '');
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
