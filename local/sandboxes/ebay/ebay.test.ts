import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consent } from '../consent.js';
import { sandboxRegistrations } from '../registrations.js';
import { startSandboxServer, type SandboxServer } from '../server.js';
import { startSandbox } from '../test-support.js';
import { createEbaySandbox, EBAY_SANDBOX_USER, IDENTITY_SCOPE } from './index.js';
import { EBAY_FACTS } from '../facts.js';

const reg = sandboxRegistrations('http://127.0.0.1:1').ebay;
const FINANCES_SCOPE = 'https://api.ebay.com/oauth/api_scope/sell.finances';
const SCOPES = [IDENTITY_SCOPE, FINANCES_SCOPE];
const SLOW_MS = 150;

let server: SandboxServer;
beforeEach(async () => {
  server = await startSandbox(createEbaySandbox, { slowMs: SLOW_MS });
});
afterEach(async () => {
  await server.stop();
});

const defaultParams = (extra: Record<string, string> = {}) => ({
  client_id: reg.clientId,
  redirect_uri: reg.ruName,
  response_type: 'code',
  scope: SCOPES.join(' '),
  state: 'st-456',
  ...extra,
});
const authorizeUrl = (params: Record<string, string>) => server.sandboxUrl(`https://auth.ebay.com/oauth2/authorize?${new URLSearchParams(params)}`);

