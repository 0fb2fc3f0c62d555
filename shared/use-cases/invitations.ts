/**
 * Connect links (issue 22): a seller (or their accountant) makes a link for
 * one connect step of an account; whoever opens it connects that step without
 * an Onramp login. The link's token is random (256 bits), single-use, valid
 * for seven days and stored only as its sha256 (which is the invitation's id).
 * The person opening it sees the account's name, channel and region, and
 * connects the step the ways a seller does: the same consent, its state
 * bound to the invitation instead of a session (`callback.ts` finishes it);
 * or, for a keys channel, the same keys form (pasted keys, or WooCommerce's
 * one-click creation, whose return the holder's page decides with the
 * token). Opening links, and every request made with one, is limited per
 * client network, like sign-in attempts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError, ConflictError, NotFoundError, TooManyRequestsError, ValidationError } from '../domain/errors.js';
import type { WizardRecord } from '../domain/model.js';
import { LINK_SENTENCES } from '../domain/connect-errors.js';
import { KeysNotConnectedError } from '../domain/key-errors.js';
import { keysFormOf, type ChannelConnectRequest, type KeysFormView } from '../http/key-schemas.js';
import type { AttemptCounter, Invitation, InvitationStore, WizardStore } from '../ports/index.js';
import { BOOKS_PLATFORMS, findChannel, findRegion } from '../providers/catalog.js';
import type { KeysProviderDefinition } from '../providers/types.js';
import { clientNetwork } from '../runtime/client-network.js';
import { waysOf } from '../providers/ways.js';
import { consentUrl, oauthProvider, type ConsentStartDeps } from './connect/consent.js';
import { STEP_OF } from './connect/start.js';
import { cancelledByStartOver, completeThroughLink, LinkEndedError, type LinkEndedCode } from './connect/through-link.js';
import { checkPasted, keysProviderOf, refuseOthers, refuseUnlessOffered, type KeysDeps } from './keys/check.js';
import { keep } from './keys/connect.js';
import { finishInvitedKeysReturn, startAutomatic } from './keys/one-click.js';
import { loadAccount } from './wizard/steps.js';

/** How long a link connects. */
export const INVITATION_TTL_SECONDS = 7 * 24 * 3600;
/** Opening links (reading one, or starting its consent): attempts per client network in a window. */
export const INVITATION_OPENS_PER_CLIENT = 30;
/** A link's page back from a store's one-click approval asks until the keys come (up to 8 times): its own, larger allowance. */
export const INVITATION_RETURNS_PER_CLIENT = 120;
export const INVITATION_WINDOW_SECONDS = 15 * 60;

/** The invitation's id: the sha256 of its token (the token is never stored). */
export const invitationIdOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface InvitationDeps {
  readonly accounts: WizardStore;
  readonly invitations: InvitationStore;
  readonly appOrigin: string;
  readonly now?: () => Date;
}

export interface OpenDeps extends InvitationDeps, ConsentStartDeps {
  readonly attempts: AttemptCounter;
}

/** What connecting with keys through a link needs: the keys engine, and the limit on requests made with links. */
export interface InvitedKeysDeps extends KeysDeps {
  readonly attempts: AttemptCounter;
}

/** What checking a link needs (its limit, the link and its account). */
type LinkDeps = Pick<OpenDeps, 'attempts' | 'invitations' | 'accounts' | 'now'>;

export type InvitationStateView = 'issued' | 'used' | 'revoked' | 'expired';

/** An invitation as its seller sees it on the account page (never the token). */
export interface InvitationView {
  readonly id: string;
  readonly step: 'channel' | 'books';
  readonly note: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly state: InvitationStateView;
  readonly usedAt?: string;
  readonly revokedAt?: string;
}

const nowOf = (deps: { now?: () => Date }) => deps.now?.() ?? new Date();
const secondsOf = (d: Date) => Math.floor(d.getTime() / 1000);

/** Where a link stands; one made before the account was last started over is cancelled by it (`startedOverAt`). */
export function stateOf(inv: Invitation, nowSeconds: number, startedOverAt?: string | null): InvitationStateView {
  if (inv.state !== 'issued') return inv.state;
  if (cancelledByStartOver(inv, startedOverAt)) return 'revoked';
  return inv.validUntil > nowSeconds ? 'issued' : 'expired';
}

