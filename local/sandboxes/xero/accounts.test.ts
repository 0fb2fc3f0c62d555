import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consent } from '../consent.js';
import { booksControls } from '../controls.js';
import { createEtsySandbox } from '../etsy/index.js';
import { XERO_FACTS } from '../facts.js';
import { sandboxRegistrations } from '../registrations.js';
import type { SandboxServer } from '../server.js';
import { readJsonOrText, readJsonOrXml, startSandbox, type Json } from '../test-support.js';
import { createXeroSandbox, XERO_SANDBOX_TENANTS } from './index.js';

const reg = sandboxRegistrations('http://127.0.0.1:1').xero;
const REDIRECT = reg.redirectUris[0] ?? '';
const [DEMO, SECOND] = XERO_SANDBOX_TENANTS;
const WRITE = 'openid offline_access accounting.settings';
const READ = 'openid offline_access accounting.settings.read';

let server: SandboxServer;

beforeEach(async () => {
  server = await startSandbox(createXeroSandbox, { slowMs: 200, accessTokenTtlSeconds: 60 });
});
afterEach(() => server.stop());

const books = () => booksControls(server.sandboxes, 'xero');

/** Consents with `scope` (Demo Company (UK) ticked, or `tenant`) and exchanges the code: the token endpoint's answer. */
async function tokensFor(scope: string, tenant?: string): Promise<Json> {
  const q = new URLSearchParams({ response_type: 'code', client_id: reg.clientId, redirect_uri: REDIRECT, scope, state: 'state-123' });
  const result = await consent(server.sandboxUrl(`https://login.xero.com/identity/connect/authorize?${q}`), XERO_FACTS.accept.decision, tenant ? { tenant } : {});
  expect(result.status).toBe(302);
  const callback = new URL(result.location ?? '').searchParams;
  expect(callback.get('scope')).toBe(scope);
  const res = await fetch(server.sandboxUrl('https://identity.xero.com/connect/token'), {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${reg.clientId}:${reg.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.get('code') ?? '', redirect_uri: REDIRECT }),
  });
  const { status, body } = await readJsonOrText(res);
  expect(status).toBe(200);
  return body;
}

