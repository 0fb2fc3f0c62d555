import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { consent } from '../consent.js';
import { grantControls } from '../controls.js';
import type { SandboxServer } from '../server.js';
import { startSandbox } from '../test-support.js';
import { createWoocommerceSandbox, WOO_SANDBOX_KEYS } from './index.js';
import { WOOCOMMERCE_FACTS } from '../facts.js';

interface Received {
  readonly method: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

let server: SandboxServer;
let app: Server;
let appOrigin: string;
let appStatus = 200;
let received: Received[] = [];

beforeAll(async () => {
  server = await startSandbox(createWoocommerceSandbox, { slowMs: 200 });
  // The app's callback endpoint: records each POST and answers `appStatus`.
  app = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(appStatus, { 'content-type': 'text/plain' }).end(appStatus === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appOrigin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server.stop();
  await new Promise<void>((resolve) => app.close(() => resolve()));
});
beforeEach(() => {
  appStatus = 200;
  received = [];
});

const store = () => `${server.origin}/woocommerce`;
const notWoo = () => `${server.origin}/not-woocommerce`;
const basic = (ck: string, cs: string) => `Basic ${Buffer.from(`${ck}:${cs}`).toString('base64')}`;
const get = (path: string, ck?: string, cs?: string) => fetch(`${store()}${path}`, ck && cs ? { headers: { Authorization: basic(ck, cs) } } : {});

interface WpError {
  code: string;
  message: string;
  data: { status: number };
}

async function expectWpError(res: Response, status: number, code: string, message?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body = (await res.json()) as WpError;
  expect(body).toEqual({ code, message: message ?? expect.any(String), data: { status } });
}

function authorizeUrl(overrides: Record<string, string | null> = {}): string {
  const params: Record<string, string | null> = {
    app_name: 'Onramp',
    scope: 'read_write',
    user_id: 'onramp-user-7f3a',
    return_url: 'http://127.0.0.1:1/connections/woocommerce/done',
    callback_url: `${appOrigin}/api/woocommerce/keys`,
    ...overrides,
  };
  const u = new URL(`${store()}/wc-auth/v1/authorize`);
  for (const [k, v] of Object.entries(params)) if (v !== null) u.searchParams.set(k, v);
  return u.href;
}

describe('WooCommerce sandbox: the store site', () => {
  it('answers an HTML home page at /', async () => {
    const res = await fetch(`${store()}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toMatch(/<html lang="en">[\s\S]*<title>Sandbox Store<\/title>/);
  });

  it('answers the WordPress REST index at /wp-json/ with wc/v3 among its namespaces', async () => {
    for (const path of ['/wp-json/', '/wp-json']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { name: string; url: string; home: string; namespaces: string[]; routes: object };
      expect(body.namespaces).toContain('wc/v3');
      expect(body.url).toBe(store());
      expect(body.home).toBe(store());
      expect(body.routes).toBeTypeOf('object');
    }
  });

  it('answers the REST API on ?rest_route= too', async () => {
    const body = (await (await fetch(`${store()}/?rest_route=/`)).json()) as { namespaces: string[] };
    expect(body.namespaces).toContain('wc/v3');
  });

  it('answers an HTML 404 page for unknown paths', async () => {
    const res = await fetch(`${store()}/no-such-page`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});

describe('WooCommerce sandbox: REST API keys', () => {
  it('answers system_status to a read key over HTTP Basic', async () => {
    const res = await get('/wp-json/wc/v3/system_status', 'ck_sandbox_read', 'cs_sandbox_read');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      environment: Record<string, unknown>;
      settings: Record<string, unknown>;
      security: Record<string, unknown>;
    };
    expect(body.environment).toMatchObject({ home_url: store(), site_url: store(), version: expect.any(String), wp_version: expect.any(String) });
    expect(body.settings).toMatchObject({ currency: 'GBP', currency_symbol: '&pound;', api_enabled: true, force_ssl: false });
    expect(body.security).toMatchObject({ secure_connection: true });
  });

  it('accepts consumer_key and consumer_secret query parameters', async () => {
    const res = await fetch(`${store()}/wp-json/wc/v3/system_status?consumer_key=ck_sandbox_write&consumer_secret=cs_sandbox_write`);
    expect(res.status).toBe(200);
  });

  it('lists orders with WordPress pagination headers', async () => {
    const res = await get('/wp-json/wc/v3/orders', 'ck_sandbox_read', 'cs_sandbox_read');
    expect(res.status).toBe(200);
    const orders = (await res.json()) as { id: number; status: string; total: string; currency: string; line_items: unknown[] }[];
    expect(orders.length).toBeGreaterThan(0);
    expect(orders[0]).toMatchObject({ id: expect.any(Number), status: expect.any(String), total: expect.any(String), currency: 'GBP' });
    expect(res.headers.get('x-wp-total')).toBe(String(orders.length));
    expect(res.headers.get('x-wp-totalpages')).toBe('1');
  });

  it('answers the wc/v3 namespace index', async () => {
    const body = (await (await get('/wp-json/wc/v3')).json()) as { namespace: string; routes: Record<string, unknown> };
    expect(body.namespace).toBe('wc/v3');
    expect(Object.keys(body.routes)).toContain('/wc/v3/system_status');
  });

  it('refuses a request without keys with 401 woocommerce_rest_cannot_view', async () => {
    await expectWpError(await get('/wp-json/wc/v3/system_status'), 401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
    await expectWpError(await get('/wp-json/wc/v3/orders'), 401, 'woocommerce_rest_cannot_view');
  });

  it('treats an unknown consumer key as anonymous (401 woocommerce_rest_cannot_view)', async () => {
    await expectWpError(await get('/wp-json/wc/v3/system_status', 'ck_nobody', 'cs_nobody'), 401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
  });

  it('refuses a known key with the wrong secret with 401 woocommerce_rest_authentication_error', async () => {
    await expectWpError(await get('/wp-json/wc/v3/system_status', 'ck_sandbox_read', 'cs_wrong'), 401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.');
  });

  it('refuses reads with a write-only key (401 woocommerce_rest_authentication_error)', async () => {
    await expectWpError(
      await get('/wp-json/wc/v3/orders', 'ck_sandbox_writeonly', 'cs_sandbox_writeonly'),
      401,
      'woocommerce_rest_authentication_error',
      'The API key provided does not have read permissions.',
    );
  });

  it('refuses writes with a read key and accepts them with a read_write key', async () => {
    const post = (ck: string, cs: string) =>
      fetch(`${store()}/wp-json/wc/v3/orders`, { method: 'POST', headers: { Authorization: basic(ck, cs), 'content-type': 'application/json' }, body: JSON.stringify({ status: 'pending' }) });
    await expectWpError(await post('ck_sandbox_read', 'cs_sandbox_read'), 401, 'woocommerce_rest_authentication_error', 'The API key provided does not have write permissions.');
    const created = await post('ck_sandbox_write', 'cs_sandbox_write');
    expect(created.status).toBe(201);
    expect(((await created.json()) as { status: string }).status).toBe('pending');
  });

  it('answers 404 rest_no_route for unknown routes', async () => {
    await expectWpError(await get('/wp-json/wc/v3/nothing-here', 'ck_sandbox_read', 'cs_sandbox_read'), 404, 'rest_no_route');
    await expectWpError(await get('/wp-json/wp/v2/nothing-here'), 404, 'rest_no_route');
  });
});

describe('WooCommerce sandbox: the site without WooCommerce', () => {
  it('answers an HTML home page', async () => {
    const res = await fetch(`${notWoo()}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('answers /wp-json/ paths with the HTML 404 page (REST API switched off)', async () => {
    for (const path of ['/wp-json/', '/wp-json/wc/v3/system_status']) {
      const res = await fetch(`${notWoo()}${path}`, { headers: { Authorization: basic('ck_sandbox_read', 'cs_sandbox_read') } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
    }
  });

  it('has no wc-auth endpoint', async () => {
    expect((await fetch(authorizeUrl().replace('/woocommerce/', '/not-woocommerce/'))).status).toBe(404);
  });
});

describe('WooCommerce sandbox: /wc-auth/v1/authorize', () => {
  it('shows an accessible page naming the app and the permission, with one POST form', async () => {
    const res = await fetch(authorizeUrl());
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toMatch(/<html lang="en">/);
    expect(page).toMatch(/<title>[^<]+<\/title>/);
    expect(page.match(/<main\b/g)).toHaveLength(1);
    const h1s = [...page.matchAll(/<h1>([^<]*)<\/h1>/g)];
    expect(h1s).toHaveLength(1);
    expect(h1s[0]?.[1]).toContain('WooCommerce');
    expect(h1s[0]?.[1]).toContain('Onramp');
    expect(page).toContain('Read/Write');
    expect(page.match(/<form\b/g)).toHaveLength(1);
    const form = /<form\b[^>]*>/.exec(page)?.[0] ?? '';
    expect(form).toContain('method="post"');
    expect(form).toContain(`action="${server.origin}/woocommerce/wc-auth/v1/access_granted"`);
    expect(page).toContain('<button type="submit" name="decision" value="approve">Approve</button>');
    expect(page).toContain('<button type="submit" name="decision" value="deny">Deny</button>');
    expect(page).toContain('name="viewport"');
  });

  it('escapes the app name', async () => {
    const page = await (await fetch(authorizeUrl({ app_name: '<script>alert("x")</script>' }))).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  for (const param of ['app_name', 'scope', 'user_id', 'return_url', 'callback_url']) {
    it(`refuses a request without ${param} with the 401 "Access denied" page and no form`, async () => {
      const result = await consent(authorizeUrl({ [param]: null }), WOOCOMMERCE_FACTS.accept.decision);
      expect(result.pageStatus).toBe(401);
      expect(result.page).toContain('<title>Access denied</title>');
      expect(result.page).toContain(`Error: Missing parameter ${param}.`);
      expect(result.status).toBeUndefined();
    });
  }

  it('refuses a scope other than read, write or read_write', async () => {
    const result = await consent(authorizeUrl({ scope: 'admin' }), WOOCOMMERCE_FACTS.accept.decision);
    expect(result.pageStatus).toBe(401);
    expect(result.page).toContain('Error: Invalid scope admin.');
  });

  it('refuses a callback_url that is not https (except loopback http)', async () => {
    const result = await consent(authorizeUrl({ callback_url: 'http://app.example.com/keys' }), WOOCOMMERCE_FACTS.accept.decision);
    expect(result.pageStatus).toBe(401);
    expect(result.page).toContain('Error: The callback_url needs to be over SSL.');
    for (const ok of ['https://app.example.com/keys', 'http://localhost:3000/keys', `${appOrigin}/keys`]) {
      expect((await fetch(authorizeUrl({ callback_url: ok }))).status).toBe(200);
    }
  });

  it('refuses an invalid URL', async () => {
    const result = await consent(authorizeUrl({ return_url: 'https://' }), WOOCOMMERCE_FACTS.accept.decision);
    expect(result.pageStatus).toBe(401);
    expect(result.page).toContain('is not a valid URL');
  });

  it('redirects the signed-in owner from /wc-auth/v1/login to authorize', async () => {
    const res = await fetch(authorizeUrl().replace('/authorize?', '/login?'), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.pathname).toBe('/woocommerce/wc-auth/v1/authorize');
    expect(location.searchParams.get('app_name')).toBe('Onramp');
  });
});

describe('WooCommerce sandbox: approving and denying', () => {
  it('posts new keys to callback_url, then redirects to return_url with success=1', async () => {
    const result = await consent(authorizeUrl(), WOOCOMMERCE_FACTS.accept.decision);
    expect(result.pageStatus).toBe(200);
    expect(result.status).toBe(302);
    const location = new URL(result.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:1/connections/woocommerce/done');
    expect(location.searchParams.get('success')).toBe('1');
    expect(location.searchParams.get('user_id')).toBe('onramp-user-7f3a');

    expect(received).toHaveLength(1);
    const [post] = received;
    expect(post?.method).toBe('POST');
    expect(post?.contentType).toMatch(/^application\/json/);
    const keys = JSON.parse(post?.body ?? '{}') as { key_id: number; user_id: string; consumer_key: string; consumer_secret: string; key_permissions: string };
    expect(keys).toEqual({ key_id: expect.any(Number), user_id: 'onramp-user-7f3a', consumer_key: expect.stringMatching(/^ck_[0-9a-f]{40}$/), consumer_secret: expect.stringMatching(/^cs_[0-9a-f]{40}$/), key_permissions: 'read_write' });

    const res = await get('/wp-json/wc/v3/system_status', keys.consumer_key, keys.consumer_secret);
    expect(res.status).toBe(200);
  });

  it('creates keys with the scope granted: a write key cannot read', async () => {
    await consent(authorizeUrl({ scope: 'write' }), WOOCOMMERCE_FACTS.accept.decision);
    const keys = JSON.parse(received[0]?.body ?? '{}') as { consumer_key: string; consumer_secret: string; key_permissions: string };
    expect(keys.key_permissions).toBe('write');
    await expectWpError(await get('/wp-json/wc/v3/orders', keys.consumer_key, keys.consumer_secret), 401, 'woocommerce_rest_authentication_error', 'The API key provided does not have read permissions.');
  });

  it('deletes the key and shows the 401 "Access denied" page when the callback does not answer 200', async () => {
    appStatus = 500;
    const result = await consent(authorizeUrl(), WOOCOMMERCE_FACTS.accept.decision);
    expect(result.status).toBe(401);
    expect(result.location).toBeUndefined();
    expect(received).toHaveLength(1);
    const keys = JSON.parse(received[0]?.body ?? '{}') as { consumer_key: string; consumer_secret: string };
    await expectWpError(await get('/wp-json/wc/v3/system_status', keys.consumer_key, keys.consumer_secret), 401, 'woocommerce_rest_cannot_view');
  });

  it('shows "Access denied" when the callback cannot be reached', async () => {
    const result = await consent(authorizeUrl({ callback_url: 'https://app.example.com/keys' }), WOOCOMMERCE_FACTS.accept.decision);
    expect(result.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it('redirects to return_url with success=0 on Deny, without calling back', async () => {
    const result = await consent(authorizeUrl(), 'deny');
    expect(result.status).toBe(302);
    const location = new URL(result.location ?? '');
    expect(location.searchParams.get('success')).toBe('0');
    expect(location.searchParams.get('user_id')).toBe('onramp-user-7f3a');
    expect(received).toHaveLength(0);
  });

  it('prepends https:// to a scheme-less return_url', async () => {
    const result = await consent(authorizeUrl({ return_url: 'app.example.com/done' }), 'deny');
    expect(result.location).toBe('https://app.example.com/done?success=0&user_id=onramp-user-7f3a');
  });

  it('accepts each approval form once (the nonce is single-use)', async () => {
    const page = await (await fetch(authorizeUrl())).text();
    const form = new URLSearchParams();
    for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1] ?? '', (m[2] ?? '').replace(/&amp;/g, '&'));
    form.set('decision', 'deny');
    const post = () => fetch(`${store()}/wc-auth/v1/access_granted`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect((await post()).status).toBe(302);
    const again = await post();
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('Error: Invalid nonce verification.');
  });
});

describe('WooCommerce sandbox: grant controls', () => {
  // Each test gets a store of its own: revoking keys is for good.
  let own: SandboxServer;
  beforeEach(async () => {
    own = await startSandbox(createWoocommerceSandbox, { slowMs: 200 });
  });
  afterEach(async () => {
    await own.stop();
  });

  const ownGet = (path: string, ck: string, cs: string) => fetch(`${own.origin}/woocommerce${path}`, { headers: { Authorization: basic(ck, cs) } });
  const controls = () => grantControls(own.sandboxes, 'woocommerce');

  /** Creates keys through the one-click flow on this store; returns them as the app received them. */
  async function oneClickKeys(): Promise<{ consumer_key: string; consumer_secret: string }> {
    const url = new URL(authorizeUrl());
    const result = await consent(`${own.origin}/woocommerce/wc-auth/v1/authorize${url.search}`, WOOCOMMERCE_FACTS.accept.decision);
    expect(result.status).toBe(302);
    const post = received.at(-1);
    return JSON.parse(post?.body ?? '{}') as { consumer_key: string; consumer_secret: string };
  }

  it('revokeGrants: every key there was, fixtures and one-click ones, gets 401 woocommerce_rest_cannot_view, as an unknown key does', async () => {
    const made = await oneClickKeys();
    expect((await ownGet('/wp-json/wc/v3/system_status', made.consumer_key, made.consumer_secret)).status).toBe(200);
    expect((await ownGet('/wp-json/wc/v3/system_status', 'ck_sandbox_read', 'cs_sandbox_read')).status).toBe(200);

    expect(controls().revokeGrants()).toBe(WOO_SANDBOX_KEYS.length + 1);

    for (const [ck, cs] of [[made.consumer_key, made.consumer_secret], ['ck_sandbox_read', 'cs_sandbox_read'], ['ck_sandbox_write', 'cs_sandbox_write']] as const) {
      await expectWpError(await ownGet('/wp-json/wc/v3/system_status', ck, cs), 401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
      await expectWpError(await ownGet('/wp-json/wc/v3/orders', ck, cs), 401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
    }
    // In query parameters too.
    const query = await fetch(`${own.origin}/woocommerce/wp-json/wc/v3/system_status?consumer_key=ck_sandbox_write&consumer_secret=cs_sandbox_write`);
    await expectWpError(query, 401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
    expect(controls().revokeGrants()).toBe(0);
  });

  it('revokeGrants: keys the one-click flow creates afterwards work', async () => {
    controls().revokeGrants();
    const made = await oneClickKeys();
    const res = await ownGet('/wp-json/wc/v3/system_status', made.consumer_key, made.consumer_secret);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { environment: { home_url: string } }).environment.home_url).toBe(`${own.origin}/woocommerce`);
    expect(controls().revokeGrants()).toBe(1);
  });

  it("failRefresh('error'): the REST API answers WordPress's 500 critical-error answer until failRefresh(null)", async () => {
    controls().failRefresh('error');
    for (const path of ['/wp-json/wc/v3/system_status', '/wp-json/wc/v3/orders']) {
      const res = await ownGet(path, 'ck_sandbox_read', 'cs_sandbox_read');
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toEqual({
        code: 'internal_server_error',
        message: expect.stringContaining('There has been a critical error on this website.'),
        data: { status: 500 },
        additional_errors: [],
      });
    }
    controls().failRefresh(null);
    expect((await ownGet('/wp-json/wc/v3/system_status', 'ck_sandbox_read', 'cs_sandbox_read')).status).toBe(200);
  });

  it("failRefresh('timeout'): the REST API stalls slowMs, then answers; failRefresh(null) ends the stall", async () => {
    controls().failRefresh('timeout');
    let started = Date.now();
    expect((await ownGet('/wp-json/wc/v3/system_status', 'ck_sandbox_read', 'cs_sandbox_read')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    controls().failRefresh(null);
    started = Date.now();
    expect((await ownGet('/wp-json/wc/v3/system_status', 'ck_sandbox_read', 'cs_sandbox_read')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(190);
  });

  it('expireRefreshTokens: returns 0 and changes nothing (the keys have no refresh token and do not expire)', async () => {
    expect(controls().expireRefreshTokens()).toBe(0);
    expect((await ownGet('/wp-json/wc/v3/system_status', 'ck_sandbox_read', 'cs_sandbox_read')).status).toBe(200);
  });
});
