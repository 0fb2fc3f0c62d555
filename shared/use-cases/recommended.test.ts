/**
 * Create recommended accounts, through the API on the local stack, against
 * the Xero and QuickBooks sandboxes: what would be created, nothing written
 * without the seller's click (asserted at the sandbox), created, already
 * present (run twice, or made by hand), a code taken meanwhile, a partial
 * failure and its retry, and a read-only Xero connection reconnected with
 * permission to add accounts, keeping its mapping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartResponse, createRecommendedResponse, recommendedResponse } from '#shared/http/schemas.js';
import { consent } from '#local/sandboxes/consent.js';
import { booksControls } from '#local/sandboxes/controls.js';
import { acceptance, XERO_FACTS } from '#local/sandboxes/facts.js';
import { QUICKBOOKS_SANDBOX_COMPANY } from '#local/sandboxes/quickbooks/index.js';
import { XERO_SANDBOX_TENANTS } from '#local/sandboxes/xero/index.js';
import { connectThroughSandbox, followCallback, newAccount, newSeller, withStack, type Client } from '#local/test-helpers.js';
import type { LocalStack } from '#local/stack.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await withStack({ accessTokenTtlSeconds: 30, sandboxSlowMs: 2_000, providerTimeoutMs: 5_000 });
  for (const jwks of ['identity.xero.com/.well-known/openid-configuration/jwks', 'oauth.platform.intuit.com/op/v1/jwks']) {
    await (await fetch(`${stack.sandboxes.origin}/${jwks}`)).text();
  }
});
afterAll(async () => {
  await stack?.stop();
});

const [, SECOND] = XERO_SANDBOX_TENANTS;
const REALM = QUICKBOOKS_SANDBOX_COMPANY.realmId;
const xeroBooks = () => booksControls(stack.sandboxes.sandboxes, 'xero');
const qbBooks = () => booksControls(stack.sandboxes.sandboxes, 'quickbooks');

/** An account at Accounts & Taxes: its channel connected, then the books (Xero's Second Shop Ltd, which has no marketplace accounts, or QuickBooks). */
async function atAccountsAndTaxes(c: Client, provider: 'xero' | 'quickbooks', body: Record<string, unknown>, picked: Record<string, string> = {}): Promise<string> {
  const created = await newAccount(c, body);
  const { decision, choices } = acceptance(String(body.channel));
  await connectThroughSandbox(c, created.id, decision, { ...choices });
  const start = await c.call('POST', `/api/accounts/${created.id}/books/connect`, { provider });
  expect(start.status).toBe(200);
  const books = acceptance(provider);
  const page = await consent(start.body.authorizeUrl, books.decision, { ...books.choices, ...picked });
  await followCallback(c, page.location!);
  return created.id as string;
}

/** Reconnects the books asking permission to add accounts (Xero's accounting.settings). */
async function allowWrites(c: Client, id: string) {
  const start = await c.call('POST', `/api/accounts/${id}/reconnect`, { kind: 'books', access: 'write' });
  expect(start.status).toBe(200);
  expect(new URL(start.body.authorizeUrl).searchParams.get('scope')).toBe('offline_access accounting.settings');
  const page = await consent(start.body.authorizeUrl, XERO_FACTS.accept.decision, { tenant: SECOND!.tenantId });
  const { landing } = await followCallback(c, page.location!);
  expect(landing).toBe(`/accounts/${id}?reconnected=books`);
}

const recommended = async (c: Client, id: string) => {
  const res = await c.call('GET', `/api/accounts/${id}/books/recommended`);
  expect(res.status).toBe(200);
  return recommendedResponse.parse(res.body);
};
const create = async (c: Client, id: string, categories: string[]) => {
  const res = await c.call('POST', `/api/accounts/${id}/books/recommended`, { categories });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return createRecommendedResponse.parse(res.body);
};
const statuses = (r: { results: readonly { category: string; status: string }[] }) => Object.fromEntries(r.results.map((x) => [x.category, x.status]));

