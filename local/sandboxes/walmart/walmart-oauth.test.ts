import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptConsent, consent } from '../consent.js';
import { grantControls } from '../controls.js';
import { acceptance } from '../facts.js';
import { appSecretsFor, sandboxRegistrations } from '../registrations.js';
import type { SandboxServer } from '../server.js';
import { startSandbox, TEST_APP_ORIGIN } from '../test-support.js';
import { WALMART_FACTS } from './facts.js';
import { createWalmartSandbox, WALMART_SANDBOX_KEYS } from './index.js';

const reg = sandboxRegistrations(TEST_APP_ORIGIN).walmart;
const CALLBACK = reg.redirectUris[0]!;
const SELLER_ID = WALMART_FACTS.sellerId;
const DAY_MS = 24 * 3600 * 1000;

let server: SandboxServer;
beforeEach(async () => {
  server = await startSandbox(createWalmartSandbox, { slowMs: 200 });
});
afterEach(async () => {
  await server.stop();
});

const authorizeUrl = (params: Record<string, string | null> = {}) => {
  const all: Record<string, string | null> = { responseType: 'code', clientId: reg.clientId, redirectUri: CALLBACK, clientType: 'seller', nonce: 'n-0001', state: 'st-1', ...params };
  const q = new URLSearchParams(Object.entries(all).filter((e): e is [string, string] => e[1] !== null));
  return server.sandboxUrl(`https://login.account.wal-mart.com/authorize?${q.toString()}`);
};

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** Everything §7.2 step 4 names, for the app. */
const appHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({
  Authorization: basic(reg.clientId, reg.clientSecret),
  'Content-Type': 'application/x-www-form-urlencoded',
  Accept: 'application/json',
  'WM_SVC.NAME': 'Walmart Marketplace',
  'WM_QOS.CORRELATION_ID': crypto.randomUUID(),
  'WM_PARTNER.ID': SELLER_ID,
  WM_MARKET: 'us',
  ...extra,
});

function without(headers: Record<string, string>, name: string): Record<string, string> {
  const { [name]: _drop, ...rest } = headers;
  return rest;
}

const postToken = (headers: Record<string, string>, body: Record<string, string>) =>
  fetch(server.sandboxUrl('https://marketplace.walmartapis.com/v3/token'), { method: 'POST', headers, body: new URLSearchParams(body).toString() });

const exchange = (code: string, headers: Record<string, string> = appHeaders(), body: Record<string, string> = {}) =>
  postToken(headers, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, ...body });

const refresh = (refreshToken: string, headers: Record<string, string> = appHeaders()) => postToken(headers, { grant_type: 'refresh_token', refresh_token: refreshToken });

const detail = (token: string) =>
  fetch(server.sandboxUrl('https://marketplace.walmartapis.com/v3/token/detail'), {
    headers: { 'WM_SEC.ACCESS_TOKEN': token, 'WM_SVC.NAME': 'Walmart Marketplace', 'WM_QOS.CORRELATION_ID': crypto.randomUUID(), Accept: 'application/json' },
  });

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
}
interface DetailBody {
  scopes: Record<string, string>;
  expireAt: string;
  issuedAt: string;
  isValid: boolean;
  isChannelMatch: boolean;
}
interface WalmartErrorBody {
  error: { code: string; field: string; description: string; info: string; severity: string; category: string; causes: unknown[]; errorIdentifiers: object }[];
}

async function expectWalmartError(res: Response, status: number, code: string, field?: string): Promise<WalmartErrorBody['error'][number]> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body = (await res.json()) as WalmartErrorBody;
  expect(body.error).toHaveLength(1);
  const [err] = body.error;
  expect(err).toMatchObject({ code, severity: 'ERROR', causes: [], errorIdentifiers: {} });
  expect(typeof err?.description).toBe('string');
  expect(typeof err?.info).toBe('string');
  if (field) expect(err?.field).toBe(field);
  return err!;
}

/** Authorizes on the consent page as a plain click-through (plus `choices`) and returns the callback. */
async function authorize(choices: Record<string, string> = {}, params: Record<string, string | null> = {}): Promise<{ location: URL; code: string }> {
  const result = await acceptConsent(authorizeUrl(params), 'walmart', choices);
  expect(result.pageStatus).toBe(200);
  expect(result.status).toBe(302);
  const location = new URL(result.location ?? '');
  return { location, code: location.searchParams.get('code') ?? '' };
}

