import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consent } from '../consent.js';
import { sandboxRegistrations } from '../registrations.js';
import type { SandboxServer } from '../server.js';
import { startSandbox } from '../test-support.js';
import { createEtsySandbox } from './index.js';
import { ETSY_FACTS } from '../facts.js';

const registration = sandboxRegistrations('http://127.0.0.1:1').etsy;
const REDIRECT_URI = registration.redirectUris[0] ?? '';
const API_KEY = `${registration.keystring}:${registration.sharedSecret}`;

let server: SandboxServer;

beforeAll(async () => {
  server = await startSandbox(createEtsySandbox, { slowMs: 200 });
});

afterAll(async () => {
  await server.stop();
});

interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function connectUrl(challenge: string, overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: registration.keystring,
    redirect_uri: REDIRECT_URI,
    scope: 'transactions_r shops_r',
    state: 'etsy-state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  return server.sandboxUrl(`https://www.etsy.com/oauth/connect?${query}`);
}

/** Grants access and returns the code (and the PKCE pair used). */
async function grant(scenario = 'ok'): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkce();
  const result = await consent(connectUrl(challenge), ETSY_FACTS.accept.decision, { scenario });
  expect(result.status).toBe(302);
  const callback = new URL(result.location ?? '');
  expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
  return { code: callback.searchParams.get('code') ?? '', verifier };
}

