/** The Xero sandbox's OpenID Connect identity on `identity.xero.com`: the signing key (RS256, one per process, `typ: JWT`), its JWKS and the discovery document. */
import { createHash } from 'node:crypto';
import { json } from '../http.js';
import { rs256Signer } from '../jwt.js';
import type { SandboxContext, SandboxResponse } from '../types.js';
import { AUTHORIZE_URL, ISSUER, JWKS_URL, TOKEN_URL } from './common.js';

/** Xero's key id: the upper-case hex of its public key's SHA-256, 32 characters. */
const signer = rs256Signer({
  typ: 'JWT',
  kid: (publicKey) => createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 32).toUpperCase(),
});

export const signJwt = (claims: Record<string, unknown>): string => signer.sign(claims);
export const jwks = () => signer.jwks();

export function discovery(ctx: SandboxContext): SandboxResponse {
  return json(200, {
    issuer: ISSUER,
    jwks_uri: ctx.sandboxUrl(JWKS_URL),
    authorization_endpoint: ctx.sandboxUrl(AUTHORIZE_URL),
    token_endpoint: ctx.sandboxUrl(TOKEN_URL),
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    claims_supported: ['sub', 'name', 'family_name', 'given_name', 'preferred_username', 'email', 'xero_userid', 'global_session_id'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types_supported: ['code'],
    response_modes_supported: ['form_post', 'query', 'fragment'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['S256'],
  });
}