async function put(accessToken: unknown, body: unknown, opts: { tenantId?: string; accept?: string } = {}): Promise<{ status: number; body: Json; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${String(accessToken)}`, accept: opts.accept ?? 'application/json', 'content-type': 'application/json' };
  const tenantId = 'tenantId' in opts ? opts.tenantId : DEMO.tenantId;
  if (tenantId) headers['xero-tenant-id'] = tenantId;
  const res = await fetch(server.sandboxUrl('https://api.xero.com/api.xro/2.0/Accounts'), { method: 'PUT', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return readJsonOrXml(res);
}

async function chart(accessToken: unknown, tenantId: string = DEMO.tenantId): Promise<Json[]> {
  const res = await fetch(server.sandboxUrl('https://api.xero.com/api.xro/2.0/Accounts'), {
    headers: { authorization: `Bearer ${String(accessToken)}`, accept: 'application/json', 'xero-tenant-id': tenantId },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as Json).Accounts as Json[];
}

const CLEARING = { Code: '617', Name: 'Etsy Clearing', Type: 'CURRENT', Description: 'Etsy payouts before they reach the bank' };

/** The 400 Xero answers a refused account: one element echoing it, with these messages. */
function expectValidation(res: { status: number; body: Json }, messages: string[]) {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred' });
  const elements = res.body.Elements as Json[];
  expect(elements).toHaveLength(1);
  expect(elements[0]?.AccountID).toBe('00000000-0000-0000-0000-000000000000');
  expect(elements[0]?.ValidationErrors).toEqual(messages.map((Message) => ({ Message })));
}

describe('Xero sandbox: PUT /Accounts', () => {
  it('creates an account with accounting.settings, answers it in the Accounts envelope, and lists it after', async () => {
    const tokens = await tokensFor(WRITE);
    const res = await put(tokens.access_token, CLEARING);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ Status: 'OK', ProviderName: 'Onramp' });
    expect(res.body.Id).toEqual(expect.any(String));
    expect(res.text).toMatch(/"DateTimeUTC":"\\\/Date\(\d+\+0000\)\\\/"/);
    const created = (res.body.Accounts as Json[])[0];
    expect(res.body.Accounts).toHaveLength(1);
    expect(created).toMatchObject({ ...CLEARING, Status: 'ACTIVE', Class: 'ASSET', TaxType: 'NONE', EnablePaymentsToAccount: false, ShowInExpenseClaims: false });
    expect(created?.AccountID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);

    const listed = (await chart(tokens.access_token)).find((a) => a.Code === '617');
    expect(listed).toEqual(created);
    const filtered = await fetch(server.sandboxUrl(`https://api.xero.com/api.xro/2.0/Accounts?where=${encodeURIComponent('Name=="Etsy Clearing"')}`), {
      headers: { authorization: `Bearer ${String(tokens.access_token)}`, accept: 'application/json', 'xero-tenant-id': DEMO.tenantId },
    });
    expect((((await filtered.json()) as Json).Accounts as Json[]).map((a) => a.AccountID)).toEqual([created?.AccountID]);
    // Another organisation's chart is untouched.
    const second = await tokensFor(WRITE, `${DEMO.tenantId},${SECOND.tenantId}`);
    expect((await chart(second.access_token, SECOND.tenantId)).some((a) => a.Name === 'Etsy Clearing')).toBe(false);
  });

  it('gives revenue and expense accounts their UK VAT, a bank account its number, type and currency', async () => {
    const tokens = await tokensFor(WRITE);
    const revenue = await put(tokens.access_token, { Code: '230', Name: 'Etsy Sales', Type: 'REVENUE' });
    expect((revenue.body.Accounts as Json[])[0]).toMatchObject({ TaxType: 'OUTPUT2', Class: 'REVENUE', ReportingCode: 'REV.TRA' });
    const fees = await put(tokens.access_token, { Code: '316', Name: 'Etsy Fees', Type: 'DIRECTCOSTS' });
    expect((fees.body.Accounts as Json[])[0]).toMatchObject({ TaxType: 'INPUT2', Class: 'EXPENSE' });
    const vat = await put(tokens.access_token, { Code: '822', Name: 'Etsy Collected VAT', Type: 'CURRLIAB', TaxType: 'NONE' });
    expect((vat.body.Accounts as Json[])[0]).toMatchObject({ TaxType: 'NONE', Class: 'LIABILITY' });
    const bank = await put(tokens.access_token, { Name: 'Wise Business', Type: 'BANK', BankAccountNumber: '23140012345678' });
    expect(bank.status).toBe(200);
    expect((bank.body.Accounts as Json[])[0]).toMatchObject({ Type: 'BANK', Class: 'ASSET', BankAccountNumber: '23140012345678', BankAccountType: 'BANK', CurrencyCode: 'GBP' });
    expect((bank.body.Accounts as Json[])[0]?.Code).toBeUndefined();
  });

  it('takes the account wrapped as { Accounts: [...] } and, as Xero does, creates only the first', async () => {
    const tokens = await tokensFor(WRITE);
    const res = await put(tokens.access_token, { Accounts: [CLEARING, { Code: '618', Name: 'Amazon Clearing', Type: 'CURRENT' }] });
    expect(res.status).toBe(200);
    expect((res.body.Accounts as Json[]).map((a) => a.Name)).toEqual(['Etsy Clearing']);
    const names = (await chart(tokens.access_token)).map((a) => a.Name);
    expect(names).toContain('Etsy Clearing');
    expect(names).not.toContain('Amazon Clearing');
  });

  it('refuses a duplicate name (archived accounts and case included) with 400 "Please enter a unique Name."', async () => {
    const tokens = await tokensFor(WRITE);
    for (const name of ['Marketplace Clearing', 'marketplace clearing', 'eBay Clearing']) {
      const res = await put(tokens.access_token, { Code: '619', Name: name, Type: 'CURRENT', Description: 'A second one' });
      expectValidation(res, ['Please enter a unique Name.']);
      expect((res.body.Elements as Json[])[0]).toMatchObject({ Code: '619', Name: name, Type: 'CURRENT', Description: 'A second one' });
    }
    expect((await chart(tokens.access_token)).filter((a) => String(a.Name).toLowerCase() === 'marketplace clearing')).toHaveLength(1);
  });

  it('refuses a duplicate code with 400 "Please enter a unique Code.", and both at once', async () => {
    const tokens = await tokensFor(WRITE);
    expectValidation(await put(tokens.access_token, { Code: '615', Name: 'Etsy Clearing', Type: 'CURRENT' }), ['Please enter a unique Code.']);
    expectValidation(await put(tokens.access_token, { Code: '616', Name: 'Etsy Clearing', Type: 'CURRENT' }), ['Please enter a unique Code.']);
    expectValidation(await put(tokens.access_token, { Code: '200', Name: 'Sales', Type: 'REVENUE' }), ['Please enter a unique Code.', 'Please enter a unique Name.']);
    expect((await put(tokens.access_token, CLEARING)).status).toBe(200);
    expectValidation(await put(tokens.access_token, CLEARING), ['Please enter a unique Code.', 'Please enter a unique Name.']);
  });

  it('answers Xero validation messages for missing or wrong fields, writing nothing', async () => {
    const tokens = await tokensFor(WRITE);
    const before = (await chart(tokens.access_token)).length;
    expectValidation(await put(tokens.access_token, { Name: 'No Code', Type: 'EXPENSE' }), ['Please enter a Code.']);
    expectValidation(await put(tokens.access_token, { Code: '480', Type: 'EXPENSE' }), ['Please enter a Name.']);
    expectValidation(await put(tokens.access_token, { Code: '480', Name: 'No Type' }), ['Please enter a valid Type.']);
    expectValidation(await put(tokens.access_token, { Code: '480', Name: 'Bad Type', Type: 'INCOME' }), ['Please enter a valid Type.']);
    expectValidation(await put(tokens.access_token, { Code: 'ABCDEFGHIJK', Name: 'Long Code', Type: 'EXPENSE' }), ['Account Code is too long. Maximum of 10 characters allowed']);
    expectValidation(await put(tokens.access_token, { Code: '094', Name: 'No Number', Type: 'BANK' }), ['Please enter a valid Bank Account Number.']);
    expectValidation(await put(tokens.access_token, { Code: '480', Name: 'Bad Tax', Type: 'EXPENSE', TaxType: 'INPUT' }), [
      'The TaxType code INPUT does not exist or cannot be used for this type of transaction.',
    ]);
    expectValidation(await put(tokens.access_token, { Code: '480', Name: 'Archived Tax', Type: 'EXPENSE', TaxType: 'SRINPUT' }), [
      'The TaxType code SRINPUT does not exist or cannot be used for this type of transaction.',
    ]);
    expect((await chart(tokens.access_token)).length).toBe(before);
  });

  it('answers an empty or unreadable body with NoDataProcessedException', async () => {
    const tokens = await tokensFor(WRITE);
    for (const body of ['', 'not json', '{}', '[]', '{"Accounts":[]}']) {
      const res = await put(tokens.access_token, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ Type: 'NoDataProcessedException', Message: expect.stringContaining('expecting Account data') });
    }
  });

  it('answers XML (its ApiException) when the request does not accept JSON', async () => {
    const tokens = await tokensFor(WRITE);
    const ok = await put(tokens.access_token, CLEARING, { accept: '*/*' });
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/^<Response [^>]*><Id>[^<]+<\/Id><Status>OK<\/Status>/);
    expect(ok.text).toContain('<Accounts><Account><AccountID>');
    const refused = await put(tokens.access_token, CLEARING, { accept: '*/*' });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/^<ApiException [^>]*><ErrorNumber>10<\/ErrorNumber><Type>ValidationException<\/Type>/);
    expect(refused.text).toContain('<DataContractBase xsi:type="Account"><ValidationErrors><ValidationError><Message>Please enter a unique Code.</Message></ValidationError>');
  });

  it('answers 401 AuthorizationUnsuccessful to a grant with only accounting.settings.read, which still lists the chart', async () => {
    const tokens = await tokensFor(READ);
    const res = await put(tokens.access_token, CLEARING);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ Type: null, Title: 'Unauthorized', Status: 401, Detail: 'AuthorizationUnsuccessful', Extensions: {} });
    expect((await chart(tokens.access_token)).some((a) => a.Name === 'Etsy Clearing')).toBe(false);
    expect(books().createRequests(DEMO.tenantId)).toMatchObject([{ status: 401, body: CLEARING }]);
  });

  it('grants accounting.settings when the authorize request asks for it (the token carries it)', async () => {
    const tokens = await tokensFor(WRITE);
    expect(tokens.scope).toBe(WRITE);
    const [, payload = ''] = String(tokens.access_token).split('.');
    expect((JSON.parse(Buffer.from(payload, 'base64url').toString()) as Json).scope).toEqual(['openid', 'offline_access', 'accounting.settings']);
  });

  it('answers 403 AuthenticationUnsuccessful without a connected organisation, and 401 to an unknown token', async () => {
    const tokens = await tokensFor(WRITE);
    for (const tenantId of [undefined, SECOND.tenantId, 'not-a-tenant']) {
      const res = await put(tokens.access_token, CLEARING, { tenantId });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ Title: 'Forbidden', Status: 403, Detail: 'AuthenticationUnsuccessful' });
    }
    expect((await put('not-a-token', CLEARING)).status).toBe(401);
    expect((await fetch(server.sandboxUrl('https://api.xero.com/api.xro/2.0/Accounts'), { method: 'POST' })).status).toBe(405);
  });
});

