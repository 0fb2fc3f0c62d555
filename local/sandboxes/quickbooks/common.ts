/** The QuickBooks sandbox's constants, small helpers, pages, and the state its sections share (see `index.ts`). */
import { randomBytes, randomUUID } from 'node:crypto';
import type { createFaults, createLog, refreshFaults } from '../controls.js';
import { escapeHtml as esc, html, htmlDocument, jsonWith } from '../http.js';
import type { SandboxContext, SandboxRequest, SandboxResponse } from '../types.js';
import type { QuickbooksRegistration } from './facts.js';

export const USER_SUB = '5b7e9f4c-2a1d-4c3e-8f60-91d2a7b3c4e5';
export const ISSUER = 'https://oauth.platform.intuit.com/op/v1';
export const AUTHORIZE_URL = 'https://appcenter.intuit.com/connect/oauth2';
export const TOKEN_URL = 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer';
export const REVOKE_URL = 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke';
export const JWKS_URL = 'https://oauth.platform.intuit.com/op/v1/jwks';
export const API_HOSTS = new Set(['sandbox-quickbooks.api.intuit.com', 'quickbooks.api.intuit.com']);
export const HOSTS = new Set(['appcenter.intuit.com', 'oauth.platform.intuit.com', 'developer.api.intuit.com', 'developer.intuit.com', ...API_HOSTS]);

export const CODE_TTL_MS = 5 * 60_000;
export const ACCESS_TTL_S = 3600;
export const REFRESH_TTL_S = 8_640_000; // 100 days, rolling
export const REFRESH_HARD_MS = 5 * 365 * 24 * 3600_000; // 5 years from the first authorization
export const ID_TOKEN_TTL_S = 3600;

export const SCENARIOS = ['ok', 'token_error', 'token_slow'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const KNOWN_SCOPES = new Set(['com.intuit.quickbooks.accounting', 'com.intuit.quickbooks.payment', 'openid', 'profile', 'email', 'phone', 'address']);
export const COMPANY_SCOPES = ['com.intuit.quickbooks.accounting', 'com.intuit.quickbooks.payment'];
export const ACCOUNTING = 'com.intuit.quickbooks.accounting';

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

export const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
export const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const base62 = (n: number) => [...randomBytes(n)].map((b) => BASE62[b % 62] ?? 'A').join('');
export const header = (req: SandboxRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
export const contentType = (req: SandboxRequest) => (header(req, 'content-type') ?? '').toLowerCase();
export const wantsJson = (req: SandboxRequest) => (header(req, 'accept') ?? '').toLowerCase().includes('json');

/** Intuit's timestamps: Pacific time with its offset, e.g. `2026-01-15T10:12:31.123-08:00`. */
export function pacific(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(ms));
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
  const offset = get('timeZoneName').replace('GMT', '') || '+00:00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}.${String(ms % 1000).padStart(3, '0')}${offset}`;
}

/** Intuit labels its JSON `application/json;charset=UTF-8`. */
export const json = jsonWith({ 'content-type': 'application/json;charset=UTF-8' });

export const oauthError = (status: number, error: string, description?: string): SandboxResponse =>
  json(status, description ? { error, error_description: description } : { error }, { intuit_tid: randomUUID() });

export const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f8; color: #21262a; }
  main { max-width: 32rem; margin: 0 auto; padding: 1.5rem 1rem; box-sizing: border-box; }
  h1 { font-size: 1.4rem; line-height: 1.3; }
  .company { border: 1px solid #c8ccd0; border-radius: 6px; padding: 0.75rem; background: #fff; }
  select, button { font: inherit; min-height: 2.75rem; }
  select { width: 100%; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin-top: 1.25rem; }
  .actions button { flex: 1 1 10rem; border-radius: 6px; border: 1px solid #2ca01c; padding: 0.5rem 1rem; }
  .primary { background: #1d7513; color: #fff; }
  .secondary { background: #fff; color: #1d6f13; }
  button:focus-visible, select:focus-visible { outline: 3px solid #1d6f13; outline-offset: 2px; }
  .error { color: #a4161a; }
`;

export function page(status: number, title: string, main: string): SandboxResponse {
  return html(status, htmlDocument({ title, css: STYLE, body: main }));
}

export const errorPage = (message: string) =>
  page(400, 'Intuit: something went wrong', `<h1>Intuit QuickBooks could not connect Onramp</h1>\n<p class="error" role="alert">${esc(message)}</p>`);

/* ------------------------------------------------------------------ */
/* What the sections share                                             */
/* ------------------------------------------------------------------ */

export interface AuthRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state: string;
}

export interface CodeRecord extends AuthRequest {
  readonly realmId?: string;
  readonly expiresAt: number;
  readonly scenario: Scenario;
  readonly authTime: number;
  used: boolean;
}

export interface Grant {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly realmId?: string;
  readonly authTime: number;
  readonly hardExpiresAt: number;
  revoked: boolean;
}

/** The sandbox's state, made once per sandbox in `index.ts` and shared by its sections. */
export interface QuickbooksState {
  readonly ctx: SandboxContext;
  readonly codes: Map<string, CodeRecord>;
  readonly accessTokens: Map<string, { grant: Grant; expiresAt: number }>;
  readonly refreshTokens: Map<string, { grant: Grant; expiresAt: number }>;
  /** How refresh requests fail (`failRefresh`). */
  readonly faults: ReturnType<typeof refreshFaults>;
  /** The accounts created in each company (realm id → accounts, as `query` lists them after the company's own). */
  readonly addedAccounts: Map<string, Record<string, unknown>[]>;
  /** Which account creates fail (`failNthCreate`). */
  readonly createFaults: ReturnType<typeof createFaults>;
  /** The account-create requests each company received. */
  readonly creates: ReturnType<typeof createLog>;
  /** Onramp's app registered with Intuit. */
  reg(): QuickbooksRegistration;
}
