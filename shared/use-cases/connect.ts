/**
 * The connection engine: starting a consent (a random, single-use,
 * ten-minute `state` bound to the seller, account, provider and purpose, and
 * PKCE where the provider takes it) and finishing it at the provider's
 * callback (state checked, code exchanged, identity checked against what the
 * seller chose, tokens to the secret store, the wizard step completed).
 * Whatever goes wrong brings the seller back to the step with one clear
 * sentence, and nothing is written.
 */
import { createHash } from 'node:crypto';
import { findChannel } from '../catalog.js';
import { ConflictError, ConnectError, DependencyError, ServiceUnavailableError, ValidationError, VersionConflictError } from '../errors.js';
import type { ConnectErrorCode } from '../connect-errors.js';
import { strategyFor, type Identity, type TokenSet } from '../connectors/index.js';
import { redirectUriFor } from '../connectors/types.js';
import { logger } from '../logger.js';
import type { WizardRecord } from '../model.js';
import type { CallerSession } from './auth.js';
import type { AppCredentialStore, ConsentStateStore, ProviderHttp } from '../ports.js';
import type { OAuthProviderDefinition } from '../providers/index.js';
import { accountView } from '../views.js';
import type { ConnectionRecordStore, LeaseStore } from '../health/ports.js';
import { consentRecord } from '../health/record.js';
import { callbackUrl, consentUrl, oauthProvider, withError } from './consent.js';
import { finishReconnect } from './reconnect.js';
import { completeStep, loadAccount, type WizardDeps } from './wizard.js';

export interface ConnectDeps extends WizardDeps {
  readonly states: ConsentStateStore;
  readonly apps: AppCredentialStore;
  readonly http: ProviderHttp;
  /** Where the web app and API are served (callbacks are `<origin>/api/oauth/<provider>/callback`). */
  readonly appOrigin: string;
  /** Each connection's health and expiry calendar (never its credentials). */
  readonly connections: ConnectionRecordStore;
  /** One refresher per connection at a time (also taken by a reconnect). */
  readonly leases: LeaseStore;
  readonly leaseMs?: number;
}

const nowOf = (deps: Pick<WizardDeps, 'now'>) => deps.now?.() ?? new Date();


/** The wizard step a consent of this purpose completes. */
const STEP_OF = { channel: 'connect_channel', books: 'connect_bookkeeping' } as const;

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

/** The shared secret of a books connection: one per seller and organisation, used by every account that connects it. */
export const booksSecretName = (deps: Pick<WizardDeps, 'secrets'>, sellerId: string, provider: string, identity: string) =>
  deps.secrets.nameFor(`books-${sellerId}`, `${provider}-${createHash('sha256').update(identity).digest('hex').slice(0, 24)}`);

/** The tokens as the channel secret keeps them (with their expiry times). */
function credentials(tokens: TokenSet): Record<string, string> {
  return {
    accessToken: tokens.accessToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(tokens.accessTokenExpiresAt ? { accessTokenExpiresAt: tokens.accessTokenExpiresAt } : {}),
    ...(tokens.refreshTokenExpiresAt ? { refreshTokenExpiresAt: tokens.refreshTokenExpiresAt } : {}),
  };
}


/**
 * Finishes a consent at the provider's callback and answers where the
 * browser goes next: the account's next step, or back to the channel step
 * with the reason. Never throws for anything a seller or provider can cause.
 *
 * The state is taken for the seller the session token names (another
 * seller's state is refused and left alone), then the session is read and
 * must be live and that seller's, with the account in the same round trip.
 * A token naming no seller (issued before tokens did) is read first, as before.
 */
