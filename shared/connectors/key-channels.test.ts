/**
 * Contract tests: the keys channels (Walmart, WooCommerce) against their
 * sandboxes (written from the providers' documentation, independently of the
 * connectors), on the local stack, as the web app calls it. Every refusal has
 * its sentence, and a refusal leaves the account as it was, with no secret.
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { dynamoPendingKeys } from '#shared/adapters/dynamo/pending-keys.js';
import { dynamoWizardStore } from '#shared/adapters/dynamo/wizard-store.js';
import { accountResponse } from '#shared/http/schemas.js';
import { consent } from '#local/sandboxes/consent.js';
import { WALMART_SANDBOX_KEYS } from '#local/sandboxes/walmart/index.js';
import { WALMART_FACTS, WOOCOMMERCE_FACTS } from '#local/sandboxes/facts.js';
import { WOO_SANDBOX_KEYS } from '#local/sandboxes/woocommerce/index.js';
import { approveAtStore, client, followCallback, newAccount, newSeller, settled, withStack, type Client } from '#local/test-helpers.js';
import type { LocalStack } from '#local/stack.js';

let stack: LocalStack;
let slowStore: Server;
let slowStoreUrl: string;
let closedPort: number;

beforeAll(async () => {
  stack = await withStack({ sandboxSlowMs: 2_500, providerTimeoutMs: 800 });
  // A store that never answers in time, and a port where nothing listens: both on loopback.
  slowStore = http.createServer((_req, res) => void setTimeout(() => res.writeHead(200).end('late'), 3_000));
  await new Promise<void>((resolve) => slowStore.listen(0, '127.0.0.1', resolve));
  slowStoreUrl = `http://127.0.0.1:${(slowStore.address() as AddressInfo).port}/shop`;
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  // Let the wizard's executions record their task tokens before the database closes.
  if (stack) await settled(stack).catch(() => undefined);
  slowStore?.closeAllConnections();
  await new Promise<void>((resolve) => (slowStore ? slowStore.close(() => resolve()) : resolve()));
  await stack?.stop();
});

const walmartKey = (id: string) => WALMART_SANDBOX_KEYS.find((k) => k.clientId === id)!;
const wooKey = (permissions: string) => WOO_SANDBOX_KEYS.find((k) => k.permissions === permissions)!;
const store = () => `${stack.sandboxes.origin}/woocommerce`;

async function account(c: Client, id: string) {
  const res = await c.call('GET', `/api/accounts/${id}`);
  expect(res.status).toBe(200);
  return accountResponse.parse(res.body).account;
}

function secretsOf(accountId: string): string[] {
  return stack.secrets.names().filter((n) => n.startsWith(`onramp/${accountId}/`));
}

async function secretOf(accountId: string): Promise<Record<string, string>> {
  const [name] = secretsOf(accountId);
  const { SecretString } = (await stack.secrets.operations.GetSecretValue!({ SecretId: name })) as { SecretString: string };
  return JSON.parse(SecretString) as Record<string, string>;
}

/** The account is as it was: at its first step, at its version, with nothing connected and no secret. */
async function expectNothingWritten(c: Client, before: { id: string; updatedAt: string; fields: unknown }) {
  const after = await account(c, before.id);
  expect(after.setup.step).toBe('connect_channel');
  expect(after.connections).toEqual([]);
  expect(after.fields).toEqual(before.fields);
  expect(after.updatedAt).toBe(before.updatedAt);
  expect(secretsOf(before.id)).toEqual([]);
}

const connect = (c: Client, id: string, body: Record<string, unknown>) => c.call('POST', `/api/accounts/${id}/channel/connect`, body);