describe('Xero sandbox: books controls', () => {
  it('failNthCreate(2) fails the second create with Xero 500 and writes nothing; the retry then goes through', async () => {
    const tokens = await tokensFor(WRITE);
    books().failNthCreate(2);
    expect((await put(tokens.access_token, CLEARING)).status).toBe(200);
    const failed = await put(tokens.access_token, { Code: '618', Name: 'Amazon Clearing', Type: 'CURRENT' });
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ Title: 'An error occurred', Status: 500, Detail: expect.stringContaining('An error occurred in Xero') });
    expect((await chart(tokens.access_token)).some((a) => a.Name === 'Amazon Clearing')).toBe(false);
    const retried = await put(tokens.access_token, { Code: '618', Name: 'Amazon Clearing', Type: 'CURRENT' });
    expect(retried.status).toBe(200);
    expect((await chart(tokens.access_token)).filter((a) => a.Name === 'Amazon Clearing')).toHaveLength(1);
  });

  it('failNextCreate fails the next create only; refused requests (no scope, no body) do not use up a failure; clearCreateFailures forgets them', async () => {
    const read = await tokensFor(READ);
    const write = await tokensFor(WRITE);
    books().failNextCreate();
    expect((await put(read.access_token, CLEARING)).status).toBe(401);
    expect((await put(write.access_token, '')).status).toBe(400);
    expect((await put(write.access_token, CLEARING)).status).toBe(500);
    expect((await put(write.access_token, CLEARING)).status).toBe(200);
    books().failNthCreate(1);
    books().failNthCreate(3);
    books().clearCreateFailures();
    expect((await put(write.access_token, { Code: '618', Name: 'Amazon Clearing', Type: 'CURRENT' })).status).toBe(200);
    expect(() => books().failNthCreate(0)).toThrow();
  });

  it('createRequests lists each organisation’s create requests with their answers, nothing for one never written to', async () => {
    const tokens = await tokensFor(WRITE, `${DEMO.tenantId},${SECOND.tenantId}`);
    expect(books().createRequests(DEMO.tenantId)).toEqual([]);
    await put(tokens.access_token, CLEARING);
    await put(tokens.access_token, CLEARING);
    books().failNextCreate();
    await put(tokens.access_token, { Code: '618', Name: 'Amazon Clearing', Type: 'CURRENT' });
    const log = books().createRequests(DEMO.tenantId.toUpperCase());
    expect(log.map((r) => r.status)).toEqual([200, 400, 500]);
    expect(log[0]).toMatchObject({ body: CLEARING, createdId: expect.any(String), at: expect.any(Number) });
    expect(log[1]?.createdId).toBeUndefined();
    expect(books().createRequests(SECOND.tenantId)).toEqual([]);
  });

  it('addAccount adds an account as the seller would in Xero: listed, checked, never counted as a create request', async () => {
    const tokens = await tokensFor(WRITE);
    const added = books().addAccount(DEMO.tenantId, { Code: '617', Name: 'Etsy Clearing', Type: 'CURRENT', EnablePaymentsToAccount: true });
    expect(added).toMatchObject({ Code: '617', Name: 'Etsy Clearing', Status: 'ACTIVE', EnablePaymentsToAccount: true });
    expect((await chart(tokens.access_token)).find((a) => a.Code === '617')).toEqual(added);
    expect(books().createRequests(DEMO.tenantId)).toEqual([]);
    expectValidation(await put(tokens.access_token, CLEARING), ['Please enter a unique Code.', 'Please enter a unique Name.']);
    expect(() => books().addAccount(DEMO.tenantId, { Code: '618', Name: 'etsy clearing', Type: 'CURRENT' })).toThrow('Please enter a unique Name.');
    expect(() => books().addAccount('not-a-tenant', CLEARING)).toThrow();
  });

  it('keeps each sandbox’s charts its own', async () => {
    books().addAccount(DEMO.tenantId, CLEARING);
    const other = await startSandbox(createXeroSandbox);
    try {
      expect(() => booksControls(other.sandboxes, 'xero').addAccount(DEMO.tenantId, CLEARING)).not.toThrow();
    } finally {
      await other.stop();
    }
  });

  it('booksControls refuses a sandbox that keeps no books', async () => {
    const etsy = await startSandbox(createEtsySandbox);
    try {
      expect(() => booksControls(etsy.sandboxes, 'etsy')).toThrow('The etsy sandbox keeps no books');
    } finally {
      await etsy.stop();
    }
  });
});
