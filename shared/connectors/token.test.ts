/**
 * The standard token request and refresh grant, as sent and as read: each
 * client authentication, and every kind of answer a token endpoint gives.
 * The provider's HTTP is a fake that records what would be sent; nothing
 * leaves the process.
 */
import { describe, expect, it } from 'vitest';
import { ConnectError } from '../domain/errors.js';
import type { ProviderHttp } from '../ports/index.js';
import { ebay } from '../providers/ebay/definition.js';
import type { OAuthProviderDefinition } from '../providers/types.js';
import { RefreshRefusedError, standardRefresh } from './refresh.js';
import { exchangeCode } from './token.js';

const APP = { clientId: 'client-1', clientSecret: 'secret-1' };
const NOW = new Date('2026-12-07T12:00:00.000Z');
const TOKEN_URL = 'https://provider.example/oauth/token';

interface Sent {
  url: string;
  headers: Record<string, string>;
  form: Record<string, string>;
}

/** A provider answering every request with `status` and `body`, recording what it was sent. */
function provider(status: number, body: unknown) {
  const sent: Sent[] = [];
  const http: ProviderHttp = {
    async fetch(url, init) {
      sent.push({ url, headers: init?.headers as Record<string, string>, form: Object.fromEntries(new URLSearchParams(String(init?.body))) });
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    },
    locate: (url) => url,
  };
  return { http, sent };
}

const exchange = (style: 'form-body' | 'form-basic' | 'form-public', http: ProviderHttp, codeVerifier?: string) =>
  exchangeCode({ tokenUrl: TOKEN_URL, style, app: APP, code: 'code-1', redirectUri: 'https://onramp.example/api/oauth/x/callback', codeVerifier, http, now: NOW });

const TOKENS = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1' };

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a refusal'),
    (err: unknown) => err,
  );
}

describe('the code exchange (RFC 6749 §4.1.3)', () => {
  it('sends the code, the redirect URI and the verifier, form-encoded, with the id and secret in Basic for form-basic (plain, not form-encoded)', async () => {
    const { http, sent } = provider(200, TOKENS);
    await exchange('form-basic', http, 'verifier-1');
    expect(sent).toEqual([
      {
        url: TOKEN_URL,
        headers: expect.objectContaining({ authorization: `Basic ${Buffer.from('client-1:secret-1').toString('base64')}`, 'content-type': expect.stringMatching(/^application\/x-www-form-urlencoded/) }),
        form: { grant_type: 'authorization_code', code: 'code-1', redirect_uri: 'https://onramp.example/api/oauth/x/callback', code_verifier: 'verifier-1' },
      },
    ]);
  });

  it('puts the id and secret in the body for form-body, and the id alone for a public client', async () => {
    const body = provider(200, TOKENS);
    await exchange('form-body', body.http);
    expect(body.sent[0]!.form).toMatchObject({ client_id: 'client-1', client_secret: 'secret-1' });
    expect(body.sent[0]!.headers).not.toHaveProperty('authorization');

    const pub = provider(200, TOKENS);
    await exchange('form-public', pub.http, 'verifier-1');
    expect(pub.sent[0]!.form).toMatchObject({ client_id: 'client-1', code_verifier: 'verifier-1' });
    expect(pub.sent[0]!.form).not.toHaveProperty('client_secret');
    expect(pub.sent[0]!.headers).not.toHaveProperty('authorization');
  });

  it('reads the tokens and their expiry, and takes eBay\u2019s "User Access Token" and an expiry given as text', async () => {
    expect(await exchange('form-basic', provider(200, TOKENS).http)).toEqual({ accessToken: 'at-1', refreshToken: 'rt-1', accessTokenExpiresAt: '2026-12-07T13:00:00.000Z' });
    const ebayAnswer = { access_token: 'at-2', token_type: 'User Access Token', expires_in: '7200', refresh_token: 'rt-2', refresh_token_expires_in: 47304000 };
    expect(await exchange('form-basic', provider(200, ebayAnswer).http)).toMatchObject({ accessToken: 'at-2', accessTokenExpiresAt: '2026-12-07T14:00:00.000Z' });
  });

  it('answers a used, expired or foreign code (invalid_grant) as expired: the seller starts again', async () => {
    const err = await failure(exchange('form-basic', provider(400, { error: 'invalid_grant', error_description: 'code at-secret-looking was used' }).http));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe('expired');
    // The provider's free text is not carried (it may quote what was sent).
    expect((err as Error).message).not.toContain('at-secret-looking');
  });

  it('answers any other refusal, a server error, and an answer it cannot use as the provider failing', async () => {
    const answers: [number, unknown][] = [
      [401, { error: 'invalid_client' }],
      [503, 'down for maintenance'],
      [400, '<html>bad request</html>'],
      [200, 'not json'],
      [200, ['access_token']],
      [200, { token_type: 'Bearer' }],
      [200, { access_token: '', token_type: 'Bearer' }],
      [200, { access_token: 'at-1' }],
      [200, { access_token: 'at-1', token_type: 'DPoP' }],
      [200, { access_token: 'at-1', token_type: 'mac' }],
      [200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 'soon' }],
      [200, { access_token: 'at-1', token_type: 'Bearer', expires_in: '' }],
      [200, { access_token: 'at-1', token_type: 'Bearer', expires_at: 'not a date' }],
      [200, { access_token: 'at-1', token_type: 'Bearer', expires_in: -1 }],
      [200, { access_token: 'at-1', token_type: 'Bearer', refresh_token: 42 }],
      [200, { access_token: 'at-1', token_type: 'Bearer', scope: ['a'] }],
    ];
    for (const [status, body] of answers) {
      const err = await failure(exchange('form-body', provider(status, body).http));
      expect(err, JSON.stringify([status, body])).toBeInstanceOf(ConnectError);
      expect((err as ConnectError).code, JSON.stringify([status, body])).toBe('provider_error');
      expect((err as Error).message).not.toContain('at-1');
    }
  });

  it('answers an answer whose body stops arriving (the call\u2019s timeout covers it) as the provider timing out', async () => {
    const http: ProviderHttp = {
      async fetch() {
        const body = new ReadableStream({ start: (c) => c.error(new DOMException('The operation timed out.', 'TimeoutError')) });
        return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
      },
      locate: (url) => url,
    };
    const err = await failure(exchange('form-body', http));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe('provider_timeout');
  });

  it('reads an expiry given as text that starts with a number, as oauth4webapi did', async () => {
    expect(await exchange('form-body', provider(200, { ...TOKENS, expires_in: '3600s' }).http)).toMatchObject({ accessToken: 'at-1' });
  });
});

