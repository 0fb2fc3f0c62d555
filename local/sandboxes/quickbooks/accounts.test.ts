import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consent } from '../consent.js';
import { booksControls } from '../controls.js';
import { QUICKBOOKS_FACTS } from '../facts.js';
import { sandboxRegistrations } from '../registrations.js';
import type { SandboxServer } from '../server.js';
import { readJsonOrText, readJsonOrXml, startSandbox, type Json } from '../test-support.js';
import { createQuickbooksSandbox, QUICKBOOKS_SANDBOX_COMPANY } from './index.js';

const reg = sandboxRegistrations('http://127.0.0.1:1').quickbooks;
const REDIRECT = reg.redirectUris[0] ?? '';
const REALM = QUICKBOOKS_SANDBOX_COMPANY.realmId;
const HOST = 'quickbooks.api.intuit.com';

let server: SandboxServer;

beforeEach(async () => {
  server = await startSandbox(createQuickbooksSandbox, { slowMs: 200, accessTokenTtlSeconds: 60 });
});
afterEach(() => server.stop());

const books = () => booksControls(server.sandboxes, 'quickbooks');

async function tokensFor(scope = 'com.intuit.quickbooks.accounting openid'): Promise<Json> {
  const q = new URLSearchParams({ client_id: reg.clientId, response_type: 'code', scope, redirect_uri: REDIRECT, state: 'state-qb' });
  const result = await consent(server.sandboxUrl(`https://appcenter.intuit.com/connect/oauth2?${q}`), QUICKBOOKS_FACTS.accept.decision);
  expect(result.status).toBe(302);
  const code = new URL(result.location ?? '').searchParams.get('code') ?? '';
  const res = await fetch(server.sandboxUrl('https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer'), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${reg.clientId}:${reg.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }),
  });
  const { status, body } = await readJsonOrText(res);
  expect(status).toBe(200);
  return body;
}

