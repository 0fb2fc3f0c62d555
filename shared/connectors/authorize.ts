/** The standard authorization-code flow's consent URL (RFC 6749 §4.1.1, with PKCE where the provider takes it). */
import type { OAuthCodeProvider } from '../providers/types.js';
import type { AuthorizeUrl } from './types.js';

/** The standard authorization-code flow's consent URL, with the PKCE challenge when there is one. */
export const oauthCodeAuthorizeUrl: AuthorizeUrl<OAuthCodeProvider> = (p, { app, state, redirectUri, codeChallenge }) => {
  const url = new URL(p.authorizeUrl);
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  if (p.scopes.length > 0) url.searchParams.set('scope', p.scopes.join(p.scopeSeparator));
  url.searchParams.set('state', state);
  if (codeChallenge) {
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.href;
};
