/**
 * The connection engine: starting a consent (a random, single-use,
 * ten-minute `state` bound to the seller, account, provider and purpose, and
 * PKCE where the provider takes it) and finishing it at the provider's
 * callback (`callback.ts`: state checked, code exchanged, identity checked
 * against what the seller chose, tokens to the secret store, the wizard step
 * completed). Whatever goes wrong brings the seller back to the step with
 * one clear sentence, and nothing is written.
 */
import { findChannel } from '../../providers/catalog.js';
import { ConflictError, ValidationError } from '../../domain/errors.js';
import type { TokenSet } from '../../connectors/types.js';
import type { WizardRecord } from '../../domain/model.js';
import type { Connectors } from '../../providers/registry.js';
import type { AppCredentialStore, ConsentStateStore, InvitationStore, ProviderHttp } from '../../ports/index.js';
import { accountView } from '../../http/views.js';
import { consentUrl, oauthProvider } from './consent.js';
import { loadAccount, type WizardDeps } from '../wizard/steps.js';

export interface ConnectDeps extends WizardDeps {
  readonly states: ConsentStateStore;
  readonly apps: AppCredentialStore;
  readonly http: ProviderHttp;
  /** Connect links: a consent started from one is finished against it. */
  readonly invitations: InvitationStore;
  /** Where the web app and API are served (callbacks are `<origin>/api/oauth/<provider>/callback`). */
  readonly appOrigin: string;
  /** The providers' calls this function carries (consent URLs, exchanges, refreshes). */
  readonly connectors: Connectors;
}

/** The wizard step a consent of this purpose completes. */
export const STEP_OF = { channel: 'connect_channel', books: 'connect_bookkeeping' } as const;

/** Starts connecting the account's sales channel: the URL of the provider's consent page. */
export async function startChannelConnect(deps: ConnectDeps, sellerId: string, accountId: string, loaded?: WizardRecord | null): Promise<{ authorizeUrl: string }> {
  return startConnect(deps, sellerId, accountId, 'channel', undefined, loaded);
}

/**
 * Starts a consent of `purpose` for the account: `state` recorded server-side
 * (single-use, ten minutes, bound to seller, account, provider and purpose),
 * PKCE where the provider takes it; answers the consent page's URL.
 */
export async function startConnect(
  deps: ConnectDeps,
  sellerId: string,
  accountId: string,
  purpose: 'channel' | 'books',
  booksProvider: string | undefined,
  /** The account as this request already read it (see `loadAccount`). */
  loaded?: WizardRecord | null,
): Promise<{ authorizeUrl: string }> {
  const account = await loadAccount(deps, sellerId, accountId, loaded);
  if (account.step !== STEP_OF[purpose]) {
    const what = purpose === 'channel' ? 'connected its sales channel' : 'connected its books';
    throw new ConflictError(`This account has already ${what}. Here is where it stands now.`, 'not_at_step', accountView(account));
  }
  const channel = findChannel(account.channel);
  const provider = oauthProvider(purpose === 'channel' ? (channel?.id ?? '') : (booksProvider ?? ''));
  if (!provider || (purpose === 'books' && provider.role !== 'books')) {
    throw new ValidationError(purpose === 'channel' ? `${channel?.name ?? 'This channel'} connects with keys you paste, not by signing in.` : 'Choose Xero or QuickBooks Online.', purpose === 'books' ? { provider: 'Choose Xero or QuickBooks Online.' } : undefined);
  }
  return consentUrl(deps, provider, account, { sellerId, accountId, purpose });
}

/** What a connection's record needs to know of the consent that made it (never a credential). */
export function consentFacts(account: WizardRecord, provider: string, kind: 'channel' | 'books', tokens: TokenSet, now: Date) {
  return { provider, kind, sellerId: account.sellerId, accountId: account.id, region: account.region, fields: account.fields, tokens, now };
}