/** Agrees on the consent page and returns the accept redirect's query. */
async function agree(choices: Record<string, string> = {}, params: Record<string, string> = defaultParams()): Promise<URLSearchParams> {
  const r = await consent(authorizeUrl(params), EBAY_FACTS.accept.decision, choices);
  expect(r.status).toBe(302);
  return new URL(r.location ?? '').searchParams;
}
const basic = (id = reg.clientId, secret = reg.clientSecret) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function token(fields: Record<string, string>, init: { authorization?: string | null; contentType?: string; body?: string; method?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/x-www-form-urlencoded' };
  if (init.authorization !== null) headers.authorization = init.authorization ?? basic();
  return fetch(server.sandboxUrl('https://api.ebay.com/identity/v1/oauth2/token'), {
    method: init.method ?? 'POST',
    headers,
    body: init.method === 'GET' ? undefined : (init.body ?? new URLSearchParams(fields).toString()),
  });
}
const codeGrant = (code: string, extra: Record<string, string> = {}) => ({ grant_type: 'authorization_code', code, redirect_uri: reg.ruName, ...extra });

interface TokenBody {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  token_type: string;
  error?: string;
  error_description?: string;
}
async function exchange(code: string): Promise<TokenBody> {
  const res = await token(codeGrant(code));
  expect(res.status).toBe(200);
  return (await res.json()) as TokenBody;
}
const identity = (authorization?: string, host = 'apiz.ebay.com', path = '/commerce/identity/v1/user/') =>
  fetch(server.sandboxUrl(`https://${host}${path}`), { headers: authorization ? { authorization } : {} });

describe('eBay sandbox: consent', () => {
  it('serves an accessible consent page with one form, the outcome select and I agree/Cancel', async () => {
    const res = await fetch(authorizeUrl(defaultParams()));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html.match(/<main>/g)).toHaveLength(1);
    expect(html.match(/<h1>[^<]*eBay[^<]*Onramp[^<]*<\/h1>/g)).toHaveLength(1);
    expect(html.match(/<form /g)).toHaveLength(1);
    expect(html).toContain(`<form method="post" action="${server.origin}/auth.ebay.com/oauth2/authorize">`);
    expect(html).toContain('<label for="scenario">Sandbox outcome</label>');
    for (const s of ['ok', 'token_error', 'token_slow']) expect(html).toContain(`<option value="${s}"`);
    expect(html).toMatch(/<option value="ok" selected>/);
    expect(html).toContain('<button type="submit" name="decision" value="agree">I agree</button>');
    expect(html).toContain('<button type="submit" name="decision" value="cancel">Cancel</button>');
    for (const s of SCOPES) expect(html).toContain(s);
  });

  it('refuses an unknown client_id with a 400 page and no form', async () => {
    const r = await consent(authorizeUrl(defaultParams({ client_id: 'Someone-Else-PRD-000' })), EBAY_FACTS.accept.decision);
    expect(r.pageStatus).toBe(400);
    expect(r.status).toBeUndefined();
    expect(r.page).not.toContain('<form');
  });

  it('refuses a URL as redirect_uri: it must be the RuName', async () => {
    for (const redirect of [reg.acceptUrl, '']) {
      const r = await consent(authorizeUrl(defaultParams({ redirect_uri: redirect })), EBAY_FACTS.accept.decision);
      expect(r.pageStatus, redirect).toBe(400);
      expect(r.page).not.toContain('<form');
    }
  });

  it('refuses a response_type other than code', async () => {
    expect((await consent(authorizeUrl(defaultParams({ response_type: 'token' })), EBAY_FACTS.accept.decision)).pageStatus).toBe(400);
  });

  it('refuses a missing scope, a short scope name and comma-separated scopes', async () => {
    for (const scope of ['', 'commerce.identity.readonly', SCOPES.join(',')]) {
      const r = await consent(authorizeUrl(defaultParams({ scope })), EBAY_FACTS.accept.decision);
      expect(r.pageStatus, scope).toBe(400);
    }
  });

  it('escapes everything it reflects', async () => {
    const html = await (await fetch(authorizeUrl(defaultParams({ state: '"><script>alert(1)</script>' })))).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    const bad = await (await fetch(authorizeUrl(defaultParams({ scope: `${IDENTITY_SCOPE} <img/src=x>` })))).text();
    expect(bad).not.toContain('<img');
  });

  it('sends I agree to the RuName’s accept URL with code, expires_in=299 and state', async () => {
    const r = await consent(authorizeUrl(defaultParams()), EBAY_FACTS.accept.decision);
    expect(r.status).toBe(302);
    const url = new URL(r.location ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(reg.acceptUrl);
    expect(url.searchParams.get('state')).toBe('st-456');
    expect(url.searchParams.get('expires_in')).toBe('299');
    expect(url.searchParams.get('code')).toMatch(/^v\^1\.1#i\^1#/);
    // The code's ^, # and base64 characters arrive URL-encoded.
    expect(r.location).not.toContain('#');
  });

  it('leaves state off the accept redirect when none was sent', async () => {
    const { state: _s, ...params } = defaultParams();
    const q = await agree({}, params);
    expect(q.has('state')).toBe(false);
    expect(q.get('code')).toBeTruthy();
  });

  it('sends Cancel to the RuName’s decline URL (its own query kept) with state and no code', async () => {
    const r = await consent(authorizeUrl(defaultParams()), 'cancel');
    expect(r.status).toBe(302);
    const url = new URL(r.location ?? '');
    const decline = new URL(reg.declineUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${decline.origin}${decline.pathname}`);
    expect(url.searchParams.get('declined')).toBe('1');
    expect(url.searchParams.get('state')).toBe('st-456');
    expect(url.searchParams.has('code')).toBe(false);
  });
});

describe('eBay sandbox: token endpoint', () => {
  it('exchanges a code for a User Access Token (7200 s) and an 18-month refresh token usable on the Identity API', async () => {
    const code = (await agree()).get('code') ?? '';
    const res = await token(codeGrant(code));
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenBody;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'refresh_token_expires_in', 'token_type']);
    expect(body.token_type).toBe('User Access Token');
    expect(body.expires_in).toBe(7200);
    expect(body.refresh_token_expires_in).toBe(47304000);
    expect(body.access_token).toMatch(/^v\^1\.1#/);
    expect(body.refresh_token).toMatch(/^v\^1\.1#/);

    const me = await identity(`Bearer ${body.access_token}`);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ ...EBAY_SANDBOX_USER });
    expect(EBAY_SANDBOX_USER).toMatchObject({ accountType: 'BUSINESS', status: 'CONFIRMED' });
  });

  it('refuses a code used twice', async () => {
    const code = (await agree()).get('code') ?? '';
    await exchange(code);
    const again = await token(codeGrant(code));
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant', error_description: 'the provided authorization grant code is invalid or was issued to another client' });
  });

  it('refuses a code after its 299 seconds', async () => {
    const code = (await agree()).get('code') ?? '';
    server.advance(299 * 1000);
    const res = await token(codeGrant(code));
    expect(res.status).toBe(400);
    expect(((await res.json()) as TokenBody).error).toBe('invalid_grant');
  });

  it('refuses a code encoded twice', async () => {
    const code = (await agree()).get('code') ?? '';
    const res = await token(codeGrant(encodeURIComponent(code)));
    expect(res.status).toBe(400);
    expect(((await res.json()) as TokenBody).error).toBe('invalid_grant');
  });

  it('refuses a redirect_uri other than the RuName (the accept URL included), and one left out', async () => {
    const code = (await agree()).get('code') ?? '';
    const wrong = await token(codeGrant(code, { redirect_uri: reg.acceptUrl }));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as TokenBody).error).toBe('invalid_grant');
    const missing = await token({ grant_type: 'authorization_code', code });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as TokenBody).error).toBe('invalid_request');
    expect((await token(codeGrant(code))).status).toBe(200);
  });

  it('refuses a wrong client secret, a missing Authorization header and credentials in the body, with 401 invalid_client', async () => {
    const code = (await agree()).get('code') ?? '';
    const attempts = [
      token(codeGrant(code), { authorization: basic(reg.clientId, 'wrong') }),
      token(codeGrant(code), { authorization: null }),
      token(codeGrant(code, { client_id: reg.clientId, client_secret: reg.clientSecret }), { authorization: null }),
      token(codeGrant(code), { authorization: `Bearer ${reg.clientSecret}` }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    }
  });

  it('refuses a JSON body, a GET and an unsupported grant_type', async () => {
    const code = (await agree()).get('code') ?? '';
    const asJson = await token({}, { contentType: 'application/json', body: JSON.stringify(codeGrant(code)) });
    expect(asJson.status).toBe(400);
    expect(((await asJson.json()) as TokenBody).error).toBe('invalid_request');
    expect((await token({}, { method: 'GET' })).status).toBe(405);
    const password = await token({ grant_type: 'password' });
    expect(password.status).toBe(400);
    expect(((await password.json()) as TokenBody).error).toBe('unsupported_grant_type');
  });

  it('answers 500 for a code consented with token_error, every time', async () => {
    const code = (await agree({ scenario: 'token_error' })).get('code') ?? '';
    for (let i = 0; i < 2; i++) {
      const res = await token(codeGrant(code));
      expect(res.status).toBe(500);
      expect(((await res.json()) as TokenBody).error).toBe('server_error');
    }
  });

  it('stalls slowMs before answering a code consented with token_slow', async () => {
    const code = (await agree({ scenario: 'token_slow' })).get('code') ?? '';
    const started = Date.now();
    const res = await token(codeGrant(code));
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS - 10);
    expect(res.status).toBe(200);
  });

  it('refreshes with the granted scopes or a subset, returning no new refresh token', async () => {
    const first = await exchange((await agree()).get('code') ?? '');
    const res = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '', scope: SCOPES.join(' ') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenBody;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body.token_type).toBe('User Access Token');
    expect(body.expires_in).toBe(7200);
    expect(body.access_token).not.toBe(first.access_token);
    expect((await identity(`Bearer ${body.access_token}`)).status).toBe(200);

    const subset = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '', scope: FINANCES_SCOPE });
    expect(subset.status).toBe(200);
    // A token without the identity scope may not read the user.
    const narrow = (await subset.json()) as TokenBody;
    const denied = await identity(`Bearer ${narrow.access_token}`);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { errors: { errorId: number }[] }).errors[0]?.errorId).toBe(1100);
  });

  it('refuses a refresh without scope, with a scope beyond the grant, or with an unknown refresh token', async () => {
    const first = await exchange((await agree()).get('code') ?? '');
    const noScope = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' });
    expect(noScope.status).toBe(400);
    expect(((await noScope.json()) as TokenBody).error).toBe('invalid_request');
    const beyond = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '', scope: `${IDENTITY_SCOPE} https://api.ebay.com/oauth/api_scope/sell.inventory` });
    expect(beyond.status).toBe(400);
    expect(((await beyond.json()) as TokenBody).error).toBe('invalid_scope');
    const unknown = await token({ grant_type: 'refresh_token', refresh_token: 'v^1.1#nope', scope: IDENTITY_SCOPE });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'invalid_grant', error_description: 'the provided authorization refresh token is invalid or was issued to another client' });
  });

  it('refuses a refresh token after its 47304000 seconds', async () => {
    const first = await exchange((await agree()).get('code') ?? '');
    const refresh = () => token({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '', scope: IDENTITY_SCOPE });
    server.advance((47_304_000 - 60) * 1000);
    expect((await refresh()).status).toBe(200);
    server.advance(120 * 1000);
    expect((await refresh()).status).toBe(400);
  });
});

describe('eBay sandbox: Identity API', () => {
  it('refuses a missing, unknown or expired Bearer token with 401 errorId 1001', async () => {
    const t = await exchange((await agree()).get('code') ?? '');
    server.advance(7200 * 1000);
    for (const auth of [undefined, 'Bearer v^1.1#unknown', `Bearer ${t.access_token}`, t.access_token]) {
      const res = await identity(auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        errors: [{ errorId: 1001, domain: 'OAuth', category: 'REQUEST', message: 'Invalid access token', longMessage: 'Invalid access token. Check the value of the Authorization HTTP request header.' }],
      });
    }
  });

  it('answers only on the apiz host at the path with its trailing slash', async () => {
    const t = await exchange((await agree()).get('code') ?? '');
    expect((await identity(`Bearer ${t.access_token}`, 'api.ebay.com')).status).toBe(404);
    expect((await identity(`Bearer ${t.access_token}`, 'apiz.ebay.com', '/commerce/identity/v1/user')).status).toBe(404);
    expect((await identity(`Bearer ${t.access_token}`)).status).toBe(200);
  });

  it('honours ctx.accessTokenTtlSeconds', async () => {
    const short = await startSandboxServer({ registrations: () => sandboxRegistrations('http://127.0.0.1:1'), factories: [createEbaySandbox], accessTokenTtlSeconds: 60 });
    try {
      const r = await consent(short.sandboxUrl(`https://auth.ebay.com/oauth2/authorize?${new URLSearchParams(defaultParams())}`), EBAY_FACTS.accept.decision);
      const code = new URL(r.location ?? '').searchParams.get('code') ?? '';
      const res = await fetch(short.sandboxUrl('https://api.ebay.com/identity/v1/oauth2/token'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic() },
        body: new URLSearchParams(codeGrant(code)).toString(),
      });
      const body = (await res.json()) as TokenBody;
      expect(body.expires_in).toBe(60);
      short.advance(60 * 1000);
      const me = await fetch(short.sandboxUrl('https://apiz.ebay.com/commerce/identity/v1/user/'), { headers: { authorization: `Bearer ${body.access_token}` } });
      expect(me.status).toBe(401);
    } finally {
      await short.stop();
    }
  });
});
