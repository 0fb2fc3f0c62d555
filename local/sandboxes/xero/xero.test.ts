import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consent } from '../consent.js';
import { sandboxRegistrations } from '../registrations.js';
import type { SandboxServer } from '../server.js';
import { readJsonOrText, readJsonOrXml, startSandbox, type Json } from '../test-support.js';
import { createXeroSandbox, XERO_SANDBOX_TENANTS } from './index.js';
import { XERO_FACTS } from '../facts.js';

const reg = sandboxRegistrations('http://127.0.0.1:1').xero;
const REDIRECT = reg.redirectUris[0] ?? '';
const [DEMO, SECOND] = XERO_SANDBOX_TENANTS;
const SCOPE = 'openid profile email accounting.settings.read offline_access';

let server: SandboxServer;

beforeEach(async () => {
  server = await startSandbox(createXeroSandbox, { slowMs: 200, accessTokenTtlSeconds: 60 });
});
afterEach(() => server.stop());

function authorizeUrl(params: Record<string, string> = {}): string {
  const q = new URLSearchParams({ response_type: 'code', client_id: reg.clientId, redirect_uri: REDIRECT, scope: SCOPE, state: 'state-123', ...params });
  return server.sandboxUrl(`https://login.xero.com/identity/connect/authorize?${q}`);
}

/** Consents and returns the callback URL's query. */
async function authorize(choices: Record<string, string> = {}, params: Record<string, string> = {}): Promise<URLSearchParams> {
  const result = await consent(authorizeUrl(params), XERO_FACTS.accept.decision, choices);
  expect(result.status).toBe(302);
  const location = new URL(result.location ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return location.searchParams;
}

async function tokenRequest(form: Record<string, string>, secret: string = reg.clientSecret): Promise<{ status: number; body: Json }> {
  const res = await fetch(server.sandboxUrl('https://identity.xero.com/connect/token'), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${reg.clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form),
  });
  return readJsonOrText(res);
}

async function tokensFor(choices: Record<string, string> = {}): Promise<Json> {
  const cb = await authorize(choices);
  const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT });
  expect(res.status).toBe(200);
  return res.body;
}

async function api(path: string, accessToken: unknown, tenantId?: string, accept = 'application/json'): Promise<{ status: number; body: Json; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${String(accessToken)}`, accept };
  if (tenantId) headers['xero-tenant-id'] = tenantId;
  const res = await fetch(server.sandboxUrl(`https://api.xero.com${path}`), { headers });
  return readJsonOrXml(res);
}

const decodeJwt = (jwt: string) => {
  const [h = '', p = ''] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Json, payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Json };
};

