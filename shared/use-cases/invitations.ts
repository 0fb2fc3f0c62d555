/**
 * Connect links (issue 22): a seller (or their accountant) makes a link for
 * one connect step of an account; whoever opens it connects that step without
 * an Onramp login. The link's token is random (256 bits), single-use, valid
 * for seven days and stored only as its sha256 (which is the invitation's id).
 * The person opening it sees the account's name, channel and region, and
 * starts the same consent a seller does, its state bound to the invitation
 * instead of a session (`callback.ts` finishes it). Opening links is limited
 * per client network, like sign-in attempts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, TooManyRequestsError, ValidationError } from '../domain/errors.js';
import type { WizardRecord } from '../domain/model.js';
import { LINK_SENTENCES } from '../domain/connect-errors.js';
import type { AttemptCounter, Invitation, InvitationStore, WizardStore } from '../ports/index.js';
import { BOOKS_PLATFORMS, findChannel, findRegion } from '../providers/catalog.js';
import { clientNetwork } from '../runtime/client-network.js';
import { waysOf } from '../providers/ways.js';
import { consentUrl, oauthProvider, type ConsentStartDeps } from './connect/consent.js';
import { STEP_OF } from './connect/start.js';
import { loadAccount } from './wizard/steps.js';

/** How long a link connects. */
export const INVITATION_TTL_SECONDS = 7 * 24 * 3600;
/** Opening links (reading one, or starting its consent): attempts per client network in a window. */
export const INVITATION_OPENS_PER_CLIENT = 30;
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

export function stateOf(inv: Invitation, nowSeconds: number): InvitationStateView {
  if (inv.state !== 'issued') return inv.state;
  return inv.validUntil > nowSeconds ? 'issued' : 'expired';
}

function viewOf(inv: Invitation, nowSeconds: number): InvitationView {
  return {
    id: inv.id,
    step: inv.step,
    note: inv.note,
    createdBy: inv.createdBy,
    createdAt: inv.createdAt,
    expiresAt: new Date(inv.validUntil * 1000).toISOString(),
    state: stateOf(inv, nowSeconds),
    ...(inv.usedAt ? { usedAt: inv.usedAt } : {}),
    ...(inv.revokedAt ? { revokedAt: inv.revokedAt } : {}),
  };
}

/** Why a channel cannot be connected through a link yet (keys channels), or undefined when it can. */
function channelRefusal(account: WizardRecord): string | undefined {
  const channel = findChannel(account.channel);
  if (!channelByConsent(account)) return `${channel?.name ?? 'This channel'} connects with keys here, which a connect link cannot take yet. Connect it yourself from this step.`;
  return undefined;
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
    const refusal = channelRefusal(account);
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
  await loadAccount(deps, sellerId, accountId, loaded);
  const now = secondsOf(nowOf(deps));
  return (await deps.invitations.listForAccount(sellerId, accountId)).map((i) => viewOf(i, now));
}

/** Cancels a link that has not been used. */
export async function revokeInvitation(deps: InvitationDeps, sellerId: string, accountId: string, invitationId: string, loaded?: WizardRecord | null): Promise<InvitationView> {
  await loadAccount(deps, sellerId, accountId, loaded);
  const now = nowOf(deps);
  const found = await deps.invitations.get(invitationId);
  if (!found || found.sellerId !== sellerId || found.accountId !== accountId) throw new NotFoundError('We could not find that connect link.');
  const state = stateOf(found, secondsOf(now));
  if (state !== 'issued' || !(await deps.invitations.revoke(sellerId, accountId, invitationId, now.toISOString()))) {
    const after = (await deps.invitations.get(invitationId)) ?? found;
    const s = stateOf(after, secondsOf(now));
    throw new ConflictError(s === 'used' ? 'This connect link has already been used, so there is nothing to cancel.' : s === 'revoked' ? 'This connect link is already cancelled.' : 'This connect link has already expired.', 'not_issued', viewOf(after, secondsOf(now)));
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
  readonly note: string | null;
  readonly expiresAt: string;
}

async function limit(deps: OpenDeps, client: string) {
  const verdict = await deps.attempts.hit(`invite:client:${clientNetwork(client)}`, INVITATION_OPENS_PER_CLIENT, INVITATION_WINDOW_SECONDS, secondsOf(nowOf(deps)));
  if (!verdict.allowed) {
    const minutes = Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60));
    throw new TooManyRequestsError(`Too many connect links were opened from your network. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`, verdict.retryAfterSeconds);
  }
}

/** The live invitation for a token and its account at the invitation's step; throws the link's one sentence otherwise. */
async function live(deps: OpenDeps, token: string): Promise<{ invitation: Invitation; account: WizardRecord }> {
  const invitation = await deps.invitations.get(invitationIdOf(token));
  if (!invitation) throw new InvitationEndedError('unknown');
  const state = stateOf(invitation, secondsOf(nowOf(deps)));
  if (state !== 'issued') throw new InvitationEndedError(state);
  const account = await deps.accounts.load(invitation.sellerId, invitation.accountId);
  if (!account) throw new InvitationEndedError('unknown');
  if (account.step !== STEP_OF[invitation.step]) throw new InvitationEndedError('used');
  return { invitation, account };
}

/** The account's channel when it connects by consent in the account's region (Walmart: the US only). */
function channelByConsent(account: WizardRecord) {
  const channel = oauthProvider(account.channel);
  return channel && waysOf(channel, account.region, new Date()).oauth ? channel : undefined;
}

function providersOf(invitation: Invitation, account: WizardRecord) {
  if (invitation.step === 'books') return BOOKS_PLATFORMS.filter((p) => oauthProvider(p.id)).map((p) => ({ id: p.id, name: p.name }));
  const channel = channelByConsent(account);
  return channel ? [{ id: channel.id, name: channel.name }] : [];
}

/** Opens a link: what its holder may see. */
export async function openInvitation(deps: OpenDeps, token: string, caller: { client: string }): Promise<InvitationOpened> {
  await limit(deps, caller.client);
  const { invitation, account } = await live(deps, token);
  const channel = findChannel(account.channel);
  return {
    account: { name: account.name, channel: channel?.name ?? account.channel, region: (channel && findRegion(channel, account.region)?.name) ?? account.region },
    step: invitation.step,
    providers: providersOf(invitation, account),
    note: invitation.note,
    expiresAt: new Date(invitation.validUntil * 1000).toISOString(),
  };
}

/** Starts the link's consent: the provider's consent page, its state bound to the invitation (not to any session). */
export async function startInvitedConnect(deps: OpenDeps, token: string, req: { provider?: string | undefined }, caller: { client: string }): Promise<{ authorizeUrl: string }> {
  await limit(deps, caller.client);
  const { invitation, account } = await live(deps, token);
  const offered = providersOf(invitation, account);
  const chosen = invitation.step === 'channel' ? offered[0] : offered.find((p) => p.id === req.provider);
  const provider = oauthProvider(chosen?.id ?? '');
  if (!provider) {
    const message = invitation.step === 'books' ? 'Choose Xero or QuickBooks Online.' : (channelRefusal(account) ?? 'This channel cannot be connected through a link.');
    throw new ValidationError(message, invitation.step === 'books' ? { provider: message } : undefined);
  }
  return consentUrl(deps, provider, account, { sellerId: invitation.sellerId, accountId: invitation.accountId, purpose: invitation.step, invitationId: invitation.id });
}
