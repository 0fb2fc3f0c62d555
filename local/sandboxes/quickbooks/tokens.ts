/** The QuickBooks sandbox's token endpoint on `oauth.platform.intuit.com` (code exchange, refresh replacing the refresh token, the tokens it issues) and token revocation on `developer.api.intuit.com`. */
import { randomBytes, randomUUID } from 'node:crypto';
import { sleep } from '../http.js';
import { b64url } from '../jwt.js';
import type { SandboxRequest, SandboxResponse } from '../types.js';
import { ACCESS_TTL_S, base62, contentType, header, ID_TOKEN_TTL_S, ISSUER, json, oauthError, REFRESH_HARD_MS, REFRESH_TTL_S, USER_SUB, type Grant, type QuickbooksState } from './common.js';
import { signJwt } from './identity.js';

export function quickbooksTokens(s: QuickbooksState) {
  const { ctx, codes, accessTokens, refreshTokens, faults, reg } = s;


  function clientOk(req: SandboxRequest, form: URLSearchParams): boolean {
    const auth = header(req, 'authorization');
    let id: string | null;
    let secret: string | null;
    if (auth && /^basic\s/i.test(auth)) {
      const decoded = Buffer.from(auth.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) return false;
      id = decoded.slice(0, i);
      secret = decoded.slice(i + 1);
    } else {
      id = form.get('client_id');
      secret = form.get('client_secret');
    }
    return id === reg().clientId && secret === reg().clientSecret;
  }

  function issue(req: SandboxRequest, grant: Grant, idToken: boolean): SandboxResponse {
    const now = ctx.now();
    const ttl = ctx.accessTokenTtlSeconds ?? ACCESS_TTL_S;
    const accessToken = [
      b64url(JSON.stringify({ enc: 'A128CBC-HS256', alg: 'dir' })),
      '',
      b64url(randomBytes(16)),
      b64url(randomBytes(480)),
      b64url(randomBytes(16)),
    ].join('.');
    accessTokens.set(accessToken, { grant, expiresAt: now + ttl * 1000 });
    const hardRemaining = Math.max(0, Math.floor((grant.hardExpiresAt - now) / 1000));
    const refreshTtl = Math.min(REFRESH_TTL_S, hardRemaining);
    const refreshToken = `RT1-${base62(3)}-H0-${Math.floor((now + refreshTtl * 1000) / 1000)}-${base62(24)}`;
    refreshTokens.set(refreshToken, { grant, expiresAt: now + refreshTtl * 1000 });
    const nowS = Math.floor(now / 1000);
    const body: Record<string, unknown> = {
      ...(idToken && grant.scopes.includes('openid')
        ? {
            id_token: signJwt({
              sub: USER_SUB,
              aud: [grant.clientId],
              ...(grant.realmId ? { realmid: grant.realmId } : {}),
              auth_time: Math.floor(grant.authTime / 1000),
              iss: ISSUER,
              exp: nowS + ID_TOKEN_TTL_S,
              iat: nowS,
            }),
          }
        : {}),
      x_refresh_token_expires_in: refreshTtl,
      refresh_token: refreshToken,
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ttl,
    };
    if ((header(req, 'x-include-refresh-token-hard-expires-in') ?? '').toLowerCase() === 'true') body.x_refresh_token_hard_expires_in = hardRemaining;
    return json(200, body, { intuit_tid: randomUUID() });
  }

  async function token(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'POST') return oauthError(405, 'invalid_request', 'The token endpoint only accepts POST');
    if (!contentType(req).startsWith('application/x-www-form-urlencoded')) return oauthError(400, 'invalid_request');
    const form = new URLSearchParams(req.body);
    if (!clientOk(req, form)) return oauthError(401, 'invalid_client');
    const now = ctx.now();
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = form.get('code');
      const record = code ? codes.get(code) : undefined;
      if (!code || !record || record.used || record.expiresAt <= now || record.clientId !== reg().clientId) return oauthError(400, 'invalid_grant');
      if (form.get('redirect_uri') !== record.redirectUri) return oauthError(400, 'invalid_grant');
      if (record.scenario === 'token_error') return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Internal Server Error' };
      if (record.scenario === 'token_slow') await sleep(ctx.slowMs);
      record.used = true;
      const grant: Grant = {
        clientId: record.clientId,
        scopes: record.scopes,
        ...(record.realmId ? { realmId: record.realmId } : {}),
        authTime: record.authTime,
        hardExpiresAt: record.authTime + REFRESH_HARD_MS,
        revoked: false,
      };
      return issue(req, grant, true);
    }
    if (grantType === 'refresh_token') {
      const fault = await faults.answer({ status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Internal Server Error' });
      if (fault) return fault;
      const rt = form.get('refresh_token');
      const record = rt ? refreshTokens.get(rt) : undefined;
      if (!rt || !record || record.grant.revoked || record.expiresAt <= now || record.grant.hardExpiresAt <= now || record.grant.clientId !== reg().clientId) {
        return oauthError(400, 'invalid_grant', 'Incorrect Token type or clientID');
      }
      refreshTokens.delete(rt);
      return issue(req, record.grant, false);
    }
    return oauthError(400, 'unsupported_grant_type');
  }

  function revoke(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST') return oauthError(405, 'invalid_request');
    let tokenValue: string | null = null;
    if (contentType(req).includes('json')) {
      try {
        const parsed = JSON.parse(req.body) as { token?: unknown };
        tokenValue = typeof parsed.token === 'string' ? parsed.token : null;
      } catch {
        return oauthError(400, 'invalid_request');
      }
    } else {
      tokenValue = new URLSearchParams(req.body).get('token');
    }
    if (!clientOk(req, new URLSearchParams())) return oauthError(401, 'invalid_client');
    if (!tokenValue) return oauthError(400, 'invalid_request');
    const record = refreshTokens.get(tokenValue) ?? accessTokens.get(tokenValue);
    if (record) record.grant.revoked = true;
    return { status: 200, headers: { intuit_tid: randomUUID() } };
  }

  return { issue, token, revoke };
}
