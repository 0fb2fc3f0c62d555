/**
 * Credentials never leave the secret store: every log line, API response,
 * redirect and DynamoDB item written while each OAuth channel connects (and
 * fails to) is captured, and no token or client secret is found in any.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { logger } from '#shared/runtime/logger.js';
import { AMAZON_FACTS, EBAY_FACTS, ETSY_FACTS, SHOPIFY_FACTS, SQUARE_FACTS, TIKTOK_SHOP_FACTS, WALMART_FACTS, WOOCOMMERCE_FACTS } from '#local/sandboxes/facts.js';
import { WALMART_SANDBOX_KEYS } from '#local/sandboxes/walmart/index.js';
import { appSecretsFor } from '#local/sandboxes/index.js';
import { sandboxRegistrations } from '#local/sandboxes/registrations.js';
import { acceptConsent, consent } from '#local/sandboxes/consent.js';
import { client, connectThroughSandbox, followCallback, newAccount, newSeller, withStack, type Client } from '#local/test-helpers.js';
import type { LocalStack } from '#local/stack.js';

let stack: LocalStack;
const logs: string[] = [];
const responses: string[] = [];
const write = process.stdout.write.bind(process.stdout);
const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
const originals = Object.fromEntries(METHODS.map((m) => [m, console[m]])) as Record<(typeof METHODS)[number], (...a: unknown[]) => void>;

beforeAll(async () => {
  // Everything the functions log, at the most verbose level.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logs.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  // The logger writes its lines on stdout (as in Lambda); keep a copy of every line.
  const sink = (...args: unknown[]) => void logs.push(args.map(String).join(' '));
  for (const m of METHODS) console[m] = sink;
  (logger as unknown as { console: Record<string, unknown> }).console = { log: sink, info: sink, warn: sink, error: sink, debug: sink, trace: sink };
  stack = await withStack({ logLevel: 'DEBUG', sandboxSlowMs: 2_000, providerTimeoutMs: 500 });
});
afterAll(async () => {
  process.stdout.write = write;
  for (const m of METHODS) console[m] = originals[m];
  await stack?.stop();
});

/** A client whose every API answer is kept. */
function recorded(c: Client): Client {
  const call = c.call.bind(c);
  c.call = async (...args) => {
    const res = await call(...args);
    responses.push(JSON.stringify(res.body ?? ''), JSON.stringify([...res.headers.entries()]));
    return res;
  };
  return c;
}