async function post(accessToken: unknown, body: unknown, opts: { realm?: string; accept?: string; contentType?: string } = {}): Promise<{ status: number; body: Json; text: string }> {
  const res = await fetch(server.sandboxUrl(`https://${HOST}/v3/company/${opts.realm ?? REALM}/account?minorversion=75`), {
    method: 'POST',
    headers: { authorization: `Bearer ${String(accessToken)}`, accept: opts.accept ?? 'application/json', 'content-type': opts.contentType ?? 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return readJsonOrXml(res);
}

async function accounts(accessToken: unknown, sql = 'select * from Account'): Promise<Json[]> {
  const res = await fetch(server.sandboxUrl(`https://${HOST}/v3/company/${REALM}/query?query=${encodeURIComponent(sql)}&minorversion=75`), {
    headers: { authorization: `Bearer ${String(accessToken)}`, accept: 'application/json' },
  });
  expect(res.status).toBe(200);
  return (((await res.json()) as Json).QueryResponse as Json).Account as Json[];
}

/** The 400 ValidationFault QuickBooks answers, with its one error. */
function expectFault(res: { status: number; body: Json }, code: string, message: string, detail: string | RegExp) {
  expect(res.status).toBe(400);
  expect(res.body.time).toEqual(expect.any(String));
  const fault = res.body.Fault as Json;
  expect(fault.type).toBe('ValidationFault');
  expect(fault.Error).toEqual([{ Message: message, Detail: typeof detail === 'string' ? detail : expect.stringMatching(detail), code, element: '' }]);
}

const CLEARING = { Name: 'Etsy Clearing', AccountType: 'Other Current Asset', AccountSubType: 'OtherCurrentAssets', AcctNum: '1430', Description: 'Etsy payouts before they reach Checking' };

describe('QuickBooks sandbox: POST /account', () => {
  it('creates an account, answers { Account, time }, and select * from Account lists it', async () => {
    const tokens = await tokensFor();
    const res = await post(tokens.access_token, CLEARING);
    expect(res.status).toBe(200);
    expect(String(res.body.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-0[78]:00$/);
    const account = res.body.Account as Json;
    expect(account).toMatchObject({
      ...CLEARING,
      Classification: 'Asset',
      Active: true,
      SubAccount: false,
      FullyQualifiedName: 'Etsy Clearing',
      CurrentBalance: 0,
      CurrentBalanceWithSubAccounts: 0,
      CurrencyRef: { value: 'USD', name: 'United States Dollar' },
      domain: 'QBO',
      sparse: false,
      SyncToken: '0',
    });
    expect(account.Id).toBe('108');
    expect((account.MetaData as Json).CreateTime).toEqual(expect.stringMatching(/-0[78]:00$/));

    const listed = (await accounts(tokens.access_token)).find((a) => a.Id === account.Id);
    expect(listed).toEqual(account);
    const like = await accounts(tokens.access_token, "select * from Account where Name like '%Clearing%'");
    expect(like.map((a) => a.Name).sort()).toEqual(['Amazon Clearing', 'Etsy Clearing', 'Shopify Payouts Clearing']);
  });

  it('creates income, expense, other current liability and bank accounts, filling the classification and a default detail type', async () => {
    const tokens = await tokensFor();
    const income = await post(tokens.access_token, { Name: 'Etsy Sales', AccountType: 'Income', AccountSubType: 'SalesOfProductIncome', AcctNum: '4050' });
    expect(income.body.Account).toMatchObject({ Classification: 'Revenue', AccountType: 'Income', AccountSubType: 'SalesOfProductIncome' });
    const fees = await post(tokens.access_token, { Name: 'Etsy Fees', AccountType: 'Expense', AccountSubType: 'BankCharges', ParentRef: { value: '99' } });
    expect(fees.body.Account).toMatchObject({ Classification: 'Expense', SubAccount: true, ParentRef: { value: '99' }, FullyQualifiedName: 'Merchant Fees:Etsy Fees' });
    const tax = await post(tokens.access_token, { Name: 'Etsy Collected Tax', AccountType: 'Other Current Liability' });
    expect(tax.body.Account).toMatchObject({ Classification: 'Liability', AccountSubType: 'OtherCurrentLiabilities' });
    const bank = await post(tokens.access_token, { Name: 'Wise Checking', AccountSubType: 'Checking' });
    expect(bank.body.Account).toMatchObject({ Classification: 'Asset', AccountType: 'Bank', AccountSubType: 'Checking' });
    const ids = [income, fees, tax, bank].map((r) => (r.body.Account as Json).Id);
    expect(new Set(ids).size).toBe(4);
  });

  it('refuses a duplicate name with 6240 Duplicate Name Exists Error naming the account that has it', async () => {
    const tokens = await tokensFor();
    expectFault(await post(tokens.access_token, { Name: 'Amazon Clearing', AccountType: 'Other Current Asset' }), '6240', 'Duplicate Name Exists Error', 'The name supplied already exists. : Id=90');
    expectFault(await post(tokens.access_token, { Name: 'amazon clearing', AccountType: 'Other Current Asset' }), '6240', 'Duplicate Name Exists Error', 'The name supplied already exists. : Id=90');
    const created = await post(tokens.access_token, CLEARING);
    const again = await post(tokens.access_token, { ...CLEARING, AcctNum: '1431' });
    expectFault(again, '6240', 'Duplicate Name Exists Error', `The name supplied already exists. : Id=${String((created.body.Account as Json).Id)}`);
    // A name is unique among its siblings: the same name under another parent is another account.
    expect((await post(tokens.access_token, { Name: 'Amazon Selling Fees', AccountType: 'Expense', AccountSubType: 'BankCharges' })).status).toBe(200);
    // An inactive account is renamed "(deleted)", so its old name is free.
    expect((await post(tokens.access_token, { Name: 'eBay Clearing', AccountType: 'Other Current Asset' })).status).toBe(200);
  });

  it('refuses a duplicate account number with the business validation fault', async () => {
    const tokens = await tokensFor();
    expectFault(
      await post(tokens.access_token, { ...CLEARING, AcctNum: '1400' }),
      '6000',
      'A business validation error has occurred while processing your request',
      'Business Validation Error: Another account is already using this account number. Please use another account number.',
    );
    expect((await accounts(tokens.access_token)).some((a) => a.Name === 'Etsy Clearing')).toBe(false);
  });

  it('answers a missing Name or type with 2020, an unknown type or property with 2010, a mismatched detail type with 2170', async () => {
    const tokens = await tokensFor();
    const missing = 'Required param missing, need to supply the required value for the API';
    expectFault(await post(tokens.access_token, { AccountType: 'Expense' }), '2020', missing, 'Required parameter Name is missing in the request');
    expectFault(await post(tokens.access_token, { Name: '  ', AccountType: 'Expense' }), '2020', missing, 'Required parameter Name is missing in the request');
    expectFault(await post(tokens.access_token, { Name: 'Etsy Fees' }), '2020', missing, 'Required parameter AccountType is missing in the request');
    const unsupported = 'Request has invalid or unsupported property';
    expectFault(await post(tokens.access_token, { Name: 'Etsy Fees', AccountType: 'Expenses' }), '2010', unsupported, /AccountTypeEnum from String value 'Expenses'/);
    expectFault(await post(tokens.access_token, { name: 'Etsy Fees', AccountType: 'Expense' }), '2010', unsupported, /Unrecognized field "name"/);
    expectFault(await post(tokens.access_token, { Account: CLEARING }), '2010', unsupported, /Unrecognized field "Account"/);
    expectFault(await post(tokens.access_token, 'not json'), '2010', unsupported, /^Property Name:/);
    expectFault(await post(tokens.access_token, { Name: 'Etsy Fees', AccountType: 'Income', AccountSubType: 'BankCharges' }), '2170', 'Invalid Enumeration', 'Invalid Enumeration : BankCharges');
    expectFault(await post(tokens.access_token, { Name: 'Etsy Fees', AccountSubType: 'NoSuchType' }), '2170', 'Invalid Enumeration', 'Invalid Enumeration : NoSuchType');
    expectFault(await post(tokens.access_token, { Name: 'Etsy: Fees', AccountType: 'Expense' }), '6000', 'A business validation error has occurred while processing your request', /colon/);
    expectFault(await post(tokens.access_token, { Name: 'Etsy Fees', AccountType: 'Expense', ParentRef: { value: '9999' } }), '2500', 'Invalid Reference Id', /9999/);
    expectFault(await post(tokens.access_token, { Name: 'Etsy Fees', AccountType: 'Expense', TaxCodeRef: { value: '99' } }), '2500', 'Invalid Reference Id', /99/);
    expect((await accounts(tokens.access_token)).some((a) => String(a.Name).includes('Etsy'))).toBe(false);
  });

  it('answers XML, with the Fault element attribute, when the request does not accept JSON', async () => {
    const tokens = await tokensFor();
    const ok = await post(tokens.access_token, CLEARING, { accept: 'application/xml' });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('<IntuitResponse xmlns="http://schema.intuit.com/finance/v3"');
    expect(ok.text).toContain('<Account domain="QBO" sparse="false"><Name>Etsy Clearing</Name>');
    const dup = await post(tokens.access_token, CLEARING, { accept: 'application/xml' });
    expect(dup.status).toBe(400);
    expect(dup.text).toContain('<Fault type="ValidationFault"><Error code="6240" element=""><Message>Duplicate Name Exists Error</Message>');
  });

  it('needs a live token for this company with the accounting scope (which reads and writes: there is no read-only one), a JSON body, a POST', async () => {
    const tokens = await tokensFor();
    expect((await post('not-a-token', CLEARING)).status).toBe(401);
    const other = await post(tokens.access_token, CLEARING, { realm: '1234567890' });
    expect(other.status).toBe(403);
    expect(other.body.Fault).toMatchObject({ type: 'AuthorizationFault' });
    const openidOnly = await tokensFor('openid email');
    expect((await post(openidOnly.access_token, CLEARING)).status).toBe(403);
    expect((await post(tokens.access_token, JSON.stringify(CLEARING), { contentType: 'text/plain' })).status).toBe(415);
    expect((await fetch(server.sandboxUrl(`https://${HOST}/v3/company/${REALM}/account`))).status).toBe(405);
    server.advance(61_000);
    expect((await post(tokens.access_token, CLEARING)).status).toBe(401);
    expect(books().createRequests(REALM).map((r) => r.status)).toEqual([401, 403, 415, 401]);
  });
});

describe('QuickBooks sandbox: books controls', () => {
  it('failNthCreate(2) fails the second create with the gateway 500 and writes nothing; the retry then goes through', async () => {
    const tokens = await tokensFor();
    books().failNthCreate(2);
    expect((await post(tokens.access_token, CLEARING)).status).toBe(200);
    const fees = { Name: 'Etsy Fees', AccountType: 'Expense', AccountSubType: 'BankCharges', AcctNum: '6113' };
    const failed = await post(tokens.access_token, fees);
    expect(failed.status).toBe(500);
    expect(failed.body.fault).toMatchObject({ type: 'SERVICE', error: [{ code: '3100', message: 'message=InternalServerError; errorCode=003100; statusCode=500' }] });
    expect((await accounts(tokens.access_token)).some((a) => a.Name === 'Etsy Fees')).toBe(false);
    expect((await post(tokens.access_token, fees)).status).toBe(200);
    expect((await accounts(tokens.access_token)).filter((a) => a.Name === 'Etsy Fees')).toHaveLength(1);
  });

  it('failNextCreate fails the next create only; refused requests do not use it up; clearCreateFailures forgets the rest', async () => {
    const tokens = await tokensFor();
    books().failNextCreate();
    expect((await post('not-a-token', CLEARING)).status).toBe(401);
    expect((await post(tokens.access_token, 'not json')).status).toBe(400);
    expect((await post(tokens.access_token, CLEARING)).status).toBe(500);
    expect((await post(tokens.access_token, CLEARING)).status).toBe(200);
    books().failNthCreate(1);
    books().clearCreateFailures();
    expect((await post(tokens.access_token, { Name: 'Etsy Fees', AccountType: 'Expense' })).status).toBe(200);
  });

  it('createRequests lists the company’s create requests with their answers; addAccount adds one by hand without counting', async () => {
    const tokens = await tokensFor();
    expect(books().createRequests(REALM)).toEqual([]);
    const added = books().addAccount(REALM, { Name: 'Etsy Clearing', AccountType: 'Other Current Asset', AcctNum: '1430' });
    expect(added).toMatchObject({ Name: 'Etsy Clearing', Active: true, AccountSubType: 'OtherCurrentAssets', Id: '108' });
    expect((await accounts(tokens.access_token)).find((a) => a.Id === '108')).toEqual(added);
    expect(books().createRequests(REALM)).toEqual([]);

    expectFault(await post(tokens.access_token, CLEARING), '6240', 'Duplicate Name Exists Error', 'The name supplied already exists. : Id=108');
    await post(tokens.access_token, { Name: 'Etsy Fees', AccountType: 'Expense' });
    const log = books().createRequests(REALM);
    expect(log.map((r) => r.status)).toEqual([400, 200]);
    expect(log[0]).toMatchObject({ body: CLEARING, at: expect.any(Number) });
    expect(log[1]).toMatchObject({ createdId: '109' });
    expect(books().createRequests('1234567890')).toEqual([]);
    expect(() => books().addAccount(REALM, { Name: 'Checking', AccountType: 'Bank' })).toThrow('Duplicate Name Exists Error: The name supplied already exists. : Id=35');
    expect(() => books().addAccount('1234567890', CLEARING)).toThrow();
  });

  it('keeps each sandbox’s accounts its own', async () => {
    books().addAccount(REALM, CLEARING);
    const other = await startSandbox(createQuickbooksSandbox);
    try {
      expect(booksControls(other.sandboxes, 'quickbooks').addAccount(REALM, CLEARING)).toMatchObject({ Id: '108' });
    } finally {
      await other.stop();
    }
  });
});