describe('connecting Walmart with pasted keys', () => {
  it.each([
    ['United States', 'US', WALMART_FACTS.keys.us.clientId, undefined],
    ['Mexico', 'MX', WALMART_FACTS.keys.mx.clientId, 'mx'],
  ] as const)('connects a %s account: checks the keys with Walmart, stores them in the channel secret, moves on to Connect Bookkeeping', async (name, region, clientId, market) => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: `Walmart ${region}`, channel: 'walmart', region });
    const key = walmartKey(clientId);
    const before = stack.sandboxes.calls.length;
    const res = await connect(c, created.id, { clientId: ` ${key.clientId} `, clientSecret: key.clientSecret });
    expect(res.status).toBe(200);
    const connected = accountResponse.parse(res.body).account;
    expect(connected.setup.step).toBe('connect_bookkeeping');
    const [connection] = connected.connections;
    expect(connection?.label).toBe(`Walmart: ${name}`);
    expect(connection?.details).toEqual([
      { label: 'Market', value: name },
      { label: 'Client ID', value: `ending in ${key.clientId.slice(-4)}` },
      { label: 'Reports', value: 'View only' },
    ]);
    // The token call, then the token detail call; nothing else.
    expect(stack.sandboxes.calls.slice(before).map((x) => `${x.method} ${x.host}${x.path}`)).toEqual([
      'POST marketplace.walmartapis.com/v3/token',
      'GET marketplace.walmartapis.com/v3/token/detail',
    ]);
    expect(await secretOf(created.id)).toEqual({ clientId: key.clientId, clientSecret: key.clientSecret, market: market ?? 'us' });
    // The keys are never shown back: not the secret, not the whole Client ID.
    const shown = JSON.stringify(await account(c, created.id)) + JSON.stringify(res.body);
    expect(shown).not.toContain(key.clientSecret);
    expect(shown).not.toContain(key.clientId);
  });

  it('refuses keys Walmart rejects, with a sentence next to both keys, and stores nothing', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Walmart', channel: 'walmart', region: 'US' });
    const res = await connect(c, created.id, { clientId: WALMART_FACTS.keys.us.clientId, clientSecret: 'not-the-secret' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('keys_rejected');
    expect(res.body.error.message).toMatch(/^Walmart did not accept this Client ID and Client Secret, so nothing was saved\./);
    expect(Object.keys(res.body.error.fields)).toEqual(['clientId', 'clientSecret']);
    await expectNothingWritten(c, created);
  });

  it('refuses a key without access to Reports, saying what to change in the Developer Portal', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Walmart', channel: 'walmart', region: 'US' });
    const key = walmartKey(WALMART_FACTS.keys.noReports.clientId);
    const res = await connect(c, created.id, { clientId: key.clientId, clientSecret: key.clientSecret });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('keys_no_reports');
    expect(res.body.error.message).toMatch(/does not have access to Reports.*Reports set to "View Only"/);
    expect(res.body.error.fields).toEqual({ clientId: 'This key has no access to Reports.' });
    await expectNothingWritten(c, created);
  });

  it.each([
    ['US', WALMART_FACTS.keys.mx.clientId, 'These keys are for Walmart Mexico, but this account is for Walmart United States'],
    ['MX', WALMART_FACTS.keys.us.clientId, 'These keys are for Walmart United States, but this account is for Walmart Mexico'],
  ] as const)('tells a %s seller whose keys were made for the other market which market they are for', async (region, clientId, sentence) => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Walmart', channel: 'walmart', region });
    const key = walmartKey(clientId);
    const res = await connect(c, created.id, { clientId: key.clientId, clientSecret: key.clientSecret });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('keys_wrong_market');
    expect(res.body.error.message).toContain(sentence);
    await expectNothingWritten(c, created);
  });

  it.each([
    ['down (its token endpoint answers 500)', WALMART_FACTS.keys.down.clientId, 502, 'provider_error', /^Walmart is not answering right now, so we could not check your keys\. Nothing was saved\./],
    ['slower than our timeout', WALMART_FACTS.keys.slow.clientId, 504, 'provider_timeout', /^Walmart took too long to answer, so we could not check your keys\. Nothing was saved\./],
  ] as const)('answers a Walmart that is %s with a sentence to try again later, and stores nothing', async (_what, clientId, status, code, sentence) => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Walmart', channel: 'walmart', region: 'US' });
    const key = walmartKey(clientId);
    const res = await connect(c, created.id, { clientId: key.clientId, clientSecret: key.clientSecret });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(sentence);
    await expectNothingWritten(c, created);
  });

  it('asks for each missing key by name, and calls nobody', async () => {
    const c = await newSeller(stack);
    // Mexico, where keys are the only way (a US account without keys starts Walmart's consent).
    const created = await newAccount(c, { name: 'Walmart', channel: 'walmart', region: 'MX' });
    const before = stack.sandboxes.calls.length;
    const res = await connect(c, created.id, { clientId: WALMART_FACTS.keys.us.clientId, clientSecret: '  ' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual({ clientSecret: expect.stringMatching(/^Paste the Client Secret/) });
    const none = await connect(c, created.id, {});
    expect(Object.keys(none.body.error.fields)).toEqual(['clientId', 'clientSecret']);
    expect(stack.sandboxes.calls.length).toBe(before);
    await expectNothingWritten(c, created);
  });

  it('refuses fields Walmart does not take, and fields no channel takes', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Walmart', channel: 'walmart', region: 'US' });
    const key = walmartKey(WALMART_FACTS.keys.us.clientId);
    const woo = await connect(c, created.id, { clientId: key.clientId, clientSecret: key.clientSecret, storeUrl: 'https://shop.example.com' });
    expect(woo.status).toBe(400);
    expect(woo.body.error.fields).toEqual({ storeUrl: 'Walmart does not take this. Remove it and try again.' });
    const unknown = await connect(c, created.id, { clientId: key.clientId, clientSecret: key.clientSecret, password: 'x' });
    expect(unknown.status).toBe(400);
    expect(Object.keys(unknown.body.error.fields)).toEqual(['password']);
    await expectNothingWritten(c, created);
  });

  it('refuses keys for an account whose channel is already connected', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Walmart', channel: 'walmart', region: 'US' });
    const key = walmartKey(WALMART_FACTS.keys.us.clientId);
    expect((await connect(c, created.id, { clientId: key.clientId, clientSecret: key.clientSecret })).status).toBe(200);
    const again = await connect(c, created.id, { clientId: key.clientId, clientSecret: key.clientSecret });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already connected/);
  });

  it('flags the same keys connected to another of the seller\u2019s accounts', async () => {
    const c = await newSeller(stack);
    const key = walmartKey(WALMART_FACTS.keys.us.clientId);
    const first = await newAccount(c, { name: 'Walmart main', channel: 'walmart', region: 'US' });
    await connect(c, first.id, { clientId: key.clientId, clientSecret: key.clientSecret });
    const second = await newAccount(c, { name: 'Walmart again', channel: 'walmart', region: 'US' });
    const res = await connect(c, second.id, { clientId: key.clientId, clientSecret: key.clientSecret });
    expect(accountResponse.parse(res.body).account.connections[0]?.alsoConnectedTo).toBe('Walmart main');
  });

  it('answers another seller\u2019s account with a 404, and calls nobody', async () => {
    const owner = await newSeller(stack);
    const other = await newSeller(stack);
    const created = await newAccount(owner, { name: 'Walmart', channel: 'walmart', region: 'US' });
    const key = walmartKey(WALMART_FACTS.keys.us.clientId);
    const before = stack.sandboxes.calls.length;
    expect((await connect(other, created.id, { clientId: key.clientId, clientSecret: key.clientSecret })).status).toBe(404);
    expect(stack.sandboxes.calls.length).toBe(before);
    await expectNothingWritten(owner, created);
  });
});

