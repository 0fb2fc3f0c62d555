/**
 * TikTok Shop sandbox (UK and US), written from docs/providers.md §5, §12 and §13.
 *
 * Hosts played:
 * - `services.us.tiktokshop.com` (US) and `services.tiktokshop.com` (UK / rest of world):
 *   the seller's consent page at `/open/authorize?service_id=…&state=…`.
 * - `auth.tiktok-shops.com`: `GET /api/v2/token/get` and `GET /api/v2/token/refresh`
 *   (app key and secret in the query; always HTTP 200 with `{code, message, request_id, data}`).
 * - `open-api.tiktokglobalshop.com`: `GET /authorization/202309/shops`, signed (`sign`,
 *   `timestamp`, `app_key`) with the token in `x-tts-access-token`.
 *
 * Where docs/providers.md is silent the choices are marked "chosen" below; error codes and messages
 * follow those seen in public answers from TikTok where one was found.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { escapeHtml, html, htmlDocument, json, redirect, safeEqual, sleep, withQuery } from '../http.js';
import type { ControlledSandbox, GrantControls, SandboxContext, SandboxFactory, SandboxRequest, SandboxResponse } from '../types.js';
import { refreshFaults } from '../controls.js';
import { TIKTOK_SHOP_FACTS } from './facts.js';

const TIKTOK_CONSENT_HOST_US = 'services.us.tiktokshop.com';
const TIKTOK_CONSENT_HOST_ROW = 'services.tiktokshop.com';
const TIKTOK_AUTH_HOST = 'auth.tiktok-shops.com';
const TIKTOK_API_HOST = 'open-api.tiktokglobalshop.com';
const HOSTS = new Set([TIKTOK_CONSENT_HOST_US, TIKTOK_CONSENT_HOST_ROW, TIKTOK_AUTH_HOST, TIKTOK_API_HOST]);

/** Auth codes: short-lived and single-use (5 minutes, the sandbox default; TikTok's own figure is unconfirmed). */
const CODE_TTL_MS = 5 * 60 * 1000;
/** Access token: 7 days (the official SDK's docstring). */
const ACCESS_TTL_S = 7 * 24 * 3600;
/** Refresh token: unconfirmed upstream; chosen 365 days (the figure commonly reported). */
const REFRESH_TTL_S = 365 * 24 * 3600;
/** A signed API call's `timestamp` must be within 5 minutes of the server clock. */
const TIMESTAMP_WINDOW_S = 5 * 60;
/** Abandoned consent pages are forgotten after an hour. */
const PENDING_TTL_MS = 60 * 60 * 1000;

/** Error codes. 36004004, 36004005, 36004001, 106001 and 105001's message are seen in public answers; the rest are chosen. */
const ERR = {
  invalidParams: 36009001,
  invalidAppCredentials: 36009003,
  invalidAuthCode: 36004004,
  refreshTokenExpired: 36004001,
  refreshTokenUnknown: 36004005,
  internal: 36009999,
  invalidSign: 106001,
  invalidAppKey: 106002,
  invalidTimestamp: 106003,
  invalidAccessToken: 105001,
  expiredAccessToken: 105002,
} as const;

type SellerRegion = 'UK' | 'US' | 'DE';
type Scenario = 'ok' | 'token_error' | 'token_slow';
const SCENARIOS: readonly Scenario[] = ['ok', 'token_error', 'token_slow'];

interface Shop {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly seller_type: string;
  readonly cipher: string;
  readonly code: string;
}

interface Seller {
  readonly label: string;
  readonly baseRegion: string;
  readonly openId: string;
  readonly sellerName: string;
  readonly tokenPrefix: string;
  readonly shop: Shop;
}

