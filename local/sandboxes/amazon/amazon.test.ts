import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consent } from '../consent.js';
import { sandboxRegistrations } from '../registrations.js';
import { startSandboxServer, type SandboxServer } from '../server.js';
import { startSandbox } from '../test-support.js';
import { AMAZON_SANDBOX_OTHER_SELLER, AMAZON_SANDBOX_SELLER, createAmazonSandbox, SELLER_CENTRAL_HOSTS, type AmazonSandbox } from './index.js';
import { AMAZON_FACTS } from '../facts.js';

const reg = sandboxRegistrations('http://127.0.0.1:1').amazon;
const REDIRECT = reg.redirectUris[0] ?? '';
const SLOW_MS = 150;

let server: SandboxServer;
beforeEach(async () => {
  server = await startSandbox(createAmazonSandbox, { slowMs: SLOW_MS });
});
afterEach(async () => {
  await server.stop();
});

function consentUrl(host: string, params: Record<string, string>): string {
  return server.sandboxUrl(`https://${host}/apps/authorize/consent?${new URLSearchParams(params)}`);
}
const defaultParams = (extra: Record<string, string> = {}) => ({ application_id: reg.applicationId, state: 'st-123', redirect_uri: REDIRECT, ...extra });

/** Consents on `host` and returns the callback's query. */
async function authorize(host = 'sellercentral.amazon.com', choices: Record<string, string> = {}, params: Record<string, string> = defaultParams()): Promise<URLSearchParams> {
  const r = await consent(consentUrl(host, params), AMAZON_FACTS.accept.decision, { ...AMAZON_FACTS.accept.choices, ...choices });
  expect(r.status).toBe(302);
  expect(r.location).toBeDefined();
  return new URL(r.location ?? '').searchParams;
}

