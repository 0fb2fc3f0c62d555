/**
 * Reconnecting a keys channel (Walmart, WooCommerce): new keys, pasted or
 * created again in one click at the store, replace the credentials of the
 * same connection once the provider accepts them; the account keeps its
 * step, its mapping and its history, and its daily check starts again.
 * Keys the provider refuses change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { dynamoConnectionRecords } from '#shared/adapters/dynamo/connection-records.js';
import { refreshDueConnections } from '#shared/use-cases/health/job.js';
import { accountResponse } from '#shared/http/schemas.js';
import { consent } from '#local/sandboxes/consent.js';
import { grantControls } from '#local/sandboxes/controls.js';
import { WOOCOMMERCE_FACTS } from '#local/sandboxes/facts.js';
import { walmartControls } from '#local/sandboxes/walmart/index.js';
import { WOO_SANDBOX_KEYS } from '#local/sandboxes/woocommerce/index.js';
import { connectBooks, connectedAccount, DAY_MS, refresherInstance, secretOf, secretValue } from '#local/health-helpers.js';
import { approveAtStore, client, followCallback, newAccount, newSeller, settled, withStack, type Client } from '#local/test-helpers.js';
import { TABLE_NAME, type LocalStack } from '#local/stack.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await withStack();
});
afterAll(async () => {
  if (stack) await settled(stack).catch(() => undefined);
  await stack?.stop();
});

const records = () => dynamoConnectionRecords(dynamoClient(), TABLE_NAME);
const sellerIdOf = async (c: Client) => (await c.call('GET', '/api/me')).body.user.id as string;
const store = () => `${stack.sandboxes.origin}/woocommerce`;
const walmart = () => walmartControls(stack.sandboxes.sandboxes);
const reconnect = (c: Client, id: string, body: object) => c.call('POST', `/api/accounts/${id}/reconnect`, { kind: 'channel', ...body });

async function accountPage(c: Client, id: string) {
  const res = await c.call('GET', `/api/accounts/${id}`);
  expect(res.status).toBe(200);
  return accountResponse.parse(res.body).account;
}

/** The account's books connected (Xero) and its Accounts & Taxes saved: set up to Done. */
async function toDone(c: Client, id: string) {
  await connectBooks(c, id, 'xero');
  const chart = await c.call('GET', `/api/accounts/${id}/books/chart`);
  expect(chart.status).toBe(200);
  expect((await c.call('PUT', `/api/accounts/${id}/mapping`, chart.body.suggestions)).status).toBe(200);
}

/** The daily check, two days on: finds what the seller did at the provider. */
const dailyCheck = () => refreshDueConnections(refresherInstance(stack, { offsetMs: 2 * DAY_MS }));

describe('Reconnect a Walmart connection with new keys', () => {
  it('replaces keys Walmart no longer takes, keeping the account\u2019s step, mapping and history, and its daily check resumes', async () => {
    const c = await newSeller(stack);
    const first = walmart().issueKey('us');
    const account = await newAccount(c, { name: 'Walmart US', channel: 'walmart', region: 'US' });
    expect((await c.call('POST', `/api/accounts/${account.id}/channel/connect`, first)).status).toBe(200);
    await toDone(c, account.id);
    const secretName = secretOf(stack, await sellerIdOf(c), account.id, 'channel');
    const before = await accountPage(c, account.id);
    expect(before.setup.step).toBe('complete');

    // The seller resets the keys in the Developer Portal; the daily check finds out.
    grantControls(stack.sandboxes.sandboxes, 'walmart').revokeGrants();
    await dailyCheck();
    const refused = (await records().get(secretName))!;
    expect(refused).toMatchObject({ status: 'needs_reconnecting', reason: 'keys_rotated' });

    // Keys Walmart refuses change nothing.
    const wrong = await reconnect(c, account.id, { clientId: first.clientId, clientSecret: 'not-the-secret' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'keys_rejected', fields: { clientId: expect.any(String), clientSecret: expect.any(String) } });
    expect(await secretValue(stack, secretName)).toEqual({ ...first, market: 'us' });
    expect(await records().get(secretName)).toEqual(refused);

    const key = walmart().issueKey('us');
    const res = await reconnect(c, account.id, key);
    expect(res.status).toBe(200);
    const after = accountResponse.parse(res.body).account;
    expect(after.connections.find((x) => x.kind === 'channel')).toMatchObject({
      label: 'Walmart: United States',
      health: { state: 'connected', label: 'Connected' },
      details: expect.arrayContaining([{ label: 'Client ID', value: `ending in ${key.clientId.slice(-4)}` }]),
    });
    expect(after.setup).toEqual(before.setup);
    expect(after.mapping).toEqual(before.mapping);
    // The books are untouched (their daily refresh moved only their calendar on).
    const books = (a: typeof before) => ({ ...a.connections.find((x) => x.kind === 'books'), health: undefined });
    expect(books(after)).toEqual(books(before));
    // The new keys are a connection of their own (a new secret, a new record); the old keys' secret is deleted behind a tombstone.
    const renewed = secretOf(stack, await sellerIdOf(c), account.id, 'channel');
    expect(renewed).not.toBe(secretName);
    expect(stack.secrets.has(secretName)).toBe(false);
    expect(await records().get(secretName)).toMatchObject({ deletedAt: expect.any(String), generation: refused.generation + 1 });
    expect(await secretValue(stack, renewed)).toEqual({ ...key, market: 'us' });
    const record = (await records().get(renewed))!;
    expect(record).toMatchObject({ status: 'connected', generation: 1, holders: [account.id] });
    expect(Date.parse(record.checkDueAt!) - Date.now()).toBeGreaterThan(DAY_MS - 60_000);
    const events = (await c.call('GET', `/api/accounts/${account.id}/events`)).body.events as { text: string }[];
    expect(events[0]?.text).toBe('Reconnected Walmart: United States');
    expect(events.some((e) => e.text === 'Completed "Accounts & Taxes"')).toBe(true);
    // The new keys pass the next daily check.
    expect((await dailyCheck()).checked).toBeGreaterThanOrEqual(1);
    expect(await records().get(renewed)).toMatchObject({ status: 'connected', checkedAt: expect.any(String) });
  });

  it('asks for both keys when none are given (Walmart has no one-click key creation)', async () => {
    const c = await newSeller(stack);
    // Mexico, where keys are the only way (a US account's Reconnect without keys goes through Walmart's consent).
    const account = await newAccount(c, { name: 'Walmart MX', channel: 'walmart', region: 'MX' });
    expect((await c.call('POST', `/api/accounts/${account.id}/channel/connect`, walmart().issueKey('mx'))).status).toBe(200);
    const res = await reconnect(c, account.id, {});
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['clientId', 'clientSecret']);
  });
});

