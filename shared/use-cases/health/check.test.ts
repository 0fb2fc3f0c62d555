/**
 * The daily check of credentials that never expire: Walmart's keys,
 * WooCommerce's keys and Shopify's non-expiring offline token, against their
 * sandboxes on the local stack. Keys the seller regenerated or revoked, or an
 * app they uninstalled, show as Needs reconnecting with the reason; a
 * provider failing for now changes nothing; a working connection is looked
 * at again a day later; and a check racing a reconnect never marks the new
 * credentials.
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { dynamoConnectionRecords } from '#shared/adapters/dynamo/connection-records.js';
import { checkConnection } from '#shared/use-cases/health/check.js';
import { refreshDueConnections } from '#shared/use-cases/health/job.js';
import type { RefreshDeps } from '#shared/use-cases/health/refresh.js';
import { accountResponse } from '#shared/http/schemas.js';
import { consent } from '#local/sandboxes/consent.js';
import { grantControls } from '#local/sandboxes/controls.js';
import { SHOPIFY_FACTS, WOOCOMMERCE_FACTS } from '#local/sandboxes/facts.js';
import { walmartControls } from '#local/sandboxes/walmart/index.js';
import { connectedAccount, DAY_MS, refresherInstance, secretOf } from '#local/health-helpers.js';
import { followCallback, newAccount, newSeller, settled, withStack, type Client } from '#local/test-helpers.js';
import { TABLE_NAME, type LocalStack } from '#local/stack.js';

let stack: LocalStack;
/** Shopify's host, played by servers that answer 503 to everything, or never in time. */
let failing: Server;
let stalling: Server;
const origin = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

