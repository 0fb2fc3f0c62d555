import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consent } from '../consent.js';
import { sandboxRegistrations } from '../registrations.js';
import type { SandboxServer } from '../server.js';
import { readJsonOrText, readJsonOrXml, startSandbox, type Json } from '../test-support.js';
import { createQuickbooksSandbox, QUICKBOOKS_SANDBOX_COMPANY } from './index.js';
import { QUICKBOOKS_FACTS } from '../facts.js';

const reg = sandboxRegistrations('http://127.0.0.1:1').quickbooks;
const REDIRECT = reg.redirectUris[0] ?? '';
const REALM = QUICKBOOKS_SANDBOX_COMPANY.realmId;
const SCOPE = 'com.intuit.quickbooks.accounting openid';

let server: SandboxServer;

beforeEach(async () => {
  server = await startSandbox(createQuickbooksSandbox, { slowMs: 200, accessTokenTtlSeconds: 60 });
});
afterEach(() => server.stop());

function authorizeUrl(params: Record<string, string> = {}): string {
  const q = new URLSearchParams({ client_id: reg.clientId, response_type: 'code', scope: SCOPE, redirect_uri: REDIRECT, state: 'state-qb', ...params });
  return server.sandboxUrl(`https://appcenter.intuit.com/connect/oauth2?${q}`);
}

async function authorize(choices: Record<string, string> = {}, params: Record<string, string> = {}): Promise<URLSearchParams> {
  const result = await consent(authorizeUrl(params), QUICKBOOKS_FACTS.accept.decision, choices);
  expect(result.status).toBe(302);
  const location = new URL(result.location ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return location.searchParams;
}

async function tokenRequest(form: Record<string, string>, opts: { secret?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(server.sandboxUrl('https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer'), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${reg.clientId}:${opts.secret ?? reg.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      ...opts.headers,
    },
    body: new URLSearchParams(form),
  });
  return readJsonOrText(res);
}

async function tokensFor(params: Record<string, string> = {}): Promise<Json> {
  const cb = await authorize({}, params);
  const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT });
  expect(res.status).toBe(200);
  return res.body;
}

async function api(path: string, accessToken: unknown, opts: { host?: string; accept?: string } = {}): Promise<{ status: number; body: Json; text: string }> {
  const res = await fetch(server.sandboxUrl(`https://${opts.host ?? 'sandbox-quickbooks.api.intuit.com'}${path}`), {
    headers: { authorization: `Bearer ${String(accessToken)}`, accept: opts.accept ?? 'application/json' },
  });
  return readJsonOrXml(res);
}

const query = (sql: string) => `/v3/company/${REALM}/query?query=${encodeURIComponent(sql)}&minorversion=75`;
const rowsOf = (body: Json, entity: string) => ((body.QueryResponse as Json | undefined)?.[entity] ?? []) as Json[];

describe('QuickBooks sandbox: authorize and consent', () => {
  it('serves an accessible consent page naming Sandbox Company US with Connect, Cancel and the sandbox outcome', async () => {
    const res = await fetch(authorizeUrl());
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html.match(/<main>/g)).toHaveLength(1);
    expect(html).toMatch(/<h1>[^<]*(Intuit|QuickBooks)[^<]*Onramp[^<]*<\/h1>/);
    expect(html.match(/<form /g)).toHaveLength(1);
    expect(html).toContain(`action="${server.origin}/appcenter.intuit.com/connect/oauth2"`);
    expect(html).toContain('Sandbox Company US');
    expect(html).toMatch(/<button type="submit" name="decision" value="connect"[^>]*>Connect<\/button>/);
    expect(html).toMatch(/<button type="submit" name="decision" value="cancel"[^>]*>Cancel<\/button>/);
    expect(html).toContain('<label for="scenario">Sandbox outcome</label>');
    expect(html).toMatch(/<option value="ok" selected>/);
  });

  it('refuses an unknown client, an unregistered redirect URI, an unknown scope or a missing state with a 400 page and no form', async () => {
    const cases: Record<string, string>[] = [
      { client_id: 'unknown' },
      { redirect_uri: 'https://evil.example/callback' },
      { scope: 'com.intuit.quickbooks.accounting admin' },
      { state: '' },
    ];
    for (const params of cases) {
      const result = await consent(authorizeUrl(params), QUICKBOOKS_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).not.toContain('<form');
    }
  });

  it('redirects with code, state and realmId when the user connects', async () => {
    const cb = await authorize();
    expect(cb.get('code')).toMatch(/^AB11/);
    expect(cb.get('state')).toBe('state-qb');
    expect(cb.get('realmId')).toBe(REALM);
  });

  it('returns access_denied with the state when the user cancels', async () => {
    const result = await consent(authorizeUrl(), 'cancel');
    expect(result.status).toBe(302);
    const location = new URL(result.location ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('state-qb');
    expect(location.searchParams.get('code')).toBeNull();
  });
});

