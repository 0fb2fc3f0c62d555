/**
 * RS256 JSON Web Tokens and the JWKS that publishes their key, shared by the
 * OpenID Connect sandboxes (Xero, QuickBooks). Each sandbox holds its own
 * signer: one RSA key per process, made on first use, as the provider's
 * signing key outlives its tokens.
 */
import { generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';

/** base64url without padding, as JWTs use it. */
export const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export interface JwtSigner {
  /** A compact JWS of `claims`, signed RS256 with the signer's key. */
  sign(claims: Record<string, unknown>): string;
  /** The JWK Set publishing the signer's public key (`kid`, `use: sig`, `alg: RS256`). */
  jwks(): { keys: Record<string, unknown>[] };
}

export interface JwtSignerOptions {
  /** The key's id, from its public key (the provider's own style of `kid`). */
  readonly kid: (publicKey: KeyObject) => string;
  /** The header's `typ`, for a provider that sends one. */
  readonly typ?: 'JWT';
}

/** A signer with its own 2048-bit RSA key, made on first use. */
export function rs256Signer(options: JwtSignerOptions): JwtSigner {
  let key: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;
  const get = () => {
    if (!key) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      key = { privateKey, publicKey, kid: options.kid(publicKey) };
    }
    return key;
  };
  return {
    sign(claims) {
      const k = get();
      const header = { alg: 'RS256', kid: k.kid, ...(options.typ ? { typ: options.typ } : {}) };
      const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
      return `${input}.${b64url(cryptoSign('sha256', Buffer.from(input), k.privateKey))}`;
    },
    jwks() {
      const k = get();
      return { keys: [{ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, use: 'sig', alg: 'RS256' }] };
    },
  };
}
