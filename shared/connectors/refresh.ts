/**
 * The refresh machinery the providers share: the standard refresh grant
 * (through oauth4webapi), and how every refresh's answer is sorted into
 * three outcomes: new tokens; a refusal only the seller can mend
 * (`RefreshRefusedError`, with the reason); or the provider failing for now
 * (`ConnectError` `provider_error` / `provider_timeout`, retried later).
 * A provider outside the standard grant refreshes in its own connector.
 */
import * as oauth from 'oauth4webapi';
import { ConnectError } from '../domain/errors.js';
import { clientAuth, recognizedTokenTypes, tokenSet } from './token.js';
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

export const unavailable = (status: number) => new ConnectError('provider_error', `refresh answered ${status}`);

/** The standard refresh grant, with the token request's client authentication. */
export async function standardRefresh(p: OAuthProviderDefinition, x: RefreshCall): Promise<TokenSet> {
  const as: oauth.AuthorizationServer = { issuer: new URL(p.tokenUrl).origin, token_endpoint: p.tokenUrl };
  const client: oauth.Client = { client_id: x.app.clientId };
  const options = {
    [oauth.customFetch]: (url: string, init: RequestInit) => x.http.fetch(url, init),
    ...(p.scopeOnRefresh ? { additionalParameters: { scope: p.scopes.join(p.scopeSeparator) } } : {}),
  } as oauth.TokenEndpointRequestOptions;
  const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth(p.tokenRequest, x.app), x.refreshToken, options);
  if (response.status >= 500) {
    await response.body?.cancel();
    throw unavailable(response.status);
  }
  try {
    const body = await oauth.processRefreshTokenResponse(as, client, response, { recognizedTokenTypes });
    return tokenSet(body as unknown as Record<string, any>, x.now, 'refresh answer');
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant') {
      const described = typeof err.error_description === 'string' && /expired/i.test(err.error_description);
      throw new RefreshRefusedError(described ? 'refresh_token_expired' : 'consent_revoked', err.error);
    }
    if (err instanceof oauth.ResponseBodyError) throw new ConnectError('provider_error', `refresh: ${err.error}`);
    throw new ConnectError('provider_error', `refresh answer not understood (${(err as Error)?.name})`);
  }
}
