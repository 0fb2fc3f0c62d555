/**
 * Contract tests: each OAuth channel's connector against its sandbox (written
 * from the providers' documentation, independently of the connectors), on
 * the local stack, as a seller's browser would go through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectErrorMessage } from '#shared/domain/connect-errors.js';
import { accountResponse } from '#shared/http/schemas.js';
import { client, connectThroughSandbox, followCallback, newAccount, newSeller, type Client } from '#local/test-helpers.js';
import { consent } from '#local/sandboxes/consent.js';
import { AMAZON_FACTS, EBAY_FACTS, ETSY_FACTS, SHOPIFY_FACTS, SQUARE_FACTS, TIKTOK_SHOP_FACTS, WALMART_FACTS } from '#local/sandboxes/facts.js';
import { AMAZON_SANDBOX_SELLER } from '#local/sandboxes/amazon/index.js';
import { REPORTED_MERCHANT_TOKEN_LABEL } from '../providers/amazon/consent.js';
import { withStack } from '#local/test-helpers.js';
import type { LocalStack } from '#local/stack.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await withStack({ sandboxSlowMs: 2_500, providerTimeoutMs: 800 });
});
afterAll(async () => {
  await stack?.stop();
});

const landingCode = (landing: string | undefined) => (landing ? new URL(landing, 'http://app').searchParams.get('connect_error') : null);

async function account(c: Client, id: string) {
  const res = await c.call('GET', `/api/accounts/${id}`);
  expect(res.status).toBe(200);
  return accountResponse.parse(res.body).account;
}

function secretsOf(accountId: string): string[] {
  return stack.secrets.names().filter((n) => n.startsWith(`onramp/${accountId}/`));
}

/** The account is as it was: at its first step, at its version, with nothing connected and no secret. */
async function expectNothingWritten(c: Client, before: { id: string; updatedAt: string }) {
  const after = await account(c, before.id);
  expect(after.setup.step).toBe('connect_channel');
  expect(after.connections).toEqual([]);
  expect(after.updatedAt).toBe(before.updatedAt);
  expect(secretsOf(before.id)).toEqual([]);
}

