/**
 * A consent's end, at the provider's callback (the oauth-callback function):
 * state checked, code exchanged, identity checked against what the seller
 * chose, tokens to the secret store, the wizard step completed, or for a
 * reconnect the same connection's credentials replaced. Apart from starting
 * a consent (`connect.ts`, `reconnect.ts`), which needs none of the token
 * exchange or identity calls.
 */
import { ConflictError, ConnectError, ConnectionGoneError, DependencyError, ServiceUnavailableError, VersionConflictError } from '../../domain/errors.js';
import type { ConnectErrorCode } from '../../domain/connect-errors.js';
import type { Identity, TokenSet } from '../../connectors/types.js';
import { finishOf } from '../../providers/registry.js';
import { redirectUriFor } from '../../connectors/types.js';
import { nowOf } from '../health/lease.js';
import { consentRecord } from '../health/record.js';
import { logger } from '../../runtime/logger.js';
import type { Account, Connection, WizardRecord } from '../../domain/model.js';
import type { PendingConsent } from '../../ports/index.js';
import type { OAuthProviderDefinition } from '../../providers/index.js';
import type { CallerSession } from '../auth.js';
import { consentFacts, STEP_OF, type ConnectDeps } from './start.js';
import { callbackUrl, INVITED_STATE_PREFIX, oauthProvider, withError } from './consent.js';
import { booksOwner, discardStaged, freshSecretName, releaseAll, stageCredentials } from '../credentials.js';
import { completeStep } from '../wizard/steps.js';
import { replaceConnection } from './replace.js';
import { completeThroughLink, endedCode, LinkEndedError } from './through-link.js';


/** The tokens as a connection's secret keeps them (with their expiry times). */
function credentials(tokens: TokenSet): Record<string, string> {
  return {
    // What the provider's later calls need again (never shown); the tokens' own names come after, so they win.
    ...tokens.extra,
    accessToken: tokens.accessToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(tokens.accessTokenExpiresAt ? { accessTokenExpiresAt: tokens.accessTokenExpiresAt } : {}),
    ...(tokens.refreshTokenExpiresAt ? { refreshTokenExpiresAt: tokens.refreshTokenExpiresAt } : {}),
  };
}

/**
 * The provider's side of a callback: the callback read (a refusal throws
 * `denied`), the code exchanged for tokens, and who connected.
 */
