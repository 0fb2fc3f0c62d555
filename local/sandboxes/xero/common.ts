/** The Xero sandbox's constants, small helpers, pages, and the state its sections share (see `index.ts`). */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { createFaults, createLog, refreshFaults } from '../controls.js';
import { escapeHtml as esc, html, htmlDocument, json } from '../http.js';
import type { SandboxContext, SandboxRequest, SandboxResponse } from '../types.js';
import type { XeroRegistration } from './facts.js';

export const ISSUER = 'https://identity.xero.com';
export const AUTHORIZE_URL = 'https://login.xero.com/identity/connect/authorize';
export const TOKEN_URL = 'https://identity.xero.com/connect/token';
export const JWKS_URL = 'https://identity.xero.com/.well-known/openid-configuration/jwks';
export const APP_NAME = 'Onramp';

export const CODE_TTL_MS = 5 * 60_000;
export const ACCESS_TTL_S = 1800;
export const ID_TOKEN_TTL_S = 300;
export const REFRESH_IDLE_MS = 60 * 24 * 3600_000;
export const REFRESH_GRACE_MS = 30 * 60_000;

export const SCENARIOS = ['ok', 'token_error', 'token_slow'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
/** Xero's API scope families (the granular list is longer than docs/providers.md reads; any scope of these families is accepted). */
export const API_SCOPE = /^(accounting|payroll|files|assets|projects|bankfeeds|finance|paymentservices|app\.connections|marketplace\.billing)(\.[a-z0-9]+)*$/;
export const SETTINGS_SCOPES = ['accounting.settings', 'accounting.settings.read'];
/** The scope that lets an app change the organisation's settings, the chart of accounts among them (`PUT /Accounts`). */
export const SETTINGS_WRITE_SCOPE = 'accounting.settings';
/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

export const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
export const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');
export const header = (req: SandboxRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
export const isForm = (req: SandboxRequest) => (header(req, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
/** A stable GUID from a seed (the sandbox's ids survive restarts). */
export const guid = (seed: string) => {
  const h = createHash('sha1').update(`xero-sandbox:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
/** Xero's JSON date: `\/Date(ms+0000)\/` (the escaping is restored in `xeroJson`). */
export const msDate = (ms: number) => `/Date(${ms}+0000)/`;
/** `2019-07-09T23:40:30.1833130`: the Identity API's UTC dates, seven fractional digits and no zone. */
export const identityDate = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}0000`;

/** The token endpoint's error answer (IdentityServer style: 400 for every OAuth error, invalid_client included). */
export const oauthError = (error: string, description?: string): SandboxResponse =>
  json(400, description ? { error, error_description: description } : { error });

/** The API's problem answer, as Xero sends it: `{Type, Title, Status, Detail, Instance, Extensions}`. */
export function problem(status: number, title: string, detail: string, headers: Record<string, string> = {}): SandboxResponse {
  return json(status, { Type: null, Title: title, Status: status, Detail: detail, Instance: randomUUID(), Extensions: {} }, headers);
}

export const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1a1d21; }
  main { max-width: 32rem; margin: 0 auto; padding: 1.5rem 1rem; box-sizing: border-box; }
  h1 { font-size: 1.4rem; line-height: 1.3; }
  fieldset { border: 1px solid #c9d1d9; border-radius: 6px; margin: 1rem 0; padding: 0.75rem; }
  legend { font-weight: 600; padding: 0 0.25rem; }
  .choice { display: flex; gap: 0.5rem; align-items: center; padding: 0.4rem 0; }
  .choice input { width: 1.25rem; height: 1.25rem; }
  select, button { font: inherit; min-height: 2.75rem; }
  select { width: 100%; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin-top: 1.25rem; }
  .actions button { flex: 1 1 10rem; border-radius: 6px; border: 1px solid #13b5ea; padding: 0.5rem 1rem; }
  .primary { background: #0b6b8f; color: #fff; }
  .secondary { background: #fff; color: #0b6e8f; }
  button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid #0b6e8f; outline-offset: 2px; }
  .error { color: #a4161a; }
`;

export function page(status: number, title: string, main: string): SandboxResponse {
  return html(status, htmlDocument({ title, css: STYLE, body: main }));
}

export const errorPage = (message: string) =>
  page(400, 'Xero: something went wrong', `<h1>Xero could not connect Onramp</h1>\n<p class="error" role="alert">${esc(message)}</p>`);

/* ------------------------------------------------------------------ */
/* What the sections share                                             */
/* ------------------------------------------------------------------ */

export interface AuthRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state?: string;
  readonly codeChallenge?: string;
  readonly nonce?: string;
}

export interface CodeRecord extends AuthRequest {
  readonly expiresAt: number;
  readonly scenario: Scenario;
  readonly authEventId: string;
  readonly authTime: number;
  readonly sessionId: string;
  used: boolean;
}

export interface Grant {
  readonly id: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly authEventId: string;
  readonly authTime: number;
  readonly sessionId: string;
}

export interface Connection {
  readonly id: string;
  readonly clientId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  authEventId: string;
  readonly created: number;
  updated: number;
}
/** The sandbox's state, made once per sandbox in `index.ts` and shared by its sections. */
export interface XeroState {
  readonly ctx: SandboxContext;
  readonly codes: Map<string, CodeRecord>;
  readonly accessTokens: Map<string, { grant: Grant; expiresAt: number }>;
  readonly refreshTokens: Map<string, { grant: Grant; issuedAt: number; consumedAt?: number }>;
  /** Keyed `${clientId} ${tenantId}`: one connection per app and organisation for the sandbox user. */
  readonly connections: Map<string, Connection>;
  /** How refresh requests fail (`failRefresh`). */
  readonly faults: ReturnType<typeof refreshFaults>;
  /** Each organisation's chart of accounts (tenant id → accounts as `GET /Accounts` lists them), this sandbox's own copy. */
  readonly charts: Map<string, Record<string, unknown>[]>;
  /** Which account creates fail (`failNthCreate`). */
  readonly createFaults: ReturnType<typeof createFaults>;
  /** The account-create requests each organisation received. */
  readonly creates: ReturnType<typeof createLog>;
  /** Onramp's app registered with Xero. */
  reg(): XeroRegistration;
}