const HAPPY = [
  { name: 'Amazon in Europe', body: { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, decision: AMAZON_FACTS.accept.decision, choices: { ...AMAZON_FACTS.accept.choices }, shows: 'Europe' },
  { name: 'Amazon in North America', body: { name: 'Amazon NA', channel: 'amazon', region: 'north-america' }, decision: AMAZON_FACTS.accept.decision, choices: { ...AMAZON_FACTS.accept.choices }, shows: 'North America' },
  { name: 'Amazon in Japan', body: { name: 'Amazon JP', channel: 'amazon', region: 'japan' }, decision: AMAZON_FACTS.accept.decision, choices: { ...AMAZON_FACTS.accept.choices }, shows: 'Japan' },
  { name: 'eBay', body: { name: 'eBay UK', channel: 'ebay' }, decision: EBAY_FACTS.accept.decision, choices: {}, shows: 'eBay user' },
  { name: 'Shopify', body: { name: 'Shopify', channel: 'shopify', shopDomain: 'onramp-test.myshopify.com' }, decision: SHOPIFY_FACTS.accept.decision, choices: {}, shows: 'onramp-test.myshopify.com' },
  { name: 'Etsy', body: { name: 'Etsy', channel: 'etsy' }, decision: ETSY_FACTS.accept.decision, choices: {}, shows: 'Etsy shop' },
  { name: 'TikTok Shop UK', body: { name: 'TikTok UK', channel: 'tiktok-shop', region: 'UK' }, decision: TIKTOK_SHOP_FACTS.accept.decision, choices: { ...TIKTOK_SHOP_FACTS.sellerRegion('UK') }, shows: 'United Kingdom' },
  { name: 'TikTok Shop US', body: { name: 'TikTok US', channel: 'tiktok-shop', region: 'US' }, decision: TIKTOK_SHOP_FACTS.accept.decision, choices: { ...TIKTOK_SHOP_FACTS.sellerRegion('US') }, shows: 'United States' },
  { name: 'Square', body: { name: 'Square', channel: 'square' }, decision: SQUARE_FACTS.accept.decision, choices: {}, shows: 'Square business' },
  { name: 'Walmart in the United States', body: { name: 'Walmart US', channel: 'walmart', region: 'US' }, decision: WALMART_FACTS.accept.decision, choices: {}, shows: 'Seller ID' },
] as const;

describe('connecting a sales channel through its sandbox', () => {
  it.each(HAPPY)('$name: consents, stores the tokens in the channel secret and moves on to Connect Bookkeeping', async ({ body, decision, choices, shows }) => {
    const c = await newSeller(stack);
    const created = await newAccount(c, body);
    const { landing, status } = await connectThroughSandbox(c, created.id, decision, choices);
    expect(status).toBe(302);
    expect(landing).toBe(`/accounts/${created.id}/setup`);
    const after = await account(c, created.id);
    expect(after.setup.step).toBe('connect_bookkeeping');
    const [connection] = after.connections;
    expect(connection?.provider).toBe(body.channel);
    expect(JSON.stringify(connection?.details)).toContain(shows);
    // The tokens are in the account's channel secret, with their expiry, and nowhere in the view.
    const [secretName] = secretsOf(created.id);
    const secret = JSON.parse((await stack.secrets.operations.GetSecretValue!({ SecretId: secretName }) as { SecretString: string }).SecretString);
    expect(secret.accessToken).toBeTruthy();
    expect(JSON.stringify(after)).not.toContain(secret.accessToken);
  });

  it('flags a seller, shop or organisation already connected to another of the seller\u2019s accounts', async () => {
    const c = await newSeller(stack);
    const first = await newAccount(c, { name: 'Square main', channel: 'square' });
    await connectThroughSandbox(c, first.id, SQUARE_FACTS.accept.decision);
    const second = await newAccount(c, { name: 'Square again', channel: 'square' });
    const { landing } = await connectThroughSandbox(c, second.id, SQUARE_FACTS.accept.decision);
    expect(landing).toBe(`/accounts/${second.id}/setup`);
    expect((await account(c, second.id)).connections[0]?.alsoConnectedTo).toBe('Square main');
  });
});

describe('a consent that does not finish', () => {
  it.each([
    ['Amazon', { name: 'A', channel: 'amazon', region: 'europe' }],
    ['eBay', { name: 'E', channel: 'ebay' }],
    ['Etsy', { name: 'E', channel: 'etsy' }],
    ['TikTok Shop', { name: 'T', channel: 'tiktok-shop', region: 'UK' }],
    ['Square', { name: 'S', channel: 'square' }],
    ['Walmart', { name: 'W', channel: 'walmart', region: 'US' }],
  ])('%s: Cancel at the provider brings the seller back to the channel step with a sentence, and writes nothing', async (_name, body) => {
    const c = await newSeller(stack);
    const created = await newAccount(c, body);
    const { landing } = await connectThroughSandbox(c, created.id, 'cancel');
    expect(landingCode(landing)).toBe('denied');
    expect(landing).toMatch(/^\/(accounts\/[^/]+\/setup)?\?/);
    await expectNothingWritten(c, created);
  });

  it('refuses an Amazon seller whose marketplaces are in another region', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    const { landing } = await connectThroughSandbox(c, created.id, AMAZON_FACTS.accept.decision, { ...AMAZON_FACTS.accept.choices, scenario: 'other_region' });
    expect(landing).toBe(`/accounts/${created.id}/setup?connect_error=wrong_region`);
    expect(connectErrorMessage('wrong_region', { provider: 'Amazon', button: 'Connect to Amazon', region: 'Europe' })).toMatch(/does not sell in Europe/);
    await expectNothingWritten(c, created);
  });

  it('refuses a TikTok Shop seller of another market', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'TikTok US', channel: 'tiktok-shop', region: 'US' });
    const { landing } = await connectThroughSandbox(c, created.id, TIKTOK_SHOP_FACTS.accept.decision, TIKTOK_SHOP_FACTS.sellerRegion('UK'));
    expect(landingCode(landing)).toBe('wrong_market');
    await expectNothingWritten(c, created);
  });

  it.each([
    ['a token endpoint that answers 500', 'token_error', 'provider_error'],
    ['a token endpoint slower than our timeout', 'token_slow', 'provider_timeout'],
  ])('handles %s: a clear message, nothing written', async (_what, scenario, code) => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'eBay', channel: 'ebay' });
    const { landing } = await connectThroughSandbox(c, created.id, EBAY_FACTS.accept.decision, { scenario });
    expect(landingCode(landing)).toBe(code);
    await expectNothingWritten(c, created);
  });

  it('refuses a replayed state: the second use of a callback writes nothing more', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Square', channel: 'square' });
    const { callback } = await connectThroughSandbox(c, created.id, SQUARE_FACTS.accept.decision);
    const connected = await account(c, created.id);
    const again = await followCallback(c, callback!);
    expect(landingCode(again.landing)).toBe('expired');
    expect((await account(c, created.id)).updatedAt).toBe(connected.updatedAt);
  });

  it('refuses a state started by another seller, and leaves it for its owner', async () => {
    const owner = await newSeller(stack);
    const other = await newSeller(stack);
    const created = await newAccount(owner, { name: 'Etsy', channel: 'etsy' });
    const start = await owner.call('POST', `/api/accounts/${created.id}/channel/connect`, {});
    const page = await consent(start.body.authorizeUrl, ETSY_FACTS.accept.decision);
    const stolen = await followCallback(other, page.location!);
    expect(landingCode(stolen.landing)).toBe('other_seller');
    expect(stolen.landing).not.toContain(created.id);
    await expectNothingWritten(owner, created);
    // The owner's own browser still finishes.
    expect((await followCallback(owner, page.location!)).landing).toBe(`/accounts/${created.id}/setup`);
  });

  it('refuses a state used on another provider\u2019s callback path', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Square', channel: 'square' });
    const start = await c.call('POST', `/api/accounts/${created.id}/channel/connect`, {});
    const page = await consent(start.body.authorizeUrl, SQUARE_FACTS.accept.decision);
    const mixed = await followCallback(c, page.location!, (u) => {
      u.pathname = '/api/oauth/etsy/callback';
    });
    expect(landingCode(mixed.landing)).toBe('other_provider');
    await expectNothingWritten(c, created);
  });

  it('answers a callback on the path of a provider not connected by consent (or of none) with a sentence, and keeps the state', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Square', channel: 'square' });
    const start = await c.call('POST', `/api/accounts/${created.id}/channel/connect`, {});
    const page = await consent(start.body.authorizeUrl, SQUARE_FACTS.accept.decision);
    for (const path of ['/api/oauth/walmart/callback', '/api/oauth/no-such-provider/callback']) {
      const wrong = await followCallback(c, page.location!, (u) => {
        u.pathname = path;
      });
      expect(landingCode(wrong.landing)).toBe('other_provider');
    }
    await expectNothingWritten(c, created);
    // The state was not spent: the right path still finishes.
    expect((await followCallback(c, page.location!)).landing).toBe(`/accounts/${created.id}/setup`);
  });

  it('refuses a code used before, even with a fresh state', async () => {
    const c = await newSeller(stack);
    const first = await newAccount(c, { name: 'Etsy 1', channel: 'etsy' });
    const { callback } = await connectThroughSandbox(c, first.id, ETSY_FACTS.accept.decision);
    const usedCode = new URL(callback!).searchParams.get('code')!;
    const second = await newAccount(c, { name: 'Etsy 2', channel: 'etsy' });
    const start = await c.call('POST', `/api/accounts/${second.id}/channel/connect`, {});
    const page = await consent(start.body.authorizeUrl, ETSY_FACTS.accept.decision);
    const replay = await followCallback(c, page.location!, (u) => u.searchParams.set('code', usedCode));
    expect(landingCode(replay.landing)).toBe('expired');
    await expectNothingWritten(c, second);
  });

  it('sends a browser whose session was signed out to sign in, though its cookie names the seller, and writes nothing', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Square', channel: 'square' });
    const start = await c.call('POST', `/api/accounts/${created.id}/channel/connect`, {});
    const page = await consent(start.body.authorizeUrl, SQUARE_FACTS.accept.decision);
    const email = (await c.call('GET', '/api/me')).body.user.email as string;
    const cookie = c.cookie;
    expect((await c.call('POST', '/api/auth/logout', {})).status).toBe(204);
    c.cookie = cookie;
    const { landing } = await followCallback(c, page.location!);
    expect(landing).toBe('/login?connect_error=signed_out');
    const again = client(stack);
    expect((await again.call('POST', '/api/auth/login', { email, password: 'a long enough passphrase' })).status).toBe(200);
    await expectNothingWritten(again, created);
  });

  it('sends a signed-out browser to sign in, and writes nothing', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Square', channel: 'square' });
    const start = await c.call('POST', `/api/accounts/${created.id}/channel/connect`, {});
    const page = await consent(start.body.authorizeUrl, SQUARE_FACTS.accept.decision);
    const res = await fetch(page.location!, { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('/login?connect_error=signed_out');
    await expectNothingWritten(c, created);
  });
});