export async function finishConnect(
  deps: ConnectDeps,
  providerId: string,
  query: Readonly<Record<string, string>>,
  caller: CallerSession,
): Promise<string> {
  const provider = oauthProvider(providerId);
  if (!provider) return withError('/', 'other_provider');
  const state = query[provider.callback.state];
  if (!caller.hasToken) return withError('/login', 'signed_out');
  let seller = caller.claimedSeller;
  let proven: Awaited<ReturnType<CallerSession['resolve']>> | undefined;
  if (!seller) {
    try {
      proven = await caller.resolve();
    } catch {
      return withError('/', 'try_again');
    }
    if (!proven.session) return withError('/login', 'signed_out');
    seller = proven.session.userId;
  }
  if (!state) return withError('/', query[provider.callback.error] ? 'denied' : 'expired');
  const now = nowOf(deps);

  let pending;
  try {
    pending = await deps.states.take(state, seller, provider.id, Math.floor(now.getTime() / 1000));
  } catch {
    return withError('/', 'try_again');
  }
  if (typeof pending === 'string') {
    logger.warn('consent state refused', { provider: provider.id, refusal: pending });
    const code: ConnectErrorCode = pending === 'other_seller' ? 'other_seller' : pending === 'other_provider' ? 'other_provider' : 'expired';
    return withError('/', code);
  }
  if (!proven) {
    // The session, now: live and the seller the state was taken for. A channel reads the account with the
    // seller's other accounts below; books and reconnects read it here, with the session.
    try {
      proven = await caller.resolve(pending.purpose === 'channel' ? undefined : pending.accountId);
    } catch {
      return withError('/', 'try_again');
    }
    if (!proven.session || proven.session.userId !== seller) return withError('/login', 'signed_out');
  }
  const sellerId = seller;
  if (pending.purpose === 'reconnect') return finishReconnect(deps, provider, pending, query, sellerId, proven.account);
  const setup = `/accounts/${pending.accountId}/setup`;
  try {
    // A channel is checked against the seller's other accounts (the same identity connected twice): read with the account, in one query.
    const { account, others } =
      pending.purpose === 'channel'
        ? await deps.accounts.loadWithOthers(sellerId, pending.accountId)
        : { account: proven.account === undefined ? await deps.accounts.load(sellerId, pending.accountId) : (proven.account ?? undefined), others: [] };
    if (!account) return withError('/', 'expired');
    if (account.step !== STEP_OF[pending.purpose]) return withError(setup, 'not_at_step');
    const app = await deps.apps.get(provider.id);
    const strategy = strategyFor(provider);
    const read = strategy.readCallback(provider, { app, query, now });
    if ('denied' in read) throw new ConnectError('denied');
    const ctx = { app, account, pending, query, http: deps.http, now, redirectUri: redirectUriFor(provider, app, callbackUrl(deps.appOrigin, provider.id)) };
    const tokens = await strategy.exchange(provider, { ...ctx, code: read.code });
    const identity = await strategy.identify(provider, { ...ctx, tokens });
    if (pending.purpose === 'books') {
      await finishBooks(deps, sellerId, account, provider, tokens, identity);
      return `${setup}?connected=books`;
    }
    const twin = others.find((a) => a.id !== account.id && a.connections.some((c) => c.provider === provider.id && c.identity === identity.id));
    await completeStep(deps, sellerId, account.id, 'connect_channel', {
      expectedVersion: account.version,
      loaded: account,
      connection: {
        kind: 'channel',
        provider: provider.id,
        label: `${provider.name}: ${identity.label}`,
        credentials: credentials(tokens),
        identity: identity.id,
        details: identity.details,
        alsoConnectedTo: twin?.name ?? null,
      },
      record: consentRecord({ ...consentFacts(account, provider.id, 'channel', tokens, now), secretName: deps.secrets.nameFor(account.id, 'channel') }),
    });
    return setup;
  } catch (err) {
    if (err instanceof ConnectError) {
      logger.warn('connect failed', { provider: provider.id, code: err.code, reason: err.reason });
      return withError(setup, err.code);
    }
    if (err instanceof ConflictError) return withError(setup, 'not_at_step');
    if (err instanceof DependencyError || err instanceof ServiceUnavailableError) {
      logger.warn('connect failed', { provider: provider.id, code: 'try_again', errorName: err.name });
      return withError(setup, 'try_again');
    }
    logger.error('connect failed unexpectedly', { provider: provider.id, errorName: (err as Error)?.name });
    return withError(setup, 'try_again');
  }
}

/**
 * Books: one organisation → its tokens go to the seller's shared secret for
 * that organisation and the step completes; several (a Xero consent covering
 * more than one) → the tokens wait in the account's own secret and the
 * seller picks one in Onramp.
 */
async function finishBooks(deps: ConnectDeps, sellerId: string, account: WizardRecord, provider: OAuthProviderDefinition, tokens: TokenSet, identity: Identity): Promise<void> {
  if (identity.choices && identity.choices.length > 1) {
    const secretName = deps.secrets.nameFor(account.id, 'books-pending');
    await deps.secrets.save(secretName, credentials(tokens), { accountId: account.id, sellerId });
    try {
      await deps.accounts.apply(account, account.version, { set: { pendingBooks: { provider: provider.id, secretName, choices: identity.choices } } }, nowOf(deps).toISOString());
    } catch (err) {
      if (err instanceof VersionConflictError) throw new ConnectError('not_at_step', 'account moved while connecting');
      throw err;
    }
    return;
  }
  await completeStep(deps, sellerId, account.id, 'connect_bookkeeping', {
    expectedVersion: account.version,
    loaded: account,
    connection: {
      kind: 'books',
      provider: provider.id,
      label: identity.label,
      credentials: { ...credentials(tokens), identity: identity.id },
      secretName: booksSecretName(deps, sellerId, provider.id, identity.id),
      identity: identity.id,
      details: identity.details,
    },
    record: consentRecord({ ...consentFacts(account, provider.id, 'books', tokens, nowOf(deps)), secretName: booksSecretName(deps, sellerId, provider.id, identity.id) }),
  });
}

/** What a connection's record needs to know of the consent that made it (never a credential). */
export function consentFacts(account: WizardRecord, provider: string, kind: 'channel' | 'books', tokens: TokenSet, now: Date) {
  return { provider, kind, sellerId: account.sellerId, accountId: account.id, region: account.region, fields: account.fields, tokens, now };
}