describe('Xero sandbox: authorize and consent', () => {
  it('serves an accessible consent page with both organisations, the first ticked', async () => {
    const res = await fetch(authorizeUrl());
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html.match(/<main>/g)).toHaveLength(1);
    expect(html.match(/<h1>[^<]*Xero[^<]*Onramp[^<]*<\/h1>/)).not.toBeNull();
    expect(html.match(/<form /g)).toHaveLength(1);
    expect(html).toContain('method="post"');
    expect(html).toContain(`action="${server.origin}/login.xero.com/identity/connect/authorize"`);
    expect(html).toMatch(/<button type="submit" name="decision" value="allow"[^>]*>Allow access<\/button>/);
    expect(html).toMatch(/<button type="submit" name="decision" value="cancel"[^>]*>Cancel<\/button>/);
    expect(html).toContain('<label for="scenario">Sandbox outcome</label>');
    expect(html).toMatch(/<option value="ok" selected>/);
    expect(html).toContain('<option value="token_error">');
    expect(html).toContain('<option value="token_slow">');
    expect(html).toContain(`name="tenant" value="${DEMO.tenantId}" checked`);
    expect(html).toMatch(new RegExp(`name="tenant" value="${SECOND.tenantId}">`));
    expect(html).toContain('Demo Company (UK)');
    expect(html).toContain('Second Shop Ltd');
  });

  it('escapes the request parameters it echoes', async () => {
    const res = await fetch(authorizeUrl({ state: '"><script>alert(1)</script>' }));
    const html = await res.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('refuses an unknown client, an unregistered redirect URI, an unknown scope and a plain PKCE challenge with a 400 page and no form', async () => {
    const cases: Record<string, string>[] = [
      { client_id: 'NOT-REGISTERED' },
      { redirect_uri: `${REDIRECT}/other` },
      { scope: 'openid not.a.scope' },
      { response_type: 'token' },
      { code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' },
    ];
    for (const params of cases) {
      const result = await consent(authorizeUrl(params), XERO_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).not.toContain('<form');
      expect(result.status).toBeUndefined();
    }
  });

  it('redirects with code, scope, state and session_state when access is allowed', async () => {
    const cb = await authorize();
    expect(cb.get('code')).toMatch(/^[0-9a-f]{64}$/);
    expect(cb.get('state')).toBe('state-123');
    expect(cb.get('scope')).toBe(SCOPE);
    expect(cb.get('session_state')).toBeTruthy();
  });

  it('returns access_denied with the state when the user cancels', async () => {
    const result = await consent(authorizeUrl(), 'cancel');
    expect(result.status).toBe(302);
    const location = new URL(result.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toBeNull();
  });
});

describe('Xero sandbox: token endpoint', () => {
  it('exchanges a code for a Bearer access token, a refresh token, the scope and a verifiable id_token', async () => {
    const cb = await authorize({}, { nonce: 'nonce-1' });
    const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 60, scope: SCOPE });
    expect(res.body.refresh_token).toEqual(expect.any(String));
    const access = decodeJwt(String(res.body.access_token));
    expect(access.payload).toMatchObject({ iss: 'https://identity.xero.com', client_id: reg.clientId });
    expect(access.payload.authentication_event_id).toEqual(expect.any(String));

    const idToken = String(res.body.id_token);
    const { header, payload } = decodeJwt(idToken);
    expect(header.alg).toBe('RS256');
    expect(payload).toMatchObject({ iss: 'https://identity.xero.com', aud: reg.clientId, nonce: 'nonce-1', email: 'sandbox.user@example.com' });
    const discovery = (await (await fetch(server.sandboxUrl('https://identity.xero.com/.well-known/openid-configuration'))).json()) as Json;
    expect(discovery.token_endpoint).toBe(server.sandboxUrl('https://identity.xero.com/connect/token'));
    const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: (JsonWebKey & { kid: string })[] };
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    expect(jwk).toBeDefined();
    const [h, p, s] = idToken.split('.');
    const ok = verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), Buffer.from(s ?? '', 'base64url'));
    expect(ok).toBe(true);
  });

  it('returns no refresh token without offline_access and no id_token without openid', async () => {
    const cb = await authorize({}, { scope: 'accounting.settings.read' });
    const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
    expect(res.body.id_token).toBeUndefined();
  });

  it('refuses a code used twice with invalid_grant', async () => {
    const cb = await authorize();
    const form = { grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT };
    expect((await tokenRequest(form)).status).toBe(200);
    const again = await tokenRequest(form);
    expect(again).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a code older than five minutes with invalid_grant', async () => {
    const cb = await authorize();
    server.advance(5 * 60_000 + 1);
    const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT });
    expect(res).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a redirect_uri that differs from the authorize request with invalid_grant', async () => {
    const cb = await authorize();
    const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: `${REDIRECT}?x=1` });
    expect(res).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const cb = await authorize();
    const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT }, 'wrong-secret');
    expect(res).toEqual({ status: 400, body: { error: 'invalid_client' } });
  });

  it('refuses a request that is not a form POST', async () => {
    const url = server.sandboxUrl('https://identity.xero.com/connect/token');
    expect((await fetch(url)).status).toBe(405);
    const jsonBody = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(jsonBody.status).toBe(415);
  });

  it('checks the PKCE verifier when the authorize request carried an S256 challenge', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const cb = await authorize({}, { code_challenge: challenge, code_challenge_method: 'S256' });
    const base = { grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT };
    expect(await tokenRequest(base)).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect(await tokenRequest({ ...base, code_verifier: randomBytes(32).toString('base64url') })).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect((await tokenRequest({ ...base, code_verifier: verifier })).status).toBe(200);
  });

  it('answers a token_error code with a 500', async () => {
    const cb = await authorize({ scenario: 'token_error' });
    const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT });
    expect(res.status).toBe(500);
  });

  it('stalls a token_slow code for slowMs before answering', async () => {
    const cb = await authorize({ scenario: 'token_slow' });
    const started = Date.now();
    const res = await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('rotates the refresh token: the old one still works within its 30-minute grace, then fails with invalid_grant', async () => {
    const first = await tokensFor();
    const old = String(first.refresh_token);
    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: old });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    const next = String(refreshed.body.refresh_token);
    expect(next).not.toBe(old);
    expect(refreshed.body.access_token).not.toBe(first.access_token);

    // A retry within the grace period (the new token was lost in transit) succeeds.
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: old })).status).toBe(200);

    server.advance(30 * 60_000 + 1);
    expect(await tokenRequest({ grant_type: 'refresh_token', refresh_token: old })).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: next })).status).toBe(200);
  });

  it('expires an unused refresh token after 60 days', async () => {
    const tokens = await tokensFor();
    server.advance(60 * 24 * 3600_000 + 1);
    expect(await tokenRequest({ grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) })).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });
});

