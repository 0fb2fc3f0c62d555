import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { grantControls } from '../controls.js';
import { sandboxRegistrations } from '../registrations.js';
import { startSandboxServer, type SandboxServer } from '../server.js';
import { startSandbox } from '../test-support.js';
import { createWalmartSandbox, WALMART_SANDBOX_KEYS, walmartControls } from './index.js';

let server: SandboxServer;

beforeAll(async () => {
  server = await startSandbox(createWalmartSandbox, { slowMs: 200 });
});
afterAll(async () => {
  await server.stop();
});

const tokenUrl = () => server.sandboxUrl('https://marketplace.walmartapis.com/v3/token');
const detailUrl = () => server.sandboxUrl('https://marketplace.walmartapis.com/v3/token/detail');
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

const baseHeaders = (id = 'sandbox-walmart-us', secret = 'sandbox-secret-us'): Record<string, string> => ({
  Authorization: basic(id, secret),
  'Content-Type': 'application/x-www-form-urlencoded',
  Accept: 'application/json',
  'WM_SVC.NAME': 'Walmart Marketplace',
  'WM_QOS.CORRELATION_ID': crypto.randomUUID(),
});

function without(headers: Record<string, string>, name: string): Record<string, string> {
  const { [name]: _drop, ...rest } = headers;
  return rest;
}

const requestToken = (headers: Record<string, string>, body = 'grant_type=client_credentials') => fetch(tokenUrl(), { method: 'POST', headers, body });

