/** The connection engine's strategies: how each kind of provider starts, finishes and identifies a consent. */
import type { Account } from '../domain/model.js';
import type { AppCredentials, PendingConsent, ProviderHttp } from '../ports/index.js';
import type { OAuthProviderDefinition } from '../providers/types.js';

export type { Identity, TokenSet } from '../domain/credentials.js';
import type { Identity, TokenSet } from '../domain/credentials.js';

export interface StartContext {
  readonly app: AppCredentials;
  readonly account: Account;
  readonly state: string;
  readonly redirectUri: string;
  /** The PKCE challenge, when the provider takes PKCE. */
  readonly codeChallenge?: string;
}

export interface FinishContext {
  readonly app: AppCredentials;
  readonly account: Account;
  readonly pending: PendingConsent;
  readonly redirectUri: string;
  readonly query: Readonly<Record<string, string>>;
  readonly http: ProviderHttp;
  readonly now: Date;
}

/** The provider definitions of one kind of consent. */
export type ProviderOfKind<K extends OAuthProviderDefinition['kind']> = Extract<OAuthProviderDefinition, { kind: K }>;

/** Builds the provider's consent URL: all that starting a consent needs of a kind's strategy. */
export type AuthorizeUrl<P extends OAuthProviderDefinition = OAuthProviderDefinition> = (p: P, ctx: StartContext) => string;

/**
 * Finishing a consent at the provider's callback: the `finish` piece of a
 * provider's connector (`shared/providers/connector.ts`), apart from its
 * consent URL (`start`) and its refresh (`refresh`) so that a function
 * carries only the calls of what it does. The standard code flow's pieces
 * are shared (`oauth-code.ts`); a provider outside it brings its own.
 */
export interface ConsentFinish<P extends OAuthProviderDefinition = OAuthProviderDefinition> {
  /**
   * Reads the callback: the code, or the provider's refusal. Verifies what the
   * provider signs (Shopify's HMAC) before anything else is done with it.
   */
  readCallback(p: P, ctx: Pick<FinishContext, 'app' | 'query' | 'now'>): { readonly code: string } | { readonly denied: true };
  /** Exchanges the code with the provider's own token request. */
  exchange(p: P, ctx: FinishContext & { readonly code: string }): Promise<TokenSet>;
  /** The identity call; refuses an identity that is not what the seller chose (region, shop, market). */
  identify(p: P, ctx: FinishContext & { readonly tokens: TokenSet }): Promise<Identity>;
}

/**
 * Refreshes with the provider's own call: new tokens; `RefreshRefusedError`
 * when only the seller can mend it; `ConnectError` when the provider fails for now.
 */
export type Refresh<P extends OAuthProviderDefinition = OAuthProviderDefinition> = (p: P, x: RefreshCall) => Promise<TokenSet>;

export interface RefreshCall {
  readonly app: AppCredentials;
  readonly http: ProviderHttp;
  readonly now: Date;
  readonly refreshToken: string;
  /** The account's store fields (Shopify's shop). */
  readonly fields: Readonly<Record<string, string>>;
  /** The connection's secret as stored: what the consent kept besides the tokens (`TokenSet.extra`). */
  readonly stored: Readonly<Record<string, string>>;
}

/** What the app sends as `redirect_uri` for a provider. */
export function redirectUriFor(p: OAuthProviderDefinition, app: AppCredentials, callbackUrl: string): string {
  return p.kind === 'oauth-code' && p.redirectUri === 'registered-name' ? (app.ruName ?? callbackUrl) : callbackUrl;
}