describe('the refresh grant (RFC 6749 §6)', () => {
  const p = { ...ebay, tokenUrl: TOKEN_URL } as OAuthProviderDefinition;
  const refresh = (http: ProviderHttp, over: Partial<OAuthProviderDefinition> = {}) =>
    standardRefresh({ ...p, ...over } as OAuthProviderDefinition, { app: APP, http, now: NOW, refreshToken: 'rt-old', fields: {}, stored: {} });

  it('sends the refresh token with the provider\u2019s client authentication, and the scope only where the provider wants it again', async () => {
    const plain = provider(200, TOKENS);
    await refresh(plain.http);
    expect(plain.sent[0]!.form).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-old', ...(p.scopeOnRefresh ? { scope: p.scopes.join(p.scopeSeparator) } : {}) });
    expect(plain.sent[0]!.headers.authorization).toMatch(/^Basic /);

    const scoped = provider(200, TOKENS);
    await refresh(scoped.http, { scopeOnRefresh: true, scopes: ['a', 'b'], scopeSeparator: ' ' } as Partial<OAuthProviderDefinition>);
    expect(scoped.sent[0]!.form).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-old', scope: 'a b' });
  });

  it('answers invalid_grant as a refusal only the seller can mend: expired when the provider says so, revoked otherwise', async () => {
    const expired = await failure(refresh(provider(400, { error: 'invalid_grant', error_description: 'Refresh token has expired' }).http));
    expect(expired).toBeInstanceOf(RefreshRefusedError);
    expect((expired as RefreshRefusedError).reason).toBe('refresh_token_expired');
    const revoked = await failure(refresh(provider(400, { error: 'invalid_grant' }).http));
    expect((revoked as RefreshRefusedError).reason).toBe('consent_revoked');
  });

  it('answers any other refusal and a server error as the provider failing for now (retried later)', async () => {
    for (const [status, body] of [[400, { error: 'invalid_client' }], [500, {}], [429, 'slow down'], [200, { access_token: 'x' }]] as const) {
      const err = await failure(refresh(provider(status, body).http));
      expect(err, String(status)).toBeInstanceOf(ConnectError);
      expect((err as ConnectError).code).toBe('provider_error');
    }
  });
});
