import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consent } from '../consent.js';
import { grantControls } from '../controls.js';
import { sandboxRegistrations } from '../registrations.js';
import type { SandboxServer } from '../server.js';
import { startSandbox } from '../test-support.js';
import { createShopifySandbox } from './index.js';
import { SHOPIFY_FACTS } from '../facts.js';

const registration = sandboxRegistrations('http://127.0.0.1:1').shopify;
const REDIRECT_URI = registration.redirectUris[0] ?? '';
const SHOP = 'my-shop';
const INVALID_TOKEN = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
const SHOP_QUERY = '{ shop { id name myshopifyDomain currencyCode ianaTimezone } }';

let server: SandboxServer;

beforeAll(async () => {
  server = await startSandbox(createShopifySandbox, { slowMs: 200 });
});

afterAll(async () => {
  await server.stop();
});

function authorizeUrl(shop = SHOP, overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    client_id: registration.clientId,
    scope: 'read_orders,read_products',
    redirect_uri: REDIRECT_URI,
    state: 'nonce-123',
    ...overrides,
  };
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  return server.sandboxUrl(`https://${shop}.myshopify.com/admin/oauth/authorize?${query}`);
}

/** Installs the app and returns the callback's query. */
async function install(shop = SHOP, scenario = 'ok', overrides: Record<string, string> = {}): Promise<URLSearchParams> {
  const result = await consent(authorizeUrl(shop, overrides), SHOPIFY_FACTS.accept.decision, { scenario });
  expect(result.status).toBe(302);
  expect(result.location?.startsWith(`${REDIRECT_URI}?`)).toBe(true);
  return new URL(result.location ?? '').searchParams;
}

