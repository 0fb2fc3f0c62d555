/**
 * One-click key creation (WooCommerce's app authentication, docs/providers.md
 * §8.1): the seller approves Onramp at their store, which POSTs the new keys
 * to our callback, matched by a single-use, short-lived `user_id`; keys that
 * work on the store are held, staged, until the seller's own browser comes
 * back through the return leg with the session that started it, or, for
 * an approval started from a connect link, until its holder's page sends the
 * link's token (`receivePostedKeys`, `finishKeysReturn` and
 * `finishInvitedKeysReturn`, which share one decision).
 */
import { randomBytes } from 'node:crypto';
import type { KeyConnection } from '../../connectors/keys.js';
import type { ConnectErrorCode } from '../../domain/connect-errors.js';
import { ConflictError, DependencyError, NotFoundError, ServiceUnavailableError, ValidationError } from '../../domain/errors.js';
import { KeyCheckError, KeysNotConnectedError } from '../../domain/key-errors.js';
import type { Connection, WizardRecord } from '../../domain/model.js';
import type { ChannelConnectRequest, PostedKeysRequest } from '../../http/key-schemas.js';
import { PATH_PARAMS } from '../../http/routes.js';
import type { PendingKeys, PostedKeys } from '../../ports/index.js';
import { keysOf } from '../../providers/registry.js';
import type { KeysProviderDefinition } from '../../providers/types.js';
import { logger } from '../../runtime/logger.js';
import type { CallerSession } from '../auth.js';
import { discardStaged, freshSecretName, stageCredentials } from '../credentials.js';
import type { WizardDeps } from '../wizard/steps.js';
import { ioOf, keyStrategy, keysProviderOf, notConnected, nowOf, PENDING_KEYS_TTL_SECONDS, targetOf, within, type KeysDeps } from './check.js';
import { keep, loadAtChannelStep } from './connect.js';
import { replaceKeys } from './reconnect.js';
import { completeThroughLink, LinkEndedError, type LinkEndedCode } from '../connect/through-link.js';

/** Where a provider that creates keys posts them: server to server, unsigned. */
export const keysCallbackUrl = (appOrigin: string, provider: string) => `${appOrigin}/api/oauth/${provider}/callback`;
/**
 * Where the provider sends the seller's browser back, through the API with
 * the browser's session (`finishKeysReturn`); WooCommerce adds `success` and `user_id`.
 */
export const keysReturnUrl = (appOrigin: string, provider: string, accountId: string, purpose: 'connect' | 'reconnect' = 'connect') =>
  `${appOrigin}/api/oauth/${provider}/return?account=${encodeURIComponent(accountId)}${purpose === 'reconnect' ? '&purpose=reconnect' : ''}`;
/** The same for an approval started from a connect link: it names neither the account nor the link (whose holder proves itself with the token). */
export const invitedKeysReturnUrl = (appOrigin: string, provider: string) => `${appOrigin}/api/oauth/${provider}/return?invited=1`;

const nowSecondsOf = (deps: Pick<WizardDeps, 'now'>) => Math.floor(nowOf(deps).getTime() / 1000);
const withCode = (path: string, code: ConnectErrorCode) => `${path}${path.includes('?') ? '&' : '?'}connect_error=${code}`;