function token(fields: Record<string, string>, init: { contentType?: string; body?: string; method?: string } = {}) {
  return fetch(server.sandboxUrl('https://api.amazon.com/auth/o2/token'), {
    method: init.method ?? 'POST',
    headers: { 'content-type': init.contentType ?? 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: init.method === 'GET' ? undefined : (init.body ?? new URLSearchParams(fields).toString()),
  });
}
const codeGrant = (code: string, extra: Record<string, string> = {}) => ({
  grant_type: 'authorization_code',
  code,
  redirect_uri: REDIRECT,
  client_id: reg.clientId,
  client_secret: reg.clientSecret,
  ...extra,
});

interface TokenBody {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  error?: string;
  error_description?: string;
}
async function exchange(code: string): Promise<TokenBody> {
  const res = await token(codeGrant(code));
  expect(res.status).toBe(200);
  return (await res.json()) as TokenBody;
}

function participations(region: 'na' | 'eu' | 'fe', accessToken?: string) {
  return fetch(server.sandboxUrl(`https://sellingpartnerapi-${region}.amazon.com/sellers/v1/marketplaceParticipations`), {
    headers: { ...(accessToken ? { 'x-amz-access-token': accessToken } : {}), 'user-agent': 'OnrampTest/1.0 (Language=TypeScript)' },
  });
}
interface Participations {
  payload: { marketplace: { id: string; name: string; countryCode: string; defaultCurrencyCode: string; defaultLanguageCode: string; domainName: string }; participation: { isParticipating: boolean; hasSuspendedListings: boolean }; storeName: string }[];
}
const marketplaceIds = async (res: Response) => ((await res.json()) as Participations).payload.map((p) => p.marketplace.id);

describe('Amazon sandbox: consent page', () => {
  it('serves an accessible consent page with one form, the agree checkbox, the outcome select and Confirm/Cancel', async () => {
    const res = await fetch(consentUrl('sellercentral.amazon.com', defaultParams()));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html.match(/<main>/g)).toHaveLength(1);
    expect(html.match(/<h1>[^<]*Amazon[^<]*Onramp[^<]*<\/h1>/g)).toHaveLength(1);
    expect(html.match(/<form /g)).toHaveLength(1);
    expect(html).toContain(`<form method="post" action="${server.origin}/sellercentral.amazon.com/apps/authorize/consent">`);
    expect(html).toMatch(/<input type="checkbox" id="agree" name="agree"[^>]*>\s*<label for="agree">I authorize Onramp to access my Amazon seller account<\/label>/);
    expect(html).toContain('<label for="scenario">Sandbox outcome</label>');
    for (const s of ['ok', 'token_error', 'token_slow', 'other_region', 'other_seller']) expect(html).toContain(`<option value="${s}"`);
    expect(html).toMatch(/<option value="ok" selected>/);
    expect(html).toContain('<button type="submit" name="decision" value="confirm">Confirm</button>');
    expect(html).toContain('<button type="submit" name="decision" value="cancel">Cancel</button>');
    expect(html).toContain('name="viewport"');
  });

  it('answers on every Seller Central host of the docs/providers.md §1.5 table', async () => {
    expect([...SELLER_CENTRAL_HOSTS.keys()].sort()).toEqual(
      [
        'sellercentral.amazon.com',
        'sellercentral.amazon.ca',
        'sellercentral.amazon.com.mx',
        'sellercentral-europe.amazon.com',
        'sellercentral.amazon.nl',
        'sellercentral.amazon.se',
        'sellercentral.amazon.pl',
        'sellercentral.amazon.ae',
        'sellercentral.amazon.sa',
        'sellercentral.amazon.in',
        'sellercentral.amazon.com.au',
        'sellercentral.amazon.co.jp',
        'sellercentral.amazon.sg',
      ].sort(),
    );
    for (const host of SELLER_CENTRAL_HOSTS.keys()) {
      const res = await fetch(consentUrl(host, defaultParams()));
      expect(res.status, host).toBe(200);
      expect(await res.text(), host).toContain(`action="${server.origin}/${host}/apps/authorize/consent"`);
    }
  });

  it('does not play hosts outside Amazon’s (a per-country sellercentral.amazon.co.uk is unconfirmed)', async () => {
    const res = await fetch(consentUrl('sellercentral.amazon.co.uk', defaultParams()));
    expect(res.status).toBe(404);
  });

  it('refuses an unknown application_id with a 400 page and no form', async () => {
    const r = await consent(consentUrl('sellercentral.amazon.com', defaultParams({ application_id: 'amzn1.sp.solution.someone-else' })), AMAZON_FACTS.accept.decision, { ...AMAZON_FACTS.accept.choices });
    expect(r.pageStatus).toBe(400);
    expect(r.status).toBeUndefined();
    expect(r.page).not.toContain('<form');
    expect(r.page).toContain('<html lang="en">');
  });

  it('refuses the LWA client id in place of the application id', async () => {
    const r = await consent(consentUrl('sellercentral.amazon.com', defaultParams({ application_id: reg.clientId })), AMAZON_FACTS.accept.decision);
    expect(r.pageStatus).toBe(400);
    expect(r.page).toContain('Login with Amazon client identifier');
  });

  it('refuses a request without application_id or without state', async () => {
    const { application_id: _a, ...noApp } = defaultParams();
    const { state: _s, ...noState } = defaultParams();
    expect((await consent(consentUrl('sellercentral.amazon.com', noApp), AMAZON_FACTS.accept.decision)).pageStatus).toBe(400);
    expect((await consent(consentUrl('sellercentral.amazon.com', noState), AMAZON_FACTS.accept.decision)).pageStatus).toBe(400);
  });

  it('refuses a redirect_uri that is not registered', async () => {
    const r = await consent(consentUrl('sellercentral.amazon.com', defaultParams({ redirect_uri: 'https://evil.example/callback' })), AMAZON_FACTS.accept.decision);
    expect(r.pageStatus).toBe(400);
    expect(r.page).not.toContain('<form');
  });

  it('redirects to the first registered redirect URI when redirect_uri is omitted', async () => {
    const q = await authorize('sellercentral.amazon.com', {}, { application_id: reg.applicationId, state: 'st-default' });
    expect(q.get('state')).toBe('st-default');
    expect(q.get('spapi_oauth_code')).toBeTruthy();
  });

  it('escapes everything it reflects', async () => {
    const res = await fetch(consentUrl('sellercentral.amazon.com', defaultParams({ state: '"><script>alert(1)</script>' })));
    const html = await res.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    const bad = await fetch(consentUrl('sellercentral.amazon.com', defaultParams({ application_id: '<img src=x onerror=alert(1)>' })));
    expect(await bad.text()).not.toContain('<img');
  });

  it('re-renders the page with an error when Confirm is pressed without ticking agree', async () => {
    const form = new URLSearchParams({ ...defaultParams(), scenario: 'token_slow', decision: AMAZON_FACTS.accept.decision });
    const res = await fetch(server.sandboxUrl('https://sellercentral.amazon.com/apps/authorize/consent'), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toMatch(/<p class="error" id="agree-error" role="alert">[^<]+<\/p>/);
    expect(html).toContain('aria-invalid="true" aria-describedby="agree-error"');
    expect(html).toMatch(/<option value="token_slow" selected>/);
    expect(html.match(/<form /g)).toHaveLength(1);
  });

  it('redirects Confirm to the redirect URI with state, selling_partner_id and spapi_oauth_code', async () => {
    const r = await consent(consentUrl('sellercentral.amazon.com', defaultParams()), AMAZON_FACTS.accept.decision, { ...AMAZON_FACTS.accept.choices });
    expect(r.status).toBe(302);
    const url = new URL(r.location ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    expect([...url.searchParams.keys()]).toEqual(['state', 'selling_partner_id', 'spapi_oauth_code']);
    expect(url.searchParams.get('state')).toBe('st-123');
    expect(url.searchParams.get('selling_partner_id')).toBe(AMAZON_SANDBOX_SELLER.sellingPartnerId);
    expect(url.searchParams.get('spapi_oauth_code')).toMatch(/^AN[A-Za-z0-9]{18}$/);
  });

  it('gives the same selling_partner_id on every host', async () => {
    const a = await authorize('sellercentral.amazon.com');
    const b = await authorize('sellercentral-europe.amazon.com');
    expect(a.get('selling_partner_id')).toBe(b.get('selling_partner_id'));
  });

  it('redirects Cancel to the redirect URI with state and error=access_denied and no code', async () => {
    const r = await consent(consentUrl('sellercentral.amazon.com', defaultParams()), 'cancel');
    expect(r.status).toBe(302);
    const url = new URL(r.location ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    expect(url.searchParams.get('state')).toBe('st-123');
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.has('spapi_oauth_code')).toBe(false);
  });

  it('honours version=beta: shows a test authorization and keeps it through the form', async () => {
    const res = await fetch(consentUrl('sellercentral.amazon.com', defaultParams({ version: 'beta' })));
    const html = await res.text();
    expect(html).toContain('version=beta');
    expect(html).toContain('<input type="hidden" name="version" value="beta">');
    const q = await authorize('sellercentral.amazon.com', {}, defaultParams({ version: 'beta' }));
    expect(q.get('spapi_oauth_code')).toBeTruthy();
  });
});

describe('Amazon sandbox: LWA token endpoint', () => {
  it('exchanges a code for Atza|/Atzr| tokens (bearer, 3600 s) usable on the region’s endpoint', async () => {
    const code = (await authorize()).get('spapi_oauth_code') ?? '';
    const res = await token(codeGrant(code));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as TokenBody;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(body.access_token).toMatch(/^Atza\|/);
    expect(body.refresh_token).toMatch(/^Atzr\|/);
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe(3600);

    const p = await participations('na', body.access_token);
    expect(p.status).toBe(200);
    const data = (await p.json()) as Participations;
    expect(data.payload.map((x) => x.marketplace.id)).toEqual(['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8']);
    expect(data.payload[0]).toEqual({
      marketplace: { id: 'ATVPDKIKX0DER', name: 'Amazon.com', countryCode: 'US', defaultCurrencyCode: 'USD', defaultLanguageCode: 'en_US', domainName: 'www.amazon.com' },
      participation: { isParticipating: true, hasSuspendedListings: false },
      storeName: AMAZON_SANDBOX_SELLER.storeName,
    });
  });

  it('answers for the seller who consented (other_seller: another store), and names no selling partner id', async () => {
    const first = await exchange((await authorize('sellercentral-europe.amazon.com')).get('spapi_oauth_code') ?? '');
    const otherCallback = await authorize('sellercentral-europe.amazon.com', { scenario: 'other_seller' });
    expect(otherCallback.get('selling_partner_id')).toBe(AMAZON_SANDBOX_OTHER_SELLER.sellingPartnerId);
    expect(AMAZON_SANDBOX_OTHER_SELLER.sellingPartnerId).not.toBe(AMAZON_SANDBOX_SELLER.sellingPartnerId);
    const other = await exchange(otherCallback.get('spapi_oauth_code') ?? '');
    const firstText = await (await participations('eu', first.access_token)).text();
    const otherText = await (await participations('eu', other.access_token)).text();
    const stores = (text: string) => [...new Set((JSON.parse(text) as Participations).payload.map((x) => x.storeName))];
    expect(stores(firstText)).toEqual([AMAZON_SANDBOX_SELLER.storeName]);
    expect(stores(otherText)).toEqual([AMAZON_SANDBOX_OTHER_SELLER.storeName]);
    // As on Amazon, only the unsigned callback carries the merchant token.
    expect(firstText).not.toContain(AMAZON_SANDBOX_SELLER.sellingPartnerId);
    expect(otherText).not.toContain(AMAZON_SANDBOX_OTHER_SELLER.sellingPartnerId);
    // A refreshed token still answers for the seller who consented.
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: other.refresh_token, client_id: reg.clientId, client_secret: reg.clientSecret });
    const again = (await refreshed.json()) as TokenBody;
    expect(stores(await (await participations('eu', again.access_token)).text())).toEqual([AMAZON_SANDBOX_OTHER_SELLER.storeName]);
  });

  it('refuses a code used twice', async () => {
    const code = (await authorize()).get('spapi_oauth_code') ?? '';
    await exchange(code);
    const again = await token(codeGrant(code));
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error_description: 'The request has an invalid grant parameter : code', error: 'invalid_grant' });
  });

  it('refuses a code older than 5 minutes', async () => {
    const code = (await authorize()).get('spapi_oauth_code') ?? '';
    server.advance(5 * 60 * 1000 + 1);
    const res = await token(codeGrant(code));
    expect(res.status).toBe(400);
    expect(((await res.json()) as TokenBody).error).toBe('invalid_grant');
  });

  it('accepts a code just before 5 minutes', async () => {
    const code = (await authorize()).get('spapi_oauth_code') ?? '';
    server.advance(5 * 60 * 1000 - 1000);
    expect((await token(codeGrant(code))).status).toBe(200);
  });

  it('refuses an unknown code', async () => {
    const res = await token(codeGrant('ANnotacodeatall000000'));
    expect(res.status).toBe(400);
    expect(((await res.json()) as TokenBody).error).toBe('invalid_grant');
  });

  it('refuses a redirect_uri other than the one the code was issued for, and one left out', async () => {
    const code = (await authorize()).get('spapi_oauth_code') ?? '';
    const wrong = await token(codeGrant(code, { redirect_uri: 'http://127.0.0.1:1/other' }));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as TokenBody).error).toBe('invalid_grant');
    const { redirect_uri: _r, ...withoutRedirect } = codeGrant(code);
    const missing = await token(withoutRedirect);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as TokenBody).error).toBe('invalid_request');
    // Neither attempt used the code up.
    expect((await token(codeGrant(code))).status).toBe(200);
  });

  it('refuses a wrong client secret, an unknown client id and the application id as client id with 401 invalid_client', async () => {
    const code = (await authorize()).get('spapi_oauth_code') ?? '';
    for (const extra of [{ client_secret: 'wrong' }, { client_id: 'amzn1.application-oa2-client.other' }, { client_id: reg.applicationId }] as Record<string, string>[]) {
      const res = await token(codeGrant(code, extra));
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error_description: 'Client authentication failed', error: 'invalid_client' });
    }
  });

  it('refuses client credentials sent only as HTTP Basic (LWA takes them in the body)', async () => {
    const code = (await authorize()).get('spapi_oauth_code') ?? '';
    const { client_id: _i, client_secret: _s, ...rest } = codeGrant(code);
    const res = await fetch(server.sandboxUrl('https://api.amazon.com/auth/o2/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${reg.clientId}:${reg.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams(rest).toString(),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as TokenBody).error).toBe('invalid_request');
  });

  it('refuses a JSON body and a GET', async () => {
    const code = (await authorize()).get('spapi_oauth_code') ?? '';
    const asJson = await token({}, { contentType: 'application/json', body: JSON.stringify(codeGrant(code)) });
    expect(asJson.status).toBe(400);
    expect(((await asJson.json()) as TokenBody).error).toBe('invalid_request');
    const get = await token({}, { method: 'GET' });
    expect(get.status).toBe(405);
  });

  it('refuses an unsupported grant_type', async () => {
    const res = await token({ grant_type: 'password', client_id: reg.clientId, client_secret: reg.clientSecret });
    expect(res.status).toBe(400);
    expect(((await res.json()) as TokenBody).error).toBe('unsupported_grant_type');
  });

  it('answers 500 for a code consented with token_error, every time', async () => {
    const code = (await authorize('sellercentral.amazon.com', { scenario: 'token_error' })).get('spapi_oauth_code') ?? '';
    for (let i = 0; i < 2; i++) {
      const res = await token(codeGrant(code));
      expect(res.status).toBe(500);
      expect(((await res.json()) as TokenBody).error).toBe('ServerError');
    }
  });

  it('stalls slowMs before answering a code consented with token_slow', async () => {
    const code = (await authorize('sellercentral.amazon.com', { scenario: 'token_slow' })).get('spapi_oauth_code') ?? '';
    const started = Date.now();
    const res = await token(codeGrant(code));
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS - 10);
    expect(res.status).toBe(200);
  });

  it('refreshes: a new access token and the same refresh token', async () => {
    const first = await exchange((await authorize()).get('spapi_oauth_code') ?? '');
    const res = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: reg.clientId, client_secret: reg.clientSecret });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenBody;
    expect(body.access_token).toMatch(/^Atza\|/);
    expect(body.access_token).not.toBe(first.access_token);
    expect(body.refresh_token).toBe(first.refresh_token);
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe(3600);
    expect((await participations('na', body.access_token)).status).toBe(200);
  });

  it('refuses an unknown refresh token, a wrong secret on refresh, and a refresh token past the 365-day re-authorization', async () => {
    const first = await exchange((await authorize()).get('spapi_oauth_code') ?? '');
    const refresh = (extra: Record<string, string> = {}) =>
      token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: reg.clientId, client_secret: reg.clientSecret, ...extra });
    const unknown = await refresh({ refresh_token: 'Atzr|unknown' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as TokenBody).error).toBe('invalid_grant');
    expect((await refresh({ client_secret: 'wrong' })).status).toBe(401);
    server.advance(364 * 24 * 3600 * 1000);
    expect((await refresh()).status).toBe(200);
    server.advance(2 * 24 * 3600 * 1000);
    const expired = await refresh();
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as TokenBody).error).toBe('invalid_grant');
  });

  it('issues grantless tokens for the notifications scope that act for no seller', async () => {
    const res = await token({ grant_type: 'client_credentials', scope: 'sellingpartnerapi::notifications', client_id: reg.clientId, client_secret: reg.clientSecret });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenBody & { scope: string };
    expect(body.refresh_token).toBeUndefined();
    expect(body.scope).toBe('sellingpartnerapi::notifications');
    expect((await participations('na', body.access_token)).status).toBe(403);
  });
});

