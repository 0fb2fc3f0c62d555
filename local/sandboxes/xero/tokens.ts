/** The Xero sandbox's token endpoint on `identity.xero.com`: client authentication, the code exchange, refresh (rotating, with a grace period), the tokens it issues. */
import { createHash, randomUUID } from 'node:crypto';
import { json, sleep } from '../http.js';
import { b64url } from '../jwt.js';
import type { SandboxRequest, SandboxResponse } from '../types.js';
import { ACCESS_TTL_S, header, ID_TOKEN_TTL_S, isForm, ISSUER, oauthError, randomHex, REFRESH_GRACE_MS, REFRESH_IDLE_MS, type Grant, type XeroState } from './common.js';
import { signJwt } from './identity.js';
import { XERO_SANDBOX_USER } from './organisations.js';

export function xeroTokens(s: XeroState) {
  const { ctx, codes, accessTokens, refreshTokens, faults, reg } = s;


  function authenticateClient(req: SandboxRequest, form: URLSearchParams): boolean {
    const auth = header(req, 'authorization');
    let id: string | null;
    let secret: string | null;
    if (auth && /^basic\s/i.test(auth)) {
      const decoded = Buffer.from(auth.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) return false;
      const unform = (s: string) => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          return s;
        }
      };
      id = unform(decoded.slice(0, i));
      secret = unform(decoded.slice(i + 1));
    } else {
      id = form.get('client_id');
      secret = form.get('client_secret');
    }
    return id === reg().clientId && secret === reg().clientSecret;
  }

  function issue(grant: Grant, nonce?: string): SandboxResponse {
    const now = ctx.now();
    const nowS = Math.floor(now / 1000);
    const ttl = ctx.accessTokenTtlSeconds ?? ACCESS_TTL_S;
    const accessToken = signJwt({
      nbf: nowS,
      exp: nowS + ttl,
      iss: ISSUER,
      aud: `${ISSUER}/resources`,
      client_id: grant.clientId,
      sub: XERO_SANDBOX_USER.userId.replace(/-/g, ''),
      auth_time: Math.floor(grant.authTime / 1000),
      xero_userid: XERO_SANDBOX_USER.userId,
      global_session_id: grant.sessionId,
      sid: grant.sessionId,
      jti: randomHex(16).toUpperCase(),
      authentication_event_id: grant.authEventId,
      scope: [...grant.scopes],
      amr: ['pwd'],
    });
    accessTokens.set(accessToken, { grant, expiresAt: now + ttl * 1000 });
    const body: Record<string, unknown> = {};
    if (grant.scopes.includes('openid')) {
      body.id_token = signJwt({
        nbf: nowS,
        exp: nowS + ID_TOKEN_TTL_S,
        iss: ISSUER,
        aud: grant.clientId,
        iat: nowS,
        at_hash: b64url(createHash('sha256').update(accessToken).digest().subarray(0, 16)),
        sid: grant.sessionId,
        sub: XERO_SANDBOX_USER.userId.replace(/-/g, ''),
        auth_time: Math.floor(grant.authTime / 1000),
        ...(nonce !== undefined ? { nonce } : {}),
        xero_userid: XERO_SANDBOX_USER.userId,
        global_session_id: grant.sessionId,
        ...(grant.scopes.includes('profile')
          ? {
              preferred_username: XERO_SANDBOX_USER.email,
              given_name: XERO_SANDBOX_USER.givenName,
              family_name: XERO_SANDBOX_USER.familyName,
              name: `${XERO_SANDBOX_USER.givenName} ${XERO_SANDBOX_USER.familyName}`,
            }
          : {}),
        ...(grant.scopes.includes('email') ? { email: XERO_SANDBOX_USER.email } : {}),
        amr: ['pwd'],
      });
    }
    body.access_token = accessToken;
    body.expires_in = ttl;
    body.token_type = 'Bearer';
    if (grant.scopes.includes('offline_access')) {
      const refreshToken = randomHex(32);
      refreshTokens.set(refreshToken, { grant, issuedAt: now });
      body.refresh_token = refreshToken;
    }
    body.scope = grant.scopes.join(' ');
    return json(200, body, { pragma: 'no-cache' });
  }

  async function token(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'POST') return { status: 405, headers: { allow: 'POST' } };
    if (!isForm(req)) return { status: 415 };
    const form = new URLSearchParams(req.body);
    if (!authenticateClient(req, form)) return oauthError('invalid_client');
    const grantType = form.get('grant_type');
    const now = ctx.now();
    if (grantType === 'authorization_code') {
      const code = form.get('code');
      const record = code ? codes.get(code) : undefined;
      if (!code || !record || record.used || record.expiresAt <= now || record.clientId !== reg().clientId) return oauthError('invalid_grant');
      if (form.get('redirect_uri') !== record.redirectUri) return oauthError('invalid_grant');
      if (record.codeChallenge) {
        const verifier = form.get('code_verifier');
        if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return oauthError('invalid_grant');
        if (b64url(createHash('sha256').update(verifier).digest()) !== record.codeChallenge) return oauthError('invalid_grant');
      }
      if (record.scenario === 'token_error') return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'An error occurred' };
      if (record.scenario === 'token_slow') await sleep(ctx.slowMs);
      record.used = true;
      const grant: Grant = {
        id: randomUUID(),
        clientId: record.clientId,
        scopes: record.scopes,
        authEventId: record.authEventId,
        authTime: record.authTime,
        sessionId: record.sessionId,
      };
      return issue(grant, record.nonce);
    }
    if (grantType === 'refresh_token') {
      const fault = await faults.answer({ status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'An error occurred' });
      if (fault) return fault;
      const rt = form.get('refresh_token');
      const record = rt ? refreshTokens.get(rt) : undefined;
      if (!rt || !record || record.grant.clientId !== reg().clientId) return oauthError('invalid_grant');
      if (record.consumedAt !== undefined ? now - record.consumedAt > REFRESH_GRACE_MS : now - record.issuedAt > REFRESH_IDLE_MS) {
        refreshTokens.delete(rt);
        return oauthError('invalid_grant');
      }
      record.consumedAt ??= now;
      return issue(record.grant);
    }
    if (!grantType) return oauthError('unsupported_grant_type');
    return oauthError(grantType === 'client_credentials' ? 'unauthorized_client' : 'unsupported_grant_type');
  }

  return { issue, token };
}
