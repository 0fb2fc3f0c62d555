/**
 * The standard authorization-code flow's shared pieces: the consent URL
 * (`codeStart`), the callback read and the code exchange (`codeFinish`), and
 * the refresh grant (`codeRefresh`). eBay, Etsy, Square, Xero and QuickBooks
 * connect this way; each brings its own identity call (and Square its own
 * refresh), in its connector.
 */
import type { OAuthCodeProvider } from '../providers/types.js';
import { exchangeCode } from './token.js';
import type { ConsentFinish } from './types.js';

export { oauthCodeAuthorizeUrl as codeStart } from './authorize.js';
export { standardRefresh as codeRefresh } from './refresh.js';

/** The standard code flow's callback and code exchange: a provider's `finish` less its identity call. */
export const codeFinish: Omit<ConsentFinish<OAuthCodeProvider>, 'identify'> = {
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
};

/**
 * A code-flow provider's `finish`: the standard callback read and code
 * exchange, with its own identity call. Call it marked pure (a `@__PURE__`
 * comment before the call), so that a function given no `finish` (starting
 * consents, refreshing) bundles none of it: a bundler keeps an object literal
 * that spreads another, but drops an unused call marked pure.
 */
export function codeFinishWith<P extends OAuthCodeProvider>(identify: ConsentFinish<P>['identify']): ConsentFinish<P> {
  return { ...(codeFinish as Omit<ConsentFinish<P>, 'identify'>), identify };
}

/** The bearer headers of an identity call with the consent's access token. */
export const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}`, accept: 'application/json' });

/**
 * A definition's URL template with its values filled in: `{api}` the API
 * base, `{shop}` the shop's host, `{version}` the API version, and any other
 * `{name}` given. The definition's URL is the URL called.
 */
export function urlFrom(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`No value for ${whole} in ${template}`);
    return v;
  });
}