describe('Amazon sandbox: marketplaceParticipations', () => {
  it('answers a token granted on a European host on the EU endpoint with the European marketplaces', async () => {
    const t = await exchange((await authorize('sellercentral-europe.amazon.com')).get('spapi_oauth_code') ?? '');
    const res = await participations('eu', t.access_token);
    expect(res.status).toBe(200);
    expect(await marketplaceIds(res)).toEqual(['A1F83G8C2ARO7P', 'A1PA6795UKMFR9', 'A13V1IB3VIYZZH', 'A1RKKUPIHCS9HS', 'APJ6JRA9NG5V4', 'A1805IZSGTT6HS', 'A2NODRKZP88ZB9', 'A1C3SOZRARQ6R3']);
  });

  it('puts UAE, Saudi Arabia and India on the EU endpoint and Australia, Japan and Singapore on the FE endpoint', async () => {
    const cases: [string, 'eu' | 'fe', string][] = [
      ['sellercentral.amazon.ae', 'eu', 'A2VIGQ35RCS4UG'],
      ['sellercentral.amazon.sa', 'eu', 'A17E79C6D8DWNP'],
      ['sellercentral.amazon.in', 'eu', 'A21TJRUUN4KGV'],
      ['sellercentral.amazon.com.au', 'fe', 'A39IBJ37TRP1C6'],
      ['sellercentral.amazon.co.jp', 'fe', 'A1VC38T7YXB528'],
      ['sellercentral.amazon.sg', 'fe', 'A19VAU5U5O7RUS'],
    ];
    for (const [host, region, id] of cases) {
      const t = await exchange((await authorize(host)).get('spapi_oauth_code') ?? '');
      const res = await participations(region, t.access_token);
      expect(res.status, host).toBe(200);
      expect(await marketplaceIds(res), host).toEqual([id]);
    }
  });

  it('refuses a token on another region’s endpoint with 403 Unauthorized', async () => {
    const t = await exchange((await authorize('sellercentral-europe.amazon.com')).get('spapi_oauth_code') ?? '');
    for (const region of ['na', 'fe'] as const) {
      const res = await participations(region, t.access_token);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' }] });
    }
  });

  it('refuses a request without x-amz-access-token, with an unknown token, or with the token as a Bearer header', async () => {
    expect((await participations('na')).status).toBe(403);
    const unknown = await participations('na', 'Atza|not-a-token');
    expect(unknown.status).toBe(403);
    expect(((await unknown.json()) as { errors: { code: string; details: string }[] }).errors[0]).toMatchObject({
      code: 'Unauthorized',
      details: 'The access token you provided is revoked, malformed or invalid.',
    });
    const t = await exchange((await authorize()).get('spapi_oauth_code') ?? '');
    const bearer = await fetch(server.sandboxUrl('https://sellingpartnerapi-na.amazon.com/sellers/v1/marketplaceParticipations'), {
      headers: { authorization: `Bearer ${t.access_token}` },
    });
    expect(bearer.status).toBe(403);
  });

  it('refuses an access token after it expires', async () => {
    const t = await exchange((await authorize()).get('spapi_oauth_code') ?? '');
    server.advance(3600 * 1000);
    const res = await participations('na', t.access_token);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { errors: { details: string }[] }).errors[0]?.details).toBe('The access token you provided has expired.');
  });

  it('gives the seller North American marketplaces after a European consent with other_region', async () => {
    const t = await exchange((await authorize('sellercentral-europe.amazon.com', { scenario: 'other_region' })).get('spapi_oauth_code') ?? '');
    const res = await participations('eu', t.access_token);
    expect(res.status).toBe(200);
    expect(await marketplaceIds(res)).toEqual(['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8']);
  });

  it('gives the seller European marketplaces after a North American or Far East consent with other_region', async () => {
    for (const [host, region] of [
      ['sellercentral.amazon.com', 'na'],
      ['sellercentral.amazon.co.jp', 'fe'],
    ] as const) {
      const t = await exchange((await authorize(host, { scenario: 'other_region' })).get('spapi_oauth_code') ?? '');
      const ids = await marketplaceIds(await participations(region, t.access_token));
      expect(ids, host).toContain('A1F83G8C2ARO7P');
      expect(ids, host).not.toContain('ATVPDKIKX0DER');
    }
  });

  it('keeps other_region across a refresh', async () => {
    const t = await exchange((await authorize('sellercentral.amazon.com', { scenario: 'other_region' })).get('spapi_oauth_code') ?? '');
    const res = await token({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: reg.clientId, client_secret: reg.clientSecret });
    const refreshed = (await res.json()) as TokenBody;
    expect(await marketplaceIds(await participations('na', refreshed.access_token))).toContain('A1PA6795UKMFR9');
  });

  it('honours ctx.accessTokenTtlSeconds', async () => {
    const short = await startSandboxServer({ registrations: () => sandboxRegistrations('http://127.0.0.1:1'), factories: [createAmazonSandbox], accessTokenTtlSeconds: 60 });
    try {
      const r = await consent(short.sandboxUrl(`https://sellercentral.amazon.com/apps/authorize/consent?${new URLSearchParams(defaultParams())}`), AMAZON_FACTS.accept.decision, { ...AMAZON_FACTS.accept.choices });
      const code = new URL(r.location ?? '').searchParams.get('spapi_oauth_code') ?? '';
      const res = await fetch(short.sandboxUrl('https://api.amazon.com/auth/o2/token'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(codeGrant(code)).toString(),
      });
      expect(((await res.json()) as TokenBody).expires_in).toBe(60);
    } finally {
      await short.stop();
    }
  });
});

