import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { SECURITY_HEADERS } from '#shared/http/security-headers.js';
import { accountListResponse, accountResponse, catalogResponse, errorResponse, meResponse } from '#shared/http/schemas.js';
import { client, newSeller, withStack } from '#local/test-helpers.js';
import type { LocalStack } from '#local/stack.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await withStack();
});
afterAll(async () => {
  await stack.stop();
});

async function itemCount(): Promise<number> {
  const { Items } = await dynamoClient().send(new ScanCommand({ TableName: 'onramp' }));
  return Items?.length ?? 0;
}

describe('sign-up and sessions', () => {
  it('signs a seller up, sets an HttpOnly SameSite=Lax cookie and answers who-am-I', async () => {
    const c = client(stack);
    const res = await c.call('POST', '/api/auth/signup', { name: 'Ada', email: 'Ada@Example.com', password: 'a long enough passphrase' });
    expect(res.status).toBe(201);
    const cookie = res.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const me = await c.call('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(meResponse.parse(me.body).user).toMatchObject({ name: 'Ada', email: 'ada@example.com' });
    expect(JSON.stringify(me.body)).not.toMatch(/scrypt|password/i);
  });

  it('stores the password only as an scrypt hash and the session only as a hash of its token', async () => {
    const c = client(stack);
    await c.call('POST', '/api/auth/signup', { name: 'Bo', email: 'bo@example.com', password: 'another fine passphrase' });
    const token = c.cookie!.split('=')[1]!;
    const { Items } = await dynamoClient().send(new ScanCommand({ TableName: 'onramp' }));
    const dump = JSON.stringify(Items);
    expect(dump).not.toContain('another fine passphrase');
    expect(dump).not.toContain(token);
    const user = Items!.find((i) => i.email === 'bo@example.com' && i.entity === 'user');
    expect(user?.passwordHash).toMatch(/^scrypt\$/);
  });

  it('signs in with the right password and refuses a wrong one with the same message as an unknown email', async () => {
    const c = client(stack);
    await c.call('POST', '/api/auth/signup', { name: 'Cy', email: 'cy@example.com', password: 'cy has a passphrase' });
    const wrong = await client(stack).call('POST', '/api/auth/login', { email: 'cy@example.com', password: 'not the passphrase' });
    const unknown = await client(stack).call('POST', '/api/auth/login', { email: 'nobody@example.com', password: 'not the passphrase' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    const ok = await client(stack).call('POST', '/api/auth/login', { email: 'CY@example.com', password: 'cy has a passphrase' });
    expect(ok.status).toBe(200);
  });

  it('ends the session on sign-out', async () => {
    const c = await newSeller(stack);
    const cookie = c.cookie;
    expect((await c.call('POST', '/api/auth/logout', {})).status).toBe(204);
    c.cookie = cookie;
    expect((await c.call('GET', '/api/me')).status).toBe(401);
  });

  it('ends every session of the seller on "sign out everywhere", and leaves other sellers signed in', async () => {
    const phone = await newSeller(stack);
    const email = (await phone.call('GET', '/api/me')).body.user.email as string;
    const laptop = client(stack);
    expect((await laptop.call('POST', '/api/auth/login', { email, password: 'a long enough passphrase' })).status).toBe(200);
    const other = await newSeller(stack);
    const res = await laptop.call('POST', '/api/auth/logout-everywhere', {});
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
    expect((await phone.call('GET', '/api/me')).status).toBe(401);
    expect((await other.call('GET', '/api/me')).status).toBe(200);
    expect((await client(stack).call('POST', '/api/auth/logout-everywhere', {})).status).toBe(401);
  });

  it('rejects a taken email with 400 on "email" and writes nothing', async () => {
    await client(stack).call('POST', '/api/auth/signup', { name: 'Di', email: 'di@example.com', password: 'di has a passphrase' });
    const before = await itemCount();
    const res = await client(stack).call('POST', '/api/auth/signup', { name: 'Di 2', email: 'di@example.com', password: 'other passphrase here' });
    expect(res.status).toBe(400);
    expect(errorResponse.parse(res.body).error.fields).toHaveProperty('email');
    expect(await itemCount()).toBe(before);
  });

  it('lets exactly one of 20 concurrent sign-ups with the same email succeed', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client(stack).call('POST', '/api/auth/signup', { name: `Racer ${i}`, email: 'race@example.com', password: `passphrase number ${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    // The others are told the email is taken, or (past the per-email limit) to wait.
    expect(results.filter((r) => r.status === 400 || r.status === 429)).toHaveLength(19);
  });

  it.each([
    ['a weak password', { name: 'E', email: 'e1@example.com', password: 'short' }, 'password'],
    ['a common password', { name: 'E', email: 'e2@example.com', password: 'password123' }, 'password'],
    ['a malformed email', { name: 'E', email: 'not-an-email', password: 'a long enough passphrase' }, 'email'],
    ['a missing name', { email: 'e3@example.com', password: 'a long enough passphrase' }, 'name'],
    ['an unexpected field', { name: 'E', email: 'e4@example.com', password: 'a long enough passphrase', admin: true }, 'admin'],
  ])('rejects %s with 400 naming the field, and writes nothing', async (_what, body, field) => {
    const before = await itemCount();
    const res = await client(stack).call('POST', '/api/auth/signup', body);
    expect(res.status).toBe(400);
    expect(errorResponse.parse(res.body).error.fields?.[field]).toBeTruthy();
    expect(await itemCount()).toBe(before);
  });

  it('rejects a body that is not JSON with 400, and one that is not sent as JSON with 415', async () => {
    const bad = await client(stack).call('POST', '/api/auth/signup', '{"name": ', {});
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty('body');
    const form = await client(stack).call('POST', '/api/auth/login', 'email=a&password=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
  });

  it('accepts a state-changing request whose Origin is the configured site origin', async () => {
    const res = await client(stack).call(
      'POST',
      '/api/auth/signup',
      { name: 'Cf', email: 'cf@example.com', password: 'a long enough passphrase' },
      { origin: stack.url, 'sec-fetch-site': 'same-origin' },
    );
    expect(res.status).toBe(201);
  });

  it.each([
    ['whose host only matches the X-Forwarded-Host it sends', { origin: 'https://app.example.com', 'x-forwarded-host': 'app.example.com' }],
    ['whose host only matches the Host it sends', { origin: 'https://app.example.com', host: 'app.example.com' }],
    ['from the site\u2019s host on another port', { origin: 'http://127.0.0.1:1' }],
    ['from the site\u2019s host over another scheme', { origin: 'https://127.0.0.1' }],
    ['with an opaque "null" origin', { origin: 'null' }],
  ])('refuses a state-changing request %s', async (_what, headers) => {
    const res = await client(stack).call('POST', '/api/auth/login', { email: 'x@example.com', password: 'whatever it is' }, headers);
    expect(res.status).toBe(403);
  });

  it('refuses state-changing requests from another origin', async () => {
    const res = await client(stack).call('POST', '/api/auth/signup', { name: 'X', email: 'x@example.com', password: 'a long enough passphrase' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    const site = await client(stack).call('POST', '/api/auth/login', { email: 'x@example.com', password: 'whatever it is' }, { 'sec-fetch-site': 'cross-site' });
    expect(site.status).toBe(403);
  });
});

describe('accounts', () => {
  it('answers 401 to every account route without a session', async () => {
    const anon = client(stack);
    expect((await anon.call('GET', '/api/me')).status).toBe(401);
    expect((await anon.call('GET', '/api/accounts')).status).toBe(401);
    expect((await anon.call('POST', '/api/accounts', { name: 'A', channel: 'ebay' })).status).toBe(401);
    expect((await anon.call('GET', '/api/accounts/8b7c1f0e-3a52-4d7e-9a55-0c3f6e1d2b4a')).status).toBe(401);
  });

  it('answers 404 for an account id that is not a well-formed id, before any AWS call', async () => {
    const c = await newSeller(stack);
    for (const id of ['some-id', 'x'.repeat(1100), '..%2F..%2Fetc']) {
      const res = await c.call('GET', `/api/accounts/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toMatch(/could not find that account/);
    }
  });

  it('creates an Amazon Europe account at "Connect Sales Channel" with its 8 marketplaces', async () => {
    const c = await newSeller(stack);
    const res = await c.call('POST', '/api/accounts', { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    expect(res.status).toBe(201);
    const { account } = accountResponse.parse(res.body);
    expect(account.setup).toMatchObject({ step: 'connect_channel', status: 'active' });
    expect(account.marketplaces.map((m) => m.domain)).toEqual([
      'amazon.co.uk', 'amazon.de', 'amazon.fr', 'amazon.es', 'amazon.it', 'amazon.nl', 'amazon.se', 'amazon.pl',
    ]);
    const list = accountListResponse.parse((await c.call('GET', '/api/accounts')).body);
    expect(list.accounts.map((a) => a.name)).toEqual(['Amazon EU']);
    const view = await c.call('GET', `/api/accounts/${account.id}`);
    expect(view.status).toBe(200);
    expect(accountResponse.parse(view.body).account.id).toBe(account.id);
  });

  it('answers 404 when the account belongs to another seller, and does not list it', async () => {
    const a = await newSeller(stack, 'A');
    const b = await newSeller(stack, 'B');
    const { body } = await a.call('POST', '/api/accounts', { name: 'eBay UK', channel: 'ebay' });
    const res = await b.call('GET', `/api/accounts/${body.account.id}`);
    expect(res.status).toBe(404);
    expect((await b.call('GET', '/api/accounts')).body.accounts).toEqual([]);
    expect((await b.call('GET', '/api/accounts/not-an-account')).status).toBe(404);
  });

  it('lists only the session\u2019s own accounts when a token names another seller, or a seller whose session ended', async () => {
    const a = await newSeller(stack, 'A');
    const victim = (await a.call('GET', '/api/me')).body.user.id as string;
    await a.call('POST', '/api/accounts', { name: 'eBay UK', channel: 'ebay' });
    // A token naming A but not A's: its accounts are read with the session, and never given out.
    const forger = client(stack);
    const name = a.cookie!.split('=')[0];
    forger.cookie = `${name}=${victim}.${'A'.repeat(43)}`;
    const forged = await forger.call('GET', '/api/accounts');
    expect(forged.status).toBe(401);
    expect(JSON.stringify(forged.body)).not.toContain('eBay UK');
    // B's own session with A's id put in front of it finds no session at all.
    const b = await newSeller(stack, 'B');
    const [cookieName, token] = b.cookie!.split('=') as [string, string];
    forger.cookie = `${cookieName}=${victim}.${token.slice(token.indexOf('.') + 1)}`;
    expect((await forger.call('GET', '/api/accounts')).status).toBe(401);
    expect((await b.call('GET', '/api/accounts')).body.accounts).toEqual([]);
    // Signed out: the list is refused even though the seller's accounts were read beside the session.
    expect((await a.call('GET', '/api/accounts')).body.accounts).toHaveLength(1);
    const kept = a.cookie;
    await a.call('POST', '/api/auth/logout', {});
    a.cookie = kept;
    expect((await a.call('GET', '/api/accounts')).status).toBe(401);
  });

  it('reads the session and the account in one round trip, and refuses a session signed out at once on every account route', async () => {
    const c = await newSeller(stack);
    const { body } = await c.call('POST', '/api/accounts', { name: 'eBay UK', channel: 'ebay' });
    const id = body.account.id as string;
    expect((await c.call('GET', `/api/accounts/${id}`)).status).toBe(200);
    const cookie = c.cookie;
    expect((await c.call('POST', '/api/auth/logout', {})).status).toBe(204);
    // The cookie still names the seller; the session it stands for is gone, and with it the account.
    c.cookie = cookie;
    for (const [method, path] of [['GET', `/api/accounts/${id}`], ['GET', `/api/accounts/${id}/events`], ['POST', `/api/accounts/${id}/channel/connect`], ['GET', `/api/accounts/${id}/books/chart`]] as const) {
      const res = await c.call(method, path, method === 'POST' ? {} : undefined);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain('eBay UK');
    }
  });

  it('answers a token that names no seller (issued before tokens did) with a 401, and its browser signs in again', async () => {
    const c = await newSeller(stack);
    const { body } = await c.call('POST', '/api/accounts', { name: 'Older', channel: 'ebay' });
    const cookie = c.cookie!;
    c.cookie = 'onramp_session=an-older-random-token';
    expect((await c.call('GET', `/api/accounts/${body.account.id}`)).status).toBe(401);
    expect((await c.call('GET', '/api/accounts')).status).toBe(401);
    expect((await c.call('GET', '/api/me')).status).toBe(401);
    c.cookie = cookie;
    expect((await c.call('GET', '/api/accounts')).body.accounts.map((a: { name: string }) => a.name)).toEqual(['Older']);
  });

  it.each([
    ['an unknown channel', { name: 'X', channel: 'myspace' }, 'channel'],
    ['Amazon without a region', { name: 'Amazon', channel: 'amazon' }, 'region'],
    ['TikTok Shop in DE', { name: 'TikTok', channel: 'tiktok-shop', region: 'DE' }, 'region'],
    ['Walmart in Canada', { name: 'Walmart', channel: 'walmart', region: 'CA' }, 'region'],
    ['Shopify without its shop', { name: 'Shop', channel: 'shopify' }, 'shopDomain'],
    ['Shopify with a shop outside myshopify.com', { name: 'Shop', channel: 'shopify', shopDomain: 'evil.example.com' }, 'shopDomain'],
    ['WooCommerce with an address that is not a web address (the connect step refuses it too)', { name: 'Woo', channel: 'woocommerce', storeUrl: 'ftp://shop.example.com' }, 'storeUrl'],
    ['an empty name', { name: '  ', channel: 'ebay' }, 'name'],
    ['a body that is an array', [1, 2], 'body'],
  ])('rejects %s with 400 naming the field, and writes nothing', async (_what, body, field) => {
    const c = await newSeller(stack);
    const before = await itemCount();
    const res = await c.call('POST', '/api/accounts', body);
    expect(res.status).toBe(400);
    const { error } = errorResponse.parse(res.body);
    expect(error.fields?.[field]).toBeTruthy();
    expect(await itemCount()).toBe(before);
  });

  it('tells the seller which regions TikTok Shop supports', async () => {
    const c = await newSeller(stack);
    const res = await c.call('POST', '/api/accounts', { name: 'TikTok', channel: 'tiktok-shop', region: 'DE' });
    expect(res.body.error.fields.region).toMatch(/not supported.*United Kingdom, United States/);
  });
});

describe('catalog', () => {
  it('lists 8 channels in two groups, Square in Beta, and the two bookkeeping platforms, without a session', async () => {
    const res = await client(stack).call('GET', '/api/catalog');
    const catalog = catalogResponse.parse(res.body);
    expect(catalog.channels).toHaveLength(8);
    expect(catalog.groups.map((g) => g.name)).toEqual(['Online marketplaces', 'Shopping carts & POS']);
    expect(catalog.channels.find((c) => c.id === 'square')?.beta).toBe(true);
    expect(catalog.channels.find((c) => c.id === 'amazon')?.regions).toHaveLength(8);
    expect(catalog.books.map((b) => b.name)).toEqual(['Xero', 'QuickBooks Online']);
  });
});

describe('the gateway', () => {
  it('sends the shared security headers with the page and with API answers, errors included', async () => {
    for (const path of ['/', '/accounts/new', '/api/catalog', '/api/me', '/api/nothing']) {
      const res = await fetch(stack.url + path);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), `${name} on ${path}`).toBe(value);
    }
  });

  it('answers unknown API paths with a JSON 404 and wrong methods with 405', async () => {
    expect((await client(stack).call('GET', '/api/nothing')).status).toBe(404);
    expect((await client(stack).call('DELETE', '/api/accounts')).status).toBe(405);
  });
});