/** One fixed seller per region, so re-authorizing names the same seller and shop. */
const SELLERS: Readonly<Record<SellerRegion, Seller>> = {
  UK: {
    label: 'UK seller',
    baseRegion: 'GB',
    openId: 'gbSandboxOpenId-Onramp-0001',
    sellerName: 'Onramp Sandbox UK Seller',
    tokenPrefix: 'GCP_',
    shop: {
      id: '7494100000000000101',
      name: 'SANDBOX Onramp UK Shop',
      region: 'GB',
      seller_type: 'LOCAL',
      cipher: 'GCP_sandboxGBcipher0000000000000101',
      code: 'GBLCONRMP1',
    },
  },
  US: {
    label: 'US seller',
    baseRegion: 'US',
    openId: 'usSandboxOpenId-Onramp-0001',
    sellerName: 'Onramp Sandbox US Seller',
    tokenPrefix: 'TTP_',
    shop: {
      id: '7494100000000000202',
      name: 'SANDBOX Onramp US Shop',
      region: 'US',
      seller_type: 'LOCAL',
      cipher: 'TTP_sandboxUScipher0000000000000202',
      code: 'USLCONRMP1',
    },
  },
  DE: {
    label: 'Other region (Germany)',
    baseRegion: 'DE',
    openId: 'deSandboxOpenId-Onramp-0001',
    sellerName: 'Onramp Sandbox DE Seller',
    tokenPrefix: 'GCP_',
    shop: {
      id: '7494100000000000303',
      name: 'SANDBOX Onramp DE Shop',
      region: 'DE',
      seller_type: 'LOCAL',
      cipher: 'GCP_sandboxDEcipher0000000000000303',
      code: 'DELCONRMP1',
    },
  },
};
const REGIONS = Object.keys(SELLERS) as SellerRegion[];

/** Chosen: the permission packages an app like Onramp's would hold. */
const GRANTED_SCOPES = ['seller.authorization.info', 'seller.shop.info', 'seller.order.info', 'seller.finance.info'];

interface Pending {
  readonly host: string;
  readonly state: string | null;
  readonly createdAt: number;
}

interface AuthCode {
  readonly appKey: string;
  readonly region: SellerRegion;
  readonly scenario: Scenario;
  readonly expiresAt: number;
  used: boolean;
}

interface Grant {
  readonly appKey: string;
  readonly region: SellerRegion;
  readonly refreshToken: string;
  /** Unix seconds. */
  readonly refreshExpiresAt: number;
}

interface AccessToken {
  readonly grant: Grant;
  /** Unix seconds. */
  readonly expiresAt: number;
}