function tokenRequest(shop: string, body: Record<string, string>, form = false): Promise<Response> {
  return fetch(server.sandboxUrl(`https://${shop}.myshopify.com/admin/oauth/access_token`), {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
}

function exchange(shop: string, code: string, extra: Record<string, string> = {}): Promise<Response> {
  return tokenRequest(shop, { client_id: registration.clientId, client_secret: registration.clientSecret, code, ...extra });
}

function graphql(shop: string, token: string, query = SHOP_QUERY): Promise<Response> {
  return fetch(server.sandboxUrl(`https://${shop}.myshopify.com/admin/api/2025-10/graphql.json`), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify({ query }),
  });
}

/** Verifies a callback as §3.2 describes, written here independently of the sandbox. */
function verifyHmac(params: URLSearchParams, secret: string): boolean {
  const hmac = params.get('hmac') ?? '';
  const rest = [...params].filter(([k]) => k !== 'hmac' && k !== 'signature').sort(([a], [b]) => a.localeCompare(b));
  const message = new URLSearchParams(rest).toString().replace(/\+/g, '%20');
  const expected = createHmac('sha256', secret).update(message).digest('hex');
  return hmac.length === expected.length && timingSafeEqual(Buffer.from(hmac), Buffer.from(expected));
}

describe('Shopify sandbox', () => {
  describe('hosts', () => {
    it('plays every <shop>.myshopify.com host and nothing else', () => {
      const sandbox = server.sandboxes[0];
      expect(sandbox?.id).toBe('shopify');
      expect(sandbox?.hosts('my-shop.myshopify.com')).toBe(true);
      expect(sandbox?.hosts('shop1.myshopify.com')).toBe(true);
      expect(sandbox?.hosts('myshopify.com')).toBe(false);
      expect(sandbox?.hosts('-bad.myshopify.com')).toBe(false);
      expect(sandbox?.hosts('a.b.myshopify.com')).toBe(false);
      expect(sandbox?.hosts('my_shop.myshopify.com')).toBe(false);
      expect(sandbox?.hosts('admin.shopify.com')).toBe(false);
    });
  });

  describe('authorize', () => {
    it('shows an accessible install page naming Shopify, Onramp and the shop, with Install app, Cancel and the Sandbox outcome select', async () => {
      const res = await fetch(authorizeUrl());
      const page = await res.text();
      expect(res.status).toBe(200);
      expect(page).toContain('<html lang="en">');
      expect(page).toMatch(/<title>[^<]+<\/title>/);
      expect(page.match(/<main>/g)).toHaveLength(1);
      expect(page.match(/<h1>/g)).toHaveLength(1);
      expect(page).toMatch(/<h1>[^<]*Shopify[^<]*Onramp[^<]*My Shop[^<]*<\/h1>/);
      expect(page.match(/<form /g)).toHaveLength(1);
      expect(page).toContain(`action="${server.origin}/my-shop.myshopify.com/admin/oauth/authorize"`);
      expect(page).toContain('<button type="submit" name="decision" value="install">Install app</button>');
      expect(page).toContain('<button type="submit" name="decision" value="cancel">Cancel</button>');
      expect(page).toContain('<label for="scenario">Sandbox outcome</label>');
      for (const s of ['ok', 'token_error', 'token_slow', 'other_shop']) expect(page).toContain(`<option value="${s}"`);
      expect(page).toContain('<option value="ok" selected>');
      expect(page).toContain('name="viewport"');
    });

    it('escapes request values on the page', async () => {
      const page = await (await fetch(authorizeUrl(SHOP, { state: '"><script>alert(1)</script>' }))).text();
      expect(page).not.toContain('<script>');
      expect(page).toContain('&quot;&gt;&lt;script&gt;');
    });

    it('refuses an unknown client_id with a 400 error page and no form', async () => {
      const result = await consent(authorizeUrl(SHOP, { client_id: 'someone-else' }), SHOPIFY_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).not.toContain('<form');
      expect(result.page).toContain('Could not find Shopify API application with api_key someone-else');
      expect(result.status).toBeUndefined();
    });

    it('refuses a redirect_uri that is not registered', async () => {
      const result = await consent(authorizeUrl(SHOP, { redirect_uri: 'https://evil.example/callback' }), SHOPIFY_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).toContain('The redirect_uri is not whitelisted');
      expect(result.page).not.toContain('<form');
    });

    it('refuses a request without state', async () => {
      const result = await consent(authorizeUrl(SHOP, { state: undefined }), SHOPIFY_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).not.toContain('<form');
    });

    it('refuses a space-separated scope list (Shopify scopes are comma-separated)', async () => {
      const result = await consent(authorizeUrl(SHOP, { scope: 'read_orders read_products' }), SHOPIFY_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).toContain('invalid_scope');
    });

    it('re-checks the request when the page is submitted', async () => {
      const res = await fetch(server.sandboxUrl(`https://${SHOP}.myshopify.com/admin/oauth/authorize`), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: registration.clientId, scope: 'read_orders', redirect_uri: 'https://evil.example/cb', state: 's', decision: SHOPIFY_FACTS.accept.decision }).toString(),
      });
      expect(res.status).toBe(400);
    });
  });

  describe('callback', () => {
    it('redirects Install app to the redirect_uri with code, hmac, host, shop, state and timestamp', async () => {
      const params = await install();
      expect([...params.keys()]).toEqual(['code', 'hmac', 'host', 'shop', 'state', 'timestamp']);
      expect(params.get('shop')).toBe('my-shop.myshopify.com');
      expect(params.get('state')).toBe('nonce-123');
      expect(Buffer.from(params.get('host') ?? '', 'base64').toString('utf8')).toBe('my-shop.myshopify.com/admin');
      expect(Math.abs(Number(params.get('timestamp')) - Date.now() / 1000)).toBeLessThan(60);
      expect(params.get('code')).toMatch(/^[0-9a-f]{32}$/);
    });

    it('signs the callback so the HMAC verifies with the client secret, and only with it', async () => {
      const params = await install(SHOP, 'ok', { state: 'a state with spaces & symbols+=' });
      expect(params.get('state')).toBe('a state with spaces & symbols+=');
      expect(verifyHmac(params, registration.clientSecret)).toBe(true);
      expect(verifyHmac(params, 'wrong-secret')).toBe(false);
      const tampered = new URLSearchParams(params);
      tampered.set('shop', 'evil.myshopify.com');
      expect(verifyHmac(tampered, registration.clientSecret)).toBe(false);
    });

    it('sends Cancel to the shop admin’s apps page and never calls the app back', async () => {
      const result = await consent(authorizeUrl(), 'cancel');
      expect(result.status).toBe(302);
      expect(result.location).toBe(`${server.origin}/my-shop.myshopify.com/admin/apps`);
      expect(result.location?.startsWith(REDIRECT_URI)).toBe(false);
      const page = await fetch(result.location ?? '');
      expect(page.status).toBe(200);
      const text = await page.text();
      expect(text).toContain('<html lang="en">');
      expect(text).toMatch(/<h1>[^<]*Shopify[^<]*<\/h1>/);
      expect(text).toContain('Onramp was not installed');
    });

    it('names other-shop.myshopify.com, correctly signed, in the other_shop scenario', async () => {
      const params = await install(SHOP, 'other_shop');
      expect(params.get('shop')).toBe('other-shop.myshopify.com');
      expect(Buffer.from(params.get('host') ?? '', 'base64').toString('utf8')).toBe('other-shop.myshopify.com/admin');
      expect(verifyHmac(params, registration.clientSecret)).toBe(true);
      const code = params.get('code') ?? '';
      const onConsentedShop = await exchange(SHOP, code);
      expect(onConsentedShop.status).toBe(400);
      const onOtherShop = await exchange('other-shop', code);
      expect(onOtherShop.status).toBe(200);
      const { access_token } = (await onOtherShop.json()) as { access_token: string };
      const shop = (await (await graphql('other-shop', access_token)).json()) as { data: { shop: { myshopifyDomain: string } } };
      expect(shop.data.shop.myshopifyDomain).toBe('other-shop.myshopify.com');
    });
  });

  describe('token endpoint', () => {
    it('exchanges a code for a permanent offline token {access_token, scope} without token_type, which answers the shop query', async () => {
      const code = (await install()).get('code') ?? '';
      const res = await exchange(SHOP, code);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['access_token', 'scope']);
      expect(body.access_token).toMatch(/^shpat_[0-9a-f]{32}$/);
      expect(body.scope).toBe('read_orders,read_products');

      const api = await graphql(SHOP, String(body.access_token));
      expect(api.status).toBe(200);
      const data = (await api.json()) as { data: { shop: Record<string, unknown> } };
      expect(data.data.shop).toEqual({
        id: expect.stringMatching(/^gid:\/\/shopify\/Shop\/\d+$/) as unknown,
        name: 'My Shop',
        myshopifyDomain: 'my-shop.myshopify.com',
        currencyCode: 'GBP',
        ianaTimezone: 'Europe/London',
      });

      server.advance(400 * 24 * 3600 * 1000);
      expect((await graphql(SHOP, String(body.access_token))).status).toBe(200);
    });

    it('accepts a form-encoded body too', async () => {
      const code = (await install()).get('code') ?? '';
      const res = await tokenRequest(SHOP, { client_id: registration.clientId, client_secret: registration.clientSecret, code }, true);
      expect(res.status).toBe(200);
    });

    it('issues an expiring offline token (3600 s) with a refresh token when expiring is "1"', async () => {
      const code = (await install()).get('code') ?? '';
      const res = await exchange(SHOP, code, { expiring: '1' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'refresh_token_expires_in', 'scope']);
      expect(body.expires_in).toBe(3600);
      expect(body.refresh_token_expires_in).toBe(90 * 24 * 3600);
      const token = String(body.access_token);
      expect((await graphql(SHOP, token)).status).toBe(200);
      server.advance(3600 * 1000 + 1000);
      const expired = await graphql(SHOP, token);
      expect(expired.status).toBe(401);
      expect(await expired.json()).toEqual(INVALID_TOKEN);
    });

    it('issues an online token with the associated user for grant_options[]=per-user', async () => {
      const code = (await install(SHOP, 'ok', { 'grant_options[]': 'per-user' })).get('code') ?? '';
      const body = (await (await exchange(SHOP, code)).json()) as Record<string, unknown>;
      expect(body.access_token).toMatch(/^shpua_/);
      expect(body.expires_in).toBeGreaterThan(0);
      expect(body.associated_user_scope).toBe('read_orders,read_products');
      expect(body.associated_user).toMatchObject({ account_owner: true, email_verified: true });
      expect(body).not.toHaveProperty('token_type');
    });

    it('refuses a wrong client secret or client id with invalid_client', async () => {
      const code = (await install()).get('code') ?? '';
      const wrongSecret = await tokenRequest(SHOP, { client_id: registration.clientId, client_secret: 'shpss_wrong', code });
      expect(wrongSecret.status).toBe(401);
      expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });
      const wrongClient = await tokenRequest(SHOP, { client_id: 'someone-else', client_secret: registration.clientSecret, code });
      expect(wrongClient.status).toBe(401);
      expect((await exchange(SHOP, code)).status).toBe(200);
    });

    it('answers a reused code with 400 invalid_request "not found or was already used"', async () => {
      const code = (await install()).get('code') ?? '';
      expect((await exchange(SHOP, code)).status).toBe(200);
      const again = await exchange(SHOP, code);
      expect(again.status).toBe(400);
      expect(await again.json()).toEqual({ error: 'invalid_request', error_description: 'The authorization code was not found or was already used' });
    });

    it('answers a code older than five minutes the same way', async () => {
      const code = (await install()).get('code') ?? '';
      server.advance(5 * 60 * 1000 + 1000);
      const res = await exchange(SHOP, code);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('accepts a code only on the host of the shop it was issued for', async () => {
      const code = (await install()).get('code') ?? '';
      const elsewhere = await exchange('another-store', code);
      expect(elsewhere.status).toBe(400);
      expect(await elsewhere.json()).toMatchObject({ error: 'invalid_request' });
      expect((await exchange(SHOP, code)).status).toBe(200);
    });

    it('answers 500 for every exchange of a token_error code', async () => {
      const code = (await install(SHOP, 'token_error')).get('code') ?? '';
      expect((await exchange(SHOP, code)).status).toBe(500);
      expect((await exchange(SHOP, code)).status).toBe(500);
    });

    it('stalls slowMs before answering a token_slow code', async () => {
      const code = (await install(SHOP, 'token_slow')).get('code') ?? '';
      const started = performance.now();
      const res = await exchange(SHOP, code);
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    });

    it('rotates refresh tokens, keeping the previous one only until its replacement is used', async () => {
      const code = (await install()).get('code') ?? '';
      const first = (await (await exchange(SHOP, code, { expiring: '1' })).json()) as { refresh_token: string };
      const refresh = (token: string, shop = SHOP) =>
        tokenRequest(shop, { client_id: registration.clientId, client_secret: registration.clientSecret, refresh_token: token, grant_type: 'refresh_token' });

      const r1 = await refresh(first.refresh_token);
      expect(r1.status).toBe(200);
      const second = (await r1.json()) as Record<string, unknown>;
      expect(Object.keys(second).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'refresh_token_expires_in', 'scope']);
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.expires_in).toBe(3600);
      expect((await graphql(SHOP, String(second.access_token))).status).toBe(200);

      // A lost response: the previous refresh token still works until its replacement is used.
      const retry = (await (await refresh(first.refresh_token)).json()) as { refresh_token: string };
      expect((await refresh(retry.refresh_token)).status).toBe(200);
      const retired = await refresh(first.refresh_token);
      expect(retired.status).toBe(400);
      expect(await retired.json()).toMatchObject({ error: 'invalid_grant' });
      // The replacement the retry superseded is gone too.
      expect((await refresh(String(second.refresh_token))).status).toBe(400);
      // A refresh token works only on its own shop.
      expect((await refresh(retry.refresh_token, 'another-store')).status).toBe(400);
    });
  });

  describe('GraphQL Admin API', () => {
    async function permanentToken(shop = SHOP): Promise<string> {
      const code = (await install(shop)).get('code') ?? '';
      return ((await (await exchange(shop, code)).json()) as { access_token: string }).access_token;
    }

    it('answers 401 with Shopify’s error for a missing or unknown token', async () => {
      const res = await fetch(server.sandboxUrl(`https://${SHOP}.myshopify.com/admin/api/2025-10/graphql.json`), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: SHOP_QUERY }),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(INVALID_TOKEN);
      const unknown = await graphql(SHOP, 'shpat_00000000000000000000000000000000');
      expect(unknown.status).toBe(401);
      expect(await unknown.json()).toEqual(INVALID_TOKEN);
    });

    it('refuses a token on another shop’s host', async () => {
      const token = await permanentToken();
      expect((await graphql('another-store', token)).status).toBe(401);
    });

    it('returns only the selected fields, with aliases, nested selections and named queries', async () => {
      const token = await permanentToken();
      const res = await graphql(SHOP, token, 'query ShopInfo { shop { domain: myshopifyDomain primaryDomain { host } } }');
      expect(await res.json()).toMatchObject({ data: { shop: { domain: 'my-shop.myshopify.com', primaryDomain: { host: 'my-shop.myshopify.com' } } } });
    });

    it('answers an unknown field with a GraphQL error', async () => {
      const token = await permanentToken();
      const res = await graphql(SHOP, token, '{ shop { id nope } }');
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data?: unknown; errors: { message: string }[] };
      expect(body.data).toBeUndefined();
      expect(body.errors[0]?.message).toBe("Field 'nope' doesn't exist on type 'Shop'");
    });

    it('answers a request without a query with 400', async () => {
      const token = await permanentToken();
      const res = await fetch(server.sandboxUrl(`https://${SHOP}.myshopify.com/admin/api/2025-10/graphql.json`), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
        body: '{}',
      });
      expect(res.status).toBe(400);
    });
  });

  describe('grant controls', () => {
    it('revokeGrants (the app uninstalled): the offline token is refused on the shop query with 401 and Shopify’s invalid-token error', async () => {
      // A store of its own: revoking ends every grant of the app.
      const own = await startSandbox(createShopifySandbox);
      try {
        const shopUrl = (path: string) => own.sandboxUrl(`https://${SHOP}.myshopify.com${path}`);
        const query = (token: string) =>
          fetch(shopUrl('/admin/api/2025-10/graphql.json'), {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
            body: JSON.stringify({ query: SHOP_QUERY }),
          });
        const authorize = `${shopUrl('/admin/oauth/authorize')}?${new URLSearchParams({ client_id: registration.clientId, scope: 'read_orders', redirect_uri: REDIRECT_URI, state: 'nonce-1' })}`;
        const installed = await consent(authorize, SHOPIFY_FACTS.accept.decision);
        const code = new URL(installed.location ?? '').searchParams.get('code') ?? '';
        const exchanged = await fetch(shopUrl('/admin/oauth/access_token'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_id: registration.clientId, client_secret: registration.clientSecret, code }),
        });
        const { access_token: token } = (await exchanged.json()) as { access_token: string };
        expect(token).toMatch(/^shpat_/);
        expect((await query(token)).status).toBe(200);

        grantControls(own.sandboxes, 'shopify').revokeGrants();

        const refused = await query(token);
        expect(refused.status).toBe(401);
        expect(await refused.json()).toEqual(INVALID_TOKEN);
      } finally {
        await own.stop();
      }
    });
  });
});