beforeAll(async () => {
  stack = await withStack({ sandboxSlowMs: 1_500 });
  failing = http.createServer((_req, res) => void res.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":"Service Unavailable"}'));
  stalling = http.createServer((_req, res) => void setTimeout(() => res.writeHead(200).end('late'), 1_500));
  await Promise.all([failing, stalling].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
});
afterAll(async () => {
  if (stack) await settled(stack).catch(() => undefined);
  for (const s of [failing, stalling]) {
    s?.closeAllConnections();
    await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
  await stack?.stop();
});

const records = () => dynamoConnectionRecords(dynamoClient(), TABLE_NAME);
const sellerIdOf = async (c: Client) => (await c.call('GET', '/api/me')).body.user.id as string;
const store = () => `${stack.sandboxes.origin}/woocommerce`;
let shops = 0;

async function accountPage(c: Client, id: string) {
  const res = await c.call('GET', `/api/accounts/${id}`);
  expect(res.status).toBe(200);
  return accountResponse.parse(res.body).account;
}
const channelHealth = async (c: Client, id: string) => (await accountPage(c, id)).connections.find((x) => x.kind === 'channel')?.health;

/** The store's approval page, approved: WooCommerce creates new keys and posts them to Onramp before sending the seller's browser back, which keeps them. */
async function approveAtStore(c: Client, authorizeUrl: string) {
  const page = await consent(authorizeUrl, WOOCOMMERCE_FACTS.accept.decision);
  expect(page.location).toContain('success=1');
  expect((await followCallback(c, page.location!)).status).toBe(302);
}

interface Provider {
  readonly name: string;
  readonly reason: 'keys_rotated' | 'app_uninstalled';
  readonly sentence: string;
  /** A new seller's account with this channel connected; its id. */
  connect(c: Client): Promise<string>;
  /** What the seller does outside Onramp: regenerate or revoke the keys, uninstall the app. */
  revoke(): void;
  /** A refresher instance whose calls to this provider answer 5xx (`error`) or stall past its timeout (`timeout`); `restore` undoes it. */
  failing(mode: 'error' | 'timeout'): { deps: RefreshDeps; restore(): void };
  /** The seller reconnects through Onramp with new credentials. */
  reconnect(c: Client, id: string): Promise<void>;
}

/** Two days on: every connection made in this test is due its check. */
const later = (options: { timeoutMs?: number; providersAt?: string } = {}) => refresherInstance(stack, { offsetMs: 2 * DAY_MS, ...options });

const PROVIDERS: readonly Provider[] = [
  {
    name: 'Walmart',
    reason: 'keys_rotated',
    sentence: 'The API keys Onramp holds for Walmart were changed or removed.',
    async connect(c) {
      // A key of its own, so that revoking every earlier key leaves this test's keys to this test.
      const key = walmartControls(stack.sandboxes.sandboxes).issueKey('us');
      const account = await newAccount(c, { name: 'Walmart US', channel: 'walmart', region: 'US' });
      const res = await c.call('POST', `/api/accounts/${account.id}/channel/connect`, key);
      expect(res.status).toBe(200);
      return account.id as string;
    },
    revoke: () => void grantControls(stack.sandboxes.sandboxes, 'walmart').revokeGrants(),
    failing(mode) {
      grantControls(stack.sandboxes.sandboxes, 'walmart').failRefresh(mode);
      return { deps: later({ timeoutMs: 500 }), restore: () => grantControls(stack.sandboxes.sandboxes, 'walmart').failRefresh(null) };
    },
    async reconnect(c, id) {
      const key = walmartControls(stack.sandboxes.sandboxes).issueKey('us');
      const res = await c.call('POST', `/api/accounts/${id}/reconnect`, { kind: 'channel', ...key });
      expect(res.status).toBe(200);
    },
  },
  {
    name: 'WooCommerce',
    reason: 'keys_rotated',
    sentence: 'The API keys Onramp holds for WooCommerce were changed or removed.',
    async connect(c) {
      // Keys the store creates in one click work whatever was revoked before.
      const account = await newAccount(c, { name: 'WooCommerce', channel: 'woocommerce' });
      const res = await c.call('POST', `/api/accounts/${account.id}/channel/connect`, { storeUrl: store() });
      expect(res.status).toBe(200);
      await approveAtStore(c, res.body.authorizeUrl as string);
      return account.id as string;
    },
    revoke: () => void grantControls(stack.sandboxes.sandboxes, 'woocommerce').revokeGrants(),
    failing(mode) {
      grantControls(stack.sandboxes.sandboxes, 'woocommerce').failRefresh(mode);
      return { deps: later({ timeoutMs: 500 }), restore: () => grantControls(stack.sandboxes.sandboxes, 'woocommerce').failRefresh(null) };
    },
    async reconnect(c, id) {
      const res = await c.call('POST', `/api/accounts/${id}/reconnect`, { kind: 'channel' });
      expect(res.status).toBe(200);
      await approveAtStore(c, res.body.authorizeUrl as string);
    },
  },
  {
    name: 'Shopify',
    reason: 'app_uninstalled',
    sentence: 'The Onramp app was uninstalled from your Shopify store.',
    connect: (c) => connectedAccount(c, { name: 'Shopify', channel: 'shopify', shopDomain: `health-check-${Date.now()}-${shops++}.myshopify.com` }),
    revoke: () => void grantControls(stack.sandboxes.sandboxes, 'shopify').revokeGrants(),
    // Shopify's sandbox plays no failing shop query: its host is played by a server that answers 503, or too late.
    failing: (mode) => ({ deps: later({ timeoutMs: 500, providersAt: origin(mode === 'error' ? failing : stalling) }), restore: () => undefined }),
    async reconnect(c, id) {
      const start = await c.call('POST', `/api/accounts/${id}/reconnect`, { kind: 'channel' });
      expect(start.status).toBe(200);
      const page = await consent(start.body.authorizeUrl as string, SHOPIFY_FACTS.accept.decision);
      expect((await followCallback(c, page.location!)).landing).toBe(`/accounts/${id}?reconnected=channel`);
    },
  },
];

/**
 * A refresher instance (with the real clock) whose provider and store answers
 * are held until `release()`: `arrived` resolves once the provider has answered.
 */
function held(deps: RefreshDeps) {
  let arrive!: () => void;
  let release!: () => void;
  const arrived = new Promise<void>((r) => (arrive = r));
  const gate = new Promise<void>((r) => (release = r));
  const hold = async <T>(answer: Promise<T>): Promise<T> => {
    const res = await answer;
    arrive();
    await gate;
    return res;
  };
  const stores = deps.stores!;
  return {
    deps: { ...deps, http: { ...deps.http, fetch: (url: string, init?: RequestInit) => hold(deps.http.fetch(url, init)) }, stores: { get: (url: string, o?: any) => hold(stores.get(url, o)) } },
    arrived,
    release,
  };
}

/** Brings the connection's check forward to now (instead of moving a refresher's clock a day on, which a reconnect on the real clock would not share). */
async function checkDueNow(secretName: string) {
  const r = (await records().get(secretName))!;
  expect(await records().replace({ ...r, checkDueAt: new Date(Date.now() - 1_000).toISOString() }, r.generation)).toBe(true);
}

describe.each(PROVIDERS)('the daily check of $name', (p) => {
  it(`marks the connection Needs reconnecting (${p.reason}) once the provider refuses its credentials, and the account page still answers 200`, async () => {
    const c = await newSeller(stack);
    const id = await p.connect(c);
    const secretName = secretOf(stack, await sellerIdOf(c), id, 'channel');
    expect(await records().get(secretName)).toMatchObject({ provider: p.name.toLowerCase(), status: 'connected' });
    p.revoke();
    const run = await refreshDueConnections(later());
    expect(run.refused).toBeGreaterThanOrEqual(1);
    expect(await records().get(secretName)).toMatchObject({ status: 'needs_reconnecting', reason: p.reason });
    expect((await records().get(secretName))?.checkDueAt).toBeUndefined();
    expect(await channelHealth(c, id)).toMatchObject({ state: 'needs_reconnecting', label: 'Needs reconnecting', reason: p.reason, message: p.sentence });
    const list = await c.call('GET', '/api/accounts');
    expect(list.status).toBe(200);
    expect(list.body.accounts[0].connections[0].health).toMatchObject({ state: 'needs_reconnecting', reason: p.reason });
    // Nothing more is asked of the provider for it: the seller has to reconnect.
    const calls = stack.sandboxes.calls.length;
    expect((await checkConnection(later(), secretName)).outcome).toBe('refused');
    expect(stack.sandboxes.calls.length).toBe(calls);
  });

  it.each(['error', 'timeout'] as const)('changes nothing while the provider fails (%s), and checks again on the next run', async (mode) => {
    const c = await newSeller(stack);
    const id = await p.connect(c);
    const secretName = secretOf(stack, await sellerIdOf(c), id, 'channel');
    const before = (await records().get(secretName))!;
    const { deps, restore } = p.failing(mode);
    try {
      expect(await checkConnection(deps, secretName).catch((err: Error) => err.name)).toBe('ConnectError');
    } finally {
      restore();
    }
    expect(await records().get(secretName)).toEqual(before);
    expect(await channelHealth(c, id)).toMatchObject({ state: 'connected', reason: null });
    // The next run finds the provider answering again.
    expect(await checkConnection(later(), secretName)).toEqual({ outcome: 'working' });
    expect(await records().get(secretName)).toMatchObject({ status: 'connected', checkedAt: expect.any(String) });
  });

  it('finds a working connection working, changes nothing the seller sees, and checks it again a day later', async () => {
    const c = await newSeller(stack);
    const id = await p.connect(c);
    const secretName = secretOf(stack, await sellerIdOf(c), id, 'channel');
    const made = (await records().get(secretName))!;
    // Connected today, checked a day on.
    expect(Date.parse(made.checkDueAt!) - Date.parse(made.connectedAt)).toBe(DAY_MS);
    const soon = refresherInstance(stack, { offsetMs: DAY_MS / 2 });
    expect(await checkConnection(soon, secretName)).toEqual({ outcome: 'not_due' });

    const twoDaysOn = later();
    const checkedAt = twoDaysOn.now!();
    expect(await checkConnection(twoDaysOn, secretName)).toEqual({ outcome: 'working' });
    const after = (await records().get(secretName))!;
    expect(after).toMatchObject({ status: 'connected', generation: made.generation });
    // Checked by that run: at or after its start, and before now on the same clock.
    expect(Date.parse(after.checkedAt!)).toBeGreaterThanOrEqual(checkedAt.getTime());
    expect(Date.parse(after.checkedAt!)).toBeLessThanOrEqual(twoDaysOn.now!().getTime());
    expect(Date.parse(after.checkDueAt!) - Date.parse(after.checkedAt!)).toBe(DAY_MS);
    expect(await channelHealth(c, id)).toMatchObject({ state: 'connected', label: 'Connected' });
    // Not again until that day has passed.
    const calls = stack.sandboxes.calls.length;
    expect(await checkConnection(twoDaysOn, secretName)).toEqual({ outcome: 'not_due' });
    expect(stack.sandboxes.calls.length).toBe(calls);
    expect(await checkConnection(refresherInstance(stack, { offsetMs: 3 * DAY_MS + 60_000 }), secretName)).toEqual({ outcome: 'working' });
  });

  it('never marks the new credentials when a reconnect replaces them while a check that stalled past its lease holds a refusal of the old ones', async () => {
    const c = await newSeller(stack);
    const id = await p.connect(c);
    const sellerId = await sellerIdOf(c);
    const secretName = secretOf(stack, sellerId, id, 'channel');
    const before = (await records().get(secretName))!;
    await checkDueNow(secretName);
    p.revoke();
    // The check gets the refusal of the old credentials, then stalls past its lease (300 ms) before recording it.
    const check = held(refresherInstance(stack, { leaseMs: 300 }));
    const checking = checkConnection(check.deps, secretName);
    await check.arrived;
    await p.reconnect(c, id);
    check.release();
    expect(await checking).toEqual({ outcome: 'superseded' });

    // The new credentials are a connection of their own; the old one is deleted behind its tombstone.
    const renewed = secretOf(stack, sellerId, id, 'channel');
    expect(renewed).not.toBe(secretName);
    expect(stack.secrets.has(secretName)).toBe(false);
    expect(await records().get(secretName)).toMatchObject({ deletedAt: expect.any(String), generation: before.generation + 1 });
    expect(await records().get(renewed)).toMatchObject({ status: 'connected', generation: 1 });
    expect(await channelHealth(c, id)).toMatchObject({ state: 'connected' });
    // And the new credentials pass their own check.
    expect(await checkConnection(later(), renewed)).toEqual({ outcome: 'working' });
  });

  it('lets a reconnect land while a check holds the lease: the refusal is recorded on the old credentials only, which are then deleted, and the new ones are Connected', async () => {
    const c = await newSeller(stack);
    const id = await p.connect(c);
    const sellerId = await sellerIdOf(c);
    const secretName = secretOf(stack, sellerId, id, 'channel');
    await checkDueNow(secretName);
    p.revoke();
    const check = held(refresherInstance(stack, { leaseMs: 10_000 }));
    const checking = checkConnection(check.deps, secretName);
    await check.arrived;
    // The reconnect switches the account to its new credentials at once; deleting the old ones waits for the check's lease.
    const reconnecting = p.reconnect(c, id);
    await new Promise((r) => setTimeout(r, 300));
    check.release();
    expect(await checking).toEqual({ outcome: 'refused', reason: p.reason });
    await reconnecting;
    const renewed = secretOf(stack, sellerId, id, 'channel');
    expect(renewed).not.toBe(secretName);
    expect(stack.secrets.has(secretName)).toBe(false);
    expect(await records().get(renewed)).toMatchObject({ status: 'connected', generation: 1 });
    expect(await channelHealth(c, id)).toMatchObject({ state: 'connected' });
  });
});

describe('the refresher function, as its schedule invokes it', () => {
  it('checks the keys of a Walmart and a WooCommerce connection whose check has come, and reports it (never a key)', async () => {
    const c = await newSeller(stack);
    const ids = [await PROVIDERS[0]!.connect(c), await PROVIDERS[1]!.connect(c)];
    const sellerId = await sellerIdOf(c);
    const names = ids.map((id) => secretOf(stack, sellerId, id, 'channel'));
    for (const name of names) await checkDueNow(name);
    const summary = (await stack.functions.invoke('refresher', {})) as { checked: number; failed: number };
    expect(summary.checked).toBeGreaterThanOrEqual(2);
    for (const name of names) expect(await records().get(name)).toMatchObject({ status: 'connected', checkedAt: expect.any(String) });
  });
});