/** Starts one-click key creation (to connect, or to reconnect): the URL of the provider's approval page (WooCommerce's, on the store). */
export async function startAutomatic(
  deps: KeysDeps,
  account: WizardRecord,
  p: KeysProviderDefinition,
  body: ChannelConnectRequest,
  purpose: 'connect' | 'reconnect' = 'connect',
  /** Started from a connect link (the invitation's id): its holder's return decides. */
  invitationId?: string,
): Promise<{ authorizeUrl: string }> {
  const automatic = p.keys.automatic;
  const strategy = keyStrategy(deps, p).automatic;
  if (!automatic || !strategy) {
    const fields = Object.fromEntries(p.keys.fields.map((f) => [f.key, f.message]));
    throw new ValidationError(Object.values(fields)[0] ?? 'Paste your keys.', fields);
  }
  const target = targetOf(deps, account, p, body);
  const userId = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    app_name: automatic.appName,
    scope: automatic.scope,
    user_id: userId,
    return_url: invitationId ? invitedKeysReturnUrl(deps.appOrigin, p.id) : keysReturnUrl(deps.appOrigin, p.id, account.id, purpose),
    callback_url: keysCallbackUrl(deps.appOrigin, p.id),
  });
  // The target must answer (the store as a WooCommerce store) before the seller is sent there.
  let approval: { url: string; base: string };
  try {
    approval = await within(deps.checkBudgetMs, keyStrategy(deps, p).timeout, (signal) => strategy.approvalUrl(p, target, params, ioOf(deps), signal));
  } catch (err) {
    if (err instanceof KeyCheckError) throw notConnected(err, p, target.context);
    throw err;
  }
  await deps.pendingKeys.put(userId, {
    sellerId: account.sellerId,
    accountId: account.id,
    provider: p.id,
    storeUrl: approval.base,
    storeUrlIsNew: !!target.newFields || !account.fields.storeUrl,
    ...(purpose === 'reconnect' ? { purpose } : {}),
    ...(invitationId ? { invitationId } : {}),
    expiresAt: Math.floor(nowOf(deps).getTime() / 1000) + PENDING_KEYS_TTL_SECONDS,
  });
  return { authorizeUrl: approval.url };
}

/** The refusal the store's server gets for a post no pending approval takes (it then deletes the keys). */
const NOTHING_WAITING = 'There is no connection waiting for these keys.';

/**
 * The keys a store posted, checked on the store the seller chose: for a
 * connect, the account must still be at its channel step; for a reconnect,
 * it must still have its WooCommerce connection, and the keys must be of the
 * same store. Throws the refusal the store's server gets.
 */
async function checkPosted(deps: KeysDeps, pending: PendingKeys, body: PostedKeysRequest): Promise<KeyConnection> {
  const p = keysProviderOf(pending.provider);
  // A provider whose store creates no keys (or whose connector this function lacks) has nothing waiting.
  const strategy = p && keysOf(deps.connectors, p)?.automatic;
  if (!p || !strategy) throw new NotFoundError(NOTHING_WAITING);
  let connection: Connection | undefined;
  if (pending.purpose === 'reconnect') {
    const account = await deps.accounts.load(pending.sellerId, pending.accountId);
    connection = account?.connections.find((c) => c.kind === 'channel' && c.provider === pending.provider);
    // Started over (or removed) while the seller was at the store.
    if (!account || !connection) throw new NotFoundError(NOTHING_WAITING);
  } else {
    // The caller is the store's server, not the seller: a refusal tells it nothing about the account.
    await loadAtChannelStep(deps, pending.sellerId, pending.accountId, false);
  }
  try {
    return await within(deps.checkBudgetMs, keyStrategy(deps, p).timeout, (signal) => strategy.checkPosted(p, pending.storeUrl, body, ioOf(deps), signal, connection));
  } catch (err) {
    if (err instanceof KeyCheckError) throw notConnected(err, p, { storeUrl: pending.storeUrl });
    throw err;
  }
}

/**
 * `POST /api/oauth/{provider}/callback` (WooCommerce's): the keys a store created, posted
 * server to server, unsigned. They are looked at only for a pending,
 * unexpired `user_id`, and the pending approval is left as it was unless
 * they work on the store the seller chose, so a leaked `user_id` posting
 * other keys cannot use it up. Keys that work are staged in a secret of
 * their own under a fresh name, and the pending approval moves, in one
 * conditional write, from `issued` to `posted`, holding that secret's name
 * and what the account will show (never a key); the answer is 200, so the
 * store keeps them. They become the account's only when the seller's own
 * browser comes back (`finishKeysReturn`). If it came back first (the
 * approval is `confirmed`), the account takes them now. Any other state
 * (already posted, refused) refuses them and discards what was staged.
 */
