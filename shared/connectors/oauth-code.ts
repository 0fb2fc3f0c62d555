/** The standard authorization-code flow: eBay, Etsy, Square (and the books, Xero and QuickBooks). */
import type { OAuthCodeProvider } from '../providers/types.js';
import { identityOf } from './identity.js';
import { exchangeCode } from './token.js';
import type { ConnectStrategy } from './types.js';

export const oauthCode: ConnectStrategy<OAuthCodeProvider> = {
  authorizeUrl(p, { app, state, redirectUri, codeChallenge }) {
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
  },
  readCallback(p, { query }) {
    const code = query[p.callback.code];
    return code ? { code } : { denied: true };
  },
  exchange(p, ctx) {
    return exchangeCode({
      tokenUrl: p.tokenUrl,
      style: p.tokenRequest,
      app: ctx.app,
      code: ctx.code,
      redirectUri: ctx.redirectUri,
      codeVerifier: ctx.pending.codeVerifier,
      http: ctx.http,
      now: ctx.now,
    });
  },
  identify(p, ctx) {
    return identityOf(p.id)(ctx);
  },
};