describe('Xero sandbox: connections', () => {
  it('lists the organisation ticked by default as the only connection', async () => {
    const tokens = await tokensFor();
    const res = await api('/connections', tokens.access_token);
    expect(res.status).toBe(200);
    const list = res.body as unknown as Json[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ tenantId: DEMO.tenantId, tenantName: 'Demo Company (UK)', tenantType: 'ORGANISATION' });
    expect(list[0]?.id).toEqual(expect.any(String));
    expect(list[0]?.authEventId).toBe(decodeJwt(String(tokens.access_token)).payload.authentication_event_id);
    expect(String(list[0]?.createdDateUtc)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$/);
  });

  it('lists two connections when both organisations are ticked (comma-separated tenant value)', async () => {
    const tokens = await tokensFor({ tenant: `${DEMO.tenantId},${SECOND.tenantId}` });
    const list = (await api('/connections', tokens.access_token)).body as unknown as Json[];
    expect(list.map((c) => c.tenantName).sort()).toEqual(['Demo Company (UK)', 'Second Shop Ltd']);
    expect(new Set(list.map((c) => c.authEventId)).size).toBe(1);
  });

  it('keeps earlier connections of the user and filters by authEventId', async () => {
    await tokensFor({ tenant: SECOND.tenantId });
    const tokens = await tokensFor();
    const all = (await api('/connections', tokens.access_token)).body as unknown as Json[];
    expect(all).toHaveLength(2);
    const event = String(decodeJwt(String(tokens.access_token)).payload.authentication_event_id);
    const mine = (await api(`/connections?authEventId=${event}`, tokens.access_token)).body as unknown as Json[];
    expect(mine.map((c) => c.tenantId)).toEqual([DEMO.tenantId]);
  });

  it('removes a connection on DELETE /connections/{id}, after which its organisation answers 403', async () => {
    const tokens = await tokensFor();
    const [connection] = (await api('/connections', tokens.access_token)).body as unknown as Json[];
    const del = await fetch(server.sandboxUrl(`https://api.xero.com/connections/${String(connection?.id)}`), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${String(tokens.access_token)}` },
    });
    expect(del.status).toBe(204);
    expect((await api('/connections', tokens.access_token)).body).toEqual([]);
    expect((await api('/api.xro/2.0/Accounts', tokens.access_token, DEMO.tenantId)).status).toBe(403);
  });

  it('answers 401 to an unknown token and, via server.advance, to an expired one', async () => {
    expect((await api('/connections', 'not-a-token')).status).toBe(401);
    const tokens = await tokensFor();
    expect((await api('/connections', tokens.access_token)).status).toBe(200);
    server.advance(61_000);
    const expired = await api('/connections', tokens.access_token);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ Title: 'Unauthorized', Status: 401 });
    expect(String(expired.body.Detail)).toMatch(/^TokenExpired/);
    expect((await api('/api.xro/2.0/Accounts', tokens.access_token, DEMO.tenantId)).status).toBe(401);
  });
});

describe('Xero sandbox: Accounting API', () => {
  it('requires a xero-tenant-id header naming a connected organisation (403 AuthenticationUnsuccessful)', async () => {
    const tokens = await tokensFor();
    for (const tenant of [undefined, SECOND.tenantId, 'not-a-tenant']) {
      const res = await api('/api.xro/2.0/Accounts', tokens.access_token, tenant);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ Title: 'Forbidden', Status: 403, Detail: 'AuthenticationUnsuccessful' });
    }
  });

  it('answers 401 AuthorizationUnsuccessful when the grant lacks accounting.settings(.read)', async () => {
    const cb = await authorize({}, { scope: 'openid accounting.contacts.read offline_access' });
    const tokens = (await tokenRequest({ grant_type: 'authorization_code', code: cb.get('code') ?? '', redirect_uri: REDIRECT })).body;
    const res = await api('/api.xro/2.0/Accounts', tokens.access_token, DEMO.tenantId);
    expect(res.status).toBe(401);
    expect(res.body.Detail).toBe('AuthorizationUnsuccessful');
  });

  it('serves the Demo Company (UK) chart: revenue, direct costs, overheads, bank, VAT, clearing and archived accounts', async () => {
    const tokens = await tokensFor();
    const res = await api('/api.xro/2.0/Accounts', tokens.access_token, DEMO.tenantId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ Status: 'OK', ProviderName: 'Onramp' });
    expect(res.text).toMatch(/"DateTimeUTC":"\\\/Date\(\d+\+0000\)\\\/"/);
    const accounts = res.body.Accounts as Json[];
    const byCode = new Map(accounts.map((a) => [a.Code, a]));
    expect(byCode.get('200')).toMatchObject({ Name: 'Sales', Type: 'REVENUE', Class: 'REVENUE', TaxType: 'OUTPUT2', Status: 'ACTIVE' });
    expect(byCode.get('260')).toMatchObject({ Name: 'Other Revenue', Type: 'REVENUE' });
    expect(byCode.get('310')).toMatchObject({ Name: 'Cost of Goods Sold', Type: 'DIRECTCOSTS', Class: 'EXPENSE', TaxType: 'INPUT2' });
    expect(byCode.get('400')).toMatchObject({ Name: 'Advertising & Marketing', Type: 'OVERHEADS' });
    expect(byCode.get('404')).toMatchObject({ Name: 'Bank Fees', Type: 'OVERHEADS' });
    expect(byCode.get('425')?.Name).toMatch(/Freight & Courier/);
    expect(byCode.get('090')).toMatchObject({ Name: 'Business Bank Account', Type: 'BANK', Class: 'ASSET', BankAccountType: 'BANK', CurrencyCode: 'GBP' });
    expect(byCode.get('090')?.BankAccountNumber).toEqual(expect.any(String));
    expect(byCode.get('820')).toMatchObject({ Name: 'VAT', Type: 'CURRLIAB', Class: 'LIABILITY', SystemAccount: 'GST' });
    expect(byCode.get('615')).toMatchObject({ Name: 'Marketplace Clearing', Type: 'CURRENT', EnablePaymentsToAccount: true });
    const archived = accounts.filter((a) => a.Status === 'ARCHIVED').map((a) => a.Name);
    expect(archived).toEqual(expect.arrayContaining(['eBay Clearing', 'Entertainment - 0%', 'PayPal (old)']));
    for (const a of accounts) expect(a.AccountID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('filters accounts with where and sorts them with order', async () => {
    const tokens = await tokensFor();
    const res = await api(`/api.xro/2.0/Accounts?where=${encodeURIComponent('Status=="ACTIVE" AND Type=="BANK"')}&order=Name%20DESC`, tokens.access_token, DEMO.tenantId);
    expect((res.body.Accounts as Json[]).map((a) => a.Name)).toEqual(['Business Savings Account', 'Business Credit Card', 'Business Bank Account']);
    const bad = await api(`/api.xro/2.0/Accounts?where=${encodeURIComponent('Code > 5')}`, tokens.access_token, DEMO.tenantId);
    expect(bad.status).toBe(400);
  });

  it('serves the UK VAT rates with their components', async () => {
    const tokens = await tokensFor();
    const res = await api('/api.xro/2.0/TaxRates', tokens.access_token, DEMO.tenantId);
    expect(res.status).toBe(200);
    const rates = res.body.TaxRates as Json[];
    const byType = new Map(rates.map((r) => [r.TaxType, r]));
    expect(byType.get('OUTPUT2')).toMatchObject({ Name: '20% (VAT on Income)', Status: 'ACTIVE', ReportTaxType: 'OUTPUT', EffectiveRate: 20, DisplayTaxRate: 20 });
    expect(byType.get('OUTPUT2')?.TaxComponents).toEqual([{ Name: 'VAT', Rate: 20, IsCompound: false, IsNonRecoverable: false }]);
    expect(byType.get('RROUTPUT')).toMatchObject({ Name: '5% (VAT on Income)', EffectiveRate: 5 });
    expect(byType.get('ZERORATEDOUTPUT')?.Name).toBe('Zero Rated Income');
    expect(byType.get('EXEMPTOUTPUT')?.Name).toBe('Exempt Income');
    expect(byType.get('NONE')?.Name).toBe('No VAT');
    expect(byType.get('INPUT2')).toMatchObject({ Name: '20% (VAT on Expenses)', ReportTaxType: 'INPUT' });
    expect(byType.get('ECZROUTPUTSERVICES')?.Name).toBe('Zero Rated EC Services');
    expect(byType.get('REVERSECHARGES')?.Name).toBe('Reverse Charge Expenses (20%)');
    expect(rates.some((r) => r.Status === 'ARCHIVED')).toBe(true);
  });

  it('serves Second Shop Ltd its own smaller chart once it is connected', async () => {
    const tokens = await tokensFor({ tenant: `${DEMO.tenantId},${SECOND.tenantId}` });
    const demo = (await api('/api.xro/2.0/Accounts', tokens.access_token, DEMO.tenantId)).body.Accounts as Json[];
    const second = (await api('/api.xro/2.0/Accounts', tokens.access_token, SECOND.tenantId)).body.Accounts as Json[];
    expect(second.length).toBeLessThan(demo.length);
    expect(second.map((a) => a.Name)).toContain('Etsy Payments Clearing');
    expect(second.some((a) => a.Status === 'ARCHIVED')).toBe(true);
    const org = (await api('/api.xro/2.0/Organisation', tokens.access_token, SECOND.tenantId)).body.Organisations as Json[];
    expect(org[0]).toMatchObject({ OrganisationID: SECOND.tenantId, Name: 'Second Shop Ltd', BaseCurrency: 'GBP', CountryCode: 'GB' });
  });

  it('answers XML when the request does not accept JSON', async () => {
    const tokens = await tokensFor();
    const res = await api('/api.xro/2.0/TaxRates', tokens.access_token, DEMO.tenantId, '*/*');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^<Response [^>]*><Id>/);
    expect(res.text).toContain('<TaxRates><TaxRate><Name>20% (VAT on Income)</Name><TaxType>OUTPUT2</TaxType>');
  });
});