export async function receivePostedKeys(deps: KeysDeps, body: PostedKeysRequest, provider?: string): Promise<void> {
  // Onramp asks for read keys and keeps no other: keys that can write are refused before the pending
  // creation is looked at, so such a post neither connects nor uses up the seller's pending approval.
  if (body.key_permissions !== 'read') {
    logger.warn('posted keys refused', { refusal: 'not_read_only' });
    throw new ValidationError('Onramp only takes read-only keys. Approve Onramp again at your store, with Read access.', { key_permissions: 'Read access only.' });
  }
  const nowSeconds = Math.floor(nowOf(deps).getTime() / 1000);
  const pending = await deps.pendingKeys.get(body.user_id, nowSeconds);
  if (typeof pending === 'string' || !keysProviderOf(pending.provider)?.keys.automatic || (provider !== undefined && pending.provider !== provider)) {
    logger.warn('posted keys refused', { refusal: typeof pending === 'string' ? pending : 'other_provider' });
    throw new NotFoundError(NOTHING_WAITING);
  }
  if (pending.state !== 'issued' && pending.state !== 'confirmed') {
    logger.warn('posted keys refused', { refusal: pending.state ?? 'issued' });
    throw new NotFoundError(NOTHING_WAITING);
  }
  const made = await checkPosted(deps, pending, body);
  const secretName = freshSecretName(deps, pending.accountId, 'channel');
  await stageCredentials(deps, secretName, made.credentials, { accountId: pending.accountId, sellerId: pending.sellerId });
  const posted: PostedKeys = { secretName, label: made.label, identity: made.identity, details: made.details };
  let outcome: Adopted | 'held' | 'refused';
  // A move whose answer was lost (a timeout, or a retry that found its own write): the approval may name these keys.
  const heldByApproval = async () => {
    const now = await deps.pendingKeys.get(body.user_id, nowSeconds).catch(() => undefined);
    return typeof now === 'object' && now.state === 'posted' && now.posted?.secretName === secretName;
  };
  try {
    if (await deps.pendingKeys.move(body.user_id, 'issued', 'posted', nowSeconds, posted)) outcome = 'held';
    else if (await heldByApproval()) outcome = 'held';
    else {
      // The seller's browser came back first, with its session: the account takes the keys now.
      const confirmed = await deps.pendingKeys.take(body.user_id, 'confirmed', nowSeconds);
      outcome = confirmed ? await adoptPosted(deps, confirmed, posted) : 'refused';
    }
  } catch (err) {
    if (await heldByApproval()) outcome = 'held';
    else {
      await discardUnlessNamed(deps, pending, secretName);
      throw err;
    }
  }
  if (outcome === 'held') {
    logger.info('posted keys held for the seller\u2019s return', { provider: pending.provider, accountId: pending.accountId });
    return;
  }
  if (outcome === 'kept') {
    logger.info('posted keys stored', { provider: pending.provider, accountId: pending.accountId });
    return;
  }
  // Another post came first, or a browser without the seller's session decided: these keys are no one's.
  if (outcome === 'refused') await discardStaged(deps, secretName);
  logger.warn('posted keys refused', { refusal: outcome });
  if (outcome === 'not_at_step') throw new ConflictError('This account has already connected its sales channel.', 'not_at_step');
  throw new NotFoundError(NOTHING_WAITING);
}

/** What came of an account taking posted keys. */
type Adopted = 'kept' | 'not_at_step' | 'gone' | 'other_identity' | LinkEndedCode;

/** Discards a staged secret unless the account names it (a write that failed may still have landed: then it is the account's). */
async function discardUnlessNamed(deps: KeysDeps, pending: PendingKeys, secretName: string): Promise<void> {
  const named = await deps.accounts.load(pending.sellerId, pending.accountId).then(
    (a) => !!a?.connections.some((c) => c.secretName === secretName),
    () => true, // unknown: left to the sweep, which deletes it after its grace period if no record names it
  );
  if (!named) await discardStaged(deps, secretName);
}

/**
 * The account takes keys posted for it, already checked and staged: a
 * connect completes the channel step naming the staged secret (with the
 * store's address when the seller gave it with this approval); a reconnect
 * switches the account's connection to it. Whatever does not end with the
 * account naming the staged secret discards it (a dependency failure that
 * hides whether the write landed leaves it to the sweep when the account
 * does not name it). The pending record was already taken by the caller.
 */