describe('Amazon\u2019s unsigned redirect', () => {
  const tamper = (sellingPartnerId: string) => (u: URL) => u.searchParams.set('selling_partner_id', sellingPartnerId);

  async function reconnectChannel(c: Client, id: string, choices: Record<string, string>, change: (u: URL) => void) {
    const start = await c.call('POST', `/api/accounts/${id}/reconnect`, { kind: 'channel' });
    expect(start.status).toBe(200);
    const page = await consent(start.body.authorizeUrl, AMAZON_FACTS.accept.decision, { ...AMAZON_FACTS.accept.choices, ...choices });
    return followCallback(c, page.location!, change);
  }

  it('a tampered selling_partner_id does not defeat the already-connected warning, and is shown only as the redirect reported it', async () => {
    const c = await newSeller(stack);
    const first = await newAccount(c, { name: 'Amazon first', channel: 'amazon', region: 'europe' });
    expect((await connectThroughSandbox(c, first.id, AMAZON_FACTS.accept.decision, { ...AMAZON_FACTS.accept.choices })).landing).toBe(`/accounts/${first.id}/setup`);
    const second = await newAccount(c, { name: 'Amazon again', channel: 'amazon', region: 'europe' });
    const { landing } = await connectThroughSandbox(c, second.id, AMAZON_FACTS.accept.decision, { ...AMAZON_FACTS.accept.choices }, tamper('ATTACKER'));
    expect(landing).toBe(`/accounts/${second.id}/setup`);
    const connection = (await account(c, second.id)).connections[0];
    expect(connection?.alsoConnectedTo).toBe('Amazon first');
    expect(connection?.details).toContainEqual({ label: REPORTED_MERCHANT_TOKEN_LABEL, value: 'ATTACKER' });
    expect(connection?.details.filter((d) => d.value.includes('ATTACKER')).map((d) => d.label)).toEqual([REPORTED_MERCHANT_TOKEN_LABEL]);
  });

  it('Reconnect refuses another seller whose redirect claims the connected seller\u2019s merchant token, and accepts the same seller whatever the redirect claims', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    await connectThroughSandbox(c, created.id, AMAZON_FACTS.accept.decision, { ...AMAZON_FACTS.accept.choices });
    const secretName = secretsOf(created.id)[0]!;
    const read = async () => (await stack.secrets.operations.GetSecretValue!({ SecretId: secretName }) as { SecretString: string }).SecretString;
    const stored = await read();

    const other = await reconnectChannel(c, created.id, { scenario: 'other_seller' }, tamper(AMAZON_SANDBOX_SELLER.sellingPartnerId));
    expect(other.landing).toBe(`/accounts/${created.id}?reconnect=channel&connect_error=other_identity`);
    expect(await read()).toBe(stored);

    const same = await reconnectChannel(c, created.id, {}, tamper('ATTACKER'));
    expect(same.landing).toBe(`/accounts/${created.id}?reconnected=channel`);
    // The new consent's tokens are the account's channel now, in a secret of their own; the old one is gone.
    const [renewed] = secretsOf(created.id);
    expect(renewed).not.toBe(secretName);
    expect(stack.secrets.has(secretName)).toBe(false);
    expect((await stack.secrets.operations.GetSecretValue!({ SecretId: renewed }) as { SecretString: string }).SecretString).not.toBe(stored);
  });
});

