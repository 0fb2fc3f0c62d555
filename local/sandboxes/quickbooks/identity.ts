/** The QuickBooks sandbox's OpenID Connect identity: the id_token signing key (RS256, one per process), its JWKS on `oauth.platform.intuit.com` and the discovery document. */
import { randomBytes } from 'node:crypto';
import { rs256Signer } from '../jwt.js';
import type { SandboxContext, SandboxResponse } from '../types.js';
import { AUTHORIZE_URL, ISSUER, JWKS_URL, json, REVOKE_URL, TOKEN_URL } from './common.js';

/** Intuit's key id style: `r4p` and six hex digits. */
const signer = rs256Signer({ kid: () => `r4p${randomBytes(3).toString('hex')}` });

export const signJwt = (claims: Record<string, unknown>): string => signer.sign(claims);
export const jwks = () => signer.jwks();

export function discovery(ctx: SandboxContext): SandboxResponse {
  return json(200, {
    issuer: ISSUER,
    authorization_endpoint: ctx.sandboxUrl(AUTHORIZE_URL),
    token_endpoint: ctx.sandboxUrl(TOKEN_URL),
    revocation_endpoint: ctx.sandboxUrl(REVOKE_URL),
    jwks_uri: ctx.sandboxUrl(JWKS_URL),
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile', 'address', 'phone'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: ['aud', 'exp', 'iat', 'iss', 'realmid', 'sub'],
  });
}