async function adoptPosted(deps: KeysDeps, pending: PendingKeys, posted: PostedKeys, loaded?: WizardRecord | null): Promise<Adopted> {
  const p = keysProviderOf(pending.provider);
  if (!p) throw new Error(`${pending.provider} takes no keys`);
  const staged = posted.secretName;
  const made = { label: posted.label, identity: posted.identity ?? '', details: posted.details ?? [], staged };
  let outcome: Adopted;
  try {
    const account = loaded !== undefined && loaded?.id === pending.accountId && loaded.sellerId === pending.sellerId ? loaded : await deps.accounts.load(pending.sellerId, pending.accountId);
    if (pending.purpose === 'reconnect') {
      const connection = account?.connections.find((c) => c.kind === 'channel' && c.provider === pending.provider);
      if (!account || !connection) outcome = 'gone';
      else if (connection.identity && posted.identity !== connection.identity) outcome = 'other_identity';
      else {
        try {
          await replaceKeys(deps, account, connection, p, made);
          outcome = 'kept';
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
          outcome = 'gone';
        }
      }
    } else if (!account) outcome = 'gone';
    else if (account.step !== 'connect_channel') outcome = 'not_at_step';
    else {
      const fields = pending.storeUrlIsNew ? { fields: keyStrategy(deps, p).automatic?.fieldsFor(pending.storeUrl) ?? {} } : {};
      const kept = () => keep(deps, account, p, { ...made, ...fields }, { viaInvitation: !!pending.invitationId });
      try {
        // Through a connect link: the link is used just before the step completes (and given back if nothing landed).
        if (pending.invitationId) await completeThroughLink(deps, { invitationId: pending.invitationId, sellerId: pending.sellerId, accountId: pending.accountId, purpose: 'channel', startedOverAt: account.startedOverAt }, nowOf(deps), kept);
        else await kept();
        outcome = 'kept';
      } catch (err) {
        if (err instanceof LinkEndedError) outcome = err.code;
        else if (err instanceof ConflictError || err instanceof KeysNotConnectedError) outcome = 'not_at_step';
        else throw err;
      }
    }
  } catch (err) {
    await discardUnlessNamed(deps, pending, staged);
    throw err;
  }
  if (outcome !== 'kept') await discardUnlessNamed(deps, pending, staged);
  return outcome;
}

/**
 * What a return decided (whoever's browser it is: the seller's with its
 * session, or a connect link's holder with the link's token).
 */
export type ReturnOutcome =
  /** The account took the posted keys now. */
  | 'kept'
  /** An earlier return took them, and the account shows them. */
  | 'shown'
  /** The keys are not posted yet (or another return is taking them): the page waits for them. */
  | 'waiting'
  /** The one who started it denied at the store: anything posted was discarded. */
  | 'denied'
  /** Not the one who started it: anything posted was discarded, and the approval refused. */
  | 'not_kept'
  /** Not the one who started it, and the approval was already decided (or is gone): nothing changed. */
  | 'ended'
  /** The approval was refused or has gone: nothing to take. */
  | 'expired'
  /** Requests kept racing this one: nothing decided. */
  | 'try_again'
  /** The account could not take the keys (they were discarded). */
  | Exclude<Adopted, 'kept'>;

/**
 * The decision of a return, in conditional writes on the pending approval,
 * for the one who started it (`starter`) or anyone else:
 *
 * - the starter, with the keys posted: the account takes them (`adoptPosted`),
 *   and the pending approval is gone;
 * - the starter, with the keys not posted yet: the approval is `confirmed`,
 *   and the store's post completes it directly (the page waits for them);
 * - anyone else, or the starter denying: posted keys are discarded, and an
 *   approval still waiting for its keys is `refused`, so a later post is refused.
 *
 * A request racing this one (the store's post, another return) may move the
 * approval first: it is read again and decided on what it is then.
 */
