/** The Walmart sandbox's constants, Walmart's error envelope and request helpers, and the state its sections share (see `index.ts`). */
import { randomBytes } from 'node:crypto';
import type { refreshFaults } from '../controls.js';
import { basicCredentials, jsonWith } from '../http.js';
import type { SandboxContext, SandboxRequest, SandboxResponse } from '../types.js';
import type { WalmartRegistration } from './facts.js';

export const WALMART_HOST = 'marketplace.walmartapis.com';
/** Where the seller authorizes a Solution Provider app (US OAuth 2.0, docs/providers.md §7.2). */
export const WALMART_LOGIN_HOST = 'login.account.wal-mart.com';

export type Market = 'us' | 'mx' | 'ca' | 'cl';
/** The access levels `/v3/token/detail` reports per API area (Walmart's spelling). */
export type WalmartAccess = 'full_access' | 'view_only' | 'no_access';

/** Access tokens: 15 minutes (docs/providers.md §7.1, §7.2). */
export const DEFAULT_TTL_SECONDS = 900;
/** Refresh tokens: 365 days from the code exchange (§7.2). */
export const REFRESH_TTL_MS = 365 * 24 * 3600 * 1000;
/** Codes: single use, 5 minutes (the sandboxes' rule where the docs are silent). */
export const CODE_TTL_MS = 5 * 60 * 1000;
/** How long a consent page stays answerable. */
export const PENDING_TTL_MS = 60 * 60 * 1000;