describe('QuickBooks sandbox: token endpoint', () => {
  it('exchanges a code for a bearer token, a refresh token with its 100-day lifetime and a verifiable id_token', async () => {
    const tokens = await tokensFor();
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 60, x_refresh_token_expires_in: 8_640_000 });
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.x_refresh_token_hard_expires_in).toBeUndefined();

    const [h = '', p = '', s = ''] = String(tokens.id_token).split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Json;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Json;
    expect(payload).toMatchObject({ iss: 'https://oauth.platform.intuit.com/op/v1', aud: [reg.clientId], realmid: REALM });
    const discovery = (await (await fetch(server.sandboxUrl('https://developer.intuit.com/.well-known/openid-sandbox-configuration'))).json()) as Json;
    const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: (JsonWebKey & { kid: string })[] };
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    expect(verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), Buffer.from(s, 'base64url'))).toBe(true);
  });

  it('adds x_refresh_token_hard_expires_in only when x-include-refresh-token-hard-expires-in is true', async () => {
    const cb = await authorize();
    const res = await tokenRequest(
      { grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT },
      { headers: { 'x-include-refresh-token-hard-expires-in': 'true' } },
    );
    expect(res.status).toBe(200);
    const hard = Number(res.body.x_refresh_token_hard_expires_in);
    expect(hard).toBeLessThanOrEqual(5 * 365 * 24 * 3600);
    expect(hard).toBeGreaterThan(5 * 365 * 24 * 3600 - 60);
  });

  it('refuses a code used twice with invalid_grant', async () => {
    const cb = await authorize();
    const form = { grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT };
    expect((await tokenRequest(form)).status).toBe(200);
    const again = await tokenRequest(form);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('refuses a redirect_uri that differs from the authorize request with invalid_grant', async () => {
    const cb = await authorize();
    const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: 'http://127.0.0.1:1/elsewhere' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const cb = await authorize();
    const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT }, { secret: 'wrong' });
    expect(res).toEqual({ status: 401, body: { error: 'invalid_client' } });
  });

  it('refuses a code older than five minutes', async () => {
    const cb = await authorize();
    server.advance(5 * 60_000 + 1);
    const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT });
    expect(res.body.error).toBe('invalid_grant');
  });

  it('answers a token_error code with a 500', async () => {
    const cb = await authorize({ scenario: 'token_error' });
    expect((await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT })).status).toBe(500);
  });

  it('stalls a token_slow code for slowMs before answering', async () => {
    const cb = await authorize({ scenario: 'token_slow' });
    const started = Date.now();
    const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('replaces the refresh token on refresh; the old value then fails with invalid_grant', async () => {
    const tokens = await tokensFor();
    const old = String(tokens.refresh_token);
    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: old });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ token_type: 'bearer', expires_in: 60, x_refresh_token_expires_in: 8_640_000 });
    expect(refreshed.body.refresh_token).not.toBe(old);
    const again = await tokenRequest({ grant_type: 'refresh_token', refresh_token: old });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: String(refreshed.body.refresh_token) })).status).toBe(200);
  });

  it('revokes the grant: its tokens then fail', async () => {
    const tokens = await tokensFor();
    const res = await fetch(server.sandboxUrl('https://developer.api.intuit.com/v2/oauth2/tokens/revoke'), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${reg.clientId}:${reg.clientSecret}`).toString('base64')}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ token: tokens.refresh_token }),
    });
    expect(res.status).toBe(200);
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) })).body.error).toBe('invalid_grant');
    expect((await api(`/v3/company/${REALM}/companyinfo/${REALM}`, tokens.access_token)).status).toBe(401);
  });
});

describe('QuickBooks sandbox: Accounting API', () => {
  it('answers companyinfo on both the sandbox and production hosts', async () => {
    const tokens = await tokensFor();
    for (const host of ['sandbox-quickbooks.api.intuit.com', 'quickbooks.api.intuit.com']) {
      const res = await api(`/v3/company/${REALM}/companyinfo/${REALM}?minorversion=75`, tokens.access_token, { host });
      expect(res.status).toBe(200);
      expect(res.body.CompanyInfo).toMatchObject({ CompanyName: 'Sandbox Company US', LegalName: 'Sandbox Company US LLC', Country: 'US' });
      expect(String(res.body.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-0[78]:00$/);
    }
  });

  it('answers 403 for another realm than the token was issued for', async () => {
    const tokens = await tokensFor();
    const res = await api('/v3/company/1234567890/companyinfo/1234567890', tokens.access_token);
    expect(res.status).toBe(403);
    expect(res.body.Fault).toMatchObject({ type: 'AuthorizationFault' });
  });

  it('answers 401 with the Fault envelope once the access token has expired', async () => {
    const tokens = await tokensFor();
    expect((await api(`/v3/company/${REALM}/companyinfo/${REALM}`, tokens.access_token)).status).toBe(200);
    server.advance(61_000);
    const res = await api(`/v3/company/${REALM}/companyinfo/${REALM}`, tokens.access_token);
    expect(res.status).toBe(401);
    expect(res.body.fault).toMatchObject({ type: 'AUTHENTICATION', error: [{ code: '3200', message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401' }] });
    expect((await api(`/v3/company/${REALM}/companyinfo/${REALM}`, 'not-a-token')).status).toBe(401);
  });

  it('serves the active US chart by default: income, discounts, refunds, fees, shipping, bank, undeposited funds, clearing and sales tax', async () => {
    const tokens = await tokensFor();
    const res = await api(query('select * from Account'), tokens.access_token);
    expect(res.status).toBe(200);
    const accounts = rowsOf(res.body, 'Account');
    expect(res.body.QueryResponse).toMatchObject({ startPosition: 1, maxResults: accounts.length });
    const byName = new Map(accounts.map((a) => [a.Name, a]));
    expect(byName.get('Sales of Product Income')).toMatchObject({ AccountType: 'Income', AccountSubType: 'SalesOfProductIncome', Classification: 'Revenue', Active: true });
    expect(byName.get('Services')).toMatchObject({ AccountType: 'Income', AccountSubType: 'ServiceFeeIncome' });
    expect(byName.get('Shipping Income')?.AccountType).toBe('Income');
    expect(byName.get('Discounts given')?.AccountSubType).toBe('DiscountsRefundsGiven');
    expect(byName.get('Refunds & Returns')?.AccountSubType).toBe('DiscountsRefundsGiven');
    expect(byName.get('Advertising & Marketing')).toMatchObject({ AccountType: 'Expense', AccountSubType: 'AdvertisingPromotional', Classification: 'Expense' });
    expect(byName.get('Merchant Fees')?.AccountSubType).toBe('BankCharges');
    expect(byName.get('Amazon Selling Fees')).toMatchObject({ SubAccount: true, FullyQualifiedName: 'Merchant Fees:Amazon Selling Fees', ParentRef: { value: '99' } });
    expect(byName.get('Shipping & Postage')?.AccountSubType).toBe('ShippingFreightDelivery');
    expect(byName.get('Checking')).toMatchObject({ AccountType: 'Bank', AccountSubType: 'Checking', Classification: 'Asset', AcctNum: '1000', CurrencyRef: { value: 'USD', name: 'United States Dollar' } });
    expect(byName.get('Savings')?.AccountSubType).toBe('Savings');
    expect(byName.get('Undeposited Funds')).toMatchObject({ AccountType: 'Other Current Asset', AccountSubType: 'UndepositedFunds' });
    expect(byName.get('Amazon Clearing')?.AccountType).toBe('Other Current Asset');
    expect(byName.get('Sales Tax Payable')).toMatchObject({ AccountType: 'Other Current Liability', Classification: 'Liability' });
    expect(accounts.every((a) => a.Active === true)).toBe(true);
  });

  it('returns inactive accounts only when the query asks for them', async () => {
    const tokens = await tokensFor();
    const inactive = rowsOf((await api(query("SELECT * FROM Account WHERE Active = false"), tokens.access_token)).body, 'Account');
    expect(inactive.map((a) => a.Name).sort()).toEqual(['Coupons (deleted)', 'PayPal (deleted)', 'Stamps.com (deleted)', 'eBay Clearing (deleted)']);
    const all = rowsOf((await api(query('select * from account where Active in (true, false)'), tokens.access_token)).body, 'Account');
    const active = rowsOf((await api(query('select * from Account where Active = true'), tokens.access_token)).body, 'Account');
    expect(all.length).toBe(active.length + inactive.length);
  });

  it('filters, sorts, pages and counts', async () => {
    const tokens = await tokensFor();
    const banks = rowsOf((await api(query("select * from Account where AccountType = 'Bank' orderby Name desc"), tokens.access_token)).body, 'Account');
    expect(banks.map((a) => a.Name)).toEqual(['Savings', 'Checking']);
    const like = rowsOf((await api(query("select * from Account where Name like '%Clearing%'"), tokens.access_token)).body, 'Account');
    expect(like.map((a) => a.Name).sort()).toEqual(['Amazon Clearing', 'Shopify Payouts Clearing']);
    const page2 = await api(query('select * from Account startposition 3 maxresults 2'), tokens.access_token);
    expect(page2.body.QueryResponse).toMatchObject({ startPosition: 3, maxResults: 2 });
    const count = await api(query('select count(*) from Account'), tokens.access_token);
    expect((count.body.QueryResponse as Json).totalCount).toBe(rowsOf((await api(query('select * from Account'), tokens.access_token)).body, 'Account').length);
    const none = await api(query("select * from Account where Name = 'No such account'"), tokens.access_token);
    expect(none.body.QueryResponse).toEqual({});
  });

  it('answers a query it cannot parse with a 400 ValidationFault', async () => {
    const tokens = await tokensFor();
    for (const sql of ['select * form Account', 'select * from Invoicez', "select * from Account where Name = 'x' or Active = true"]) {
      const res = await api(query(sql), tokens.access_token);
      expect(res.status).toBe(400);
      expect(res.body.Fault).toMatchObject({ type: 'ValidationFault' });
    }
  });

  it('serves tax codes and rates for California 8.25%, New York City 8.875%, out of scope and exempt', async () => {
    const tokens = await tokensFor();
    const codes = rowsOf((await api(query('select * from TaxCode'), tokens.access_token)).body, 'TaxCode');
    const rates = rowsOf((await api(query('select * from TaxRate'), tokens.access_token)).body, 'TaxRate');
    const rateById = new Map(rates.map((r) => [r.Id, Number(r.RateValue)]));
    const total = (name: string) => {
      const code = codes.find((c) => c.Name === name);
      const details = ((code?.SalesTaxRateList as Json | undefined)?.TaxRateDetail ?? []) as Json[];
      return details.reduce((sum, d) => sum + (rateById.get((d.TaxRateRef as Json).value) ?? 0), 0);
    };
    expect(total('California')).toBeCloseTo(8.25);
    expect(total('New York City')).toBeCloseTo(8.875);
    expect(codes.find((c) => c.Name === 'Out of scope')).toMatchObject({ Taxable: false, Active: true });
    expect(codes.find((c) => c.Name === 'Exempt')).toMatchObject({ Taxable: false });
    expect(codes.some((c) => c.Active === false)).toBe(true);
    expect(rates.find((r) => r.Name === 'California')).toMatchObject({ RateValue: 7.25, AgencyRef: { value: '1' }, Active: true });
  });

  it('answers XML when the request does not accept JSON', async () => {
    const tokens = await tokensFor();
    const res = await api(`/v3/company/${REALM}/companyinfo/${REALM}`, tokens.access_token, { accept: 'application/xml' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<IntuitResponse xmlns="http://schema.intuit.com/finance/v3"');
    expect(res.text).toContain('<CompanyInfo domain="QBO" sparse="false"><CompanyName>Sandbox Company US</CompanyName>');
  });
});
