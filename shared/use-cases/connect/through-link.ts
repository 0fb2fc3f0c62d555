/**
 * Completing a connect step through a connect link, whatever brought the
 * credentials (a consent's tokens, pasted keys, keys a store created in one
 * click): the link is used in one conditional write just before the step
 * completes, so of two attempts on one link exactly one connects; and it is
 * given back, so it can be tried again, only when the account, read again,
 * shows nothing landed through it.
 */
import type { ConnectErrorCode } from '../../domain/connect-errors.js';
import type { Invitation, InvitationStore, WizardStore } from '../../ports/index.js';
import { STEP_OF } from './start.js';

export interface ThroughLinkDeps {
  readonly accounts: WizardStore;
  readonly invitations: InvitationStore;
}

/** The link and the step it connects on the seller's account. */
export interface LinkUse {
  readonly invitationId: string;
  readonly sellerId: string;
  readonly accountId: string;
  readonly purpose: 'channel' | 'books';
  /** The account's last start over, as the caller read it: a link made before it connects nothing. */
  readonly startedOverAt: string | null | undefined;
}

export type LinkEndedCode = Extract<ConnectErrorCode, 'link_used' | 'link_revoked' | 'link_expired'>;

/** The link could not be used: used (by another attempt), cancelled or past its end meanwhile. Nothing was written. */
export class LinkEndedError extends Error {
  constructor(readonly code: LinkEndedCode) {
    super(`connect link not usable: ${code}`);
    this.name = 'LinkEndedError';
  }
}

/** Whether the account was started over (or reset) after the link was made, which cancels it. */
export const cancelledByStartOver = (invitation: Invitation, startedOverAt: string | null | undefined): boolean => !!startedOverAt && invitation.createdAt <= startedOverAt;

/** Why a link connects nothing now, as a callback's code; undefined while it is live. */
export function endedCode(invitation: Invitation, nowSeconds: number, startedOverAt?: string | null): LinkEndedCode | undefined {
  if (invitation.state === 'used') return 'link_used';
  if (invitation.state === 'revoked' || cancelledByStartOver(invitation, startedOverAt)) return 'link_revoked';
  return invitation.validUntil > nowSeconds ? undefined : 'link_expired';
}

/** Whether the account is still where the link found it: at the step, with nothing connected (or waiting) for it. */
export async function nothingLanded(deps: Pick<ThroughLinkDeps, 'accounts'>, sellerId: string, accountId: string, purpose: 'channel' | 'books'): Promise<boolean> {
  const account = await deps.accounts.load(sellerId, accountId).catch(() => undefined);
  if (!account) return false;
  return account.step === STEP_OF[purpose] && !account.connections.some((c) => c.kind === purpose) && (purpose !== 'books' || !account.pendingBooks);
}

/**
 * Uses the link, then completes the step (`complete`). A link that cannot be
 * used throws `LinkEndedError` and `complete` never runs. When `complete`
 * fails, the link is given back only if nothing landed: a step write answered
 * as failed may still have landed (a timeout after it did), so the account is
 * read again first; when it cannot be read, the link stays used (the seller
 * can make another). The failure is thrown on.
 */
export async function completeThroughLink<T>(deps: ThroughLinkDeps, link: LinkUse, now: Date, complete: () => Promise<T>): Promise<T> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const usedAt = now.toISOString();
  if (!(await deps.invitations.use(link.invitationId, nowSeconds, usedAt, link.startedOverAt))) {
    const after = await deps.invitations.get(link.invitationId);
    throw new LinkEndedError((after && endedCode(after, nowSeconds, link.startedOverAt)) || 'link_used');
  }
  try {
    return await complete();
  } catch (err) {
    if (await nothingLanded(deps, link.sellerId, link.accountId, link.purpose)) await deps.invitations.release(link.invitationId, usedAt).catch(() => undefined);
    throw err;
  }
}
