/**
 * What every consent shares, whatever it is for (a channel, the books, a
 * reconnect): the random single-use `state` recorded server-side for ten
 * minutes, PKCE where the provider takes it, the callback URL, and the
 * provider's consent page; and how a callback names what went wrong.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ConnectErrorCode } from '../../domain/connect-errors.js';
import { authorizeUrlFor, type Connectors } from '../../providers/registry.js';
import { redirectUriFor } from '../../connectors/types.js';
import type { WizardRecord } from '../../domain/model.js';
import type { AppCredentialStore, ConsentStateStore, PendingConsent, ProviderHttp } from '../../ports/index.js';
import { ValidationError } from '../../domain/errors.js';
import { findProvider, type OAuthProviderDefinition } from '../../providers/index.js';
import { waysOf } from '../../providers/ways.js';

/**
 * The mark a consent started from a connect link carries at the start of its
 * state, so its callback takes the state as the link's (bound to the
 * invitation, never to a session); a seller's state marked so is refused by
 * the take itself, which checks the pending consent names an invitation.
 */
export const INVITED_STATE_PREFIX = 'inv_';

/** How long a consent may take, from the click to the callback. */
export const STATE_TTL_SECONDS = 600;

export const callbackUrl = (appOrigin: string, provider: string) => `${appOrigin}/api/oauth/${provider}/callback`;

/** Where the browser goes with a callback's error code (never free text in the URL). */
export const withError = (path: string, code: ConnectErrorCode) => `${path}${path.includes('?') ? '&' : '?'}connect_error=${code}`;

/** The provider, when it connects by consent (not with keys). */
export function oauthProvider(id: string): OAuthProviderDefinition | undefined {
  const p = findProvider(id);
  return p && p.kind !== 'api-keys' ? p : undefined;
}

export interface ConsentStartDeps {
  readonly states: ConsentStateStore;
  /** The providers' consent calls this function carries. */
  readonly connectors: Connectors;
  readonly apps: AppCredentialStore;
  readonly http: ProviderHttp;
  readonly appOrigin: string;
  readonly now?: () => Date;
}

/** Records the consent's state (and PKCE verifier) and answers the provider's consent page for it. */
export async function consentUrl(
  deps: ConsentStartDeps,
  provider: OAuthProviderDefinition,
  account: WizardRecord,
  pending: Omit<PendingConsent, 'provider' | 'expiresAt' | 'codeVerifier'>,
): Promise<{ authorizeUrl: string }> {
  // Where the provider offers no consent in the account's region (Walmart in Mexico), none starts.
  if (!waysOf(provider, account.region, deps.now?.() ?? new Date()).oauth) throw new ValidationError(`${provider.name} connects with keys here, not by signing in. Paste your keys instead.`);
  const app = await deps.apps.get(provider.id);
  const state = `${pending.invitationId ? INVITED_STATE_PREFIX : ''}${randomBytes(32).toString('base64url')}`;
  const codeVerifier = provider.pkce === 'S256' ? randomBytes(32).toString('base64url') : undefined;
  const codeChallenge = codeVerifier ? createHash('sha256').update(codeVerifier).digest('base64url') : undefined;
  await deps.states.put(state, {
    ...pending,
    provider: provider.id,
    expiresAt: Math.floor((deps.now?.() ?? new Date()).getTime() / 1000) + STATE_TTL_SECONDS,
    ...(codeVerifier ? { codeVerifier } : {}),
  });
  const redirectUri = redirectUriFor(provider, app, callbackUrl(deps.appOrigin, provider.id));
  const authorizeUrl = authorizeUrlFor(deps.connectors, provider, { app, account, state, redirectUri, ...(codeChallenge ? { codeChallenge } : {}) });
  return { authorizeUrl: deps.http.locate(authorizeUrl) };
}