function viewOf(inv: Invitation, nowSeconds: number, startedOverAt?: string | null): InvitationView {
  return {
    id: inv.id,
    step: inv.step,
    note: inv.note,
    createdBy: inv.createdBy,
    createdAt: inv.createdAt,
    expiresAt: new Date(inv.validUntil * 1000).toISOString(),
    state: stateOf(inv, nowSeconds, startedOverAt),
    ...(cancelledByStartOver(inv, startedOverAt) && inv.state === 'issued' ? { revokedAt: startedOverAt! } : {}),
    ...(inv.usedAt ? { usedAt: inv.usedAt } : {}),
    ...(inv.revokedAt ? { revokedAt: inv.revokedAt } : {}),
  };
}

/** Why a channel cannot be connected through a link (nor by its seller) in the account's region today, or undefined when it can. */
function channelRefusal(account: WizardRecord, now: Date): string | undefined {
  const { consent, keys, keysRetired } = channelWays(account, now);
  if (consent || keys) return undefined;
  return keysRetired ?? `${findChannel(account.channel)?.name ?? 'This channel'} cannot be connected in this region.`;
}

/** Makes a connect link for the step the account is at: its URL (the token in the fragment, which no server sees) and when it ends. */
export async function createInvitation(
  deps: InvitationDeps,
  seller: { userId: string; email: string },
  accountId: string,
  req: { step: 'channel' | 'books'; note?: string | undefined },
  loaded?: WizardRecord | null,
): Promise<{ url: string; expiresAt: string; invitation: InvitationView }> {
  const account = await loadAccount(deps, seller.userId, accountId, loaded);
  if (account.step !== STEP_OF[req.step]) {
    throw new ConflictError(req.step === 'channel' ? 'This account is not at Connect Sales Channel, so a link for that step would connect nothing.' : 'This account is not at Connect Bookkeeping, so a link for that step would connect nothing.', 'not_at_step');
  }
  if (req.step === 'channel') {
    const refusal = channelRefusal(account, nowOf(deps));
    if (refusal) throw new ValidationError(refusal, { step: refusal });
  }
  const now = nowOf(deps);
  const token = randomBytes(32).toString('base64url');
  const invitation: Invitation = {
    id: invitationIdOf(token),
    sellerId: seller.userId,
    accountId,
    step: req.step,
    note: req.note ? req.note : null,
    createdBy: seller.email,
    createdAt: now.toISOString(),
    validUntil: secondsOf(now) + INVITATION_TTL_SECONDS,
    state: 'issued',
  };
  await deps.invitations.create(invitation);
  const view = viewOf(invitation, secondsOf(now));
  return { url: `${deps.appOrigin}/invite#${token}`, expiresAt: view.expiresAt, invitation: view };
}

/** The account's links, newest first. */
export async function listInvitations(deps: InvitationDeps, sellerId: string, accountId: string, loaded?: WizardRecord | null): Promise<InvitationView[]> {
  const account = await loadAccount(deps, sellerId, accountId, loaded);
  const now = secondsOf(nowOf(deps));
  return (await deps.invitations.listForAccount(sellerId, accountId)).map((i) => viewOf(i, now, account.startedOverAt));
}

/** Cancels a link that has not been used. */
export async function revokeInvitation(deps: InvitationDeps, sellerId: string, accountId: string, invitationId: string, loaded?: WizardRecord | null): Promise<InvitationView> {
  const account = await loadAccount(deps, sellerId, accountId, loaded);
  const now = nowOf(deps);
  const found = await deps.invitations.get(invitationId);
  if (!found || found.sellerId !== sellerId || found.accountId !== accountId) throw new NotFoundError('We could not find that connect link.');
  const state = stateOf(found, secondsOf(now), account.startedOverAt);
  if (state !== 'issued' || !(await deps.invitations.revoke(sellerId, accountId, invitationId, now.toISOString()))) {
    const after = (await deps.invitations.get(invitationId)) ?? found;
    const s = stateOf(after, secondsOf(now), account.startedOverAt);
    throw new ConflictError(s === 'used' ? 'This connect link has already been used, so there is nothing to cancel.' : s === 'revoked' ? 'This connect link is already cancelled.' : 'This connect link has already expired.', 'not_issued', viewOf(after, secondsOf(now), account.startedOverAt));
  }
  return viewOf({ ...found, state: 'revoked', revokedAt: now.toISOString() }, secondsOf(now));
}