async function decideReturn(
  deps: KeysDeps,
  userId: string,
  first: PendingKeys,
  starter: boolean,
  denied: boolean,
  /** The account as the caller already read it (the seller's return: with the session). */
  loaded?: WizardRecord | null,
): Promise<ReturnOutcome> {
  let pending = first;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) {
      const now = await deps.pendingKeys.get(userId, nowSecondsOf(deps));
      // Gone meanwhile: it expired (decided items are kept until then).
      if (typeof now === 'string') return starter ? 'expired' : 'ended';
      pending = now;
    }
    const state = pending.state ?? 'issued';
    // Decided by an earlier (or racing) return: the starter finds the page as it now stands; if the account does
    // not show the keys yet (the other return still at work, or stopped), the page waits for them and says so
    // when they never come.
    if (state === 'taken') {
      if (!starter || denied) return 'ended';
      // Taken by this return's store post (the approval was confirmed): the name of the keys' secret was never on
      // the approval, so a connect finds them as the account's channel connection of this provider.
      const name = pending.posted?.secretName;
      const shows = (a: WizardRecord | undefined) =>
        !!a &&
        (name
          ? a.connections.some((c) => c.secretName === name)
          : pending.purpose !== 'reconnect' && a.step !== 'connect_channel' && a.connections.some((c) => c.kind === 'channel' && c.provider === pending.provider));
      const shown = await deps.accounts.load(pending.sellerId, pending.accountId).then(shows, () => false);
      return shown ? 'shown' : 'waiting';
    }
    if (!starter || denied) {
      if (state === 'posted') {
        const taken = await deps.pendingKeys.take(userId, 'posted', nowSecondsOf(deps), 'refused');
        if (!taken) continue;
        if (taken.posted) await discardStaged(deps, taken.posted.secretName);
      } else if (state === 'issued' || (state === 'confirmed' && starter)) {
        if (!(await deps.pendingKeys.move(userId, state, 'refused', nowSecondsOf(deps)))) continue;
      } else if (!starter) {
        // Already decided by the starter's own return (confirmed), or refused: this browser changes nothing.
        return 'ended';
      }
      logger.warn('keys return refused', { refusal: denied ? 'denied' : 'not_the_starting_browser', state });
      return starter ? 'denied' : 'not_kept';
    }
    if (state === 'refused') return 'expired';
    if (state === 'confirmed') return 'waiting';
    if (state === 'issued') {
      if (!(await deps.pendingKeys.move(userId, 'issued', 'confirmed', nowSecondsOf(deps)))) continue;
      return 'waiting';
    }
    const taken = await deps.pendingKeys.take(userId, 'posted', nowSecondsOf(deps));
    if (!taken) continue;
    if (!taken.posted) return 'expired';
    const outcome = await adoptPosted(deps, taken, taken.posted, loaded);
    if (outcome !== 'kept') logger.warn('keys return refused', { refusal: outcome });
    return outcome;
  }
  return 'try_again';
}

/** Whether a pending approval is one this provider's return may decide (a provider that creates keys, the same one). */
const automaticOf = (pending: PendingKeys, provider: string | undefined) => !!keysProviderOf(pending.provider)?.keys.automatic && (provider === undefined || pending.provider === provider);

/** A `user_id` as a store sends it back (ours are 43 base64url characters). */
const USER_ID = /^[A-Za-z0-9_-]{16,200}$/;

/**
 * `GET /api/oauth/{provider}/return?account=…[&purpose=reconnect]&success=…&user_id=…` (WooCommerce's):
 * the seller's browser back from the store's approval page, with its
 * session; the first return decides (`decideReturn`), the starter being the
 * session of the seller and the account that started it. An approval started
 * from a connect link (`?invited=1`, naming neither the account nor the link)
 * is decided by the link's holder instead: the browser goes on to the link's
 * own page, whose script sends the link's token (`finishInvitedKeysReturn`).
 *
 * Answers where the browser goes next, with the outcome as a code the web
 * app puts in one sentence. Never throws for anything a seller or store can cause.
 */