function tokenRequest(fields: Record<string, string>, host = 'api.etsy.com'): Promise<Response> {
  return fetch(server.sandboxUrl(`https://${host}/v3/public/oauth/token`), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

function exchange(code: string, verifier: string, extra: Record<string, string> = {}): Promise<Response> {
  return tokenRequest({ grant_type: 'authorization_code', client_id: registration.keystring, redirect_uri: REDIRECT_URI, code, code_verifier: verifier, ...extra });
}

function refresh(refreshToken: string): Promise<Response> {
  return tokenRequest({ grant_type: 'refresh_token', client_id: registration.keystring, refresh_token: refreshToken });
}

interface Tokens {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly refresh_token: string;
}

async function tokens(): Promise<Tokens> {
  const { code, verifier } = await grant();
  const res = await exchange(code, verifier);
  expect(res.status).toBe(200);
  return (await res.json()) as Tokens;
}

function api(path: string, headers: Record<string, string>, host = 'openapi.etsy.com'): Promise<Response> {
  return fetch(server.sandboxUrl(`https://${host}${path}`), { headers });
}

describe('Etsy sandbox', () => {
  it('plays www.etsy.com, api.etsy.com and openapi.etsy.com', () => {
    const sandbox = server.sandboxes[0];
    expect(sandbox?.id).toBe('etsy');
    expect(['www.etsy.com', 'api.etsy.com', 'openapi.etsy.com'].map((h) => sandbox?.hosts(h))).toEqual([true, true, true]);
    expect(sandbox?.hosts('etsy.com')).toBe(false);
  });

  describe('connect', () => {
    it('shows an accessible grant page naming Etsy and Onramp, with Grant access, Cancel and the Sandbox outcome select', async () => {
      const res = await fetch(connectUrl(pkce().challenge));
      const page = await res.text();
      expect(res.status).toBe(200);
      expect(page).toContain('<html lang="en">');
      expect(page).toMatch(/<title>[^<]+<\/title>/);
      expect(page.match(/<main>/g)).toHaveLength(1);
      expect(page.match(/<h1>/g)).toHaveLength(1);
      expect(page).toMatch(/<h1>[^<]*Etsy[^<]*Onramp[^<]*<\/h1>/);
      expect(page.match(/<form /g)).toHaveLength(1);
      expect(page).toContain(`action="${server.origin}/www.etsy.com/oauth/connect"`);
      expect(page).toContain('<button type="submit" name="decision" value="grant">Grant access</button>');
      expect(page).toContain('<button type="submit" name="decision" value="cancel">Cancel</button>');
      expect(page).toContain('<label for="scenario">Sandbox outcome</label>');
      for (const s of ['ok', 'token_error', 'token_slow']) expect(page).toContain(`<option value="${s}"`);
      expect(page).toContain('transactions_r');
      expect(page).toContain('shops_r');
    });

    it('escapes request values on the page', async () => {
      const page = await (await fetch(connectUrl(pkce().challenge, { state: '<img src=x onerror=alert(1)>' }))).text();
      expect(page).not.toContain('<img');
      expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    });

    it('redirects Grant access to the redirect_uri with code and state', async () => {
      const result = await consent(connectUrl(pkce().challenge), ETSY_FACTS.accept.decision);
      expect(result.status).toBe(302);
      const callback = new URL(result.location ?? '');
      expect([...callback.searchParams.keys()]).toEqual(['code', 'state']);
      expect(callback.searchParams.get('state')).toBe('etsy-state-1');
    });

    it('redirects Cancel to the redirect_uri with error=access_denied, error_description and state', async () => {
      const result = await consent(connectUrl(pkce().challenge), 'cancel');
      expect(result.status).toBe(302);
      const callback = new URL(result.location ?? '');
      expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('error_description')).toBeTruthy();
      expect(callback.searchParams.get('state')).toBe('etsy-state-1');
      expect(callback.searchParams.has('code')).toBe(false);
    });

    it.each([
      ['an unknown client_id', { client_id: 'not-our-keystring' }],
      ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example/callback' }],
      ['a missing state', { state: undefined }],
      ['a missing code_challenge', { code_challenge: undefined }],
      ['a missing code_challenge_method', { code_challenge_method: undefined }],
      ['code_challenge_method=plain', { code_challenge_method: 'plain' }],
      ['a comma-separated scope list', { scope: 'transactions_r,shops_r' }],
      ['an unknown scope', { scope: 'transactions_r orders_r' }],
      ['response_type=token', { response_type: 'token' }],
    ])('refuses %s with a 400 error page and no form', async (_name, overrides) => {
      const result = await consent(connectUrl(pkce().challenge, overrides), ETSY_FACTS.accept.decision);
      expect(result.pageStatus).toBe(400);
      expect(result.page).toContain('<html lang="en">');
      expect(result.page).not.toContain('<form');
      expect(result.status).toBeUndefined();
    });

    it('says "The requested redirect URL is not permitted." for an unregistered redirect_uri', async () => {
      const result = await consent(connectUrl(pkce().challenge, { redirect_uri: 'https://evil.example/callback' }), ETSY_FACTS.accept.decision);
      expect(result.page).toContain('The requested redirect URL is not permitted.');
    });
  });

  describe('token endpoint', () => {
    it('exchanges a code and verifier for a Bearer token and refresh token prefixed with the user id; users/me and the shop answer', async () => {
      const { code, verifier } = await grant();
      const res = await exchange(code, verifier);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Tokens;
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
      expect(body.token_type).toBe('Bearer');
      expect(body.expires_in).toBe(3600);
      const userId = body.access_token.split('.')[0] ?? '';
      expect(userId).toMatch(/^\d+$/);
      expect(body.refresh_token.startsWith(`${userId}.`)).toBe(true);

      const me = await api('/v3/application/users/me', { authorization: `Bearer ${body.access_token}`, 'x-api-key': API_KEY });
      expect(me.status).toBe(200);
      const identity = (await me.json()) as { user_id: number; shop_id: number };
      expect(identity).toEqual({ user_id: Number(userId), shop_id: expect.any(Number) as unknown });

      for (const host of ['openapi.etsy.com', 'api.etsy.com']) {
        const shop = await api(`/v3/application/shops/${identity.shop_id}`, { authorization: `Bearer ${body.access_token}`, 'x-api-key': API_KEY }, host);
        expect(shop.status).toBe(200);
        expect(await shop.json()).toMatchObject({ shop_id: identity.shop_id, user_id: identity.user_id, shop_name: expect.any(String) as unknown });
      }
    });

    it('takes no client secret: client_id is the keystring alone', async () => {
      const { code, verifier } = await grant();
      const wrongClient = await exchange(code, verifier, { client_id: API_KEY });
      expect(wrongClient.status).toBe(401);
      expect(await wrongClient.json()).toMatchObject({ error: 'invalid_client' });
      expect((await exchange(code, verifier)).status).toBe(200);
    });

    it('refuses a wrong code_verifier with invalid_grant', async () => {
      const { code } = await grant();
      const res = await exchange(code, pkce().verifier);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a missing code_verifier with invalid_request', async () => {
      const { code } = await grant();
      const res = await tokenRequest({ grant_type: 'authorization_code', client_id: registration.keystring, redirect_uri: REDIRECT_URI, code });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'code_verifier is required' });
    });

    it('refuses a redirect_uri other than the authorize request’s', async () => {
      const { code, verifier } = await grant();
      const res = await exchange(code, verifier, { redirect_uri: 'https://evil.example/callback' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a reused code', async () => {
      const { code, verifier } = await grant();
      expect((await exchange(code, verifier)).status).toBe(200);
      const again = await exchange(code, verifier);
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a code older than five minutes', async () => {
      const { code, verifier } = await grant();
      server.advance(5 * 60 * 1000 + 1000);
      const res = await exchange(code, verifier);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('answers 500 for every exchange of a token_error code', async () => {
      const { code, verifier } = await grant('token_error');
      expect((await exchange(code, verifier)).status).toBe(500);
      expect((await exchange(code, verifier)).status).toBe(500);
    });

    it('stalls slowMs before answering a token_slow code', async () => {
      const { code, verifier } = await grant('token_slow');
      const started = performance.now();
      expect((await exchange(code, verifier)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    });

    it('rotates the refresh token on refresh; the old one is then revoked', async () => {
      const first = await tokens();
      const res = await refresh(first.refresh_token);
      expect(res.status).toBe(200);
      const second = (await res.json()) as Tokens;
      expect(second.token_type).toBe('Bearer');
      expect(second.expires_in).toBe(3600);
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.access_token).not.toBe(first.access_token);
      const reused = await refresh(first.refresh_token);
      expect(reused.status).toBe(400);
      expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'refresh_token is revoked' });
      expect((await refresh(second.refresh_token)).status).toBe(200);
    });

    it('answers the token endpoint on openapi.etsy.com too', async () => {
      const { code, verifier } = await grant();
      const res = await tokenRequest({ grant_type: 'authorization_code', client_id: registration.keystring, redirect_uri: REDIRECT_URI, code, code_verifier: verifier }, 'openapi.etsy.com');
      expect(res.status).toBe(200);
    });
  });

  describe('API authentication', () => {
    it('requires the shared secret in x-api-key', async () => {
      const { access_token } = await tokens();
      const res = await api('/v3/application/users/me', { authorization: `Bearer ${access_token}`, 'x-api-key': registration.keystring });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: 'Shared secret is required in x-api-key header.' });
    });

    it('refuses a wrong keystring or a wrong shared secret', async () => {
      const { access_token } = await tokens();
      for (const key of [`someone-else:${registration.sharedSecret}`, `${registration.keystring}:wrong`]) {
        const res = await api('/v3/application/users/me', { authorization: `Bearer ${access_token}`, 'x-api-key': key });
        expect(res.status).toBe(403);
      }
    });

    it('requires a live Bearer token as well as the x-api-key', async () => {
      const { access_token } = await tokens();
      const without = await api('/v3/application/users/me', { 'x-api-key': API_KEY });
      expect(without.status).toBe(401);
      const unknown = await api('/v3/application/users/me', { authorization: 'Bearer 1.nope', 'x-api-key': API_KEY });
      expect(unknown.status).toBe(401);
      expect(await unknown.json()).toMatchObject({ error: 'invalid_token' });
      server.advance(3600 * 1000 + 1000);
      const expired = await api('/v3/application/users/me', { authorization: `Bearer ${access_token}`, 'x-api-key': API_KEY });
      expect(expired.status).toBe(401);
      expect(await expired.json()).toEqual({ error: 'invalid_token', error_description: 'access token is expired' });
    });

    it('answers 404 for a shop it does not know', async () => {
      const { access_token } = await tokens();
      const res = await api('/v3/application/shops/1', { authorization: `Bearer ${access_token}`, 'x-api-key': API_KEY });
      expect(res.status).toBe(404);
    });
  });
});