/** `{key}{value}` of the query (except `sign`, `access_token`) sorted by key, prefixed by the path, body appended, wrapped in the secret; hex HMAC-SHA256. */
function tiktokSign(appSecret: string, path: string, query: URLSearchParams, body = ''): string {
  const params = [...query.entries()].filter(([k]) => k !== 'sign' && k !== 'access_token');
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const message = `${appSecret}${path}${params.map(([k, v]) => `${k}${v}`).join('')}${body}${appSecret}`;
  return createHmac('sha256', appSecret).update(message).digest('hex');
}

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; background: #f6f6f7; color: #161823; }
  main { box-sizing: border-box; max-width: 30rem; margin: 0 auto; padding: 1.25rem 1rem 2rem; background: #fff; min-height: 100vh; }
  h1 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 1rem; }
  p, li { line-height: 1.5; }
  fieldset { border: 1px solid #c4c5c9; border-radius: 8px; margin: 0 0 1rem; padding: 0.75rem 1rem; }
  legend { font-weight: 600; padding: 0 0.25rem; }
  .choice { display: flex; align-items: center; gap: 0.5rem; min-height: 44px; }
  .choice input { width: 1.25rem; height: 1.25rem; margin: 0; }
  label { font-size: 1rem; }
  .field { display: flex; flex-direction: column; gap: 0.35rem; margin: 0 0 1.25rem; }
  select { font-size: 1rem; min-height: 44px; padding: 0 0.5rem; border: 1px solid #8a8b91; border-radius: 6px; background: #fff; color: inherit; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; }
  button { flex: 1 1 10rem; font-size: 1rem; font-weight: 600; min-height: 48px; border-radius: 6px; border: 2px solid #161823; cursor: pointer; }
  button.primary { background: #c8102e; border-color: #c8102e; color: #fff; }
  button.secondary { background: #fff; color: #161823; }
  :focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
`;

function htmlPage(title: string, content: string): string {
  return htmlDocument({ title, css: STYLE, body: content });
}

/** TikTok Shop's pages may not be framed. */
const htmlResponse = (status: number, body: string): SandboxResponse => html(status, body, { 'x-frame-options': 'DENY' });

function errorPage(status: number, message: string): SandboxResponse {
  const content = `<h1>TikTok Shop: Onramp cannot be authorized</h1>
<p role="alert">${escapeHtml(message)}</p>`;
  return htmlResponse(status, htmlPage('TikTok Shop authorization error', content));
}

const randomToken = (bytes: number) => randomBytes(bytes).toString('base64url');

export const createTiktokShopSandbox: SandboxFactory = (ctx: SandboxContext): ControlledSandbox => {
  const reg = ctx.registrations['tiktok-shop'];
  const pending = new Map<string, Pending>();
  const codes = new Map<string, AuthCode>();
  const refreshTokens = new Map<string, Grant>();
  const accessTokens = new Map<string, AccessToken>();

  const nowS = () => Math.floor(ctx.now() / 1000);

  /** TikTok-style request id: `yyyymmddHHMMSS` + 20 upper-case hex. */
  const requestId = () => {
    const d = new Date(ctx.now());
    const p = (n: number) => String(n).padStart(2, '0');
    const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
    return `${stamp}${randomBytes(10).toString('hex').toUpperCase()}`;
  };

  const envelope = (status: number, code: number, message: string, data: unknown = null): SandboxResponse =>
    json(status, { code, message, request_id: requestId(), data });

  const sweep = () => {
    const t = ctx.now();
    for (const [id, p] of pending) if (t - p.createdAt > PENDING_TTL_MS) pending.delete(id);
  };

  // ---- consent -------------------------------------------------------------

  function consentPage(host: string, query: URLSearchParams): SandboxResponse {
    const serviceId = query.get('service_id');
    if (!serviceId || serviceId !== reg.serviceId) return errorPage(400, 'This service does not exist');
    sweep();
    const id = randomToken(16);
    pending.set(id, { host, state: query.get('state'), createdAt: ctx.now() });
    const defaultRegion: SellerRegion = host === TIKTOK_CONSENT_HOST_US ? 'US' : 'UK';
    const action = ctx.sandboxUrl(`https://${host}/open/authorize`);
    const radios = REGIONS.map(
      (r) => `<div class="choice"><input type="radio" id="seller_region_${r}" name="seller_region" value="${r}"${r === defaultRegion ? ' checked' : ''}>
<label for="seller_region_${r}">${escapeHtml(SELLERS[r].label)}</label></div>`,
    ).join('\n');
    const options = SCENARIOS.map((s) => `<option value="${s}"${s === 'ok' ? ' selected' : ''}>${s}</option>`).join('');
    const market = host === TIKTOK_CONSENT_HOST_US ? 'TikTok Shop (US)' : 'TikTok Shop (UK and other regions)';
    const content = `<h1>TikTok Shop: authorize Onramp</h1>
<p>Onramp is asking to access your ${escapeHtml(market)} account. Only the shop owner (main account) can authorize.</p>
<p>Onramp will be able to:</p>
<ul>
<li>See your shop's details</li>
<li>See your orders</li>
<li>See your finance statements and settlements</li>
</ul>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="authorization_request" value="${escapeHtml(id)}">
<fieldset>
<legend>Which seller account are you?</legend>
${radios}
</fieldset>
<div class="field">
<label for="scenario">Sandbox outcome</label>
<select id="scenario" name="scenario">${options}</select>
</div>
<div class="actions">
<button type="submit" name="decision" value="${TIKTOK_SHOP_FACTS.accept.decision}" class="primary">${escapeHtml(TIKTOK_SHOP_FACTS.accept.label)}</button>
<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
</div>
</form>`;
    return htmlResponse(200, htmlPage('Authorize Onramp – TikTok Shop', content));
  }

  function consentDecision(host: string, req: SandboxRequest): SandboxResponse {
    const form = new URLSearchParams(req.body);
    const id = form.get('authorization_request') ?? '';
    const p = pending.get(id);
    if (!p || p.host !== host || ctx.now() - p.createdAt > PENDING_TTL_MS) {
      return errorPage(400, 'This authorization request has expired. Start again from Onramp.');
    }
    const decision = form.get('decision');
    if (decision === 'cancel') {
      pending.delete(id);
      // Chosen: TikTok's denial format is unconfirmed; an OAuth-style access_denied with the state.
      return redirect(withQuery(reg.redirectUrl, { error: 'access_denied', state: p.state ?? undefined }, 'append'));
    }
    if (decision !== TIKTOK_SHOP_FACTS.accept.decision) return errorPage(400, 'Choose Authorize or Cancel.');
    const regionField = form.get('seller_region') ?? (host === TIKTOK_CONSENT_HOST_US ? 'US' : 'UK');
    if (!REGIONS.includes(regionField as SellerRegion)) return errorPage(400, 'Choose which seller account you are.');
    const scenarioField = form.get('scenario') ?? 'ok';
    if (!SCENARIOS.includes(scenarioField as Scenario)) return errorPage(400, 'Unknown sandbox outcome.');
    pending.delete(id);
    const code = randomToken(24);
    codes.set(code, {
      appKey: reg.appKey,
      region: regionField as SellerRegion,
      scenario: scenarioField as Scenario,
      expiresAt: ctx.now() + CODE_TTL_MS,
      used: false,
    });
    return redirect(withQuery(reg.redirectUrl, { code, state: p.state ?? undefined }, 'append'));
  }

  // ---- token endpoints ------------------------------------------------------

  function tokenData(grant: Grant, accessToken: string, accessExpiresAt: number) {
    const seller = SELLERS[grant.region];
    return {
      access_token: accessToken,
      access_token_expire_in: accessExpiresAt,
      refresh_token: grant.refreshToken,
      refresh_token_expire_in: grant.refreshExpiresAt,
      open_id: seller.openId,
      seller_name: seller.sellerName,
      seller_base_region: seller.baseRegion,
      user_type: 0,
      granted_scopes: GRANTED_SCOPES,
    };
  }

  function issueAccessToken(grant: Grant) {
    const token = `${SELLERS[grant.region].tokenPrefix}${randomToken(48)}`;
    const expiresAt = nowS() + (ctx.accessTokenTtlSeconds ?? ACCESS_TTL_S);
    accessTokens.set(token, { grant, expiresAt });
    return tokenData(grant, token, expiresAt);
  }

  /** Checks `app_key` and `app_secret`; returns an error envelope or undefined. */
  function checkApp(q: URLSearchParams): SandboxResponse | undefined {
    const appKey = q.get('app_key');
    const appSecret = q.get('app_secret');
    if (!appKey) return envelope(200, ERR.invalidParams, "Invalid params. The 'app_key' query parameter is required.");
    if (!appSecret) return envelope(200, ERR.invalidParams, "Invalid params. The 'app_secret' query parameter is required.");
    if (appKey !== reg.appKey) return envelope(200, ERR.invalidAppCredentials, "Invalid credentials. The 'app_key' query parameter is invalid.");
    if (appSecret !== reg.appSecret) return envelope(200, ERR.invalidAppCredentials, "Invalid credentials. The 'app_secret' query parameter is invalid.");
    return undefined;
  }

  async function tokenGet(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'GET') return envelope(405, ERR.invalidParams, 'Method not allowed. Use GET.');
    const q = req.query;
    const appError = checkApp(q);
    if (appError) return appError;
    const authCode = q.get('auth_code');
    if (!authCode) return envelope(200, ERR.invalidParams, "Invalid params. The 'auth_code' query parameter is required.");
    if (q.get('grant_type') !== 'authorized_code') {
      return envelope(200, ERR.invalidParams, "Invalid params. The 'grant_type' query parameter must be 'authorized_code'.");
    }
    const code = codes.get(authCode);
    if (!code || code.appKey !== reg.appKey) return envelope(200, ERR.invalidAuthCode, 'invalid auth code');
    if (code.scenario === 'token_error') return envelope(500, ERR.internal, 'Internal system error. Please try again later.');
    if (code.scenario === 'token_slow') await sleep(ctx.slowMs);
    if (code.used) return envelope(200, ERR.invalidAuthCode, 'invalid auth code: the auth code has already been used');
    if (ctx.now() > code.expiresAt) return envelope(200, ERR.invalidAuthCode, 'invalid auth code: the auth code has expired');
    code.used = true;
    const grant: Grant = {
      appKey: code.appKey,
      region: code.region,
      refreshToken: `${SELLERS[code.region].tokenPrefix}${randomToken(40)}`,
      refreshExpiresAt: nowS() + REFRESH_TTL_S,
    };
    refreshTokens.set(grant.refreshToken, grant);
    return envelope(200, 0, 'success', issueAccessToken(grant));
  }

  async function tokenRefresh(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'GET') return envelope(405, ERR.invalidParams, 'Method not allowed. Use GET.');
    const fault = await faults.answer(envelope(500, ERR.internal, 'Internal system error. Please try again later.'));
    if (fault) return fault;
    const q = req.query;
    const appError = checkApp(q);
    if (appError) return appError;
    const refreshToken = q.get('refresh_token');
    if (!refreshToken) return envelope(200, ERR.invalidParams, "Invalid params. The 'refresh_token' query parameter is required.");
    // The documented value is refresh_token; the official Node SDK sends authorized_code here too.
    const grantType = q.get('grant_type');
    if (grantType !== 'refresh_token' && grantType !== 'authorized_code') {
      return envelope(200, ERR.invalidParams, "Invalid params. The 'grant_type' query parameter must be 'refresh_token'.");
    }
    const grant = refreshTokens.get(refreshToken);
    if (!grant || grant.appKey !== reg.appKey) return envelope(200, ERR.refreshTokenUnknown, 'can not find related auth record');
    if (nowS() > grant.refreshExpiresAt) return envelope(200, ERR.refreshTokenExpired, 'rt has expired');
    // Chosen: rotation is unconfirmed; the same refresh token (and its expiry) comes back with a new access token.
    return envelope(200, 0, 'success', issueAccessToken(grant));
  }

  // ---- signed API -------------------------------------------------------------

  /** Verifies `app_key`, `timestamp`, `sign` and the `x-tts-access-token` header, in that order. */
  function checkSignedCall(req: SandboxRequest): { readonly error: SandboxResponse } | { readonly token: AccessToken } {
    const q = req.query;
    if (q.get('app_key') !== reg.appKey) {
      return { error: envelope(401, ERR.invalidAppKey, "Invalid credentials. The 'app_key' query parameter is invalid.") };
    }
    const ts = q.get('timestamp') ?? '';
    if (!/^\d{1,12}$/.test(ts) || Math.abs(nowS() - Number(ts)) > TIMESTAMP_WINDOW_S) {
      return { error: envelope(401, ERR.invalidTimestamp, "Invalid credentials. The 'timestamp' query parameter is invalid or expired.") };
    }
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    const signedBody = contentType.startsWith('multipart/form-data') ? '' : req.body;
    if (!safeEqual(q.get('sign') ?? '', tiktokSign(reg.appSecret, req.path, q, signedBody))) {
      return { error: envelope(401, ERR.invalidSign, "Invalid credentials. The 'sign' query parameter is invalid.") };
    }
    const header = req.headers['x-tts-access-token'];
    const token = typeof header === 'string' ? accessTokens.get(header) : undefined;
    if (!token || token.grant.appKey !== reg.appKey) {
      return { error: envelope(401, ERR.invalidAccessToken, "Invalid credentials. The 'x-tts-access-token' header is invalid.") };
    }
    if (nowS() >= token.expiresAt) {
      return { error: envelope(401, ERR.expiredAccessToken, "Expired credentials. The 'x-tts-access-token' header has expired.") };
    }
    return { token };
  }

  function authorizedShops(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'GET') return envelope(405, ERR.invalidParams, 'Method not allowed. Use GET.');
    const checked = checkSignedCall(req);
    if ('error' in checked) return checked.error;
    return envelope(200, 0, 'Success', { shops: [SELLERS[checked.token.grant.region].shop] });
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
      for (const [token, grant] of refreshTokens) refreshTokens.set(token, { ...grant, refreshExpiresAt: nowS() - 1 });
      return refreshTokens.size;
    },
    failRefresh: (mode) => faults.set(mode),
  };

  return {
    id: 'tiktok-shop',
    controls,
    hosts: (host) => HOSTS.has(host),
    async handle(req) {
      if ((req.host === TIKTOK_CONSENT_HOST_US || req.host === TIKTOK_CONSENT_HOST_ROW) && req.path === '/open/authorize') {
        if (req.method === 'GET') return consentPage(req.host, req.query);
        if (req.method === 'POST') return consentDecision(req.host, req);
        return errorPage(405, 'Method not allowed.');
      }
      if (req.host === TIKTOK_AUTH_HOST) {
        if (req.path === '/api/v2/token/get') return tokenGet(req);
        if (req.path === '/api/v2/token/refresh') return tokenRefresh(req);
        return undefined;
      }
      if (req.host === TIKTOK_API_HOST && req.path === '/authorization/202309/shops') return authorizedShops(req);
      return undefined;
    },
  };
};
