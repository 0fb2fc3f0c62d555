/**
 * Connect Bookkeeping and Accounts & Taxes against the Xero and QuickBooks
 * sandboxes (written from the providers' documentation), on the local stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartResponse, accountResponse } from '#shared/http/schemas.js';
import { consent } from '#local/sandboxes/consent.js';
import { acceptance, QUICKBOOKS_FACTS, XERO_FACTS } from '#local/sandboxes/facts.js';
import { XERO_SANDBOX_TENANTS } from '#local/sandboxes/xero/index.js';
import { connectThroughSandbox, followCallback, newAccount, newSeller, withStack, type Client } from '#local/test-helpers.js';
import type { LocalStack } from '#local/stack.js';

let stack: LocalStack;
beforeAll(async () => {
  // Access tokens shorter than Onramp's refresh margin: every chart load goes through the refresh path.
  stack = await withStack({ accessTokenTtlSeconds: 30, sandboxSlowMs: 2_000, providerTimeoutMs: 5_000 });
  // The sandboxes make their signing keys (RSA) on first use, which can outlast the short provider timeout on a busy machine: make them now.
  for (const jwks of ['identity.xero.com/.well-known/openid-configuration/jwks', 'oauth.platform.intuit.com/op/v1/jwks']) {
    await (await fetch(`${stack.sandboxes.origin}/${jwks}`)).text();
  }
});
afterAll(async () => {
  await stack?.stop();
});

const [DEMO, SECOND] = XERO_SANDBOX_TENANTS;

async function account(c: Client, id: string) {
  const res = await c.call('GET', `/api/accounts/${id}`);
  expect(res.status).toBe(200);
  return accountResponse.parse(res.body).account;
}

/** An account with its channel connected, at Connect Bookkeeping. */
async function atBooks(c: Client, body: Record<string, unknown> = { name: 'Amazon EU', channel: 'amazon', region: 'europe' }) {
  const created = await newAccount(c, body);
  const { decision, choices } = acceptance(String(body.channel));
  await connectThroughSandbox(c, created.id, decision, { ...choices });
  expect((await account(c, created.id)).setup.step).toBe('connect_bookkeeping');
  return created.id as string;
}

async function booksConsent(c: Client, id: string, provider: 'xero' | 'quickbooks', decision: string, choices: Record<string, string> = {}) {
  const start = await c.call('POST', `/api/accounts/${id}/books/connect`, { provider });
  expect(start.status).toBe(200);
  const page = await consent(start.body.authorizeUrl, decision, choices);
  return followCallback(c, page.location!);
}

const booksSecrets = () => stack.secrets.names().filter((n) => n.includes('/books-') || n.startsWith('onramp/books-'));
/** The shared books secrets of one seller. */
async function sellerBooksSecrets(c: Client): Promise<string[]> {
  const sellerId = (await c.call('GET', '/api/me')).body.user.id as string;
  return stack.secrets.names().filter((n) => n.startsWith(`onramp/books-${sellerId}/`));
}