/** A link that cannot be used: 404 for a link we never made, 410 for one that ended. */
export class InvitationEndedError extends NotFoundError {
  constructor(readonly why: keyof typeof LINK_SENTENCES) {
    super(LINK_SENTENCES[why]);
  }
}

/** What the person opening a link may see: whose account (name, channel, region) and the step, never anything connected. */
export interface InvitationOpened {
  readonly account: { readonly name: string; readonly channel: string; readonly region: string | null };
  readonly step: 'channel' | 'books';
  /** The consent providers the step offers: the channel's own, or the books platforms. */
  readonly providers: readonly { readonly id: string; readonly name: string }[];
  /**
   * A channel that takes keys in the account's region today: the seller's keys form (its button's words, and
   * whether it asks for the store's address: never the address the account has).
   */
  readonly keys: { readonly form: KeysFormView; readonly button: string; readonly asksStoreUrl: boolean } | null;
  readonly note: string | null;
  readonly expiresAt: string;
}

async function limit(deps: LinkDeps, client: string, what: 'open' | 'return' = 'open') {
  const [key, allowed] = what === 'open' ? ['invite:client:', INVITATION_OPENS_PER_CLIENT] : ['invite-return:client:', INVITATION_RETURNS_PER_CLIENT];
  const verdict = await deps.attempts.hit(`${key}${clientNetwork(client)}`, allowed, INVITATION_WINDOW_SECONDS, secondsOf(nowOf(deps)));
  if (!verdict.allowed) {
    const minutes = Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60));
    throw new TooManyRequestsError(`Too many connect links were opened from your network. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`, verdict.retryAfterSeconds);
  }
}

/** The live invitation for a token and its account at the invitation's step; throws the link's one sentence otherwise. */
async function live(deps: LinkDeps, token: string): Promise<{ invitation: Invitation; account: WizardRecord }> {
  const invitation = await deps.invitations.get(invitationIdOf(token));
  if (!invitation) throw new InvitationEndedError('unknown');
  const account = await deps.accounts.load(invitation.sellerId, invitation.accountId);
  if (!account) throw new InvitationEndedError('unknown');
  const state = stateOf(invitation, secondsOf(nowOf(deps)), account.startedOverAt);
  if (state !== 'issued') throw new InvitationEndedError(state);
  // The account left the step: through this link (used since it was read), or another way (the link still issued).
  if (account.step !== STEP_OF[invitation.step]) throw new InvitationEndedError((await deps.invitations.get(invitation.id))?.state === 'used' ? 'used' : 'moved_on');
  return { invitation, account };
}

/**
 * How the account's channel connects in its region today, as the seller's connect step decides it (`waysOf`):
 * by consent (Walmart: the US only), with keys (Walmart's until they retire, WooCommerce's), or both.
 */
function channelWays(account: WizardRecord, now: Date): { consent?: ReturnType<typeof oauthProvider>; keys?: KeysProviderDefinition; keysRetired?: string } {
  const channel = findChannel(account.channel);
  if (!channel) return {};
  const ways = waysOf(channel, account.region, now);
  const consent = ways.oauth ? oauthProvider(channel.id) : undefined;
  const keys = ways.keys ? keysProviderOf(channel.id) : undefined;
  return { ...(consent ? { consent } : {}), ...(keys ? { keys } : {}), ...(ways.keysRetired ? { keysRetired: ways.keysRetired } : {}) };
}

function providersOf(invitation: Invitation, account: WizardRecord, now: Date) {
  if (invitation.step === 'books') return BOOKS_PLATFORMS.filter((p) => oauthProvider(p.id)).map((p) => ({ id: p.id, name: p.name }));
  const channel = channelWays(account, now).consent;
  return channel ? [{ id: channel.id, name: channel.name }] : [];
}

