/**
 * The refresh machinery the providers share: the standard refresh grant
 * (RFC 6749 §6, the token request of `token.ts`), and how every refresh's answer is sorted into
 * three outcomes: new tokens; a refusal only the seller can mend
 * (`RefreshRefusedError`, with the reason); or the provider failing for now
 * (`ConnectError` `provider_error` / `provider_timeout`, retried later).
 * A provider outside the standard grant refreshes in its own connector.
 */
import { ConnectError } from '../domain/errors.js';
import { formTokenCall, TokenEndpointError } from './token.js';
import type { RefreshCall, TokenSet } from './types.js';
import type { OAuthProviderDefinition } from '../providers/types.js';
import type { ReconnectReason } from '../domain/health.js';

/** The provider refused the refresh: the seller must consent again. */
export class RefreshRefusedError extends Error {
  override readonly name = 'RefreshRefusedError';
  constructor(
    readonly reason: ReconnectReason,
    /** For logs: the provider's error code, never its free text or a token. */
    readonly code: string,
  ) {
    super(`refresh refused: ${code}`);
  }
}

export type { RefreshCall } from './types.js';

/** The standard refresh grant, with the token request's client authentication. */
export async function standardRefresh(p: OAuthProviderDefinition, x: RefreshCall): Promise<TokenSet> {
  const fields: Record<string, string> = { grant_type: 'refresh_token', refresh_token: x.refreshToken };
  if (p.scopeOnRefresh) fields.scope = p.scopes.join(p.scopeSeparator);
  try {
    return await formTokenCall({ http: x.http, url: p.tokenUrl, style: p.tokenRequest, app: x.app, fields, now: x.now, what: 'refresh answer' });
  } catch (err) {
    if (err instanceof TokenEndpointError && err.error === 'invalid_grant') {
      const described = typeof err.description === 'string' && /expired/i.test(err.description);
      throw new RefreshRefusedError(described ? 'refresh_token_expired' : 'consent_revoked', err.error);
    }
    if (err instanceof TokenEndpointError) throw new ConnectError('provider_error', `refresh: ${err.error}`);
    throw err;
  }
}