export const SCENARIOS = ['ok', 'token_error', 'token_slow'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The access a US seller's token has, for keys and for the OAuth app alike. */
export const SELLER_SCOPES: Readonly<Record<string, WalmartAccess>> = {
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

/* ------------------------------------------------------------------ */
/* What the sections share                                             */
/* ------------------------------------------------------------------ */

export interface SellerKey {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly market: Market;
  readonly scopes: Readonly<Record<string, WalmartAccess>>;
  /** Test controls: `down` answers 500, `slow` stalls `ctx.slowMs`. */
  readonly control?: 'down' | 'slow';
}

/** An access token, minted from a seller key or from an OAuth grant. */
export interface IssuedToken {
  readonly scopes: Readonly<Record<string, WalmartAccess>>;
  readonly market: Market;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** A consent page shown and not yet answered. */
export interface PendingConsent {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
  readonly createdAt: number;
}

export interface AuthCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly sellerId: string;
  readonly scenario: Scenario;
  readonly expiresAt: number;
  used: boolean;
}

export interface RefreshGrant {
  readonly clientId: string;
  readonly sellerId: string;
  expiresAt: number;
}

/** The sandbox's state, made once per sandbox in `index.ts` and shared by its sections. */
export interface WalmartState {
  readonly ctx: SandboxContext;
  /** The seller keys that mint tokens now, by client id: the fixtures until `revokeGrants`, then only what `issueKey` adds. */
  readonly keys: Map<string, SellerKey>;
  /** Live access tokens, from keys and OAuth grants alike. */
  readonly tokens: Map<string, IssuedToken>;
  /** Consent pages shown, by their `authorization_request` id. */
  readonly pending: Map<string, PendingConsent>;
  readonly codes: Map<string, AuthCode>;
  /** OAuth refresh tokens the seller has not revoked. */
  readonly refreshTokens: Map<string, RefreshGrant>;
  /** How refresh requests fail (`failRefresh`). */
  readonly faults: ReturnType<typeof refreshFaults>;
  /** Onramp's Solution Provider app registered with Walmart. */
  reg(): WalmartRegistration;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

/** A header's value (names are lower-case in Node); repeated headers are joined. */
export function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  const s = Array.isArray(v) ? v.join(', ') : v;
  const t = s?.trim();
  return t ? t : undefined;
}

/** Walmart answers JSON only to a request that accepts it; its spec's default is XML (docs/providers.md §7.1, [W9]). */
export const wantsJson = (req: SandboxRequest) => /\bapplication\/(?:[\w.+-]*\+)?json\b/i.test(header(req, 'accept') ?? '');

/** The gateway reads only a base64 Basic credential; anything else in it is unauthorized. */
const BASE64_BASIC = /^Basic\s+[A-Za-z0-9+/=_-]+\s*$/i;
export const parseBasic = (value: string | undefined) => (value && BASE64_BASIC.test(value) ? basicCredentials(value) : undefined);

/** Walmart access tokens are opaque JWE-looking strings (`eyJ…`); the sandbox's refresh tokens have the same shape. */
export const opaqueToken = () =>
  `${Buffer.from(JSON.stringify({ kid: 'sandbox', enc: 'A256GCM', alg: 'dir' })).toString('base64url')}..${randomBytes(12).toString('base64url')}.${randomBytes(96).toString('base64url')}.${randomBytes(16).toString('base64url')}`;

/* ------------------------------------------------------------------ */
/* Answers                                                             */
/* ------------------------------------------------------------------ */

/** Walmart labels its JSON plain `application/json`. */
export const json = jsonWith({ 'content-type': 'application/json' });

export const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
export const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

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

/** Walmart's gateway envelope `{error: [{code, field, description, info, severity, category, causes, errorIdentifiers}]}`; XML `<ns2:errors>` when JSON is not accepted. */
export function errorResponse(req: SandboxRequest, status: number, e: Omit<WalmartError, 'severity' | 'causes' | 'errorIdentifiers'>): SandboxResponse {
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

/** Walmart's own 500: a key marked `down`, a `token_error` code, and while `failRefresh('error')` is on. */
export const systemError = (req: SandboxRequest) =>
  errorResponse(req, 500, {
    code: 'SYSTEM_ERROR.GMP_GATEWAY_API',
    field: 'UNKNOWN',
    description: 'Internal Server Error',
    info: 'The server encountered an unexpected condition. Please try again later.',
    category: 'SYSTEM',
  });

/** Unknown, wrong or revoked client credentials, and unknown or expired access tokens. */
export const unauthorized = (req: SandboxRequest) =>
  errorResponse(req, 401, {
    code: 'UNAUTHORIZED.GMP_GATEWAY_API',
    field: 'UNAUTHORIZED',
    description: 'Unauthorized',
    info:
      'Unauthorized token or incorrect authorization header. Please verify correct format: "Authorization: Basic Base64Encode(clientId:clientSecret)" ' +
      'For more information, see https://developer.walmart.com/#/apicenter/marketPlace/latest#apiAuthentication.',
    category: 'DATA',
  });

export const invalidHeader = (req: SandboxRequest, field: string, description: string) =>
  errorResponse(req, 400, { code: 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', field, description, info: 'One or more request headers are invalid.', category: 'DATA' });

export const invalidParam = (req: SandboxRequest, field: string, description: string) =>
  errorResponse(req, 400, { code: 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', field, description, info: 'One or more request parameters are invalid.', category: 'DATA' });

export const methodNotAllowed = (req: SandboxRequest, allow: string): SandboxResponse => {
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
export function checkCommonHeaders(req: SandboxRequest): SandboxResponse | Market {
  for (const name of ['WM_SVC.NAME', 'WM_QOS.CORRELATION_ID']) {
    if (!header(req, name)) return invalidHeader(req, name, `${name} set blank or null`);
  }
  const market = (header(req, 'WM_MARKET') ?? 'us').toLowerCase();
  if (market !== 'us' && market !== 'mx' && market !== 'ca' && market !== 'cl') return invalidHeader(req, 'WM_MARKET', 'WM_MARKET set null or invalid');
  return market;
}

/** A token answer: JSON `{access_token, token_type, expires_in[, refresh_token]}`, or the XML `OAuthTokenDTO` when JSON is not accepted. */
export function tokenAnswer(req: SandboxRequest, accessToken: string, expiresIn: number, refreshToken?: string): SandboxResponse {
  if (wantsJson(req)) {
    return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {}) });
  }
  const refresh = refreshToken !== undefined ? `<refreshToken>${xmlEscape(refreshToken)}</refreshToken>` : '';
  const body = `${XML_HEAD}<OAuthTokenDTO><accessToken>${xmlEscape(accessToken)}</accessToken><tokenType>Bearer</tokenType><expiresIn>${expiresIn}</expiresIn>${refresh}</OAuthTokenDTO>`;
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

/** Mints an access token (`ctx.accessTokenTtlSeconds` overrides the 900 s) with these scopes for this market. */
export function mintAccessToken(s: WalmartState, scopes: Readonly<Record<string, WalmartAccess>>, market: Market): { accessToken: string; expiresIn: number } {
  const expiresIn = s.ctx.accessTokenTtlSeconds ?? DEFAULT_TTL_SECONDS;
  const issuedAt = s.ctx.now();
  const accessToken = opaqueToken();
  s.tokens.set(accessToken, { scopes, market, issuedAt, expiresAt: issuedAt + expiresIn * 1000 });
  return { accessToken, expiresIn };
}
