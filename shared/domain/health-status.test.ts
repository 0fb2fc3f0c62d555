/**
 * Each health state, reached through the sandboxes' controls and the
 * scheduled refresher, as Account Settings and the account list show it
 * (the page answers 200 whatever the health).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { dynamoAccountStore } from '#shared/adapters/dynamo/accounts.js';
import { dynamoConnectionRecords } from '#shared/adapters/dynamo/connection-records.js';
import { refreshDueConnections, RETRY_AFTER_MS } from '#shared/use-cases/health/job.js';
import { accountResponse } from '#shared/http/schemas.js';
import { getAccount } from '#shared/use-cases/accounts.js';
import { grantControls } from '#local/sandboxes/controls.js';
import { connectedAccount, DAY_MS, refresherInstance, secretOf } from '#local/health-helpers.js';
import { newSeller, withStack, type Client } from '#local/test-helpers.js';
import { TABLE_NAME, type LocalStack } from '#local/stack.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await withStack({ sandboxSlowMs: 1_500 });
});
afterAll(async () => {
  await stack?.stop();
});

const controls = (id: string) => grantControls(stack.sandboxes.sandboxes, id);
const records = () => dynamoConnectionRecords(dynamoClient(), TABLE_NAME);
const sellerIdOf = async (c: Client) => (await c.call('GET', '/api/me')).body.user.id as string;

async function accountPage(c: Client, id: string) {
  const res = await c.call('GET', `/api/accounts/${id}`);
  expect(res.status).toBe(200);
  return accountResponse.parse(res.body).account;
}
const healthOf = async (c: Client, id: string, kind: 'channel' | 'books') => (await accountPage(c, id)).connections.find((x) => x.kind === kind)?.health;

/** Account Settings as it will read `days` from now (no clock is moved: the use case is asked with a later one). */
async function accountOn(c: Client, id: string, days: number) {
  const deps = { accounts: dynamoAccountStore(dynamoClient(), TABLE_NAME), connections: records(), now: () => new Date(Date.now() + days * DAY_MS) };
  return getAccount(deps, await sellerIdOf(c), id);
}

describe('connection health', () => {
  it('is Connected after connecting, with when Amazon\u2019s yearly consent and Xero\u2019s refresh token run out, on the account page and in the list', async () => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, 'xero');
    const channel = await healthOf(c, id, 'channel');
    const books = await healthOf(c, id, 'books');
    expect(channel).toMatchObject({ state: 'connected', label: 'Connected', reason: null });
    expect(Date.parse(channel!.expiresAt!) - Date.now()).toBeGreaterThan(364 * DAY_MS);
    expect(books).toMatchObject({ state: 'connected', label: 'Connected' });
    expect(Date.parse(books!.expiresAt!) - Date.now()).toBeGreaterThan(59 * DAY_MS);
    const list = await c.call('GET', '/api/accounts');
    expect(list.body.accounts[0].connections.map((x: any) => x.health.label)).toEqual(['Connected', 'Connected']);
  });

  it('is Expiring soon, with the date, in the last 14 days of Amazon\u2019s yearly consent, then Needs reconnecting once it has ended', async () => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    const soon = (await accountOn(c, id, 355)).connections[0]!.health!;
    expect(soon).toMatchObject({ state: 'expiring_soon', label: 'Expiring soon' });
    expect(soon.message).toContain(soon.expiresAt!.slice(0, 10));
    expect((await accountOn(c, id, 366)).connections[0]!.health).toMatchObject({ state: 'needs_reconnecting', reason: 'consent_expired' });
  });

  it('Needs reconnecting when the seller revoked Onramp at Xero: the next refresh is refused, and the page still answers 200', async () => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, 'xero');
    const books = secretOf(stack, await sellerIdOf(c), id, 'books');
    controls('xero').revokeGrants();
    await refreshDueConnections(refresherInstance(stack, { offsetMs: 2 * DAY_MS }));
    expect(await records().get(books)).toMatchObject({ status: 'needs_reconnecting', reason: 'consent_revoked' });
    expect(await healthOf(c, id, 'books')).toMatchObject({ state: 'needs_reconnecting', label: 'Needs reconnecting', reason: 'consent_revoked', message: "Onramp's access was revoked at Xero." });
    expect(await healthOf(c, id, 'channel')).toMatchObject({ state: 'connected' });
    const chart = await c.call('GET', `/api/accounts/${id}/books/chart`);
    expect(chart.status).toBe(409);
    expect(chart.body.error.message).toContain('Reconnect');
  });

  it('Needs reconnecting when the refresh token ran out at Etsy, saying so', async () => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, { name: 'Etsy', channel: 'etsy' });
    controls('etsy').expireRefreshTokens();
    await refreshDueConnections(refresherInstance(stack, { offsetMs: 2 * DAY_MS }));
    expect(await healthOf(c, id, 'channel')).toMatchObject({ state: 'needs_reconnecting', reason: 'refresh_token_expired', message: 'The sign-in Onramp holds for Etsy has expired.' });
  });

  it('puts a connection whose refresh failed at the back of the queue until the next run, so one that always fails never holds back the others', async () => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, { name: 'Etsy', channel: 'etsy' });
    const secretName = secretOf(stack, await sellerIdOf(c), id, 'channel');
    const at = refresherInstance(stack, { offsetMs: 2 * DAY_MS, timeoutMs: 500 });
    const queued = async (deps: typeof at) => (await records().due(deps.now!().toISOString(), 10_000)).some((r) => r.secretName === secretName);
    expect(await queued(at)).toBe(true);
    controls('etsy').failRefresh('error');
    try {
      expect((await refreshDueConnections(at)).failed).toBeGreaterThanOrEqual(1);
    } finally {
      controls('etsy').failRefresh(null);
    }
    // Not in this run's queue any more, but in the next run's; and what the record says is unchanged.
    expect(await queued(at)).toBe(false);
    const next = refresherInstance(stack, { offsetMs: 2 * DAY_MS + RETRY_AFTER_MS, timeoutMs: 500 });
    expect(await queued(next)).toBe(true);
    expect((await records().get(secretName))?.refreshedAt).toBeUndefined();
    await refreshDueConnections(next);
    expect((await records().get(secretName))?.refreshedAt).toBeDefined();
  });

  it('stays Connected when a refresh fails (a 500, or no answer in time), and refreshes on a later run', async () => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, { name: 'eBay', channel: 'ebay' });
    const secretName = secretOf(stack, await sellerIdOf(c), id, 'channel');
    // The scheduled runs, every 15 minutes from two days on.
    let run = 0;
    const nextRun = () => refresherInstance(stack, { offsetMs: 2 * DAY_MS + run++ * RETRY_AFTER_MS, timeoutMs: 500 });
    for (const mode of ['error', 'timeout'] as const) {
      controls('ebay').failRefresh(mode);
      const summary = await refreshDueConnections(nextRun());
      expect(summary.failed).toBeGreaterThanOrEqual(1);
      expect((await records().get(secretName))?.refreshedAt).toBeUndefined();
      expect(await healthOf(c, id, 'channel')).toMatchObject({ state: 'connected' });
    }
    controls('ebay').failRefresh(null);
    await refreshDueConnections(nextRun());
    expect((await records().get(secretName))?.refreshedAt).toBeDefined();
    expect(await healthOf(c, id, 'channel')).toMatchObject({ state: 'connected' });
  });
});