describe('connecting WooCommerce with pasted keys', () => {
  it('asks for the store URL when the account has none, checks a Read key on the store, and keeps the store on the account', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Woo', channel: 'woocommerce' });
    const key = wooKey('read');
    const missing = await connect(c, created.id, { consumerKey: key.consumerKey, consumerSecret: key.consumerSecret });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toEqual({ storeUrl: 'Enter your store\u2019s address, like https://shop.example.com.' });

    const before = stack.sandboxes.calls.length;
    const res = await connect(c, created.id, { storeUrl: `${store()}/wp-admin/admin.php?page=wc-settings`, consumerKey: key.consumerKey, consumerSecret: key.consumerSecret });
    expect(res.status).toBe(200);
    const connected = accountResponse.parse(res.body).account;
    expect(connected.setup.step).toBe('connect_bookkeeping');
    expect(connected.fields).toEqual([{ key: 'storeUrl', label: 'Store URL', value: store() }]);
    expect(connected.connections[0]?.label).toBe('WooCommerce: Sandbox Store');
    expect(connected.connections[0]?.details).toEqual([
      { label: 'Store', value: 'Sandbox Store' },
      { label: 'Store URL', value: store() },
      { label: 'Consumer Key', value: `ending in ${key.consumerKey.slice(-4)}` },
    ]);
    // The store is found first (no key sent), then one authenticated read.
    expect(stack.sandboxes.calls.slice(before).map((x) => `${x.method} ${x.host}${x.path}`)).toEqual(['GET woocommerce/wp-json/', 'GET woocommerce/wp-json/wc/v3/system_status']);
    expect(await secretOf(created.id)).toEqual({ storeUrl: store(), restStyle: 'path', consumerKey: key.consumerKey, consumerSecret: key.consumerSecret });
    const shown = JSON.stringify(await account(c, created.id));
    expect(shown).not.toContain(key.consumerSecret);
    expect(shown).not.toContain(key.consumerKey);
  });

  it('names every field to fix at once, before calling anything', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Woo', channel: 'woocommerce' });
    const before = stack.sandboxes.calls.length;
    const res = await connect(c, created.id, { consumerKey: 'cs_pasted_in_the_wrong_field' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['consumerKey', 'consumerSecret', 'storeUrl']);
    expect(res.body.error.fields.consumerKey).toMatch(/starts with ck_/);
    expect(stack.sandboxes.calls.length).toBe(before);
    await expectNothingWritten(c, created);
  });

  it('uses the store URL the account already has, and accepts a Read/Write key', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Woo', channel: 'woocommerce' });
    // As if the seller had entered it when creating the account (the sandbox store is plain http, which only the local stack allows).
    const wizard = dynamoWizardStore(dynamoClient(), 'onramp');
    const rec = (await wizard.load((await c.call('GET', '/api/me')).body.user.id as string, created.id))!;
    await wizard.apply(rec, rec.version, { set: { fields: { storeUrl: store() } } }, new Date().toISOString());
    const key = wooKey('read_write');
    const res = await connect(c, created.id, { consumerKey: key.consumerKey, consumerSecret: key.consumerSecret });
    expect(res.status).toBe(200);
    expect(accountResponse.parse(res.body).account.setup.step).toBe('connect_bookkeeping');
  });

  it.each([
    ['a key without Read permission', () => ({ ...wooKey('write') }), 'keys_no_read', 'consumerKey', /does not have Read permission.*set Permissions to "Read"/],
    ['a wrong Consumer Secret', () => ({ ...wooKey('read'), consumerSecret: 'cs_not_the_secret' }), 'keys_wrong_secret', 'consumerSecret', /^The Consumer Secret does not match this Consumer Key, so nothing was saved\./],
    ['a Consumer Key the store does not know', () => ({ consumerKey: 'ck_nobody_made_this', consumerSecret: 'cs_nor_this' }), 'keys_unknown', 'consumerKey', /^Your store does not recognise this Consumer Key, so nothing was saved\./],
  ])('refuses %s with its own sentence, and stores nothing', async (_what, keys, code, field, sentence) => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Woo', channel: 'woocommerce' });
    const { consumerKey, consumerSecret } = keys();
    const res = await connect(c, created.id, { storeUrl: store(), consumerKey, consumerSecret });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(sentence);
    expect(Object.keys(res.body.error.fields)).toEqual([field]);
    await expectNothingWritten(c, created);
  });

  it.each([
    ['a WordPress site with its REST API turned off', (): string => `${stack.sandboxes.origin}/not-woocommerce`, 400, 'store_rest_off', /is a WordPress site, but its REST API is turned off or blocked/],
    ['an address that is not a WordPress site', (): string => `${stack.sandboxes.origin}/no-store-here`, 400, 'store_not_wordpress', /does not look like a WordPress site/],
    ['a store it cannot reach', (): string => `http://127.0.0.1:${closedPort}/shop`, 502, 'store_unreachable', /^We could not reach your store at .*, so nothing was saved\./],
    ['a store slower than our timeout', (): string => slowStoreUrl, 504, 'store_timeout', /took too long to answer, so nothing was saved/],
    ['an address that is not a web address', (): string => 'ftp://shop.example.com', 400, 'store_url_invalid', /^Enter your store\u2019s address, like https:\/\/shop\.example\.com\.$/],
  ] as const)('refuses %s with its own sentence next to the Store URL, sends no key, and stores nothing', async (_what, url, status, code, sentence) => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Woo', channel: 'woocommerce' });
    const key = wooKey('read');
    const before = stack.sandboxes.calls.length;
    const res = await connect(c, created.id, { storeUrl: url(), consumerKey: key.consumerKey, consumerSecret: key.consumerSecret });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(sentence);
    expect(res.body.error.fields.storeUrl).toBe(res.body.error.message);
    // Nothing reached a REST route with the key.
    expect(stack.sandboxes.calls.slice(before).filter((x) => x.path.includes('/wc/v3/'))).toEqual([]);
    await expectNothingWritten(c, created);
  });

  it('refuses another store address than the one the account was created with, before calling anything', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Woo', channel: 'woocommerce', storeUrl: 'https://shop.example.com' });
    const key = wooKey('read');
    const res = await connect(c, created.id, { storeUrl: store(), consumerKey: key.consumerKey, consumerSecret: key.consumerSecret });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual({ storeUrl: 'This account is for the store at https://shop.example.com. To connect another store, add a new account for it.' });
    await expectNothingWritten(c, created);
  });
});

