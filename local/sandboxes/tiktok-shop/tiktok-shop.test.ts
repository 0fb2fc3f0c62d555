import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consent } from '../consent.js';
import { sandboxRegistrations } from '../registrations.js';
import { startSandboxServer, type SandboxServer } from '../server.js';
import { startSandbox } from '../test-support.js';
import { createTiktokShopSandbox } from './index.js';
import { TIKTOK_SHOP_FACTS } from '../facts.js';

const reg = sandboxRegistrations('http://127.0.0.1:1')['tiktok-shop'];
const US_HOST = 'services.us.tiktokshop.com';
const ROW_HOST = 'services.tiktokshop.com';
const SHOPS_PATH = '/authorization/202309/shops';

interface Envelope<T = unknown> {
  code: number;
  message: string;
  request_id: string;
  data: T;
}
interface TokenData {
  access_token: string;
  access_token_expire_in: number;
  refresh_token: string;
  refresh_token_expire_in: number;
  open_id: string;
  seller_name: string;
  seller_base_region: string;
  user_type: number;
  granted_scopes: string[];
}
interface ShopsData {
  shops: { id: string; name: string; region: string; seller_type: string; cipher: string; code: string }[];
}

/** Written here from docs/providers.md §5.4, independently of the sandbox's own. */
function sign(secret: string, path: string, params: Record<string, string>, body = ''): string {
  const base = Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'access_token')
    .sort()
    .map((k) => `${k}${params[k] ?? ''}`)
    .join('');
  return createHmac('sha256', secret).update(`${secret}${path}${base}${body}${secret}`).digest('hex');
}