function keysFormFor(invitation: Invitation, account: WizardRecord, now: Date): InvitationOpened['keys'] {
  const p = invitation.step === 'channel' ? channelWays(account, now).keys : undefined;
  if (!p) return null;
  return { form: keysFormOf(p), button: p.connect.button, asksStoreUrl: p.accountFields.some((f) => f.key === 'storeUrl') && !account.fields.storeUrl };
}

/** Opens a link: what its holder may see. */
export async function openInvitation(deps: OpenDeps, token: string, caller: { client: string }): Promise<InvitationOpened> {
  await limit(deps, caller.client);
  const { invitation, account } = await live(deps, token);
  const channel = findChannel(account.channel);
  const now = nowOf(deps);
  return {
    account: { name: account.name, channel: channel?.name ?? account.channel, region: (channel && findRegion(channel, account.region)?.name) ?? account.region },
    step: invitation.step,
    providers: providersOf(invitation, account, now),
    keys: keysFormFor(invitation, account, now),
    note: invitation.note,
    expiresAt: new Date(invitation.validUntil * 1000).toISOString(),
  };
}

/** Starts the link's consent: the provider's consent page, its state bound to the invitation (not to any session). */
export async function startInvitedConnect(deps: OpenDeps, token: string, req: { provider?: string | undefined }, caller: { client: string }): Promise<{ authorizeUrl: string }> {
  await limit(deps, caller.client);
  const { invitation, account } = await live(deps, token);
  const offered = providersOf(invitation, account, nowOf(deps));
  const chosen = invitation.step === 'channel' ? offered[0] : offered.find((p) => p.id === req.provider);
  const provider = oauthProvider(chosen?.id ?? '');
  if (!provider) {
    const channelName = findChannel(account.channel)?.name ?? 'This channel';
    const message =
      invitation.step === 'books'
        ? 'Choose Xero or QuickBooks Online.'
        : (channelRefusal(account, nowOf(deps)) ?? `${channelName} connects with keys here: enter them in the form on this page.`);
    throw new ValidationError(message, invitation.step === 'books' ? { provider: message } : undefined);
  }
  return consentUrl(deps, provider, account, { sellerId: invitation.sellerId, accountId: invitation.accountId, purpose: invitation.step, invitationId: invitation.id });
}

/** A link that has ended meanwhile (used by another attempt, cancelled, past its end), as the link's one sentence. */
const ENDED_WHY: Record<LinkEndedCode, keyof typeof LINK_SENTENCES> = { link_used: 'used', link_revoked: 'revoked', link_expired: 'expired' };

/** The sentences a link's holder gets where the seller's would name the account's store address. */
const STORE_OTHER = 'This account is for another store than the one you entered, so nothing was connected. Leave the store address out to use the account\u2019s store, or ask the person who sent the link.';
const STORE_KNOWN = 'This account already has its store address: leave the store address out, and the keys are checked on the account\u2019s store.';
const STORE_UNCHECKED = 'We could not check the keys on the account\u2019s store, so nothing was connected. Check that the store is online and try again, or ask the person who sent the link.';

/**
 * A failure as the link's holder may see it: a link that ended is its
 * sentence; an account that moved on meanwhile is said to have (never the
 * account's state); a sentence naming the account's own store address (which
 * the holder was never shown) is put without it.
 */
function forTheHolder(err: unknown, account: WizardRecord): unknown {
  if (err instanceof LinkEndedError) return new InvitationEndedError(ENDED_WHY[err.code]);
  // The account left the step meanwhile (the seller connected it, or started over): the link may still be live.
  if (err instanceof ConflictError) return new InvitationEndedError('moved_on');
  const saved = account.fields.storeUrl;
  if (!saved || !(err instanceof AppError)) return err;
  const host = URL.canParse(saved) ? new URL(saved).host : saved;
  const names = (text: string) => text.includes(saved) || text.includes(host);
  if (!names(err.message) && !Object.values(err.fields ?? {}).some(names)) return err;
  const sentence = err instanceof KeysNotConnectedError && err.code === 'store_url_other' ? STORE_OTHER : STORE_UNCHECKED;
  const fields = Object.fromEntries(Object.keys(err.fields ?? { storeUrl: '' }).map((k) => [k, sentence]));
  return new KeysNotConnectedError(err.status, err instanceof KeysNotConnectedError ? err.code : 'store_error', sentence, fields);
}