describe('WooCommerce one-click key creation', () => {
  async function start(c: Client, body: Record<string, unknown> = { storeUrl: store() }) {
    const created = await newAccount(c, { name: 'Woo', channel: 'woocommerce' });
    const res = await connect(c, created.id, body);
    expect(res.status).toBe(200);
    const authorizeUrl = new URL(res.body.authorizeUrl as string);
    return { created, authorizeUrl, userId: authorizeUrl.searchParams.get('user_id')! };
  }

  it('sends the seller to the store\u2019s approval page, asking Read access for Onramp with an unguessable user_id, to come back through Onramp\u2019s API', async () => {
    const c = await newSeller(stack);
    const { created, authorizeUrl, userId } = await start(c);
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${store()}/wc-auth/v1/authorize`);
    expect(Object.fromEntries(authorizeUrl.searchParams)).toEqual({
      app_name: 'Onramp',
      scope: 'read',
      user_id: userId,
      return_url: `${stack.url}/api/oauth/woocommerce/return?account=${created.id}`,
      callback_url: `${stack.url}/api/oauth/woocommerce/callback`,
    });
    expect(userId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only a hash of it is kept.
    const { Items } = await dynamoClient().send(new ScanCommand({ TableName: 'onramp' }));
    expect(JSON.stringify(Items)).not.toContain(userId);
  });

  it('Approve: the store posts the keys, Onramp checks and holds them, and they are the account\u2019s once the seller\u2019s browser comes back with its session', async () => {
    const c = await newSeller(stack);
    const { created, authorizeUrl, userId } = await start(c);
    const page = await consent(authorizeUrl.href, WOOCOMMERCE_FACTS.accept.decision);
    expect(page.pageStatus).toBe(200);
    expect(page.location).toBe(`${stack.url}/api/oauth/woocommerce/return?account=${created.id}&success=1&user_id=${userId}`);
    // Posted and held: staged in a secret of their own, which no account names yet.
    expect((await account(c, created.id)).setup.step).toBe('connect_channel');
    expect(secretsOf(created.id)).toHaveLength(1);

    const back = await followCallback(c, page.location!);
    expect(back.status).toBe(302);
    expect(back.landing).toBe(`/accounts/${created.id}/setup`);
    const after = await account(c, created.id);
    expect(after.setup.step).toBe('connect_bookkeeping');
    expect(after.fields).toEqual([{ key: 'storeUrl', label: 'Store URL', value: store() }]);
    const secret = await secretOf(created.id);
    expect(secret.consumerKey).toMatch(/^ck_[0-9a-f]{40}$/);
    expect(secret.consumerSecret).toMatch(/^cs_[0-9a-f]{40}$/);
    // Which store and which key: the store's address and the key's last four characters, never the key.
    expect(after.connections[0]?.details).toEqual([
      { label: 'Store', value: 'Sandbox Store' },
      { label: 'Store URL', value: store() },
      { label: 'Consumer Key', value: `ending in ${secret.consumerKey!.slice(-4)}` },
      { label: 'Permissions', value: 'Read' },
    ]);
    expect(JSON.stringify(after)).not.toContain(secret.consumerSecret);
    expect(JSON.stringify(after)).not.toContain(secret.consumerKey);
    // The used approval is gone: coming back again changes nothing, and finds the account connected.
    expect((await followCallback(c, page.location!)).landing).toBe(`/accounts/${created.id}/setup`);
    expect(secretsOf(created.id)).toHaveLength(1);
  });

  it('Deny: the seller comes back through Onramp to the form, told they denied, and nothing is stored', async () => {
    const c = await newSeller(stack);
    const { created, authorizeUrl, userId } = await start(c);
    const before = await account(c, created.id);
    const back = await approveAtStore(c, authorizeUrl.href, 'deny');
    expect(back.location).toBe(`${stack.url}/api/oauth/woocommerce/return?account=${created.id}&success=0&user_id=${userId}`);
    expect(back.landing).toBe(`/accounts/${created.id}/setup?connect=automatic&keys=denied`);
    await expectNothingWritten(c, before);
  });

  it('does not send the seller to an address that is not a WooCommerce store', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Woo', channel: 'woocommerce' });
    const res = await connect(c, created.id, { storeUrl: `${stack.sandboxes.origin}/not-woocommerce` });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('store_rest_off');
    await expectNothingWritten(c, created);
  });
});

describe('WooCommerce one-click keys are kept only when the seller\u2019s own browser comes back (issue 18, item 4)', () => {
  const post = (body: unknown) => client(stack).call('POST', '/api/oauth/woocommerce/callback', body, { 'content-type': 'application/json;charset=UTF-8' });
  const returnUrl = (accountId: string, userId: string, success = '1', purpose = '') =>
    `${stack.url}/api/oauth/woocommerce/return?account=${accountId}${purpose ? `&purpose=${purpose}` : ''}&success=${success}&user_id=${encodeURIComponent(userId)}`;
  const nobody = () => client(stack);
  async function start(c: Client) {
    const created = await newAccount(c, { name: 'Woo', channel: 'woocommerce' });
    const res = await connect(c, created.id, { storeUrl: store() });
    expect(res.status).toBe(200);
    return { created, authorizeUrl: res.body.authorizeUrl as string, userId: new URL(res.body.authorizeUrl as string).searchParams.get('user_id')! };
  }
  const keysFor = (userId: string, permissions = 'read') => {
    const k = wooKey(permissions);
    return { key_id: 7, user_id: userId, consumer_key: k.consumerKey, consumer_secret: k.consumerSecret, key_permissions: 'read' };
  };

  it('seller A sends the approval link to B, B approves in a browser without A\u2019s session: nothing lands on A\u2019s account and the staged keys are deleted', async () => {
    const a = await newSeller(stack);
    const { created, authorizeUrl } = await start(a);
    const before = await account(a, created.id);
    // B (signed in to nothing at Onramp) approves at B's store: the store posts B's keys, then sends B's browser back.
    const b = await approveAtStore(nobody(), authorizeUrl);
    expect(b.location).toContain('success=1');
    expect(b.landing).toBe('/login?connect_error=keys_not_kept');
    await expectNothingWritten(a, before);
    // A coming back afterwards finds the approval used up.
    expect((await followCallback(a, b.location)).landing).toBe(`/accounts/${created.id}/setup?connect_error=expired`);
    await expectNothingWritten(a, before);
  });

  it('the same when B is signed in to Onramp as another seller, or A comes back for another of A\u2019s accounts', async () => {
    const a = await newSeller(stack);
    const { created, authorizeUrl } = await start(a);
    const before = await account(a, created.id);
    const b = await newSeller(stack);
    const back = await approveAtStore(b, authorizeUrl);
    expect(back.landing).toBe('/?connect_error=keys_not_kept');
    await expectNothingWritten(a, before);

    // A's browser, but the return names another of A's accounts than the one the approval was started for.
    const second = await start(a);
    const secondBefore = await account(a, second.created.id);
    const other = await account(a, (await newAccount(a, { name: 'Another Woo', channel: 'woocommerce' })).id);
    const page = await consent(second.authorizeUrl, WOOCOMMERCE_FACTS.accept.decision);
    const tampered = await followCallback(a, page.location!, (u) => u.searchParams.set('account', other.id));
    expect(tampered.landing).toBe('/?connect_error=keys_not_kept');
    await expectNothingWritten(a, secondBefore);
    await expectNothingWritten(a, other);
  });

  it('a leaked user_id posting keys that do not work changes nothing: the seller\u2019s real approval still connects', async () => {
    const c = await newSeller(stack);
    const { created, authorizeUrl } = await start(c);
    const userId = new URL(authorizeUrl).searchParams.get('user_id')!;
    const before = await account(c, created.id);
    for (const garbage of [
      { ...keysFor(userId), consumer_key: 'ck_made_up_by_someone', consumer_secret: 'cs_made_up_by_someone' },
      keysFor(userId, 'write'), // keys that exist but cannot read
      { ...keysFor(userId), consumer_secret: 'cs_not_the_secret' },
    ]) {
      const res = await post(garbage);
      expect(res.status).toBe(400);
      await expectNothingWritten(c, before);
    }
    const back = await approveAtStore(c, authorizeUrl);
    expect(back.landing).toBe(`/accounts/${created.id}/setup`);
    expect((await account(c, created.id)).setup.step).toBe('connect_bookkeeping');
  });

  it('a second post for the same user_id is refused, and the first post\u2019s keys are the ones kept', async () => {
    const c = await newSeller(stack);
    const { created, userId } = await start(c);
    expect((await post(keysFor(userId))).status).toBe(200);
    const staged = secretsOf(created.id);
    expect(staged).toHaveLength(1);
    const other = { ...keysFor(userId, 'read_write') };
    expect((await post(other)).status).toBe(404);
    expect(secretsOf(created.id)).toEqual(staged);
    expect((await followCallback(c, returnUrl(created.id, userId))).landing).toBe(`/accounts/${created.id}/setup`);
    expect(await secretOf(created.id)).toMatchObject({ consumerKey: wooKey('read').consumerKey });
  });

  it('a return that finds the keys taken by a return that stopped before the account took them waits for them on the page, never claiming they were kept', async () => {
    const c = await newSeller(stack);
    const { created, userId } = await start(c);
    expect((await post(keysFor(userId))).status).toBe(200);
    // Another return took the approval, then its function instance stopped before the account's write.
    const pendingKeys = dynamoPendingKeys(dynamoClient(), 'onramp');
    expect(await pendingKeys.take(userId, 'posted', Math.floor(Date.now() / 1000))).toBeDefined();
    const back = await followCallback(c, returnUrl(created.id, userId));
    expect(back.landing).toBe(`/accounts/${created.id}/setup?connect=automatic&keys=waiting`);
    expect((await account(c, created.id)).setup.step).toBe('connect_channel');
  });

  it('two returns at once decide once: the account takes the keys once, and keeps one secret', async () => {
    const c = await newSeller(stack);
    const { created, userId } = await start(c);
    expect((await post(keysFor(userId))).status).toBe(200);
    const [one, two] = await Promise.all([followCallback(c, returnUrl(created.id, userId)), followCallback(c, returnUrl(created.id, userId))]);
    // The one that took the keys lands on the next step; the other finds them kept, or waits for them on the page.
    for (const landing of [one.landing, two.landing]) expect([`/accounts/${created.id}/setup`, `/accounts/${created.id}/setup?connect=automatic&keys=waiting`]).toContain(landing);
    expect([one.landing, two.landing]).toContain(`/accounts/${created.id}/setup`);
    const after = await account(c, created.id);
    expect(after.setup.step).toBe('connect_bookkeeping');
    expect(after.connections).toHaveLength(1);
    expect(secretsOf(created.id)).toHaveLength(1);
    const events = (await c.call('GET', `/api/accounts/${created.id}/events`)).body.events as { text: string }[];
    expect(events.filter((e) => /^Connected/.test(e.text))).toHaveLength(1);
  });

  it('the seller\u2019s return racing a browser without the session: one of them decides, and nothing is left half-kept', async () => {
    const c = await newSeller(stack);
    const { created, userId } = await start(c);
    expect((await post(keysFor(userId))).status).toBe(200);
    const [seller, stranger] = await Promise.all([followCallback(c, returnUrl(created.id, userId)), followCallback(nobody(), returnUrl(created.id, userId))]);
    const after = await account(c, created.id);
    if (after.setup.step === 'connect_bookkeeping') {
      expect(seller.landing).toBe(`/accounts/${created.id}/setup`);
      expect(secretsOf(created.id)).toHaveLength(1);
    } else {
      expect(stranger.landing).toBe('/login?connect_error=keys_not_kept');
      expect(secretsOf(created.id)).toEqual([]);
    }
  });

  it('the seller\u2019s browser back before the keys: the approval waits for them, and the store\u2019s post then connects the account directly', async () => {
    const c = await newSeller(stack);
    const { created, userId } = await start(c);
    const back = await followCallback(c, returnUrl(created.id, userId));
    expect(back.landing).toBe(`/accounts/${created.id}/setup?connect=automatic&keys=waiting`);
    expect((await account(c, created.id)).setup.step).toBe('connect_channel');
    expect((await post(keysFor(userId))).status).toBe(200);
    const after = await account(c, created.id);
    expect(after.setup.step).toBe('connect_bookkeeping');
    expect(secretsOf(created.id)).toHaveLength(1);
    expect(after.connections[0]?.details).toContainEqual({ label: 'Store URL', value: store() });
  });

  it('a browser without the session back before the keys: the approval is refused, so the store\u2019s post is refused (it deletes the keys) and nothing is stored', async () => {
    const c = await newSeller(stack);
    const { created, userId } = await start(c);
    const before = await account(c, created.id);
    expect((await followCallback(nobody(), returnUrl(created.id, userId))).landing).toBe('/login?connect_error=keys_not_kept');
    const res = await post(keysFor(userId));
    expect(res.status).toBe(404);
    await expectNothingWritten(c, before);
    // The seller's own return afterwards is told the approval is used up.
    expect((await followCallback(c, returnUrl(created.id, userId))).landing).toBe(`/accounts/${created.id}/setup?connect_error=expired`);
  });

  it('the seller denying after someone posted keys with a leaked user_id discards them', async () => {
    const c = await newSeller(stack);
    const { created, userId } = await start(c);
    const before = await account(c, created.id);
    expect((await post(keysFor(userId))).status).toBe(200);
    expect((await followCallback(c, returnUrl(created.id, userId, '0'))).landing).toBe(`/accounts/${created.id}/setup?connect=automatic&keys=denied`);
    await expectNothingWritten(c, before);
  });

  it('answers a return with no approval behind it, or an account id that is not one, with a sentence and changes nothing', async () => {
    const c = await newSeller(stack);
    const { created } = await start(c);
    expect((await followCallback(c, returnUrl(created.id, 'a-user-id-nobody-issued-0000000000'))).landing).toBe(`/accounts/${created.id}/setup?connect_error=expired`);
    expect((await followCallback(nobody(), returnUrl('not-an-account', 'x'))).landing).toBe('/login?connect_error=expired');
  });
});

describe('the WooCommerce key callback (POST /api/oauth/woocommerce/callback)', () => {
  const store$ = () => client(stack);
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    store$().call('POST', '/api/oauth/woocommerce/callback', body, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  const keysFor = (userId: string, permissions = 'read') => {
    const k = wooKey(permissions);
    return { key_id: 7, user_id: userId, consumer_key: k.consumerKey, consumer_secret: k.consumerSecret, key_permissions: permissions };
  };
  /** The seller's browser back from the store, with the seller's session. */
  const sellerBack = (c: Client, accountId: string, userId: string) => followCallback(c, `${stack.url}/api/oauth/woocommerce/return?account=${accountId}&success=1&user_id=${userId}`);
  async function pending(c: Client) {
    const created = await newAccount(c, { name: 'Woo', channel: 'woocommerce' });
    const res = await connect(c, created.id, { storeUrl: store() });
    return { created, userId: new URL(res.body.authorizeUrl as string).searchParams.get('user_id')! };
  }

  it.each(['read_write', 'write', undefined])('refuses keys whose permission is %s with a sentence, and the pending approval still takes read keys', async (permissions) => {
    const c = await newSeller(stack);
    const { created, userId } = await pending(c);
    const { key_permissions: _p, ...rest } = keysFor(userId, permissions === 'write' ? 'write' : permissions === 'read_write' ? 'read_write' : 'read');
    const res = await post(permissions === undefined ? rest : { ...rest, key_permissions: permissions });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/read-only keys/);
    expect((await account(c, created.id)).setup.step).toBe('connect_channel');
    expect((await post(keysFor(userId))).status).toBe(200);
    await sellerBack(c, created.id, userId);
    expect((await account(c, created.id)).setup.step).toBe('connect_bookkeeping');
  });

  it.each(['walmart', 'ebay', 'no-such-provider'])('refuses keys posted to the callback of %s (whose connector the function does not carry) with a sentence, and the approval still takes them at its own', async (provider) => {
    const c = await newSeller(stack);
    const { created, userId } = await pending(c);
    const res = await store$().call('POST', `/api/oauth/${provider}/callback`, keysFor(userId), { 'content-type': 'application/json;charset=UTF-8' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error.message).toMatch(/\w+ \w+/);
    expect((await post(keysFor(userId))).status).toBe(200);
    await sellerBack(c, created.id, userId);
    expect((await account(c, created.id)).setup.step).toBe('connect_bookkeeping');
  });

  it('accepts a store\u2019s server-to-server JSON post, with no cookie and no Origin, and answers 200 once the keys are checked and held', async () => {
    const c = await newSeller(stack);
    const { created, userId } = await pending(c);
    const res = await post(keysFor(userId));
    expect(res.status).toBe(200);
    expect((await account(c, created.id)).setup.step).toBe('connect_channel');
    expect(secretsOf(created.id)).toHaveLength(1);
    await sellerBack(c, created.id, userId);
    expect((await account(c, created.id)).setup.step).toBe('connect_bookkeeping');
    expect(secretsOf(created.id)).toHaveLength(1);
  });

  it('refuses an unknown user_id and stores nothing', async () => {
    const c = await newSeller(stack);
    const { created } = await pending(c);
    const before = await account(c, created.id);
    const res = await post(keysFor('a-user-id-nobody-issued-0000000000'));
    expect(res.status).toBe(404);
    await expectNothingWritten(c, before);
  });

  it('refuses a user_id used before: a replay stores nothing more', async () => {
    const c = await newSeller(stack);
    const { created, userId } = await pending(c);
    expect((await post(keysFor(userId))).status).toBe(200);
    await sellerBack(c, created.id, userId);
    const connected = await account(c, created.id);
    const secret = await secretOf(created.id);
    const replay = await post({ ...keysFor(userId, 'read') });
    expect(replay.status).toBe(404);
    expect((await account(c, created.id)).updatedAt).toBe(connected.updatedAt);
    expect(await secretOf(created.id)).toEqual(secret);
  });

  it('refuses a user_id past its time', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Woo', channel: 'woocommerce' });
    const me = (await c.call('GET', '/api/me')).body.user.id as string;
    const userId = 'an-expired-user-id-0000000000000000000000000';
    await dynamoPendingKeys(dynamoClient(), 'onramp').put(userId, {
      sellerId: me,
      accountId: created.id,
      provider: 'woocommerce',
      storeUrl: store(),
      storeUrlIsNew: true,
      expiresAt: Math.floor(Date.now() / 1000) - 1,
    });
    expect((await post(keysFor(userId))).status).toBe(404);
    expect((await sellerBack(c, created.id, userId)).landing).toBe(`/accounts/${created.id}/setup?connect_error=expired`);
    await expectNothingWritten(c, created);
  });

  it('writes only the account its user_id was issued for: another seller\u2019s account named in the body is ignored', async () => {
    const victim = await newSeller(stack);
    const victimAccount = await newAccount(victim, { name: 'Victim Woo', channel: 'woocommerce' });
    const attacker = await newSeller(stack);
    const { created: attackerAccount, userId } = await pending(attacker);
    const res = await post({ ...keysFor(userId), account_id: victimAccount.id, seller_id: 'victim', accountId: victimAccount.id }, { cookie: victim.cookie! });
    expect(res.status).toBe(200);
    await sellerBack(attacker, attackerAccount.id, userId);
    await expectNothingWritten(victim, victimAccount);
    expect((await account(attacker, attackerAccount.id)).setup.step).toBe('connect_bookkeeping');
  });

  it('refuses to start a one-click key creation on another seller\u2019s account', async () => {
    const owner = await newSeller(stack);
    const other = await newSeller(stack);
    const created = await newAccount(owner, { name: 'Woo', channel: 'woocommerce' });
    expect((await connect(other, created.id, { storeUrl: store() })).status).toBe(404);
    await expectNothingWritten(owner, created);
  });

  it('refuses keys that do not work on the store (so the store deletes them), leaving the approval as it was', async () => {
    const c = await newSeller(stack);
    const { created, userId } = await pending(c);
    const before = await account(c, created.id);
    // Write-only keys posted as if they were read keys: the store itself says they cannot read.
    const res = await post({ ...keysFor(userId, 'write'), key_permissions: 'read' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('keys_no_read');
    await expectNothingWritten(c, before);
    expect((await post(keysFor(userId))).status).toBe(200);
  });

  it('refuses keys for an account that has moved on, and a body that is not JSON', async () => {
    const c = await newSeller(stack);
    const { created, userId } = await pending(c);
    const key = wooKey('read');
    expect((await connect(c, created.id, { storeUrl: store(), consumerKey: key.consumerKey, consumerSecret: key.consumerSecret })).status).toBe(200);
    const late = await post(keysFor(userId));
    expect(late.status).toBe(409);
    // The store's server is told nothing about the account.
    expect(late.body.error.current).toBeUndefined();
    expect(secretsOf(created.id)).toHaveLength(1);
    const form = await store$().call('POST', '/api/oauth/woocommerce/callback', new URLSearchParams(keysFor('x'.repeat(20)) as never).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
  });
});