async function exchangeAndIdentify(
  deps: ConnectDeps,
  provider: OAuthProviderDefinition,
  account: WizardRecord,
  pending: PendingConsent,
  query: Readonly<Record<string, string>>,
  now: Date,
): Promise<{ tokens: TokenSet; identity: Identity }> {
  const app = await deps.apps.get(provider.id);
  const strategy = finishOf(deps.connectors, provider);
  const read = strategy.readCallback(provider, { app, query, now });
  if ('denied' in read) throw new ConnectError('denied');
  const ctx = { app, account, pending, query, http: deps.http, now, redirectUri: redirectUriFor(provider, app, callbackUrl(deps.appOrigin, provider.id)) };
  const tokens = await strategy.exchange(provider, { ...ctx, code: read.code });
  const identity = await strategy.identify(provider, { ...ctx, tokens });
  return { tokens, identity };
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
  // A consent started from a connect link: bound to the link, whatever session (if any) this browser has.
  if (state?.startsWith(INVITED_STATE_PREFIX)) return finishInvitedConnect(deps, provider, state, query);
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
    const { tokens, identity } = await exchangeAndIdentify(deps, provider, account, pending, query, now);
    if (pending.purpose === 'books') {
      await finishBooks(deps, sellerId, account, provider, tokens, identity);
      return `${setup}?connected=books`;
    }
    await finishChannel(deps, account, others, provider, tokens, identity, now);
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

/** Where the browser of someone connecting through a link lands (never the seller's account). */
export const INVITE_DONE = '/invite/done';

/**
 * Finishes a consent started from a connect link: the state is taken as the
 * link's (not a session's), the provider's answer exchanged, and the link
 * used in one conditional write just before the step completes on the
 * seller's account through the same engine as a seller's own connect
 * (`completeThroughLink`). A link used, revoked or expired meanwhile
 * connects nothing; of two consents from one link, one connects. The
 * browser lands on the link's own page.
 */
async function finishInvitedConnect(deps: ConnectDeps, provider: OAuthProviderDefinition, state: string, query: Readonly<Record<string, string>>): Promise<string> {
  const now = nowOf(deps);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  let pending;
  try {
    pending = await deps.states.takeInvited(state, provider.id, nowSeconds);
  } catch {
    return withError(INVITE_DONE, 'try_again');
  }
  if (typeof pending === 'string' || !pending.invitationId || pending.purpose === 'reconnect') {
    logger.warn('invited consent state refused', { provider: provider.id, refusal: typeof pending === 'string' ? pending : 'not_invited' });
    return withError(INVITE_DONE, typeof pending === 'string' && pending === 'other_provider' ? 'other_provider' : 'expired');
  }
  const invitationId = pending.invitationId;
  const { sellerId, accountId } = pending;
  const purpose = pending.purpose;
  try {
    const invitation = await deps.invitations.get(invitationId);
    if (!invitation || invitation.sellerId !== sellerId || invitation.accountId !== accountId) return withError(INVITE_DONE, 'expired');
    const { account, others } = purpose === 'channel' ? await deps.accounts.loadWithOthers(sellerId, accountId) : { account: await deps.accounts.load(sellerId, accountId), others: [] };
    if (!account) return withError(INVITE_DONE, 'expired');
    const ended = endedCode(invitation, nowSeconds, account.startedOverAt);
    if (ended) return withError(INVITE_DONE, ended);
    // The account left the step: through this link (used since it was read), or another way (the link still issued).
    if (account.step !== STEP_OF[purpose]) return withError(INVITE_DONE, (await deps.invitations.get(invitationId))?.state === 'used' ? 'link_used' : 'not_at_step');
    if (query[provider.callback.error] && !query.code) throw new ConnectError('denied');
    const { tokens, identity } = await exchangeAndIdentify(deps, provider, account, pending, query, now);
    // The link, used now (of two consents from one link exactly one gets past its write), then the step.
    return await completeThroughLink(deps, { invitationId, sellerId, accountId, purpose, startedOverAt: account.startedOverAt }, now, async () => {
      if (purpose === 'books') {
        // A consent covering several organisations leaves the choice to the seller, in Onramp: the page says so.
        const finished = await finishBooks(deps, sellerId, account, provider, tokens, identity, true);
        return `${INVITE_DONE}?connected=books${finished === 'choose' ? '&choose=organisation' : ''}`;
      }
      await finishChannel(deps, account, others, provider, tokens, identity, now, true);
      return `${INVITE_DONE}?connected=channel`;
    });
  } catch (err) {
    if (err instanceof LinkEndedError) return withError(INVITE_DONE, err.code);
    if (err instanceof ConnectError) {
      logger.warn('invited connect failed', { provider: provider.id, code: err.code, reason: err.reason });
      return withError(INVITE_DONE, err.code);
    }
    // The step write lost to another (the seller connected it another way meanwhile).
    if (err instanceof ConflictError) return withError(INVITE_DONE, 'not_at_step');
    logger[err instanceof DependencyError || err instanceof ServiceUnavailableError ? 'warn' : 'error']('invited connect failed', { provider: provider.id, errorName: (err as Error)?.name });
    return withError(INVITE_DONE, 'try_again');
  }
}

/**
 * A channel's consent, finished: the tokens go to a new secret of the account's and the step completes, naming
 * another of the seller's accounts on the same seller account (`alsoConnectedTo`), in one conditional write.
 */
async function finishChannel(
  deps: ConnectDeps,
  account: WizardRecord,
  others: readonly Account[],
  provider: OAuthProviderDefinition,
  tokens: TokenSet,
  identity: Identity,
  now: Date,
  viaInvitation = false,
): Promise<void> {
  const twin = others.find((a) => a.id !== account.id && a.connections.some((c) => c.provider === provider.id && c.identity === identity.id));
  await completeStep(deps, account.sellerId, account.id, 'connect_channel', {
    expectedVersion: account.version,
    loaded: account,
    ...(viaInvitation ? { viaInvitation } : {}),
    connection: {
      kind: 'channel',
      provider: provider.id,
      label: `${provider.name}: ${identity.label}`,
      credentials: credentials(tokens),
      identity: identity.id,
      details: identity.details,
      alsoConnectedTo: twin?.name ?? null,
    },
    record: consentRecord(consentFacts(account, provider.id, 'channel', tokens, now)),
  });
}

/**
 * Books: one organisation → its tokens go to the seller's shared secret for
 * that organisation and the step completes; several (a Xero consent covering
 * more than one) → the tokens wait in the account's own secret and the
 * seller picks one in Onramp.
 */
export async function finishBooks(
  deps: ConnectDeps,
  sellerId: string,
  account: WizardRecord,
  provider: OAuthProviderDefinition,
  tokens: TokenSet,
  identity: Identity,
  viaInvitation = false,
): Promise<'connected' | 'choose'> {
  if (identity.choices && identity.choices.length > 1) {
    // The tokens wait in a secret of their own, with a record (so the refresher keeps them alive and the sweep
    // knows them), named by the account only if its write wins.
    const secretName = freshSecretName(deps, account.id, 'books-pending');
    await stageCredentials(deps, secretName, credentials(tokens), { accountId: account.id, sellerId });
    const record = { ...consentRecord(consentFacts(account, provider.id, 'books', tokens, nowOf(deps))), secretName };
    const replaced = account.pendingBooks ? [account.pendingBooks.secretName] : [];
    try {
      await deps.accounts.apply(
        account,
        account.version,
        {
          set: { pendingBooks: { provider: provider.id, secretName, choices: identity.choices } },
          records: [{ create: record }, ...(await heldOf(deps, replaced)).map((name) => ({ letGo: name, accountId: account.id }))],
        },
        nowOf(deps).toISOString(),
      );
    } catch (err) {
      // Lost: the staged tokens are no one's. Failed: the write may still have landed (a timeout after it did), so
      // they go only if the account does not name them; else the sweep decides.
      const lost = err instanceof VersionConflictError || err instanceof ConnectionGoneError;
      const named = !lost && (await deps.accounts.load(sellerId, account.id).then((a) => a?.pendingBooks?.secretName === secretName, () => true));
      if (!named) await discardStaged(deps, secretName);
      if (err instanceof VersionConflictError) throw new ConnectError('not_at_step', 'account moved while connecting');
      throw err;
    }
    // The consent this one replaced (a second consent before choosing) is no account's now: deleted under its lease.
    await releaseAll(deps, replaced);
    return 'choose';
  }
  await completeStep(deps, sellerId, account.id, 'connect_bookkeeping', {
    expectedVersion: account.version,
    loaded: account,
    ...(viaInvitation ? { viaInvitation } : {}),
    connection: {
      kind: 'books',
      provider: provider.id,
      label: identity.label,
      credentials: { ...credentials(tokens), identity: identity.id },
      secretOwner: booksOwner(sellerId),
      identity: identity.id,
      details: identity.details,
    },
    record: consentRecord(consentFacts(account, provider.id, 'books', tokens, nowOf(deps))),
  });
  return 'connected';
}

/** Whether the consent came from the identity the connection was made with (for Xero, among the organisations it covered). */
function sameIdentity(connection: Connection, identity: Identity): boolean {
  if (!connection.identity) return true;
  // A connection made with keys, reconnected by consent (a Walmart US seller moving off delegated keys): the key's
  // identity names nothing a consent can be compared with.
  if (madeWithKeys(connection)) return true;
  if (identity.choices && identity.choices.length > 0) return identity.choices.some((c) => c.id === connection.identity);
  return identity.id === connection.identity;
}

/** The secrets among these whose records exist and are live (an account lets go of those in its own write). */
async function heldOf(deps: ConnectDeps, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const found = await deps.connections.getMany(names);
  return names.filter((n) => found.has(n) && !found.get(n)!.deletedAt);
}

/** Whether a connection was made with keys (its identity a `keyIdentity`: the provider's id and a hash of the key). */
const madeWithKeys = (connection: Connection) => !!connection.identity?.startsWith(`${connection.provider}:`);

/**
 * Replaces the connection's credentials with the consent's tokens, through
 * the one replacing path. A connection made with keys and reconnected by
 * consent takes the consent's identity and details with its tokens.
 */
function replaceWithTokens(deps: ConnectDeps, account: WizardRecord, connection: Connection, tokens: TokenSet, identity: Identity, now: Date): Promise<'replaced' | 'gone'> {
  const record = consentRecord(consentFacts(account, connection.provider, connection.kind, tokens, now));
  const switching = madeWithKeys(connection) && !!identity.id;
  return replaceConnection(deps, account, connection, {
    credentials: credentials(tokens),
    label: connection.label,
    record,
    ...(switching ? { identity: identity.id, details: identity.details } : {}),
  });
}

/**
 * Finishes a reconnect at the provider's callback (the state already taken):
 * where the browser goes next, back to the account with the outcome.
 */
async function finishReconnect(
  deps: ConnectDeps,
  provider: OAuthProviderDefinition,
  pending: PendingConsent,
  query: Readonly<Record<string, string>>,
  sellerId: string,
  /** The account as this request already read it, with the session (null: none); absent: read here. */
  loaded?: WizardRecord | null,
): Promise<string> {
  const kind = pending.connectionKind ?? 'channel';
  // The account page, told which connection the outcome is about.
  const page = `/accounts/${pending.accountId}?reconnect=${kind}`;
  const now = nowOf(deps);
  try {
    const account = loaded !== undefined && (!loaded || (loaded.id === pending.accountId && loaded.sellerId === sellerId)) ? loaded : await deps.accounts.load(sellerId, pending.accountId);
    if (!account) return withError('/', 'expired');
    const connection = account.connections.find((c) => c.kind === kind);
    // Started over (or reconnected to something else) while the seller was at the provider.
    if (!connection || connection.provider !== provider.id) return withError(page, 'expired');
    const { tokens, identity } = await exchangeAndIdentify(deps, provider, account, pending, query, now);
    if (!sameIdentity(connection, identity)) {
      logger.warn('reconnect refused', { provider: provider.id, code: 'other_identity' });
      return withError(page, 'other_identity');
    }
    if ((await replaceWithTokens(deps, account, connection, tokens, identity, now)) === 'gone') return withError(page, 'expired');
    return `/accounts/${pending.accountId}?reconnected=${connection.kind}`;
  } catch (err) {
    if (err instanceof ConnectError) {
      logger.warn('reconnect failed', { provider: provider.id, code: err.code, reason: err.reason });
      return withError(page, err.code);
    }
    logger[err instanceof DependencyError || err instanceof ServiceUnavailableError ? 'warn' : 'error']('reconnect failed', { provider: provider.id, errorName: (err as Error)?.name });
    return withError(page, 'try_again');
  }
}