/** A connected seller: a code exchanged for tokens. */
async function connect(): Promise<TokenBody> {
  const { code } = await authorize();
  const res = await exchange(code);
  expect(res.status).toBe(200);
  return (await res.json()) as TokenBody;
}

describe('Walmart sandbox: facts for US OAuth 2.0', () => {
  it('registers an app with the callback, and states the accepting button and the seller', () => {
    expect(reg).toEqual({ clientId: expect.any(String), clientSecret: expect.any(String), redirectUris: [`${TEST_APP_ORIGIN}/api/oauth/walmart/callback`] });
    expect(appSecretsFor(sandboxRegistrations(TEST_APP_ORIGIN)).walmart).toEqual({ clientId: reg.clientId, clientSecret: reg.clientSecret });
    expect(acceptance('walmart')).toEqual({ decision: 'authorize', label: 'Authorize', choices: {} });
    expect(SELLER_ID).toMatch(/^\d+$/);
    // The app is not one of the seller keys.
    expect(WALMART_SANDBOX_KEYS.map((k) => k.clientId)).not.toContain(reg.clientId);
  });
});

describe('Walmart sandbox: consent page (login.account.wal-mart.com/authorize)', () => {
  it('serves an accessible page with Authorize, Cancel and the sandbox outcome', async () => {
    const res = await fetch(authorizeUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html).toContain('name="viewport"');
    expect(html.match(/<main>/g)).toHaveLength(1);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toMatch(/<h1>[^<]*Walmart[^<]*Onramp[^<]*<\/h1>/);
    expect(html.match(/<form\b/g)).toHaveLength(1);
    expect(html).toContain(`<form method="post" action="${server.origin}/login.account.wal-mart.com/authorize">`);
    expect(html).toContain('<button type="submit" name="decision" value="authorize" class="primary">Authorize</button>');
    expect(html).toContain('<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>');
    expect(html).toContain('<label for="scenario">Sandbox outcome</label>');
    expect(html).toMatch(/<select id="scenario" name="scenario"><option value="ok" selected>[^<]*<\/option><option value="token_error">[^<]*<\/option><option value="token_slow">[^<]*<\/option><\/select>/);
    expect(html).toMatch(/<input type="hidden" name="authorization_request" value="[^"]+">/);
    expect(html).toContain(SELLER_ID);
    expect(html).toContain('View only');
  });

  it('redirects Authorize to the redirectUri with code, type=auth, clientId, sellerId and state (§7.2 step 3)', async () => {
    const { location, code } = await authorize({}, { state: 'a b&c' });
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect([...location.searchParams.keys()]).toEqual(['code', 'type', 'clientId', 'sellerId', 'state']);
    expect(code).toMatch(/^[0-9A-F]{48}$/);
    expect(location.searchParams.get('type')).toBe('auth');
    expect(location.searchParams.get('clientId')).toBe(reg.clientId);
    expect(location.searchParams.get('sellerId')).toBe(SELLER_ID);
    expect(location.searchParams.get('state')).toBe('a b&c');
  });

  it('redirects Cancel with error=access_denied, an error_description and the state, and no code', async () => {
    const result = await consent(authorizeUrl({ state: 'st-2' }), 'cancel');
    expect(result.status).toBe(302);
    const location = new URL(result.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('st-2');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it.each([
    ['an unknown clientId', { clientId: 'someone-else' }, /clientId/],
    ['no clientId', { clientId: null }, /clientId/],
    ['a redirectUri not registered', { redirectUri: 'https://evil.example/api/oauth/walmart/callback' }, /redirectUri/],
    ['a redirectUri that only starts like the registered one', { redirectUri: `${CALLBACK}/more` }, /redirectUri/],
    ['no redirectUri', { redirectUri: null }, /redirectUri/],
    ['responseType token', { responseType: 'token' }, /responseType/],
    ['no responseType', { responseType: null }, /responseType/],
    ['clientType seller-ca (Canada)', { clientType: 'seller-ca' }, /US sellers only/],
    ['clientType seller-mx (Mexico)', { clientType: 'seller-mx' }, /US sellers only/],
    ['another clientType', { clientType: 'buyer' }, /clientType/],
    ['no clientType', { clientType: null }, /clientType/],
    ['no state', { state: null }, /state/],
    ['an empty state', { state: '' }, /state/],
    ['no nonce', { nonce: null }, /nonce/],
  ])('refuses %s with a 400 page and no form', async (_name, params, message) => {
    const result = await consent(authorizeUrl(params), 'authorize');
    expect(result.pageStatus).toBe(400);
    expect(result.page).toContain('<html lang="en">');
    expect(result.page).toMatch(/<h1>[^<]*Walmart[^<]*<\/h1>/);
    expect(result.page).not.toContain('<form');
    expect(result.page).toMatch(message);
    expect(result.status).toBeUndefined();
  });

  it('refuses a decision for a request it never showed (400 page)', async () => {
    const res = await fetch(server.sandboxUrl('https://login.account.wal-mart.com/authorize'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'authorization_request=nothing&decision=authorize',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('<form');
  });

  it('escapes what it is given', async () => {
    const result = await authorize({}, { state: '<b>"x"</b>' });
    expect(result.location.searchParams.get('state')).toBe('<b>"x"</b>');
    const page = await (await fetch(authorizeUrl({ clientType: '<i>x</i>' }))).text();
    expect(page).not.toContain('<i>x</i>');
    expect(page).toContain('&lt;i&gt;x&lt;/i&gt;');
  });
});

describe('Walmart sandbox: authorization_code grant (POST /v3/token)', () => {
  it('happy path: consent, code exchange with every header, token detail, refresh', async () => {
    const { code, location } = await authorize();
    expect(location.searchParams.get('sellerId')).toBe(SELLER_ID);

    const res = await exchange(code);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const tokens = (await res.json()) as TokenBody;
    expect(tokens).toEqual({ access_token: expect.stringMatching(/^eyJ/), token_type: 'Bearer', expires_in: 900, refresh_token: expect.any(String) });
    expect(tokens.refresh_token).not.toBe(tokens.access_token);

    const d = await detail(tokens.access_token);
    expect(d.status).toBe(200);
    const body = (await d.json()) as DetailBody;
    expect(body.scopes.reports).toBe('view_only');
    expect(body.scopes.orders).toBe('full_access');
    expect(body.isValid).toBe(true);
    expect(body.isChannelMatch).toBe(true);
    expect(Number(body.expireAt) - Number(body.issuedAt)).toBe(900_000);

    const r = await refresh(tokens.refresh_token);
    expect(r.status).toBe(200);
    const refreshed = (await r.json()) as TokenBody;
    expect(refreshed).toEqual({ access_token: expect.stringMatching(/^eyJ/), token_type: 'Bearer', expires_in: 900, refresh_token: tokens.refresh_token });
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect((await detail(refreshed.access_token)).status).toBe(200);
    // The earlier access token lives out its 15 minutes; the refresh token is not rotated and refreshes again.
    expect((await detail(tokens.access_token)).status).toBe(200);
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });

  it('treats an absent WM_MARKET as us', async () => {
    const { code } = await authorize();
    expect((await exchange(code, without(appHeaders(), 'WM_MARKET'))).status).toBe(200);
  });

  it('answers an XML OAuthTokenDTO with the refresh token when the request does not accept JSON', async () => {
    const { code } = await authorize();
    const res = await exchange(code, without(appHeaders(), 'Accept'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/xml');
    expect(await res.text()).toMatch(
      /^<\?xml [^>]*\?><OAuthTokenDTO><accessToken>eyJ[^<]+<\/accessToken><tokenType>Bearer<\/tokenType><expiresIn>900<\/expiresIn><refreshToken>[^<]+<\/refreshToken><\/OAuthTokenDTO>$/,
    );
  });

  it('refuses a reused code (400 INVALID_REQUEST_PARAM, field code)', async () => {
    const { code } = await authorize();
    expect((await exchange(code)).status).toBe(200);
    await expectWalmartError(await exchange(code), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'code');
  });

  it('refuses an unknown code', async () => {
    await expectWalmartError(await exchange('0123456789ABCDEF'), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'code');
    await expectWalmartError(await postToken(appHeaders(), { grant_type: 'authorization_code', redirect_uri: CALLBACK }), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'code');
  });

  it('takes a code within 5 minutes and refuses it after', async () => {
    const early = await authorize();
    const late = await authorize();
    server.advance(5 * 60_000 - 1_000);
    expect((await exchange(early.code)).status).toBe(200);
    server.advance(1_000);
    const err = await expectWalmartError(await exchange(late.code), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'code');
    expect(err.description).toMatch(/expired/);
  });

  it('refuses a redirect_uri other than the authorize request’s, or none, without using up the code', async () => {
    const { code } = await authorize();
    await expectWalmartError(await exchange(code, appHeaders(), { redirect_uri: 'https://evil.example/cb' }), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'redirect_uri');
    await expectWalmartError(await exchange(code, appHeaders(), { redirect_uri: `${CALLBACK}/` }), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'redirect_uri');
    await expectWalmartError(await postToken(appHeaders(), { grant_type: 'authorization_code', code }), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'redirect_uri');
    expect((await exchange(code)).status).toBe(200);
  });

  it('refuses a WM_PARTNER.ID other than the seller who authorized, or none (400 INVALID_REQUEST_HEADER)', async () => {
    const { code } = await authorize();
    await expectWalmartError(await exchange(code, appHeaders({ 'WM_PARTNER.ID': '999999999' })), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'WM_PARTNER.ID');
    await expectWalmartError(await exchange(code, without(appHeaders(), 'WM_PARTNER.ID')), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'WM_PARTNER.ID');
    expect((await exchange(code)).status).toBe(200);
  });

  it.each(['WM_SVC.NAME', 'WM_QOS.CORRELATION_ID'])('answers 400 INVALID_REQUEST_HEADER without %s', async (name) => {
    const { code } = await authorize();
    await expectWalmartError(await exchange(code, without(appHeaders(), name)), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', name);
  });

  it('answers 400 for a body that is not form-encoded', async () => {
    const { code } = await authorize();
    const res = await fetch(server.sandboxUrl('https://marketplace.walmartapis.com/v3/token'), {
      method: 'POST',
      headers: appHeaders({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK }),
    });
    await expectWalmartError(res, 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'Content-Type');
  });

  it('refuses WM_MARKET mx or ca: these grants are US only', async () => {
    const { code } = await authorize();
    await expectWalmartError(await exchange(code, appHeaders({ WM_MARKET: 'mx' })), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'WM_MARKET');
    await expectWalmartError(await exchange(code, appHeaders({ WM_MARKET: 'ca' })), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'WM_MARKET');
    expect((await exchange(code)).status).toBe(200);
  });

  it('refuses bad client authentication with 401 UNAUTHORIZED.GMP_GATEWAY_API', async () => {
    const { code } = await authorize();
    await expectWalmartError(await exchange(code, appHeaders({ Authorization: basic(reg.clientId, 'wrong') })), 401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'UNAUTHORIZED');
    await expectWalmartError(await exchange(code, without(appHeaders(), 'Authorization')), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
    await expectWalmartError(await exchange(code, appHeaders({ Authorization: `Bearer ${reg.clientId}` })), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
    await expectWalmartError(await exchange(code, appHeaders({ Authorization: basic('someone-else', reg.clientSecret) })), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
    expect((await exchange(code)).status).toBe(200);
  });

  it('does not exchange a code with a seller key (client_credentials only) nor mint client_credentials with the app', async () => {
    const { code } = await authorize();
    const us = WALMART_FACTS.keys.us;
    await expectWalmartError(await exchange(code, appHeaders({ Authorization: basic(us.clientId, us.clientSecret) })), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'grant_type');
    await expectWalmartError(await postToken(appHeaders(), { grant_type: 'client_credentials' }), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'grant_type');
    await expectWalmartError(await postToken(appHeaders(), {}), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'grant_type');
    expect((await exchange(code)).status).toBe(200);
  });

  it('token_error: the exchange of that code answers Walmart’s 500', async () => {
    const { code } = await authorize({ scenario: 'token_error' });
    await expectWalmartError(await exchange(code), 500, 'SYSTEM_ERROR.GMP_GATEWAY_API', 'UNKNOWN');
  });

  it('token_slow: the exchange of that code stalls slowMs, then answers', async () => {
    const { code } = await authorize({ scenario: 'token_slow' });
    const started = Date.now();
    const res = await exchange(code);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.status).toBe(200);
  });

  it('access tokens live 15 minutes; a refresh gives a new one', async () => {
    const tokens = await connect();
    server.advance(899_000);
    expect((await detail(tokens.access_token)).status).toBe(200);
    server.advance(1_000);
    await expectWalmartError(await detail(tokens.access_token), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
    const r = await refresh(tokens.refresh_token);
    expect(r.status).toBe(200);
    expect((await detail(((await r.json()) as TokenBody).access_token)).status).toBe(200);
  });

  it('uses the accessTokenTtlSeconds override for expires_in, on exchange and refresh', async () => {
    await server.stop();
    server = await startSandbox(createWalmartSandbox, { slowMs: 200, accessTokenTtlSeconds: 60 });
    const tokens = await connect();
    expect(tokens.expires_in).toBe(60);
    expect(((await (await refresh(tokens.refresh_token)).json()) as TokenBody).expires_in).toBe(60);
  });
});

describe('Walmart sandbox: refresh_token grant (POST /v3/token)', () => {
  it('requires WM_PARTNER.ID, the refresh token’s seller (400 INVALID_REQUEST_HEADER)', async () => {
    const tokens = await connect();
    await expectWalmartError(await refresh(tokens.refresh_token, without(appHeaders(), 'WM_PARTNER.ID')), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'WM_PARTNER.ID');
    await expectWalmartError(await refresh(tokens.refresh_token, appHeaders({ 'WM_PARTNER.ID': '999999999' })), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'WM_PARTNER.ID');
  });

  it('requires the app’s Basic authentication (401)', async () => {
    const tokens = await connect();
    await expectWalmartError(await refresh(tokens.refresh_token, appHeaders({ Authorization: basic(reg.clientId, 'wrong') })), 401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'UNAUTHORIZED');
    const us = WALMART_FACTS.keys.us;
    await expectWalmartError(await refresh(tokens.refresh_token, appHeaders({ Authorization: basic(us.clientId, us.clientSecret) })), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'grant_type');
  });

  it('refuses an unknown refresh token (401, field refresh_token) and a missing one (400)', async () => {
    await expectWalmartError(await refresh('eyJnot-a-refresh-token'), 401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'refresh_token');
    await expectWalmartError(await postToken(appHeaders(), { grant_type: 'refresh_token' }), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'refresh_token');
  });

  it('refreshes until 365 days, then answers 400 INVALID_REQUEST_PARAM (expired)', async () => {
    const tokens = await connect();
    server.advance(365 * DAY_MS - 1_000);
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
    server.advance(1_000);
    const err = await expectWalmartError(await refresh(tokens.refresh_token), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'refresh_token');
    expect(err.description).toMatch(/expired/);
  });

  it('expireRefreshTokens: the refresh tokens run out now (400, expired), and it counts them', async () => {
    const tokens = await connect();
    await connect();
    expect(grantControls(server.sandboxes, 'walmart').expireRefreshTokens()).toBe(2);
    await expectWalmartError(await refresh(tokens.refresh_token), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'refresh_token');
    // Access tokens already issued live out their 15 minutes.
    expect((await detail(tokens.access_token)).status).toBe(200);
  });

  it('revokeGrants: the seller disconnected the app; refresh tokens get 401 (not the expired answer) and their access tokens stop working', async () => {
    const tokens = await connect();
    const unused = await authorize();
    expect(grantControls(server.sandboxes, 'walmart').revokeGrants()).toBe(WALMART_SANDBOX_KEYS.length + 1);
    const err = await expectWalmartError(await refresh(tokens.refresh_token), 401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'refresh_token');
    expect(err.description).not.toMatch(/expired/);
    await expectWalmartError(await detail(tokens.access_token), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
    await expectWalmartError(await exchange(unused.code), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'code');
    // The seller may authorize the app again.
    const again = await connect();
    expect((await refresh(again.refresh_token)).status).toBe(200);
    expect(grantControls(server.sandboxes, 'walmart').revokeGrants()).toBe(1);
  });

  it("failRefresh('error'): refreshes answer Walmart's 500 until failRefresh(null); a code exchange is not affected", async () => {
    const tokens = await connect();
    const controls = grantControls(server.sandboxes, 'walmart');
    controls.failRefresh('error');
    await expectWalmartError(await refresh(tokens.refresh_token), 500, 'SYSTEM_ERROR.GMP_GATEWAY_API', 'UNKNOWN');
    const { code } = await authorize();
    expect((await exchange(code)).status).toBe(200);
    controls.failRefresh(null);
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });

  it("failRefresh('timeout'): refreshes stall slowMs, then answer", async () => {
    const tokens = await connect();
    const controls = grantControls(server.sandboxes, 'walmart');
    controls.failRefresh('timeout');
    const started = Date.now();
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    controls.failRefresh(null);
  });
});