describe('Create recommended accounts in Xero', () => {
  it('lists them, refuses to write on a read-only connection (nothing sent), then after a reconnect with permission creates each once and suggests them', async () => {
    const c = await newSeller(stack);
    const id = await atAccountsAndTaxes(c, 'xero', { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, { tenant: SECOND!.tenantId });
    const before = xeroBooks().createRequests(SECOND!.tenantId).length;

    const view = await recommended(c, id);
    expect(view).toMatchObject({ platform: 'Xero', organisation: 'Second Shop Ltd', canWrite: false });
    expect(view.permission).toMatch(/permission to add accounts/);
    expect(view.accounts).toEqual([
      expect.objectContaining({ category: 'clearing', line: 'Payout clearing account', name: 'Amazon Clearing', type: 'CURRENT', taxRate: expect.any(String) }),
      expect.objectContaining({ category: 'fees', name: 'Amazon Fees', type: 'EXPENSE' }),
      expect.objectContaining({ category: 'collectedTax', name: 'Marketplace Collected VAT', type: 'CURRLIAB' }),
    ]);
    const refused = await c.call('POST', `/api/accounts/${id}/books/recommended`, { categories: ['clearing', 'fees', 'collectedTax'] });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'books_read_only', message: expect.stringMatching(/Reconnect with permission to add accounts/) });
    // Listing, reading the chart and the refused click sent nothing to Xero.
    expect((await c.call('GET', `/api/accounts/${id}/books/chart`)).status).toBe(200);
    expect(xeroBooks().createRequests(SECOND!.tenantId)).toHaveLength(before);

    await allowWrites(c, id);
    const allowed = await recommended(c, id);
    expect(allowed.canWrite).toBe(true);
    expect(xeroBooks().createRequests(SECOND!.tenantId)).toHaveLength(before);

    const first = await create(c, id, allowed.accounts.map((a) => a.category));
    expect(statuses(first)).toEqual({ clearing: 'created', fees: 'created', collectedTax: 'created' });
    for (const r of first.results) expect(first.chart.suggestions.accounts[r.category]).toBe(r.accountId);
    expect(chartResponse.parse(first.chart).chart.accounts.filter((a) => a.name === 'Amazon Clearing')).toHaveLength(1);
    expect((await recommended(c, id)).accounts).toEqual([]);

    const again = await create(c, id, ['clearing', 'fees', 'collectedTax']);
    expect(statuses(again)).toEqual({ clearing: 'already_present', fees: 'already_present', collectedTax: 'already_present' });
    expect(again.results.map((r) => r.accountId)).toEqual(first.results.map((r) => r.accountId));
    expect(xeroBooks().createRequests(SECOND!.tenantId)).toHaveLength(before + 3);

    // Finish setup with the suggestions: the mapping names the new accounts.
    const saved = await c.call('PUT', `/api/accounts/${id}/mapping`, again.chart.suggestions);
    expect(saved.status).toBe(200);
    const done = (await c.call('GET', `/api/accounts/${id}`)).body.account;
    expect(done.setup.step).toBe('complete');
    expect(done.mapping.accounts.clearing).toBe(first.results[0]!.accountId);
  });
});

describe('Create recommended accounts in QuickBooks', () => {
  it('creates them (QuickBooks connections can always write); a partial failure says which, and a retry finishes the rest', async () => {
    const c = await newSeller(stack);
    const id = await atAccountsAndTaxes(c, 'quickbooks', { name: 'Etsy', channel: 'etsy' });
    const view = await recommended(c, id);
    expect(view.canWrite).toBe(true);
    expect(view.accounts.map((a) => [a.name, a.type, a.taxRate])).toEqual([
      ['Etsy Clearing', 'Other Current Asset (OtherCurrentAssets)', null],
      ['Etsy Fees', 'Expense (OtherBusinessExpenses)', null],
    ]);
    const before = qbBooks().createRequests(REALM).length;
    qbBooks().failNthCreate(2);
    const partial = await create(c, id, ['clearing', 'fees']);
    expect(statuses(partial)).toEqual({ clearing: 'created', fees: 'failed' });
    expect(partial.results[1]!.message).toMatch(/did not create it just now/);
    const retry = await create(c, id, ['clearing', 'fees']);
    expect(statuses(retry)).toEqual({ clearing: 'already_present', fees: 'created' });
    // Three requests reached QuickBooks (the failed one wrote nothing); each account was written once.
    const sent = qbBooks().createRequests(REALM).slice(before);
    expect(sent.map((r) => r.status)).toEqual([200, 500, 200]);
    const chart = chartResponse.parse((await c.call('GET', `/api/accounts/${id}/books/chart`)).body);
    expect(chart.chart.accounts.filter((a) => a.name === 'Etsy Fees')).toHaveLength(1);
    expect(chart.suggestions.accounts.fees).toBe(retry.results[1]!.accountId);
  });

  it('reports an account the seller made by hand as already there, and picks another code when the proposed one was taken meanwhile', async () => {
    const c = await newSeller(stack);
    const id = await atAccountsAndTaxes(c, 'quickbooks', { name: 'Square', channel: 'square' });
    const view = await recommended(c, id);
    const fees = view.accounts.find((a) => a.category === 'fees')!;
    // In QuickBooks' own screens, meanwhile: the clearing account by hand, and another account on the fees' proposed number.
    qbBooks().addAccount(REALM, { Name: 'square clearing', AccountType: 'Other Current Asset' });
    qbBooks().addAccount(REALM, { Name: 'Packaging', AccountType: 'Expense', AcctNum: fees.code });
    const done = await create(c, id, ['clearing', 'fees']);
    expect(statuses(done)).toEqual({ clearing: 'already_present', fees: 'created' });
    expect(done.results[1]!.code).not.toBe(fees.code);
    expect(done.results[0]!.message).toMatch(/already has "square clearing"/);
  });

  it('refuses a request naming no account or an unknown one, in a sentence', async () => {
    const c = await newSeller(stack);
    const id = await atAccountsAndTaxes(c, 'quickbooks', { name: 'Etsy', channel: 'etsy' });
    const none = await c.call('POST', `/api/accounts/${id}/books/recommended`, { categories: [] });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/Choose at least one account/);
    const unknown = await c.call('POST', `/api/accounts/${id}/books/recommended`, { categories: ['sales'] });
    expect(unknown.status).toBe(400);
  });
});