const RUNS = [
  { body: { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, decision: AMAZON_FACTS.accept.decision, choices: { ...AMAZON_FACTS.accept.choices } },
  { body: { name: 'Amazon NA', channel: 'amazon', region: 'north-america' }, decision: AMAZON_FACTS.accept.decision, choices: { ...AMAZON_FACTS.accept.choices, scenario: 'other_region' } },
  { body: { name: 'eBay', channel: 'ebay' }, decision: EBAY_FACTS.accept.decision, choices: {} },
  { body: { name: 'eBay slow', channel: 'ebay' }, decision: EBAY_FACTS.accept.decision, choices: { scenario: 'token_slow' } },
  { body: { name: 'Shopify', channel: 'shopify', shopDomain: 'secret-check.myshopify.com' }, decision: SHOPIFY_FACTS.accept.decision, choices: {} },
  { body: { name: 'Etsy', channel: 'etsy' }, decision: ETSY_FACTS.accept.decision, choices: {} },
  { body: { name: 'Etsy failing', channel: 'etsy' }, decision: ETSY_FACTS.accept.decision, choices: { scenario: 'token_error' } },
  { body: { name: 'TikTok', channel: 'tiktok-shop', region: 'UK' }, decision: TIKTOK_SHOP_FACTS.accept.decision, choices: TIKTOK_SHOP_FACTS.sellerRegion('UK') },
  { body: { name: 'Square', channel: 'square' }, decision: SQUARE_FACTS.accept.decision, choices: {} },
  { body: { name: 'Walmart US', channel: 'walmart', region: 'US' }, decision: WALMART_FACTS.accept.decision, choices: {} },
] as const;

describe('credentials during connections', () => {
  it('appear in no log line, API response, redirect or DynamoDB item', async () => {
    const c = recorded(await newSeller(stack));
    for (const run of RUNS) {
      const account = await newAccount(c, run.body);
      const { landing, callback } = await connectThroughSandbox(c, account.id, run.decision, run.choices);
      responses.push(landing ?? '');
      await c.call('GET', `/api/accounts/${account.id}`);
      await c.call('GET', `/api/accounts/${account.id}/events`);
      // The provider's redirect carries a one-time code, never a token; it is not logged either.
      expect(logs.join('')).not.toContain(new URL(callback!).searchParams.get('code') ?? 'no code');
    }
    await c.call('GET', '/api/accounts');

    // What must never leak: every token stored, and every app secret.
    const credentials = new Set<string>();
    for (const name of stack.secrets.names()) {
      const { SecretString } = (await stack.secrets.operations.GetSecretValue!({ SecretId: name })) as { SecretString: string };
      for (const [key, value] of Object.entries(JSON.parse(SecretString) as Record<string, string>)) {
        // Expiry times are not credentials: the connection record keeps them, by design.
        if (/token|secret/i.test(key) && !/ExpiresAt$/.test(key)) credentials.add(value);
      }
    }
    for (const app of Object.values(appSecretsFor(sandboxRegistrations(stack.url)))) credentials.add(app.clientSecret!);
    expect(credentials.size).toBeGreaterThan(12);

    const { Items } = await dynamoClient().send(new ScanCommand({ TableName: 'onramp' }));
    const haystacks = { logs: logs.join('\n'), responses: responses.join('\n'), items: JSON.stringify(Items) };
    // The three failed connections were logged (so the capture works), with their reasons.
    expect(haystacks.logs.match(/connect failed/g)?.length).toBeGreaterThanOrEqual(3);
    for (const credential of credentials) {
      for (const [where, text] of Object.entries(haystacks)) {
        expect(text.includes(credential), `a credential appears in ${where}`).toBe(false);
      }
    }
  });

  it('connect links’ tokens appear in no log line, API response (but the one that made the link), redirect or DynamoDB item', async () => {
    // The seller's client is recorded only once the links are made: the answer that makes a link is the one place its token is.
    const seller = await newSeller(stack);
    const account = await newAccount(seller, { name: 'Amazon EU linked', channel: 'amazon', region: 'europe' });
    const tokens: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const made = await seller.call('POST', `/api/accounts/${account.id}/invitations`, { step: 'channel', note: `link ${i}` });
      expect(made.status).toBe(201);
      tokens.push(new URL(made.body.url).hash.slice(1));
      ids.push(made.body.invitation.id);
    }
    const [used, revoked, twice] = tokens as [string, string, string];
    recorded(seller);
    const holder = recorded(client(stack));
    expect((await seller.call('DELETE', `/api/accounts/${account.id}/invitations/${ids[1]}`, {})).status).toBe(200);
    expect((await holder.call('POST', '/api/invitations/open', { token: used })).status).toBe(200);
    // Two consents from one link, and one from another link of the same step: one connects, the others are refused at the callback.
    const starts = [];
    for (const token of [used, twice, used]) starts.push((await holder.call('POST', '/api/invitations/connect', { token })).body.authorizeUrl as string);
    for (const url of starts) {
      const page = await acceptConsent(url, 'amazon');
      const { landing, callback } = await followCallback(holder, page.location!);
      responses.push(landing ?? '', callback);
    }
    for (const token of [used, revoked, twice, 'D'.repeat(43)]) await holder.call('POST', '/api/invitations/open', { token });
    await seller.call('GET', `/api/accounts/${account.id}/invitations`);
    await seller.call('GET', `/api/accounts/${account.id}/events`);
    expect(JSON.stringify(responses)).toContain('connected via invitation');

    const { Items } = await dynamoClient().send(new ScanCommand({ TableName: 'onramp' }));
    expect(Items?.filter((i) => i.entity === 'invitation').length).toBeGreaterThanOrEqual(3);
    const haystacks = { logs: logs.join('\n'), responses: responses.join('\n'), items: JSON.stringify(Items) };
    for (const token of tokens) {
      for (const [where, text] of Object.entries(haystacks)) {
        expect(text.includes(token), `a link's token appears in ${where}`).toBe(false);
      }
    }
  });

  it('keys brought through connect links, and the links\u2019 tokens, appear in no log line, API response, redirect or DynamoDB item', async () => {
    const seller = await newSeller(stack);
    const walmart = await newAccount(seller, { name: 'Walmart MX linked', channel: 'walmart', region: 'MX' });
    const woo = await newAccount(seller, { name: 'Woo linked', channel: 'woocommerce' });
    const tokens: string[] = [];
    for (const account of [walmart, woo]) {
      const made = await seller.call('POST', `/api/accounts/${account.id}/invitations`, { step: 'channel' });
      expect(made.status).toBe(201);
      tokens.push(new URL(made.body.url).hash.slice(1));
    }
    const [walmartLink, wooLink] = tokens as [string, string];
    recorded(seller);
    const holder = recorded(client(stack));
    const key = WALMART_SANDBOX_KEYS.find((k) => k.clientId === WALMART_FACTS.keys.mx.clientId)!;
    // Pasted keys: a secret Walmart rejects, then the right one.
    expect((await holder.call('POST', '/api/invitations/keys', { token: walmartLink, clientId: key.clientId, clientSecret: `${key.clientSecret}-not` })).status).toBe(400);
    expect((await holder.call('POST', '/api/invitations/keys', { token: walmartLink, clientId: key.clientId, clientSecret: key.clientSecret })).body).toEqual({ connected: 'channel' });
    // One click at the store: the store posts the keys, the holder comes back and its page sends the token.
    const started = await holder.call('POST', '/api/invitations/keys', { token: wooLink, storeUrl: `${stack.sandboxes.origin}/woocommerce` });
    expect(started.status).toBe(200);
    const page = await consent(started.body.authorizeUrl, WOOCOMMERCE_FACTS.accept.decision);
    const { landing, callback } = await followCallback(holder, page.location!);
    responses.push(landing ?? '', callback);
    const userId = new URL(started.body.authorizeUrl).searchParams.get('user_id')!;
    expect((await holder.call('POST', '/api/invitations/keys/return', { token: wooLink, userId, success: true })).body).toEqual({ connected: 'channel' });
    // A stranger's return for the same approval, after it was decided.
    await client(stack).call('POST', '/api/invitations/keys/return', { userId, success: true });
    await seller.call('GET', `/api/accounts/${walmart.id}`);
    await seller.call('GET', `/api/accounts/${woo.id}/events`);
    expect(JSON.stringify(responses)).toContain('connected via invitation');

    const keys = new Set<string>([key.clientSecret]);
    for (const name of stack.secrets.names().filter((n) => n.startsWith(`onramp/${woo.id}/`))) {
      const { SecretString } = (await stack.secrets.operations.GetSecretValue!({ SecretId: name })) as { SecretString: string };
      const secret = JSON.parse(SecretString) as Record<string, string>;
      keys.add(secret.consumerKey!);
      keys.add(secret.consumerSecret!);
    }
    expect(keys.size).toBe(3);
    const { Items } = await dynamoClient().send(new ScanCommand({ TableName: 'onramp' }));
    const haystacks = { logs: logs.join('\n'), responses: responses.join('\n'), items: JSON.stringify(Items) };
    for (const secret of [...tokens, ...keys]) {
      for (const [where, text] of Object.entries(haystacks)) {
        expect(text.includes(secret), `a key or a link's token appears in ${where}`).toBe(false);
      }
    }
  });
});