describe('Shopify\u2019s signed callback', () => {
  async function shopifyCallback(c: Client, shop = 'signed-shop.myshopify.com') {
    const created = await newAccount(c, { name: 'Shopify', channel: 'shopify', shopDomain: shop });
    const start = await c.call('POST', `/api/accounts/${created.id}/channel/connect`, {});
    expect(new URL(start.body.authorizeUrl).pathname).toBe(`/${shop}/admin/oauth/authorize`);
    const page = await consent(start.body.authorizeUrl, SHOPIFY_FACTS.accept.decision);
    return { created, location: page.location! };
  }

  it('refuses a tampered HMAC and writes nothing', async () => {
    const c = await newSeller(stack);
    const { created, location } = await shopifyCallback(c);
    const res = await followCallback(c, location, (u) => u.searchParams.set('hmac', '0'.repeat(64)));
    expect(landingCode(res.landing)).toBe('bad_signature');
    await expectNothingWritten(c, created);
  });

  it('refuses a tampered parameter under a valid-looking HMAC', async () => {
    const c = await newSeller(stack);
    const { created, location } = await shopifyCallback(c);
    const res = await followCallback(c, location, (u) => u.searchParams.set('timestamp', String(Number(u.searchParams.get('timestamp')) + 1)));
    expect(landingCode(res.landing)).toBe('bad_signature');
    await expectNothingWritten(c, created);
  });

  it('refuses a shop outside myshopify.com', async () => {
    const c = await newSeller(stack);
    const { created, location } = await shopifyCallback(c);
    const res = await followCallback(c, location, (u) => u.searchParams.set('shop', 'evil.example.com'));
    expect(landingCode(res.landing)).toBe('bad_signature');
    await expectNothingWritten(c, created);
  });

  it('refuses an install on another shop than the one the seller entered', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Shopify', channel: 'shopify', shopDomain: 'mine.myshopify.com' });
    const { landing } = await connectThroughSandbox(c, created.id, SHOPIFY_FACTS.accept.decision, { scenario: 'other_shop' });
    expect(landingCode(landing)).toBe('wrong_shop');
    await expectNothingWritten(c, created);
  });
});

describe('abandoning the consent page', () => {
  it('leaves the account page at 200, and Continue setup starts a fresh consent that finishes', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'eBay', channel: 'ebay' });
    const first = await c.call('POST', `/api/accounts/${created.id}/channel/connect`, {});
    // The seller closes the tab at eBay's page and comes back.
    expect((await c.call('GET', `/api/accounts/${created.id}`)).status).toBe(200);
    const resumed = await c.call('POST', `/api/accounts/${created.id}/resume`, {});
    expect(resumed.status).toBe(200);
    const { authorizeUrl, landing } = await connectThroughSandbox(c, created.id, EBAY_FACTS.accept.decision);
    expect(new URL(authorizeUrl).searchParams.get('state')).not.toBe(new URL(first.body.authorizeUrl).searchParams.get('state'));
    expect(landing).toBe(`/accounts/${created.id}/setup`);
  });

  it('refuses to start a consent for an account past its channel step', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Square', channel: 'square' });
    await connectThroughSandbox(c, created.id, SQUARE_FACTS.accept.decision);
    const again = await c.call('POST', `/api/accounts/${created.id}/channel/connect`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already connected/);
  });
});