describe('Reconnect a WooCommerce connection', () => {
  it('with pasted keys of the same store, replacing keys that still work', async () => {
    const c = await newSeller(stack);
    const [read, readWrite] = [WOO_SANDBOX_KEYS.find((k) => k.permissions === 'read')!, WOO_SANDBOX_KEYS.find((k) => k.permissions === 'read_write')!];
    const account = await newAccount(c, { name: 'WooCommerce', channel: 'woocommerce' });
    expect((await c.call('POST', `/api/accounts/${account.id}/channel/connect`, { storeUrl: store(), consumerKey: read.consumerKey, consumerSecret: read.consumerSecret })).status).toBe(200);
    const secretName = secretOf(stack, await sellerIdOf(c), account.id, 'channel');
    const res = await reconnect(c, account.id, { consumerKey: readWrite.consumerKey, consumerSecret: readWrite.consumerSecret });
    expect(res.status).toBe(200);
    expect(stack.secrets.has(secretName)).toBe(false);
    expect(await secretValue(stack, secretOf(stack, await sellerIdOf(c), account.id, 'channel'))).toMatchObject({ storeUrl: store(), consumerKey: readWrite.consumerKey, consumerSecret: readWrite.consumerSecret });
    const after = accountResponse.parse(res.body).account;
    expect(after.setup.step).toBe('connect_bookkeeping');
    expect(after.connections[0]?.details).toContainEqual({ label: 'Consumer Key', value: `ending in ${readWrite.consumerKey.slice(-4)}` });
    // A store address is not something a reconnect takes: the store is the connection's.
    const elsewhere = await reconnect(c, account.id, { storeUrl: 'https://other.example.com', consumerKey: read.consumerKey, consumerSecret: read.consumerSecret });
    expect(elsewhere.status).toBe(400);
  });

  it('in one click: the store creates new keys after the old ones were revoked, and the seller comes back to Account Settings, Connected', async () => {
    const c = await newSeller(stack);
    const account = await newAccount(c, { name: 'WooCommerce', channel: 'woocommerce' });
    const started = await c.call('POST', `/api/accounts/${account.id}/channel/connect`, { storeUrl: store() });
    await approveAtStore(c, started.body.authorizeUrl as string);
    await toDone(c, account.id);
    const secretName = secretOf(stack, await sellerIdOf(c), account.id, 'channel');
    const old = await secretValue(stack, secretName);
    const before = await accountPage(c, account.id);

    grantControls(stack.sandboxes.sandboxes, 'woocommerce').revokeGrants();
    await dailyCheck();
    expect((await accountPage(c, account.id)).connections[0]?.health).toMatchObject({ state: 'needs_reconnecting', reason: 'keys_rotated' });

    const res = await reconnect(c, account.id, {});
    expect(res.status).toBe(200);
    const authorizeUrl = new URL(res.body.authorizeUrl as string);
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${store()}/wc-auth/v1/authorize`);
    expect(authorizeUrl.searchParams.get('return_url')).toBe(`${stack.url}/api/oauth/woocommerce/return?account=${account.id}&purpose=reconnect`);
    const page = await consent(authorizeUrl.href, WOOCOMMERCE_FACTS.accept.decision);
    expect(page.location).toBe(`${stack.url}/api/oauth/woocommerce/return?account=${account.id}&purpose=reconnect&success=1&user_id=${authorizeUrl.searchParams.get('user_id')}`);
    // Posted and held: the account still shows the old keys until the seller's browser comes back.
    expect(stack.secrets.has(secretName)).toBe(true);
    expect((await accountPage(c, account.id)).connections[0]?.health).toMatchObject({ state: 'needs_reconnecting' });
    const back = await followCallback(c, page.location!);
    expect(back.landing).toBe(`/accounts/${account.id}?reconnected=channel`);

    const after = await accountPage(c, account.id);
    expect(after.connections[0]).toMatchObject({ health: { state: 'connected' }, details: expect.arrayContaining([{ label: 'Permissions', value: 'Read' }]) });
    expect(after.setup).toEqual(before.setup);
    expect(after.mapping).toEqual(before.mapping);
    expect(stack.secrets.has(secretName)).toBe(false);
    const stored = await secretValue(stack, secretOf(stack, await sellerIdOf(c), account.id, 'channel'));
    expect(stored.consumerKey).not.toBe(old.consumerKey);
    expect(stored.storeUrl).toBe(old.storeUrl);
  });

  it('refuses keys the store posts for an account that started over meanwhile, and stores nothing', async () => {
    const c = await newSeller(stack);
    const account = await newAccount(c, { name: 'WooCommerce', channel: 'woocommerce' });
    const started = await c.call('POST', `/api/accounts/${account.id}/channel/connect`, { storeUrl: store() });
    await approveAtStore(c, started.body.authorizeUrl as string);
    const res = await reconnect(c, account.id, {});
    const userId = new URL(res.body.authorizeUrl as string).searchParams.get('user_id')!;
    expect((await c.call('POST', `/api/accounts/${account.id}/start-over`, {})).status).toBe(200);
    const posted = await client(stack).call('POST', '/api/oauth/woocommerce/callback', { user_id: userId, consumer_key: 'ck_late_0000', consumer_secret: 'cs_late_0000', key_permissions: 'read' });
    expect(posted.status).toBe(404);
    expect(stack.secrets.names().filter((n) => n.startsWith(`onramp/${account.id}/`))).toEqual([]);
  });
});

describe('Reconnect a WooCommerce connection in one click, approved in another browser', () => {
  it('keeps the old keys, and the new ones the store posted are deleted, when the browser that comes back is not the seller\u2019s', async () => {
    const c = await newSeller(stack);
    const account = await newAccount(c, { name: 'WooCommerce', channel: 'woocommerce' });
    const started = await c.call('POST', `/api/accounts/${account.id}/channel/connect`, { storeUrl: store() });
    await approveAtStore(c, started.body.authorizeUrl as string);
    const secretName = secretOf(stack, await sellerIdOf(c), account.id, 'channel');
    const old = await secretValue(stack, secretName);
    const before = await accountPage(c, account.id);

    const res = await reconnect(c, account.id, {});
    const elsewhere = await approveAtStore(client(stack), res.body.authorizeUrl as string);
    expect(elsewhere.landing).toBe('/login?connect_error=keys_not_kept');
    expect(await accountPage(c, account.id)).toEqual(before);
    expect(stack.secrets.names().filter((n) => n.startsWith(`onramp/${account.id}/`))).toEqual([secretName]);
    expect(await secretValue(stack, secretName)).toEqual(old);
  });

  it('the seller denying at the store comes back to Account Settings, told so, and nothing changes', async () => {
    const c = await newSeller(stack);
    const account = await newAccount(c, { name: 'WooCommerce', channel: 'woocommerce' });
    const started = await c.call('POST', `/api/accounts/${account.id}/channel/connect`, { storeUrl: store() });
    await approveAtStore(c, started.body.authorizeUrl as string);
    const before = await accountPage(c, account.id);
    const res = await reconnect(c, account.id, {});
    const denied = await approveAtStore(c, res.body.authorizeUrl as string, 'deny');
    expect(denied.landing).toBe(`/accounts/${account.id}?reconnect=channel&connect=automatic&keys=denied`);
    expect(await accountPage(c, account.id)).toEqual(before);
  });
});

describe('Reconnect refuses', () => {
  it('keys for a channel that reconnects by signing in, in one sentence, and writes nothing', async () => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, { name: 'Etsy', channel: 'etsy' });
    const res = await reconnect(c, id, { clientId: 'some-client-id', clientSecret: 'some-secret' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('Etsy reconnects by signing in; it takes no keys.');
  });

  it('a keys account whose channel is not connected yet', async () => {
    const c = await newSeller(stack);
    const account = await newAccount(c, { name: 'Walmart US', channel: 'walmart', region: 'US' });
    const res = await reconnect(c, account.id, walmart().issueKey('us'));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_connected');
  });
});