/**
 * `POST /api/invitations/keys`: the link's keys form. Pasted keys are
 * checked with the provider first (a bad key: the seller's one-sentence
 * field errors, nothing stored, the link not used); keys that pass use the
 * link and complete the step through the seller's own path (`keep`), as
 * "connected via invitation". Without keys, a provider that creates them
 * itself starts its one-click creation, bound to the link: its return names
 * neither the account nor the link, and its holder's page decides it with
 * the token (`finishInvitedKeys`).
 */
export async function connectInvitedKeys(
  deps: InvitedKeysDeps,
  token: string,
  body: ChannelConnectRequest,
  caller: { client: string },
): Promise<{ connected: 'channel' } | { authorizeUrl: string }> {
  await limit(deps, caller.client);
  const { invitation, account } = await live(deps, token);
  const p = invitation.step === 'channel' ? keysProviderOf(account.channel) : undefined;
  if (!p) throw new ValidationError('This connect link does not take keys: use the button on its page.');
  // The account's own store address is never the holder's to test: one sentence whatever address is sent.
  if (account.fields.storeUrl && (body.storeUrl ?? '').trim() !== '') throw new ValidationError(STORE_KNOWN, { storeUrl: STORE_KNOWN });
  const now = nowOf(deps);
  try {
    refuseOthers(p, body);
    refuseUnlessOffered(p, account, now);
    const pasted = p.keys.fields.some((f) => (body[f.key] ?? '').trim() !== '');
    if (!pasted) return await startAutomatic(deps, account, p, body, 'connect', invitation.id);
    const made = await checkPasted(deps, account, p, body);
    const link = { invitationId: invitation.id, sellerId: invitation.sellerId, accountId: invitation.accountId, purpose: 'channel' as const, startedOverAt: account.startedOverAt };
    await completeThroughLink(deps, link, now, () => keep(deps, account, p, made, { viaInvitation: true }));
    return { connected: 'channel' };
  } catch (err) {
    throw forTheHolder(err, account);
  }
}

/** What a link holder's return from the store came to, when it did not connect (or wait): one sentence each. */
const RETURN_REFUSALS = {
  denied: 'You denied access in WooCommerce, so nothing was connected. Open the connect link again to try once more, or create keys and paste them.',
  not_kept: 'These keys were not kept: the approval has to finish in the browser that opened the connect link. Open the connect link again to try once more.',
  expired: 'That attempt took too long, so nothing was connected. Open the connect link again to try once more.',
  try_again: 'We could not finish connecting just now. Please try again in a moment.',
} as const;

/**
 * `POST /api/invitations/keys/return`: the page a link's holder lands on,
 * back from the store, sends the token it kept (absent: it had none), the
 * store's `user_id` and whether the holder approved. The caller started the
 * approval only when the token is the link's it was started from; anyone
 * else is refused (and posted keys discarded) as a browser without the
 * seller's session is. Answers connected, or waiting for the store's keys.
 */
export async function finishInvitedKeys(
  deps: InvitedKeysDeps,
  req: { token?: string | undefined; userId: string; success: boolean },
  caller: { client: string },
): Promise<{ connected: 'channel' } | { waiting: true }> {
  await limit(deps, caller.client, 'return');
  const outcome = await finishInvitedKeysReturn(deps, { invitationId: req.token ? invitationIdOf(req.token) : undefined, userId: req.userId, success: req.success });
  switch (outcome) {
    case 'kept':
    case 'shown':
      return { connected: 'channel' };
    case 'waiting':
      return { waiting: true };
    case 'denied':
      throw new ConflictError(RETURN_REFUSALS.denied, 'denied');
    case 'not_kept':
      throw new ConflictError(RETURN_REFUSALS.not_kept, 'keys_not_kept');
    case 'link_used':
    case 'link_revoked':
    case 'link_expired':
      throw new InvitationEndedError(ENDED_WHY[outcome]);
    case 'not_at_step':
      throw new InvitationEndedError('moved_on');
    case 'try_again':
    case 'other_identity':
      throw new ConflictError(RETURN_REFUSALS.try_again, 'try_again');
    default:
      throw new NotFoundError(RETURN_REFUSALS.expired);
  }
}