describe('Connect Bookkeeping', () => {
  it('connects Xero: tokens in the seller\u2019s secret for the organisation, "Successfully connected", on to Accounts & Taxes', async () => {
    const c = await newSeller(stack);
    const id = await atBooks(c);
    const { landing } = await booksConsent(c, id, 'xero', XERO_FACTS.accept.decision);
    expect(landing).toBe(`/accounts/${id}/setup?connected=books`);
    const a = await account(c, id);
    expect(a.setup.step).toBe('accounts_and_taxes');
    expect(a.connections.find((x) => x.kind === 'books')).toMatchObject({ provider: 'xero', label: 'Demo Company (UK)', reference: `xero:${DEMO.tenantId}` });
  });

  it('connects QuickBooks through realmId and the company info call', async () => {
    const c = await newSeller(stack);
    const id = await atBooks(c, { name: 'eBay', channel: 'ebay' });
    const { landing } = await booksConsent(c, id, 'quickbooks', QUICKBOOKS_FACTS.accept.decision);
    expect(landing).toBe(`/accounts/${id}/setup?connected=books`);
    expect((await account(c, id)).connections.find((x) => x.kind === 'books')?.label).toBe('Sandbox Company US');
  });

  it('lets a seller who authorised two Xero organisations pick one, and keeps only that one', async () => {
    const c = await newSeller(stack);
    const id = await atBooks(c);
    await booksConsent(c, id, 'xero', XERO_FACTS.accept.decision, { tenant: `${DEMO.tenantId},${SECOND.tenantId}` });
    const waiting = await account(c, id);
    expect(waiting.setup.step).toBe('connect_bookkeeping');
    expect(waiting.pendingOrganisations?.map((o) => o.name)).toEqual(['Demo Company (UK)', 'Second Shop Ltd']);
    const picked = await c.call('POST', `/api/accounts/${id}/books/organisation`, { organisation: SECOND.tenantId });
    expect(picked.status).toBe(200);
    const a = await account(c, id);
    expect(a.setup.step).toBe('accounts_and_taxes');
    expect(a.pendingOrganisations).toBeNull();
    expect(a.connections.find((x) => x.kind === 'books')?.label).toBe('Second Shop Ltd');
    expect(stack.secrets.names().filter((n) => n.startsWith(`onramp/${id}/books-pending`))).toEqual([]);
    // The chart comes from the organisation picked.
    const chart = chartResponse.parse((await c.call('GET', `/api/accounts/${id}/books/chart`)).body);
    expect(chart.organisation).toBe('Second Shop Ltd');
  });

  it.each([
    ['denied consent', 'cancel', {}, 'denied'],
    ['a token endpoint failure', XERO_FACTS.accept.decision, { scenario: 'token_error' }, 'provider_error'],
  ])('brings the seller back with a sentence on %s, and writes nothing', async (_what, decision, choices, code) => {
    const c = await newSeller(stack);
    const id = await atBooks(c);
    const before = await account(c, id);
    const { landing } = await booksConsent(c, id, 'xero', decision, choices);
    expect(new URL(landing!, 'http://app').searchParams.get('connect_error')).toBe(code);
    const after = await account(c, id);
    expect(after.updatedAt).toBe(before.updatedAt);
    expect(after.connections.map((x) => x.kind)).toEqual(['channel']);
  });

  it('refuses a replayed state', async () => {
    const c = await newSeller(stack);
    const id = await atBooks(c);
    const { callback } = await booksConsent(c, id, 'quickbooks', QUICKBOOKS_FACTS.accept.decision);
    const again = await followCallback(c, callback!);
    expect(new URL(again.landing!, 'http://app').searchParams.get('connect_error')).toBe('expired');
  });

  it('reuses books another account connected, with no second consent and no second secret', async () => {
    const c = await newSeller(stack);
    const first = await atBooks(c);
    await booksConsent(c, first, 'xero', XERO_FACTS.accept.decision);
    const secrets = booksSecrets().length;
    const second = await atBooks(c, { name: 'eBay UK', channel: 'ebay' });
    const reuse = await c.call('POST', `/api/accounts/${second}/books/connect`, { reuse: `xero:${DEMO.tenantId}` });
    expect(reuse.status).toBe(200);
    expect(reuse.body.account.setup.step).toBe('accounts_and_taxes');
    expect(booksSecrets().length).toBe(secrets);
    expect(chartResponse.parse((await c.call('GET', `/api/accounts/${second}/books/chart`)).body).organisation).toBe('Demo Company (UK)');
  });
});

