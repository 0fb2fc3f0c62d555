/**
 * Reconnect: one consent replaces the credentials of the same connection,
 * keeping the account's step, mapping and history; another identity is
 * refused and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshDueConnections } from '#shared/use-cases/health/job.js';
import { accountResponse } from '#shared/http/schemas.js';
import { consent } from '#local/sandboxes/consent.js';
import { grantControls } from '#local/sandboxes/controls.js';
import { AMAZON_FACTS, XERO_FACTS } from '#local/sandboxes/facts.js';
import { XERO_SANDBOX_TENANTS } from '#local/sandboxes/xero/index.js';
import { connectedAccount, DAY_MS, refresherInstance, secretOf, secretValue } from '#local/health-helpers.js';
import { followCallback, newSeller, withStack, type Client } from '#local/test-helpers.js';
import type { LocalStack } from '#local/stack.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await withStack();
});
afterAll(async () => {
  await stack?.stop();
});

const [DEMO, SECOND] = XERO_SANDBOX_TENANTS;
const controls = (id: string) => grantControls(stack.sandboxes.sandboxes, id);

async function accountPage(c: Client, id: string) {
  const res = await c.call('GET', `/api/accounts/${id}`);
  expect(res.status).toBe(200);
  return accountResponse.parse(res.body).account;
}

/** An Amazon EU + Xero account set up to Done, with its mapping saved. */
async function setUp(c: Client): Promise<string> {
  const id = await connectedAccount(c, { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, 'xero');
  const chart = await c.call('GET', `/api/accounts/${id}/books/chart`);
  expect(chart.status).toBe(200);
  const saved = await c.call('PUT', `/api/accounts/${id}/mapping`, chart.body.suggestions);
  expect(saved.status).toBe(200);
  return id;
}

async function reconnect(c: Client, id: string, kind: 'channel' | 'books', decision: string, choices: Record<string, string> = {}) {
  const start = await c.call('POST', `/api/accounts/${id}/reconnect`, { kind });
  expect(start.status).toBe(200);
  const page = await consent(start.body.authorizeUrl, decision, choices);
  return followCallback(c, page.location!);
}

describe('Reconnect', () => {
  it('restores a revoked Xero connection to Connected, keeping the account\u2019s step, mapping and history', async () => {
    const c = await newSeller(stack);
    const id = await setUp(c);
    const before = await accountPage(c, id);
    controls('xero').revokeGrants();
    // The seller opens Accounts & Taxes: Xero refuses the token, and then its refresh.
    expect((await c.call('GET', `/api/accounts/${id}/books/chart`)).status).toBe(409);
    expect((await accountPage(c, id)).connections.find((x) => x.kind === 'books')?.health?.state).toBe('needs_reconnecting');

    const { landing } = await reconnect(c, id, 'books', XERO_FACTS.accept.decision);
    expect(landing).toBe(`/accounts/${id}?reconnected=books`);
    const after = await accountPage(c, id);
    expect(after.connections.find((x) => x.kind === 'books')?.health).toMatchObject({ state: 'connected' });
    expect(after.setup).toEqual(before.setup);
    expect(after.mapping).toEqual(before.mapping);
    expect(after.connections.map((x) => x.label)).toEqual(before.connections.map((x) => x.label));
    expect((await c.call('GET', `/api/accounts/${id}/books/chart`)).status).toBe(200);
    const events = (await c.call('GET', `/api/accounts/${id}/events`)).body.events as { text: string }[];
    expect(events[0]?.text).toBe(`Reconnected ${DEMO.tenantName}`);
    expect(events.some((e) => e.text === 'Completed "Accounts & Taxes"')).toBe(true);
  });

  it('refuses another organisation than the one connected, in one sentence, and writes nothing', async () => {
    const c = await newSeller(stack);
    const id = await setUp(c);
    const sellerId = (await c.call('GET', '/api/me')).body.user.id as string;
    const secretName = secretOf(stack, sellerId, id, 'books');
    const stored = await secretValue(stack, secretName);
    const { landing } = await reconnect(c, id, 'books', XERO_FACTS.accept.decision, { tenant: SECOND.tenantId });
    expect(landing).toBe(`/accounts/${id}?reconnect=books&connect_error=other_identity`);
    expect(await secretValue(stack, secretName)).toEqual(stored);
    const events = (await c.call('GET', `/api/accounts/${id}/events`)).body.events as { text: string }[];
    expect(events.some((e) => e.text.startsWith('Reconnected'))).toBe(false);
  });

  it('reconnects a sales channel whose grant was revoked (Amazon), found out by the daily refresh', async () => {
    const c = await newSeller(stack);
    const id = await setUp(c);
    controls('amazon').revokeGrants();
    await refreshDueConnections(refresherInstance(stack, { offsetMs: 2 * DAY_MS }));
    expect((await accountPage(c, id)).connections.find((x) => x.kind === 'channel')?.health).toMatchObject({ state: 'needs_reconnecting', reason: 'consent_revoked' });
    const { landing } = await reconnect(c, id, 'channel', AMAZON_FACTS.accept.decision, { ...AMAZON_FACTS.accept.choices });
    expect(landing).toBe(`/accounts/${id}?reconnected=channel`);
    const after = await accountPage(c, id);
    expect(after.connections.find((x) => x.kind === 'channel')?.health).toMatchObject({ state: 'connected' });
    expect(after.setup.step).toBe('complete');
  });

  it('answers 409 for a connection the account does not have', async () => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, { name: 'eBay', channel: 'ebay' });
    const res = await c.call('POST', `/api/accounts/${id}/reconnect`, { kind: 'books' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_connected');
  });
});