describe('Amazon sandbox: Appstore (Login URI) entry', () => {
  const LOGIN_URI = 'http://127.0.0.1:1/api/oauth/amazon/login';
  const sandbox = () => server.sandboxes[0] as AmazonSandbox;

  it('loads the Login URI with amazon_callback_uri, amazon_state and selling_partner_id', () => {
    const url = new URL(sandbox().appstoreLoginUrl(LOGIN_URI, { beta: true }));
    expect(`${url.origin}${url.pathname}`).toBe(LOGIN_URI);
    expect(url.searchParams.get('amazon_callback_uri')).toBe(`${server.origin}/sellercentral.amazon.com/apps/authorize/confirm/${reg.applicationId}`);
    expect(url.searchParams.get('amazon_state')).toBeTruthy();
    expect(url.searchParams.get('selling_partner_id')).toBe(AMAZON_SANDBOX_SELLER.sellingPartnerId);
    expect(url.searchParams.get('version')).toBe('beta');
  });

  it('redirects the callback to the redirect URI with a code that exchanges like a website-workflow code', async () => {
    const login = new URL(sandbox().appstoreLoginUrl(LOGIN_URI, { host: 'sellercentral-europe.amazon.com' })).searchParams;
    const back = new URL(login.get('amazon_callback_uri') ?? '');
    back.search = new URLSearchParams({ redirect_uri: REDIRECT, amazon_state: login.get('amazon_state') ?? '', state: 'app-state' }).toString();
    const res = await fetch(back, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const q = new URL(res.headers.get('location') ?? '').searchParams;
    expect(q.get('state')).toBe('app-state');
    expect(q.get('selling_partner_id')).toBe(AMAZON_SANDBOX_SELLER.sellingPartnerId);
    const t = await exchange(q.get('spapi_oauth_code') ?? '');
    expect((await participations('eu', t.access_token)).status).toBe(200);
    // amazon_state is single-use.
    expect((await fetch(back, { redirect: 'manual' })).status).toBe(400);
  });

  it('refuses an unknown amazon_state, a missing state, and a beta workflow returned without version=beta', async () => {
    const login = new URL(sandbox().appstoreLoginUrl(LOGIN_URI, { beta: true })).searchParams;
    const callback = login.get('amazon_callback_uri') ?? '';
    const go = (params: Record<string, string>) => fetch(`${callback}?${new URLSearchParams(params)}`, { redirect: 'manual' });
    expect((await go({ amazon_state: 'forged', state: 's' })).status).toBe(400);
    expect((await go({ amazon_state: login.get('amazon_state') ?? '' })).status).toBe(400);
    expect((await go({ amazon_state: login.get('amazon_state') ?? '', state: 's' })).status).toBe(400);
    expect((await go({ amazon_state: login.get('amazon_state') ?? '', state: 's', version: 'beta' })).status).toBe(302);
  });
});