describe('Accounts & Taxes', () => {
  it('loads the live Xero chart (refreshing the rotating token) with a fitting suggestion for every field, eight countries for Amazon Europe', async () => {
    const c = await newSeller(stack);
    const id = await atBooks(c);
    await booksConsent(c, id, 'xero', XERO_FACTS.accept.decision);
    const [secretName] = await sellerBooksSecrets(c);
    const read = async () => JSON.parse(((await stack.secrets.operations.GetSecretValue!({ SecretId: secretName! })) as { SecretString: string }).SecretString);
    const before = (await read()).refreshToken;
    const chart = chartResponse.parse((await c.call('GET', `/api/accounts/${id}/books/chart`)).body);
    expect((await read()).refreshToken).not.toBe(before);
    expect(chart.countries.map((x) => x.code)).toEqual(['GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'PL']);
    for (const category of chart.categories) {
      expect(category.accountIds.length, category.id).toBeGreaterThan(0);
      expect(category.accountIds).toContain(chart.suggestions.accounts[category.id as keyof typeof chart.suggestions.accounts]);
    }
    for (const country of chart.countries) expect(chart.suggestions.taxRates[country.code]).toBeTruthy();
    expect(chart.suggestions.startDate).toMatch(/^\d{4}-\d{2}-01$/);
    // Accepting every suggestion finishes the wizard.
    const saved = await c.call('PUT', `/api/accounts/${id}/mapping`, chart.suggestions);
    expect(saved.status).toBe(200);
    const done = await account(c, id);
    expect(done.setup.step).toBe('complete');
    expect(done.mapping).toEqual(chart.suggestions);
  });

  it('refuses a mapping naming an archived account or one of the wrong type, naming the field', async () => {
    const c = await newSeller(stack);
    const id = await atBooks(c);
    await booksConsent(c, id, 'xero', XERO_FACTS.accept.decision);
    const chart = chartResponse.parse((await c.call('GET', `/api/accounts/${id}/books/chart`)).body);
    const archived = chart.chart.accounts.find((a) => !a.active && a.kind === 'revenue') ?? chart.chart.accounts.find((a) => !a.active)!;
    const bank = chart.chart.accounts.find((a) => a.kind === 'bank' && a.active)!;
    const res = await c.call('PUT', `/api/accounts/${id}/mapping`, { ...chart.suggestions, accounts: { ...chart.suggestions.accounts, sales: archived.id, advertising: bank.id } });
    expect(res.status).toBe(400);
    expect(res.body.error.fields['accounts.sales']).toMatch(/archived in Xero/);
    expect(res.body.error.fields['accounts.advertising']).toMatch(/does not fit advertising/);
    const missing = await c.call('PUT', `/api/accounts/${id}/mapping`, { ...chart.suggestions, taxRates: {} });
    expect(missing.body.error.fields['taxRates.DE']).toMatch(/Choose a tax rate for Germany/);
    expect((await account(c, id)).setup.step).toBe('accounts_and_taxes');
  });

  it('finishes eBay + QuickBooks with the suggestions, and lets the seller change the mapping later', async () => {
    const c = await newSeller(stack);
    const id = await atBooks(c, { name: 'eBay US', channel: 'ebay' });
    await booksConsent(c, id, 'quickbooks', QUICKBOOKS_FACTS.accept.decision);
    const chart = chartResponse.parse((await c.call('GET', `/api/accounts/${id}/books/chart`)).body);
    for (const category of chart.categories) expect(category.accountIds).toContain(chart.suggestions.accounts[category.id as keyof typeof chart.suggestions.accounts]);
    expect((await c.call('PUT', `/api/accounts/${id}/mapping`, chart.suggestions)).status).toBe(200);
    expect((await account(c, id)).setup.step).toBe('complete');
    const other = chart.categories.find((x) => x.id === 'sales')!.accountIds.find((a) => a !== chart.suggestions.accounts.sales)!;
    const changed = await c.call('PUT', `/api/accounts/${id}/mapping`, { ...chart.suggestions, accounts: { ...chart.suggestions.accounts, sales: other } });
    expect(changed.status).toBe(200);
    expect((await account(c, id)).mapping?.accounts.sales).toBe(other);
  });
});

describe('the shared books secret', () => {
  it('survives a start over while another account uses it, and goes with the last account that did', async () => {
    const c = await newSeller(stack);
    const first = await atBooks(c);
    await booksConsent(c, first, 'xero', XERO_FACTS.accept.decision);
    const secret = await sellerBooksSecrets(c);
    expect(secret).toHaveLength(1);
    const second = await atBooks(c, { name: 'Square', channel: 'square' });
    await c.call('POST', `/api/accounts/${second}/books/connect`, { reuse: `xero:${DEMO.tenantId}` });
    expect((await c.call('POST', `/api/accounts/${first}/start-over`, {})).status).toBe(200);
    for (const s of secret) expect(stack.secrets.has(s)).toBe(true);
    expect((await c.call('POST', `/api/accounts/${second}/start-over`, {})).status).toBe(200);
    for (const s of secret) expect(stack.secrets.has(s)).toBe(false);
  });

  it('survives a support reset while another account uses it, and goes with a support delete of the last one', async () => {
    const support = (payload: unknown) => stack.functions.invoke('support', payload) as Promise<Record<string, any>>;
    const caller = 'arn:aws:sts::111111111111:assumed-role/Support/sam';
    const c = await newSeller(stack);
    const first = await atBooks(c);
    await booksConsent(c, first, 'quickbooks', QUICKBOOKS_FACTS.accept.decision);
    const secret = await sellerBooksSecrets(c);
    expect(secret).toHaveLength(1);
    const second = await atBooks(c, { name: 'Etsy', channel: 'etsy' });
    const reused = (await account(c, first)).connections.find((x) => x.kind === 'books')!.reference!;
    expect((await c.call('POST', `/api/accounts/${second}/books/connect`, { reuse: reused })).status).toBe(200);
    const reset = await support({ action: 'reset', target: { accountId: first }, reason: 'Ticket 9', operator: 'sam', caller });
    expect(reset.outcome).toBe('done');
    expect(stack.secrets.has(secret[0]!)).toBe(true);
    const deleted = await support({ action: 'reset', target: { accountId: second }, reason: 'Ticket 9', operator: 'sam', caller, delete: true });
    expect(deleted.outcome).toBe('done');
    expect(stack.secrets.has(secret[0]!)).toBe(false);
  });
});