describe('TikTok Shop sandbox', () => {
  let server: SandboxServer;
  const base = Date.UTC(2026, 2, 2, 10, 0, 0);
  let skew = 0;
  const nowS = () => Math.floor((base + skew) / 1000);
  const advance = (ms: number) => {
    skew += ms;
    server.advance(ms);
  };

  beforeEach(async () => {
    skew = 0;
    server = await startSandbox(createTiktokShopSandbox, { slowMs: 200, now: () => base });
  });
  afterEach(async () => {
    await server.stop();
  });

  const authorizeUrl = (host: string, params: Record<string, string>) =>
    server.sandboxUrl(`https://${host}/open/authorize?${new URLSearchParams(params).toString()}`);

  async function authorize(host: string, choices: Record<string, string> = {}, state = 'st-123') {
    const result = await consent(authorizeUrl(host, { service_id: reg.serviceId, state }), TIKTOK_SHOP_FACTS.accept.decision, choices);
    expect(result.status).toBe(302);
    const location = new URL(result.location ?? '');
    return { location, code: location.searchParams.get('code') ?? '' };
  }

  async function getToken(params: Record<string, string>) {
    const res = await fetch(server.sandboxUrl(`https://auth.tiktok-shops.com/api/v2/token/get?${new URLSearchParams(params).toString()}`));
    return { status: res.status, body: (await res.json()) as Envelope<TokenData | null> };
  }
  const exchange = (code: string, overrides: Record<string, string> = {}) =>
    getToken({ app_key: reg.appKey, app_secret: reg.appSecret, auth_code: code, grant_type: 'authorized_code', ...overrides });

  async function refresh(params: Record<string, string>) {
    const res = await fetch(server.sandboxUrl(`https://auth.tiktok-shops.com/api/v2/token/refresh?${new URLSearchParams(params).toString()}`));
    return { status: res.status, body: (await res.json()) as Envelope<TokenData | null> };
  }

  async function shops(accessToken: string, opts: { timestamp?: number; secret?: string; extra?: Record<string, string>; sign?: string } = {}) {
    const params: Record<string, string> = { app_key: reg.appKey, timestamp: String(opts.timestamp ?? nowS()), ...opts.extra };
    const query = new URLSearchParams({ ...params, sign: opts.sign ?? sign(opts.secret ?? reg.appSecret, SHOPS_PATH, params) });
    const res = await fetch(server.sandboxUrl(`https://open-api.tiktokglobalshop.com${SHOPS_PATH}?${query.toString()}`), {
      headers: { 'x-tts-access-token': accessToken, 'content-type': 'application/json' },
    });
    return { status: res.status, body: (await res.json()) as Envelope<ShopsData | null> };
  }

  async function connected(host: string, choices: Record<string, string> = {}) {
    const { code } = await authorize(host, choices);
    const { body } = await exchange(code);
    expect(body.code).toBe(0);
    if (!body.data) throw new Error('no token data');
    return body.data;
  }

  describe('consent page', () => {
    it('serves an accessible page with the seller-region radios, Authorize, Cancel and the sandbox outcome', async () => {
      const res = await fetch(authorizeUrl(ROW_HOST, { service_id: reg.serviceId, state: 's' }));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('<html lang="en">');
      expect(html).toMatch(/<title>[^<]+<\/title>/);
      expect(html.match(/<main>/g)).toHaveLength(1);
      expect(html.match(/<h1>[^<]*TikTok Shop[^<]*Onramp[^<]*<\/h1>/g)).toHaveLength(1);
      expect(html.match(/<form\b/g)).toHaveLength(1);
      expect(html).toContain('<form method="post" action="' + server.origin);
      expect(html).toContain('name="viewport"');
      for (const [value, label] of [
        ['UK', 'UK seller'],
        ['US', 'US seller'],
        ['DE', 'Other region (Germany)'],
      ]) {
        expect(html).toContain(`id="seller_region_${value}" name="seller_region" value="${value}"`);
        expect(html).toContain(`<label for="seller_region_${value}">${label}</label>`);
      }
      expect(html).toMatch(/<legend>[^<]+<\/legend>/);
      expect(html).toContain('<button type="submit" name="decision" value="authorize" class="primary">Authorize</button>');
      expect(html).toContain('<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>');
      expect(html).toContain('<label for="scenario">Sandbox outcome</label>');
      expect(html).toMatch(/<option value="ok" selected>ok<\/option><option value="token_error">token_error<\/option><option value="token_slow">token_slow<\/option>/);
    });

    it('ticks UK seller by default on the rest-of-world host and US seller on the US host', async () => {
      const row = await (await fetch(authorizeUrl(ROW_HOST, { service_id: reg.serviceId }))).text();
      expect(row).toContain('value="UK" checked');
      const us = await (await fetch(authorizeUrl(US_HOST, { service_id: reg.serviceId }))).text();
      expect(us).toContain('value="US" checked');
    });

    it('refuses the app key in place of the Service ID with "This service does not exist" and no form', async () => {
      const result = await consent(authorizeUrl(ROW_HOST, { service_id: reg.appKey, state: 's' }), TIKTOK_SHOP_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).toContain('This service does not exist');
      expect(result.page).not.toContain('<form');
      expect(result.status).toBeUndefined();
    });

    it('refuses a request without a Service ID', async () => {
      const result = await consent(authorizeUrl(US_HOST, { app_key: reg.appKey, state: 's' }), TIKTOK_SHOP_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).toContain('This service does not exist');
    });

    it('keeps the state on the server, out of the page', async () => {
      const res = await fetch(authorizeUrl(ROW_HOST, { service_id: reg.serviceId, state: '"><script>x</script>' }));
      const html = await res.text();
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('&lt;script&gt;');
    });

    it('redirects Authorize to the registered redirect URL with code and state only', async () => {
      const { location, code } = await authorize(ROW_HOST, {}, 'state with spaces&=');
      expect(`${location.origin}${location.pathname}`).toBe(reg.redirectUrl);
      expect([...location.searchParams.keys()].sort()).toEqual(['code', 'state']);
      expect(location.searchParams.get('state')).toBe('state with spaces&=');
      expect(code).not.toBe('');
    });

    it('redirects Cancel to the registered redirect URL with error=access_denied and the state', async () => {
      const result = await consent(authorizeUrl(US_HOST, { service_id: reg.serviceId, state: 'st-9' }), 'cancel');
      expect(result.status).toBe(302);
      const location = new URL(result.location ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(reg.redirectUrl);
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('state')).toBe('st-9');
      expect(location.searchParams.get('code')).toBeNull();
    });

    it('accepts a consent form only once', async () => {
      const url = authorizeUrl(ROW_HOST, { service_id: reg.serviceId, state: 's' });
      const page = await (await fetch(url)).text();
      const id = /name="authorization_request" value="([^"]+)"/.exec(page)?.[1] ?? '';
      const post = () =>
        fetch(url, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ authorization_request: id, decision: TIKTOK_SHOP_FACTS.accept.decision }).toString(),
        });
      expect((await post()).status).toBe(302);
      expect((await post()).status).toBe(400);
    });
  });

  describe('token exchange', () => {
    it('exchanges a UK seller code for tokens with Unix-timestamp expiries, and lists the GB shop', async () => {
      const { code } = await authorize(ROW_HOST, { seller_region: 'UK' });
      const { status, body } = await exchange(code);
      expect(status).toBe(200);
      expect(body.code).toBe(0);
      expect(body.message).toBe('success');
      expect(body.request_id).toMatch(/^\d{14}[0-9A-F]{20}$/);
      const data = body.data;
      if (!data) throw new Error('no data');
      expect(data.access_token).toMatch(/^GCP_/);
      expect(data.access_token_expire_in).toBe(nowS() + 7 * 24 * 3600);
      expect(data.refresh_token_expire_in).toBe(nowS() + 365 * 24 * 3600);
      expect(data.refresh_token).not.toBe('');
      expect(data.open_id).not.toBe('');
      expect(data.seller_name).not.toBe('');
      expect(data.seller_base_region).toBe('GB');
      expect(data.user_type).toBe(0);
      expect(data.granted_scopes.length).toBeGreaterThan(0);

      const listed = await shops(data.access_token);
      expect(listed.status).toBe(200);
      expect(listed.body.code).toBe(0);
      expect(listed.body.data?.shops).toEqual([
        expect.objectContaining({ region: 'GB', seller_type: 'LOCAL', id: expect.any(String), name: expect.any(String), code: expect.any(String), cipher: expect.any(String) }),
      ]);
    });

    it('exchanges a US seller code from the US host and lists the US shop', async () => {
      const data = await connected(US_HOST);
      expect(data.seller_base_region).toBe('US');
      const listed = await shops(data.access_token);
      expect(listed.body.data?.shops.map((s) => s.region)).toEqual(['US']);
      expect(listed.body.data?.shops[0]?.cipher).not.toBe('');
    });

    it('names the seller region chosen: a German seller gets DE', async () => {
      const data = await connected(ROW_HOST, { seller_region: 'DE' });
      expect(data.seller_base_region).toBe('DE');
      const listed = await shops(data.access_token);
      expect(listed.body.data?.shops.map((s) => s.region)).toEqual(['DE']);
    });

    it('names the same seller and shop when the seller authorizes again', async () => {
      const first = await connected(ROW_HOST);
      const second = await connected(ROW_HOST);
      expect(second.open_id).toBe(first.open_id);
      expect(second.access_token).not.toBe(first.access_token);
      const [a, b] = await Promise.all([shops(first.access_token), shops(second.access_token)]);
      expect(b.body.data?.shops[0]?.id).toBe(a.body.data?.shops[0]?.id);
    });

    it('answers a wrong app secret with HTTP 200 and a non-zero code, and leaves the code usable', async () => {
      const { code } = await authorize(ROW_HOST);
      const wrong = await exchange(code, { app_secret: 'not-the-secret' });
      expect(wrong.status).toBe(200);
      expect(wrong.body.code).not.toBe(0);
      expect(wrong.body.message).toMatch(/app_secret/);
      expect(wrong.body.data).toBeNull();
      expect((await exchange(code)).body.code).toBe(0);
    });

    it('refuses an unknown app key', async () => {
      const { code } = await authorize(ROW_HOST);
      const { body } = await exchange(code, { app_key: 'someone-else' });
      expect(body.code).not.toBe(0);
      expect(body.message).toMatch(/app_key/);
    });

    it('refuses any grant_type but authorized_code', async () => {
      const { code } = await authorize(ROW_HOST);
      const { status, body } = await exchange(code, { grant_type: 'authorization_code' });
      expect(status).toBe(200);
      expect(body.code).not.toBe(0);
      expect(body.message).toMatch(/grant_type/);
    });

    it('refuses an unknown auth code with 36004004 "invalid auth code"', async () => {
      const { body } = await exchange('made-up-code');
      expect(body.code).toBe(36004004);
      expect(body.message).toBe('invalid auth code');
    });

    it('accepts a code once: reusing it gets 36004004', async () => {
      const { code } = await authorize(ROW_HOST);
      expect((await exchange(code)).body.code).toBe(0);
      const again = await exchange(code);
      expect(again.status).toBe(200);
      expect(again.body.code).toBe(36004004);
      expect(again.body.message).toMatch(/invalid auth code/);
    });

    it('expires a code after 5 minutes', async () => {
      const { code } = await authorize(ROW_HOST);
      advance(5 * 60 * 1000 + 1000);
      const { body } = await exchange(code);
      expect(body.code).toBe(36004004);
      expect(body.message).toMatch(/expired/);
    });

    it('accepts a code just inside its 5 minutes', async () => {
      const { code } = await authorize(ROW_HOST);
      advance(4 * 60 * 1000 + 59 * 1000);
      expect((await exchange(code)).body.code).toBe(0);
    });

    it('answers the token_error code with HTTP 500', async () => {
      const { code } = await authorize(ROW_HOST, { scenario: 'token_error' });
      const { status, body } = await exchange(code);
      expect(status).toBe(500);
      expect(body.code).not.toBe(0);
      expect(body.data).toBeNull();
    });

    it('stalls the token_slow code for slowMs before answering', async () => {
      const { code } = await authorize(ROW_HOST, { scenario: 'token_slow' });
      const started = Date.now();
      const { body } = await exchange(code);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(body.code).toBe(0);
    });

    it('answers a POST to the token endpoint with an error', async () => {
      const { code } = await authorize(ROW_HOST);
      const res = await fetch(server.sandboxUrl('https://auth.tiktok-shops.com/api/v2/token/get'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_key: reg.appKey, app_secret: reg.appSecret, auth_code: code, grant_type: 'authorized_code' }),
      });
      const body = (await res.json()) as Envelope;
      expect(body.code).not.toBe(0);
    });
  });

  describe('refresh', () => {
    it('refreshes with grant_type=refresh_token: a new access token, the same refresh token', async () => {
      const first = await connected(ROW_HOST);
      advance(3600 * 1000);
      const { status, body } = await refresh({ app_key: reg.appKey, app_secret: reg.appSecret, refresh_token: first.refresh_token, grant_type: 'refresh_token' });
      expect(status).toBe(200);
      expect(body.code).toBe(0);
      const data = body.data;
      if (!data) throw new Error('no data');
      expect(data.access_token).not.toBe(first.access_token);
      expect(data.access_token_expire_in).toBe(nowS() + 7 * 24 * 3600);
      expect(data.refresh_token).toBe(first.refresh_token);
      expect(data.refresh_token_expire_in).toBe(first.refresh_token_expire_in);
      expect(data.seller_base_region).toBe('GB');
      expect((await shops(data.access_token)).body.code).toBe(0);
    });

    it('accepts grant_type=authorized_code on refresh, as the official SDK sends', async () => {
      const first = await connected(US_HOST);
      const { body } = await refresh({ app_key: reg.appKey, app_secret: reg.appSecret, refresh_token: first.refresh_token, grant_type: 'authorized_code' });
      expect(body.code).toBe(0);
      expect(body.data?.seller_base_region).toBe('US');
    });

    it('refuses a refresh with the wrong app secret', async () => {
      const first = await connected(ROW_HOST);
      const { body } = await refresh({ app_key: reg.appKey, app_secret: 'nope', refresh_token: first.refresh_token, grant_type: 'refresh_token' });
      expect(body.code).not.toBe(0);
      expect(body.data).toBeNull();
    });

    it('refuses an unknown refresh token with 36004005', async () => {
      const { status, body } = await refresh({ app_key: reg.appKey, app_secret: reg.appSecret, refresh_token: 'GCP_unknown', grant_type: 'refresh_token' });
      expect(status).toBe(200);
      expect(body.code).toBe(36004005);
    });

    it('refuses an expired refresh token with 36004001', async () => {
      const first = await connected(ROW_HOST);
      advance((365 * 24 * 3600 + 1) * 1000);
      const { body } = await refresh({ app_key: reg.appKey, app_secret: reg.appSecret, refresh_token: first.refresh_token, grant_type: 'refresh_token' });
      expect(body.code).toBe(36004001);
    });
  });

  describe('signed API: Get Authorized Shops', () => {
    it('leaves access_token out of the signature when it is in the query', async () => {
      const data = await connected(ROW_HOST);
      const { body } = await shops(data.access_token, { extra: { access_token: data.access_token } });
      expect(body.code).toBe(0);
    });

    it('signs every other query parameter, sorted by key', async () => {
      const data = await connected(ROW_HOST);
      const { body } = await shops(data.access_token, { extra: { shop_cipher: 'x', version: '202309' } });
      expect(body.code).toBe(0);
    });

    it('refuses a bad signature with HTTP 401 and 106001', async () => {
      const data = await connected(ROW_HOST);
      const { status, body } = await shops(data.access_token, { secret: 'wrong-secret' });
      expect(status).toBe(401);
      expect(body.code).toBe(106001);
      expect(body.message).toBe("Invalid credentials. The 'sign' query parameter is invalid.");
      expect(body.data).toBeNull();
    });

    it('refuses a signature made without the path', async () => {
      const data = await connected(ROW_HOST);
      const params = { app_key: reg.appKey, timestamp: String(nowS()) };
      const noPath = sign(reg.appSecret, '', params);
      const { status, body } = await shops(data.access_token, { sign: noPath });
      expect(status).toBe(401);
      expect(body.code).toBe(106001);
    });

    it('refuses a missing signature', async () => {
      const data = await connected(ROW_HOST);
      const query = new URLSearchParams({ app_key: reg.appKey, timestamp: String(nowS()) });
      const res = await fetch(server.sandboxUrl(`https://open-api.tiktokglobalshop.com${SHOPS_PATH}?${query.toString()}`), {
        headers: { 'x-tts-access-token': data.access_token },
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as Envelope).code).toBe(106001);
    });

    it('refuses a timestamp more than 5 minutes old, even correctly signed', async () => {
      const data = await connected(ROW_HOST);
      const { status, body } = await shops(data.access_token, { timestamp: nowS() - 301 });
      expect(status).toBe(401);
      expect(body.code).not.toBe(0);
      expect(body.message).toMatch(/timestamp/);
      expect((await shops(data.access_token, { timestamp: nowS() - 299 })).body.code).toBe(0);
    });

    it('refuses a timestamp more than 5 minutes ahead', async () => {
      const data = await connected(ROW_HOST);
      const { status, body } = await shops(data.access_token, { timestamp: nowS() + 301 });
      expect(status).toBe(401);
      expect(body.message).toMatch(/timestamp/);
    });

    it('refuses an unknown access token with HTTP 401 and 105001', async () => {
      await connected(ROW_HOST);
      const { status, body } = await shops('GCP_not-a-token');
      expect(status).toBe(401);
      expect(body.code).toBe(105001);
      expect(body.message).toMatch(/x-tts-access-token/);
    });

    it('refuses an expired access token with HTTP 401 and 105002', async () => {
      const data = await connected(ROW_HOST);
      advance(7 * 24 * 3600 * 1000);
      const { status, body } = await shops(data.access_token);
      expect(status).toBe(401);
      expect(body.code).toBe(105002);
    });

    it('refuses an unknown app_key', async () => {
      const data = await connected(ROW_HOST);
      const params = { app_key: 'other-app', timestamp: String(nowS()) };
      const query = new URLSearchParams({ ...params, sign: sign(reg.appSecret, SHOPS_PATH, params) });
      const res = await fetch(server.sandboxUrl(`https://open-api.tiktokglobalshop.com${SHOPS_PATH}?${query.toString()}`), {
        headers: { 'x-tts-access-token': data.access_token },
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as Envelope).code).not.toBe(0);
    });
  });

  describe('access token lifetime override', () => {
    it('uses ctx.accessTokenTtlSeconds for the access token expiry', async () => {
      await server.stop();
      server = await startSandboxServer({
        registrations: () => sandboxRegistrations('http://127.0.0.1:1'),
        factories: [createTiktokShopSandbox],
        slowMs: 200,
        accessTokenTtlSeconds: 60,
        now: () => base,
      });
      skew = 0;
      const data = await connected(ROW_HOST);
      expect(data.access_token_expire_in).toBe(nowS() + 60);
      expect((await shops(data.access_token)).body.code).toBe(0);
      advance(61 * 1000);
      expect((await shops(data.access_token)).body.code).toBe(105002);
    });
  });
});