async function mint(id = 'sandbox-walmart-us', secret = 'sandbox-secret-us', extra: Record<string, string> = {}): Promise<string> {
  const res = await requestToken({ ...baseHeaders(id, secret), ...extra });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const detail = (token: string, extra: Record<string, string> = {}) =>
  fetch(detailUrl(), {
    headers: { 'WM_SEC.ACCESS_TOKEN': token, 'WM_SVC.NAME': 'Walmart Marketplace', 'WM_QOS.CORRELATION_ID': crypto.randomUUID(), Accept: 'application/json', ...extra },
  });

interface WalmartErrorBody {
  error: { code: string; field: string; description: string; info: string; severity: string; category: string; causes: unknown[]; errorIdentifiers: object }[];
}

async function expectWalmartError(res: Response, status: number, code: string, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body = (await res.json()) as WalmartErrorBody;
  expect(body.error).toHaveLength(1);
  const [err] = body.error;
  expect(err).toMatchObject({ code, severity: 'ERROR', causes: [], errorIdentifiers: {} });
  expect(typeof err?.description).toBe('string');
  expect(typeof err?.info).toBe('string');
  expect(typeof err?.category).toBe('string');
  if (field) expect(err?.field).toBe(field);
}

describe('Walmart sandbox: POST /v3/token', () => {
  it('issues a 900-second Bearer token to the US seller key', async () => {
    const res = await requestToken(baseHeaders());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    expect(body.access_token).toMatch(/^eyJ/);
    expect(body).not.toHaveProperty('refresh_token');
  });

  it('treats WM_MARKET us the same as no WM_MARKET', async () => {
    expect((await requestToken({ ...baseHeaders(), WM_MARKET: 'us' })).status).toBe(200);
  });

  it('reads header names case-insensitively', async () => {
    const res = await requestToken({
      authorization: basic('sandbox-walmart-us', 'sandbox-secret-us'),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'wm_svc.name': 'Walmart Marketplace',
      'Wm_Qos.Correlation_Id': crypto.randomUUID(),
    });
    expect(res.status).toBe(200);
  });

  it('answers an XML OAuthTokenDTO when the request does not accept JSON', async () => {
    const res = await requestToken(without(baseHeaders(), 'Accept'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/xml');
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml /);
    expect(xml).toMatch(/<OAuthTokenDTO><accessToken>eyJ[^<]+<\/accessToken><tokenType>Bearer<\/tokenType><expiresIn>900<\/expiresIn><\/OAuthTokenDTO>/);
  });

  it('answers errors as XML too when the request does not accept JSON', async () => {
    const res = await requestToken(without(baseHeaders('nobody', 'nothing'), 'Accept'));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/xml');
    expect(await res.text()).toContain('<ns2:code>UNAUTHORIZED.GMP_GATEWAY_API</ns2:code>');
  });

  it('issues Mexico tokens to the Mexico key with WM_MARKET mx', async () => {
    const res = await requestToken({ ...baseHeaders('sandbox-walmart-mx', 'sandbox-secret-mx'), WM_MARKET: 'mx' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { expires_in: number }).expires_in).toBe(900);
  });

  it('accepts WM_MARKET in any letter case', async () => {
    expect((await requestToken({ ...baseHeaders('sandbox-walmart-mx', 'sandbox-secret-mx'), WM_MARKET: 'MX' })).status).toBe(200);
  });

  it('refuses the Mexico key without WM_MARKET mx (401)', async () => {
    await expectWalmartError(await requestToken(baseHeaders('sandbox-walmart-mx', 'sandbox-secret-mx')), 401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'UNAUTHORIZED');
  });

  it('refuses a US key with WM_MARKET mx (401)', async () => {
    await expectWalmartError(await requestToken({ ...baseHeaders(), WM_MARKET: 'mx' }), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
  });

  it('refuses an unknown client id with 401 UNAUTHORIZED.GMP_GATEWAY_API', async () => {
    await expectWalmartError(await requestToken(baseHeaders('someone-else', 'sandbox-secret-us')), 401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'UNAUTHORIZED');
  });

  it('refuses a wrong client secret with 401', async () => {
    await expectWalmartError(await requestToken(baseHeaders('sandbox-walmart-us', 'wrong')), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
  });

  it('refuses a request without Basic authorization with 401', async () => {
    await expectWalmartError(await requestToken(without(baseHeaders(), 'Authorization')), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
    await expectWalmartError(await requestToken({ ...baseHeaders(), Authorization: 'Bearer sandbox-walmart-us' }), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
  });

  it('answers 400 INVALID_REQUEST_HEADER without WM_SVC.NAME', async () => {
    await expectWalmartError(await requestToken(without(baseHeaders(), 'WM_SVC.NAME')), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'WM_SVC.NAME');
  });

  it('answers 400 INVALID_REQUEST_HEADER without WM_QOS.CORRELATION_ID', async () => {
    await expectWalmartError(await requestToken(without(baseHeaders(), 'WM_QOS.CORRELATION_ID')), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'WM_QOS.CORRELATION_ID');
  });

  it('answers 400 INVALID_REQUEST_HEADER for an unknown WM_MARKET', async () => {
    await expectWalmartError(await requestToken({ ...baseHeaders(), WM_MARKET: 'uk' }), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'WM_MARKET');
  });

  it('answers 400 for a body that is not form-encoded', async () => {
    const res = await requestToken({ ...baseHeaders(), 'Content-Type': 'application/json' }, JSON.stringify({ grant_type: 'client_credentials' }));
    await expectWalmartError(res, 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'Content-Type');
  });

  it('answers 400 without grant_type or with a grant other than client_credentials', async () => {
    await expectWalmartError(await requestToken(baseHeaders(), ''), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'grant_type');
    await expectWalmartError(await requestToken(baseHeaders(), 'grant_type=authorization_code&code=x'), 400, 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API', 'grant_type');
  });

  it('answers 405 to a GET', async () => {
    const res = await fetch(tokenUrl(), { headers: baseHeaders() });
    expect(res.headers.get('allow')).toBe('POST');
    await expectWalmartError(res, 405, 'METHOD_NOT_ALLOWED.GMP_GATEWAY_API');
  });

  it('answers 500 to the "down" test key', async () => {
    const res = await requestToken(baseHeaders('sandbox-walmart-down', 'sandbox-secret-down'));
    await expectWalmartError(res, 500, 'SYSTEM_ERROR.GMP_GATEWAY_API');
  });

  it('stalls ctx.slowMs for the "slow" test key, then issues a token', async () => {
    const started = Date.now();
    const res = await requestToken(baseHeaders('sandbox-walmart-slow', 'sandbox-secret-slow'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.status).toBe(200);
  });

  it('uses the accessTokenTtlSeconds override for expires_in', async () => {
    const short = await startSandboxServer({ registrations: () => sandboxRegistrations('http://127.0.0.1:1'), factories: [createWalmartSandbox], slowMs: 200, accessTokenTtlSeconds: 60 });
    try {
      const res = await fetch(short.sandboxUrl('https://marketplace.walmartapis.com/v3/token'), { method: 'POST', headers: baseHeaders(), body: 'grant_type=client_credentials' });
      expect(((await res.json()) as { expires_in: number }).expires_in).toBe(60);
    } finally {
      await short.stop();
    }
  });

  it('does not answer unknown paths (404)', async () => {
    expect((await fetch(server.sandboxUrl('https://marketplace.walmartapis.com/v3/orders'))).status).toBe(404);
  });
});

describe('Walmart sandbox: GET /v3/token/detail', () => {
  it('reports the US key’s scopes, with reports view_only, and the validity window', async () => {
    const token = await mint();
    const res = await detail(token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { scopes: Record<string, string>; expireAt: string; issuedAt: string; isValid: boolean; isChannelMatch: boolean };
    expect(body.scopes.reports).toBe('view_only');
    expect(body.scopes.orders).toBe('full_access');
    for (const level of Object.values(body.scopes)) expect(['full_access', 'view_only', 'no_access']).toContain(level);
    expect(body.isValid).toBe(true);
    expect(body.isChannelMatch).toBe(true);
    expect(Number(body.expireAt) - Number(body.issuedAt)).toBe(900_000);
  });

  it('reports reports no_access for the no-reports key', async () => {
    const token = await mint('sandbox-walmart-noreports', 'sandbox-secret-noreports');
    const body = (await (await detail(token)).json()) as { scopes: Record<string, string> };
    expect(body.scopes.reports).toBe('no_access');
  });

  it('answers a Mexico token with WM_MARKET mx and refuses it without (401)', async () => {
    const token = await mint('sandbox-walmart-mx', 'sandbox-secret-mx', { WM_MARKET: 'mx' });
    const ok = await detail(token, { WM_MARKET: 'mx' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { scopes: Record<string, string> }).scopes.reports).toBe('view_only');
    await expectWalmartError(await detail(token), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
  });

  it('refuses an unknown or missing access token with 401', async () => {
    await expectWalmartError(await detail('eyJnot-a-token'), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
    const res = await fetch(detailUrl(), { headers: { 'WM_SVC.NAME': 'Walmart Marketplace', 'WM_QOS.CORRELATION_ID': crypto.randomUUID(), Accept: 'application/json' } });
    await expectWalmartError(res, 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
  });

  it('refuses a token once it has expired (401)', async () => {
    const token = await mint();
    server.advance(899_000);
    expect((await detail(token)).status).toBe(200);
    server.advance(1_000);
    await expectWalmartError(await detail(token), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
  });

  it('answers 400 INVALID_REQUEST_HEADER without WM_SVC.NAME or WM_QOS.CORRELATION_ID', async () => {
    const token = await mint();
    const headers = { 'WM_SEC.ACCESS_TOKEN': token, 'WM_SVC.NAME': 'Walmart Marketplace', 'WM_QOS.CORRELATION_ID': crypto.randomUUID(), Accept: 'application/json' };
    await expectWalmartError(await fetch(detailUrl(), { headers: without(headers, 'WM_SVC.NAME') }), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'WM_SVC.NAME');
    await expectWalmartError(await fetch(detailUrl(), { headers: without(headers, 'WM_QOS.CORRELATION_ID') }), 400, 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', 'WM_QOS.CORRELATION_ID');
  });

  it('answers XML when the request does not accept JSON', async () => {
    const token = await mint();
    const res = await detail(token, { Accept: 'application/xml' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/xml');
    const xml = await res.text();
    expect(xml).toContain('<isValid>true</isValid>');
    expect(xml).toContain('<reports>view_only</reports>');
  });
});

describe('Walmart sandbox: grant controls', () => {
  // Each test gets a sandbox of its own: revoking keys is for good.
  let own: SandboxServer;
  beforeEach(async () => {
    own = await startSandbox(createWalmartSandbox, { slowMs: 200 });
  });
  afterEach(async () => {
    await own.stop();
  });

  const ownToken = (headers: Record<string, string>) =>
    fetch(own.sandboxUrl('https://marketplace.walmartapis.com/v3/token'), { method: 'POST', headers, body: 'grant_type=client_credentials' });
  const ownDetail = (token: string, extra: Record<string, string> = {}) =>
    fetch(own.sandboxUrl('https://marketplace.walmartapis.com/v3/token/detail'), {
      headers: { 'WM_SEC.ACCESS_TOKEN': token, 'WM_SVC.NAME': 'Walmart Marketplace', 'WM_QOS.CORRELATION_ID': crypto.randomUUID(), Accept: 'application/json', ...extra },
    });
  async function ownMint(id = 'sandbox-walmart-us', secret = 'sandbox-secret-us', extra: Record<string, string> = {}): Promise<string> {
    const res = await ownToken({ ...baseHeaders(id, secret), ...extra });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  it('are found by grantControls', () => {
    const controls = grantControls(own.sandboxes, 'walmart');
    expect(controls).toBe(walmartControls(own.sandboxes));
    expect(typeof controls.revokeGrants).toBe('function');
  });

  it('revokeGrants: the keys that minted tokens and their tokens get 401 UNAUTHORIZED.GMP_GATEWAY_API, as unknown ones do', async () => {
    const us = await ownMint();
    const mx = await ownMint('sandbox-walmart-mx', 'sandbox-secret-mx', { WM_MARKET: 'mx' });
    expect((await ownDetail(us)).status).toBe(200);

    expect(grantControls(own.sandboxes, 'walmart').revokeGrants()).toBe(WALMART_SANDBOX_KEYS.length);

    await expectWalmartError(await ownToken(baseHeaders()), 401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'UNAUTHORIZED');
    await expectWalmartError(await ownToken({ ...baseHeaders('sandbox-walmart-mx', 'sandbox-secret-mx'), WM_MARKET: 'mx' }), 401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'UNAUTHORIZED');
    await expectWalmartError(await ownDetail(us), 401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'UNAUTHORIZED');
    await expectWalmartError(await ownDetail(mx, { WM_MARKET: 'mx' }), 401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'UNAUTHORIZED');
    // The same answer as for a key or token Walmart never issued, in XML too.
    const xml = await ownToken(without(baseHeaders(), 'Accept'));
    expect(xml.status).toBe(401);
    expect(await xml.text()).toContain('<ns2:code>UNAUTHORIZED.GMP_GATEWAY_API</ns2:code>');
    // Nothing left to revoke.
    expect(grantControls(own.sandboxes, 'walmart').revokeGrants()).toBe(0);
  });

  it('revokeGrants: a key the seller issues afterwards mints tokens that work, until it is revoked in turn', async () => {
    const controls = walmartControls(own.sandboxes);
    controls.revokeGrants();
    const key = controls.issueKey();
    const token = await ownMint(key.clientId, key.clientSecret);
    const res = await ownDetail(token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { scopes: Record<string, string> }).scopes.reports).toBe('view_only');
    const mx = controls.issueKey('mx');
    expect((await ownDetail(await ownMint(mx.clientId, mx.clientSecret, { WM_MARKET: 'mx' }), { WM_MARKET: 'mx' })).status).toBe(200);

    expect(controls.revokeGrants()).toBe(2);
    await expectWalmartError(await ownToken(baseHeaders(key.clientId, key.clientSecret)), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
    await expectWalmartError(await ownDetail(token), 401, 'UNAUTHORIZED.GMP_GATEWAY_API');
  });

  it("failRefresh('error'): the token and token-detail endpoints answer Walmart's 500 until failRefresh(null)", async () => {
    const controls = grantControls(own.sandboxes, 'walmart');
    const token = await ownMint();
    controls.failRefresh('error');
    await expectWalmartError(await ownToken(baseHeaders()), 500, 'SYSTEM_ERROR.GMP_GATEWAY_API', 'UNKNOWN');
    await expectWalmartError(await ownDetail(token), 500, 'SYSTEM_ERROR.GMP_GATEWAY_API', 'UNKNOWN');
    controls.failRefresh(null);
    expect((await ownDetail(token)).status).toBe(200);
    expect((await ownDetail(await ownMint())).status).toBe(200);
  });

  it("failRefresh('timeout'): the token and token-detail endpoints stall slowMs, then answer; failRefresh(null) ends the stall", async () => {
    const controls = grantControls(own.sandboxes, 'walmart');
    const token = await ownMint();
    controls.failRefresh('timeout');
    let started = Date.now();
    expect((await ownToken(baseHeaders())).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    started = Date.now();
    expect((await ownDetail(token)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    controls.failRefresh(null);
    started = Date.now();
    expect((await ownDetail(token)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(190);
  });

  it('expireRefreshTokens: returns 0 and changes nothing (no refresh tokens for these keys)', async () => {
    const token = await ownMint();
    expect(grantControls(own.sandboxes, 'walmart').expireRefreshTokens()).toBe(0);
    expect((await ownDetail(token)).status).toBe(200);
    expect((await ownToken(baseHeaders())).status).toBe(200);
  });
});
