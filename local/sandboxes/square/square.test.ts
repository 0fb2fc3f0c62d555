import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consent } from '../consent.js';
import { sandboxRegistrations } from '../registrations.js';
import type { SandboxServer } from '../server.js';
import { startSandbox } from '../test-support.js';
import { createSquareSandbox } from './index.js';
import { SQUARE_FACTS } from '../facts.js';

const reg = sandboxRegistrations('http://127.0.0.1:1').square;
const SCOPES = 'MERCHANT_PROFILE_READ ORDERS_READ PAYMENTS_READ PAYOUTS_READ';
const DAY_MS = 24 * 3600 * 1000;

interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_at: string;
  merchant_id: string;
  refresh_token: string;
  short_lived: boolean;
  refresh_token_expires_at?: string;
}
interface ErrorResponse {
  message?: string;
  type?: string;
  errors: { category: string; code: string; detail: string; field?: string }[];
}
interface MerchantResponse {
  merchant: {
    id: string;
    business_name: string;
    country: string;
    language_code: string;
    currency: string;
    status: string;
    main_location_id: string;
    created_at: string;
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('Square sandbox', () => {
  let server: SandboxServer;
  const base = Date.UTC(2026, 2, 2, 10, 0, 0);
  let skew = 0;
  const now = () => base + skew;
  const advance = (ms: number) => {
    skew += ms;
    server.advance(ms);
  };

  const start = async (accessTokenTtlSeconds?: number) => {
    skew = 0;
    server = await startSandbox(createSquareSandbox, {
      slowMs: 200,
      now: () => base,
      ...(accessTokenTtlSeconds !== undefined ? { accessTokenTtlSeconds } : {}),
    });
  };
  beforeEach(async () => {
    await start();
  });
  afterEach(async () => {
    await server.stop();
  });

  const authorizeUrl = (params: Record<string, string>) =>
    server.sandboxUrl(`https://connect.squareup.com/oauth2/authorize?${new URLSearchParams(params).toString()}`);

  async function allow(params: Record<string, string> = {}, choices: Record<string, string> = {}) {
    const result = await consent(authorizeUrl({ client_id: reg.applicationId, scope: SCOPES, state: 'st-1', ...params }), SQUARE_FACTS.accept.decision, choices);
    expect(result.status).toBe(302);
    const location = new URL(result.location ?? '');
    return { location, code: location.searchParams.get('code') ?? '' };
  }

  async function postToken(body: unknown, contentType = 'application/json') {
    const res = await fetch(server.sandboxUrl('https://connect.squareup.com/oauth2/token'), {
      method: 'POST',
      headers: { 'content-type': contentType, 'square-version': '2025-10-16' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as unknown };
  }
  const exchange = (code: string, extra: Record<string, unknown> = {}) =>
    postToken({ client_id: reg.applicationId, client_secret: reg.applicationSecret, code, grant_type: 'authorization_code', ...extra });

  async function merchantsMe(accessToken?: string) {
    const res = await fetch(server.sandboxUrl('https://connect.squareup.com/v2/merchants/me'), {
      headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  const pkcePair = () => {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  };

  describe('permission page', () => {
    it('serves an accessible page with Allow, Cancel and the sandbox outcome', async () => {
      const res = await fetch(authorizeUrl({ client_id: reg.applicationId, scope: SCOPES, state: 's' }));
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<html lang="en">');
      expect(html).toMatch(/<title>[^<]+<\/title>/);
      expect(html.match(/<main>/g)).toHaveLength(1);
      expect(html.match(/<h1>[^<]*Square[^<]*Onramp[^<]*<\/h1>/g)).toHaveLength(1);
      expect(html.match(/<form\b/g)).toHaveLength(1);
      expect(html).toContain(`<form method="post" action="${server.origin}/connect.squareup.com/oauth2/authorize"`);
      expect(html).toContain('name="viewport"');
      expect(html).toContain('<button type="submit" name="decision" value="allow" class="primary">Allow</button>');
      expect(html).toContain('<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>');
      expect(html).toContain('<label for="scenario">Sandbox outcome</label>');
      expect(html).toMatch(/<option value="ok" selected>ok<\/option><option value="token_error">token_error<\/option><option value="token_slow">token_slow<\/option>/);
      expect(html).toContain('Read your orders');
    });

    it('redirects Allow to the registered redirect URL with code, response_type=code and state', async () => {
      const { location, code } = await allow({ state: 'a b&c' });
      expect(`${location.origin}${location.pathname}`).toBe(reg.redirectUrl);
      expect(code).toMatch(/^sq0cgp-/);
      expect(location.searchParams.get('response_type')).toBe('code');
      expect(location.searchParams.get('state')).toBe('a b&c');
    });

    it('redirects Cancel with error=access_denied, error_description=user_denied and the state', async () => {
      const result = await consent(authorizeUrl({ client_id: reg.applicationId, scope: SCOPES, state: 'st-2' }), 'cancel');
      expect(result.status).toBe(302);
      const location = new URL(result.location ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(reg.redirectUrl);
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('error_description')).toBe('user_denied');
      expect(location.searchParams.get('state')).toBe('st-2');
      expect(location.searchParams.get('code')).toBeNull();
    });

    it('refuses an unknown client_id with a 400 page and no form', async () => {
      const result = await consent(authorizeUrl({ client_id: 'sq0idp-someone-else', scope: SCOPES }), SQUARE_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).not.toContain('<form');
      expect(result.status).toBeUndefined();
    });

    it('refuses a redirect_uri other than the registered one', async () => {
      const result = await consent(authorizeUrl({ client_id: reg.applicationId, scope: SCOPES, redirect_uri: 'https://evil.example/cb' }), SQUARE_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).toContain('redirect_uri');
    });

    it('accepts the registered redirect_uri', async () => {
      const { code } = await allow({ redirect_uri: reg.redirectUrl });
      expect(code).not.toBe('');
    });

    it('refuses an unknown permission', async () => {
      const result = await consent(authorizeUrl({ client_id: reg.applicationId, scope: 'MERCHANT_PROFILE_READ NOT_A_SCOPE' }), SQUARE_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).toContain('NOT_A_SCOPE');
    });

    it('refuses comma-separated scopes', async () => {
      const result = await consent(authorizeUrl({ client_id: reg.applicationId, scope: 'MERCHANT_PROFILE_READ,ORDERS_READ' }), SQUARE_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
    });

    it('escapes what it shows', async () => {
      const html = await (await fetch(authorizeUrl({ client_id: reg.applicationId, scope: '<b>X</b>' }))).text();
      expect(html).not.toContain('<b>X</b>');
      expect(html).toContain('&lt;b&gt;X&lt;/b&gt;');
    });
  });

  describe('token exchange (code flow)', () => {
    it('exchanges a code for a 30-day bearer token and identifies the merchant', async () => {
      const { code } = await allow();
      const { status, contentType, body } = await exchange(code);
      expect(status).toBe(200);
      expect(contentType).toMatch(/^application\/json/);
      const token = body as TokenResponse;
      expect(token.access_token).toMatch(/^EAAA/);
      expect(token.token_type).toBe('bearer');
      expect(token.expires_at).toBe(iso(now() + 30 * DAY_MS));
      expect(token.short_lived).toBe(false);
      expect(token.refresh_token).not.toBe('');
      expect(token.refresh_token_expires_at).toBeUndefined();

      const me = await merchantsMe(token.access_token);
      expect(me.status).toBe(200);
      const { merchant } = me.body as MerchantResponse;
      expect(merchant.id).toBe(token.merchant_id);
      expect(merchant).toEqual({
        id: expect.any(String),
        business_name: expect.any(String),
        country: 'GB',
        language_code: 'en-GB',
        currency: 'GBP',
        status: 'ACTIVE',
        main_location_id: expect.any(String),
        created_at: expect.any(String),
      });
    });

    it('requires Content-Type application/json, and leaves the code usable', async () => {
      const { code } = await allow();
      const form = new URLSearchParams({ client_id: reg.applicationId, client_secret: reg.applicationSecret, code, grant_type: 'authorization_code' });
      const { status, body } = await postToken(form.toString(), 'application/x-www-form-urlencoded');
      expect(status).toBe(400);
      const err = body as ErrorResponse;
      expect(err.errors[0]?.code).toBe('INVALID_CONTENT_TYPE');
      expect(err.errors[0]?.category).toBe('INVALID_REQUEST_ERROR');
      expect((await exchange(code)).status).toBe(200);
    });

    it('refuses a body that is not JSON', async () => {
      const { status, body } = await postToken('{not json');
      expect(status).toBe(400);
      expect((body as ErrorResponse).errors[0]?.code).toBe('BAD_REQUEST');
    });

    it('refuses a wrong client secret with 401 in Square error shape', async () => {
      const { code } = await allow();
      const { status, body } = await exchange(code, { client_secret: 'sq0csp-wrong' });
      expect(status).toBe(401);
      const err = body as ErrorResponse;
      expect(err.errors[0]).toMatchObject({ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED' });
      expect(err.type).toBe('service.not_authorized');
      expect(typeof err.message).toBe('string');
    });

    it('refuses an unknown client_id', async () => {
      const { code } = await allow();
      const { status } = await exchange(code, { client_id: 'sq0idp-other' });
      expect(status).toBe(401);
    });

    it('requires the client secret outside PKCE', async () => {
      const { code } = await allow();
      const { status, body } = await postToken({ client_id: reg.applicationId, code, grant_type: 'authorization_code' });
      expect(status).toBe(400);
      expect((body as ErrorResponse).errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'client_secret' });
    });

    it('refuses an unsupported grant_type', async () => {
      const { code } = await allow();
      const { status, body } = await exchange(code, { grant_type: 'authorized_code' });
      expect(status).toBe(400);
      expect((body as ErrorResponse).errors[0]?.field).toBe('grant_type');
    });

    it('accepts a code once: reusing it is refused', async () => {
      const { code } = await allow();
      expect((await exchange(code)).status).toBe(200);
      const again = await exchange(code);
      expect(again.status).toBe(401);
      expect((again.body as ErrorResponse).errors[0]?.detail).toMatch(/already redeemed/);
    });

    it('expires a code after 5 minutes', async () => {
      const { code } = await allow();
      advance(5 * 60 * 1000 + 1000);
      const { status, body } = await exchange(code);
      expect(status).toBe(401);
      expect((body as ErrorResponse).errors[0]?.detail).toMatch(/expired/);
    });

    it('refuses an unknown code', async () => {
      const { status } = await exchange('sq0cgp-made-up');
      expect(status).toBe(401);
    });

    it('requires the same redirect_uri at the token step when the authorize request had one', async () => {
      const { code } = await allow({ redirect_uri: reg.redirectUrl });
      const missing = await exchange(code);
      expect(missing.status).toBe(400);
      expect((missing.body as ErrorResponse).errors[0]?.field).toBe('redirect_uri');
      const wrong = await exchange(code, { redirect_uri: 'https://evil.example/cb' });
      expect(wrong.status).toBe(400);
      expect((await exchange(code, { redirect_uri: reg.redirectUrl })).status).toBe(200);
    });

    it('gives a 24-hour token when short_lived is true', async () => {
      const { code } = await allow();
      const token = (await exchange(code, { short_lived: true })).body as TokenResponse;
      expect(token.short_lived).toBe(true);
      expect(token.expires_at).toBe(iso(now() + DAY_MS));
    });

    it('answers the token_error code with HTTP 500', async () => {
      const { code } = await allow({}, { scenario: 'token_error' });
      const { status, body } = await exchange(code);
      expect(status).toBe(500);
      expect((body as ErrorResponse).errors[0]?.category).toBe('API_ERROR');
    });

    it('stalls the token_slow code for slowMs before answering', async () => {
      const { code } = await allow({}, { scenario: 'token_slow' });
      const started = Date.now();
      const { status } = await exchange(code);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(status).toBe(200);
    });
  });

  describe('PKCE', () => {
    it('exchanges a PKCE code with the right verifier and no secret, with a 90-day single-use refresh token', async () => {
      const { verifier, challenge } = pkcePair();
      const { code } = await allow({ code_challenge: challenge });
      const { status, body } = await postToken({ client_id: reg.applicationId, code, code_verifier: verifier, grant_type: 'authorization_code' });
      expect(status).toBe(200);
      const token = body as TokenResponse;
      expect(token.refresh_token_expires_at).toBe(iso(now() + 90 * DAY_MS));
      expect((await merchantsMe(token.access_token)).status).toBe(200);
    });

    it('refuses a wrong verifier and leaves the code usable', async () => {
      const { verifier, challenge } = pkcePair();
      const { code } = await allow({ code_challenge: challenge });
      const wrong = await postToken({ client_id: reg.applicationId, code, code_verifier: pkcePair().verifier, grant_type: 'authorization_code' });
      expect(wrong.status).toBe(401);
      expect((wrong.body as ErrorResponse).errors[0]?.detail).toMatch(/code_verifier/);
      const right = await postToken({ client_id: reg.applicationId, code, code_verifier: verifier, grant_type: 'authorization_code' });
      expect(right.status).toBe(200);
    });

    it('requires the verifier for a PKCE code, even with the secret', async () => {
      const { challenge } = pkcePair();
      const { code } = await allow({ code_challenge: challenge });
      const { status, body } = await exchange(code);
      expect(status).toBe(400);
      expect((body as ErrorResponse).errors[0]?.field).toBe('code_verifier');
    });

    it('refuses a malformed code_challenge at the authorize step', async () => {
      const result = await consent(authorizeUrl({ client_id: reg.applicationId, scope: SCOPES, code_challenge: 'short' }), SQUARE_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
    });

    it('rotates a PKCE refresh token: a new one each time, the old one refused', async () => {
      const { verifier, challenge } = pkcePair();
      const { code } = await allow({ code_challenge: challenge });
      const first = (await postToken({ client_id: reg.applicationId, code, code_verifier: verifier, grant_type: 'authorization_code' })).body as TokenResponse;
      const refreshed = await postToken({ client_id: reg.applicationId, refresh_token: first.refresh_token, grant_type: 'refresh_token' });
      expect(refreshed.status).toBe(200);
      const second = refreshed.body as TokenResponse;
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.refresh_token_expires_at).toBe(iso(now() + 90 * DAY_MS));
      const reused = await postToken({ client_id: reg.applicationId, refresh_token: first.refresh_token, grant_type: 'refresh_token' });
      expect(reused.status).toBe(401);
    });

    it('expires a PKCE refresh token after 90 days', async () => {
      const { verifier, challenge } = pkcePair();
      const { code } = await allow({ code_challenge: challenge });
      const first = (await postToken({ client_id: reg.applicationId, code, code_verifier: verifier, grant_type: 'authorization_code' })).body as TokenResponse;
      advance(90 * DAY_MS + 1000);
      const { status } = await postToken({ client_id: reg.applicationId, refresh_token: first.refresh_token, grant_type: 'refresh_token' });
      expect(status).toBe(401);
    });
  });

  describe('refresh (code flow)', () => {
    it('returns a new access token and the same refresh token, which keeps working', async () => {
      const { code } = await allow();
      const first = (await exchange(code)).body as TokenResponse;
      advance(7 * DAY_MS);
      const refreshBody = { client_id: reg.applicationId, client_secret: reg.applicationSecret, refresh_token: first.refresh_token, grant_type: 'refresh_token' };
      const r1 = await postToken(refreshBody);
      expect(r1.status).toBe(200);
      const second = r1.body as TokenResponse;
      expect(second.access_token).not.toBe(first.access_token);
      expect(second.refresh_token).toBe(first.refresh_token);
      expect(second.expires_at).toBe(iso(now() + 30 * DAY_MS));
      expect(second.token_type).toBe('bearer');
      expect(second.merchant_id).toBe(first.merchant_id);
      expect(second.refresh_token_expires_at).toBeUndefined();
      advance(400 * DAY_MS);
      const r2 = await postToken(refreshBody);
      expect(r2.status).toBe(200);
      expect((await merchantsMe((r2.body as TokenResponse).access_token)).status).toBe(200);
    });

    it('requires the client secret', async () => {
      const { code } = await allow();
      const first = (await exchange(code)).body as TokenResponse;
      const { status } = await postToken({ client_id: reg.applicationId, refresh_token: first.refresh_token, grant_type: 'refresh_token' });
      expect(status).toBe(400);
      const wrong = await postToken({ client_id: reg.applicationId, client_secret: 'nope', refresh_token: first.refresh_token, grant_type: 'refresh_token' });
      expect(wrong.status).toBe(401);
    });

    it('refuses an unknown refresh token', async () => {
      const { status } = await postToken({ client_id: reg.applicationId, client_secret: reg.applicationSecret, refresh_token: 'EQAAnope', grant_type: 'refresh_token' });
      expect(status).toBe(401);
    });
  });

  describe('API calls', () => {
    it('refuses /v2/merchants/me without a token', async () => {
      const { status, body } = await merchantsMe();
      expect(status).toBe(401);
      expect((body as ErrorResponse).errors[0]).toMatchObject({ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED' });
    });

    it('refuses an unknown token', async () => {
      expect((await merchantsMe('EAAAnot-a-token')).status).toBe(401);
    });

    it('refuses an expired token with ACCESS_TOKEN_EXPIRED after 30 days', async () => {
      const { code } = await allow();
      const token = (await exchange(code)).body as TokenResponse;
      advance(30 * DAY_MS);
      const { status, body } = await merchantsMe(token.access_token);
      expect(status).toBe(401);
      expect((body as ErrorResponse).errors[0]?.code).toBe('ACCESS_TOKEN_EXPIRED');
    });

    it('refuses a token without MERCHANT_PROFILE_READ with 403 INSUFFICIENT_SCOPES', async () => {
      const { code } = await allow({ scope: 'ORDERS_READ' });
      const token = (await exchange(code)).body as TokenResponse;
      const { status, body } = await merchantsMe(token.access_token);
      expect(status).toBe(403);
      expect((body as ErrorResponse).errors[0]?.code).toBe('INSUFFICIENT_SCOPES');
    });

    it('grants the default scopes when the authorize request names none', async () => {
      const result = await consent(authorizeUrl({ client_id: reg.applicationId, state: 's' }), SQUARE_FACTS.accept.decision);
      const code = new URL(result.location ?? '').searchParams.get('code') ?? '';
      const token = (await exchange(code)).body as TokenResponse;
      const res = await fetch(server.sandboxUrl('https://connect.squareup.com/oauth2/token/status'), {
        method: 'POST',
        headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(200);
      const status = (await res.json()) as { scopes: string[]; expires_at: string; client_id: string; merchant_id: string };
      expect(status.scopes).toEqual(['MERCHANT_PROFILE_READ', 'PAYMENTS_READ', 'SETTLEMENTS_READ', 'BANK_ACCOUNTS_READ']);
      expect(status.client_id).toBe(reg.applicationId);
      expect(status.merchant_id).toBe(token.merchant_id);
      expect(status.expires_at).toBe(token.expires_at);
    });
  });

  describe('access token lifetime override', () => {
    it('uses ctx.accessTokenTtlSeconds for expires_at and for expiry', async () => {
      await server.stop();
      await start(60);
      const { code } = await allow();
      const token = (await exchange(code)).body as TokenResponse;
      expect(token.expires_at).toBe(iso(now() + 60 * 1000));
      expect((await merchantsMe(token.access_token)).status).toBe(200);
      advance(61 * 1000);
      expect((await merchantsMe(token.access_token)).status).toBe(401);
    });
  });
});