export async function finishKeysReturn(deps: KeysDeps, query: Readonly<Record<string, string>>, caller: CallerSession, provider?: string): Promise<string> {
  if (query.invited === '1') {
    const userId = query.user_id ?? '';
    if (!USER_ID.test(userId)) return withCode(INVITED_RETURN_PAGE, 'expired');
    return `${INVITED_RETURN_PAGE}?${new URLSearchParams({ keys: 'return', user_id: userId, success: query.success === '1' ? '1' : '0' })}`;
  }
  const accountId = query.account ?? '';
  if (!PATH_PARAMS.id.test(accountId)) return withCode(caller.hasToken ? '/' : '/login', 'expired');
  const purpose = query.purpose === 'reconnect' ? 'reconnect' : 'connect';
  // The page the seller was on, and the same page told that the store sent them back.
  const page = purpose === 'reconnect' ? `/accounts/${accountId}?reconnect=channel` : `/accounts/${accountId}/setup`;
  const back = purpose === 'reconnect' ? `${page}&connect=automatic` : `${page}?connect=automatic`;
  const userId = query.user_id ?? '';
  const denied = query.success !== '1';

  let proven: Awaited<ReturnType<CallerSession['resolve']>> = { session: undefined };
  let pending: PendingKeys | 'unknown' | 'expired';
  try {
    if (caller.hasToken) proven = await caller.resolve(accountId);
    pending = userId ? await deps.pendingKeys.get(userId, nowSecondsOf(deps)) : 'unknown';
  } catch (err) {
    logger.warn('keys return failed', { errorName: (err as Error)?.name });
    return withCode(caller.hasToken ? page : '/login', 'try_again');
  }
  const signedIn = !!proven.session;
  if (typeof pending === 'string') {
    // The seller's own second return (a double load, two tabs), after the first took the keys: the account shows them.
    if (signedIn && purpose === 'connect') {
      const now = await deps.accounts.load(proven.session!.userId, accountId).catch(() => undefined);
      if (now && now.step !== 'connect_channel' && now.connections.some((c) => c.kind === 'channel' && !!keysProviderOf(c.provider)?.keys.automatic)) return page;
    }
    logger.warn('keys return refused', { refusal: pending });
    return withCode(signedIn ? page : '/login', 'expired');
  }
  const starter =
    !!proven.session &&
    proven.session.userId === pending.sellerId &&
    pending.accountId === accountId &&
    !pending.invitationId &&
    (pending.purpose ?? 'connect') === purpose &&
    automaticOf(pending, provider) &&
    !!proven.account;
  let outcome: ReturnOutcome;
  try {
    outcome = await decideReturn(deps, userId, pending, starter, denied, proven.account);
  } catch (err) {
    logger[err instanceof DependencyError || err instanceof ServiceUnavailableError ? 'warn' : 'error']('keys return failed', { errorName: (err as Error)?.name });
    return withCode(page, 'try_again');
  }
  switch (outcome) {
    case 'kept':
      return purpose === 'reconnect' ? `/accounts/${accountId}?reconnected=channel` : page;
    case 'shown':
      return purpose === 'reconnect' ? `/accounts/${accountId}` : page;
    case 'waiting':
      return `${back}&keys=waiting`;
    case 'denied':
      return `${back}&keys=denied`;
    case 'not_kept':
      return withCode(signedIn ? '/' : '/login', 'keys_not_kept');
    case 'ended':
      return withCode(signedIn ? '/' : '/login', 'expired');
    case 'expired':
    case 'gone':
      return withCode(page, 'expired');
    default:
      return withCode(page, outcome);
  }
}

/** The connect link's page where the browser of a link's holder lands, back from the store (never the seller's account). */
export const INVITED_RETURN_PAGE = '/invite/done';

/**
 * An approval started from a connect link, decided by its holder's page
 * (`POST /api/invitations/keys/return`): the starter is whoever sends the
 * token of the link the approval was started from (`invitationId`, the
 * token's hash; absent when the page had none). Throws only dependency failures.
 */
export async function finishInvitedKeysReturn(deps: KeysDeps, req: { invitationId: string | undefined; userId: string; success: boolean }): Promise<ReturnOutcome> {
  const pending = await deps.pendingKeys.get(req.userId, nowSecondsOf(deps));
  if (typeof pending === 'string') {
    logger.warn('keys return refused', { refusal: pending });
    return 'expired';
  }
  const starter = !!req.invitationId && pending.invitationId === req.invitationId && pending.purpose !== 'reconnect' && automaticOf(pending, undefined);
  return decideReturn(deps, req.userId, pending, starter, !req.success);
}
