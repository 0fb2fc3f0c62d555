/**
 * The expiry calendar: each provider's documented lifetimes (its definition's
 * `calendar`, from docs/providers.md §0 and each provider's token section),
 * and when the scheduled refresher should act so that no connection lapses.
 * Credentials nothing refreshes (keys, non-expiring tokens) never run out:
 * they stop working only when the seller regenerates or revokes them, so
 * they are checked once a day instead.
 */
import { findProvider } from '../providers/index.js';
import type { CalendarRules } from '../providers/types.js';
import type { TokenSet } from './credentials.js';
import type { ConnectionRecord, Expiry } from './health.js';

const DAY_MS = 24 * 3600_000;

/** A provider's rules; an id no definition has (a record from before a provider was retired) is refreshed on no schedule but the heartbeat. */
const rulesOf = (provider: string): CalendarRules => findProvider(provider)?.calendar ?? { refreshRenews: false };

/** How long before a renewable refresh token runs out the refresher renews it: longer than the "Expiring soon" window, so a healthy connection never shows it. */
export const REFRESH_AHEAD_MS = 21 * DAY_MS;
/**
 * Every connection that can refresh does so at least this often, so a grant
 * revoked at the provider (the seller removed the app) shows within a day,
 * before the seller needs it.
 */
export const HEARTBEAT_MS = DAY_MS;
/**
 * Credentials that cannot be refreshed (and so never looked at by a refresh)
 * are checked this often, so keys the seller regenerated or an app they
 * uninstalled shows within a day.
 */
export const CHECK_EVERY_MS = DAY_MS;
/** A connection whose refresh token or consent runs out within this is "Expiring soon". */
export const EXPIRING_SOON_MS = 14 * DAY_MS;

const iso = (ms: number) => new Date(ms).toISOString();

/** The calendar right after a consent. */
export function expiryAfterConsent(provider: string, tokens: TokenSet, now: Date): Expiry {
  const r = rulesOf(provider);
  const refresh = tokens.refreshTokenExpiresAt ?? (tokens.refreshToken && r.refreshIdleDays ? iso(now.getTime() + r.refreshIdleDays * DAY_MS) : undefined);
  return {
    ...(tokens.accessTokenExpiresAt ? { accessTokenExpiresAt: tokens.accessTokenExpiresAt } : {}),
    ...(refresh ? { refreshTokenExpiresAt: refresh } : {}),
    ...(r.consentDays ? { consentExpiresAt: iso(now.getTime() + r.consentDays * DAY_MS) } : {}),
  };
}

/** The calendar after a refresh: a renewed refresh token's new lifetime; the consent's end does not move. */
export function expiryAfterRefresh(provider: string, tokens: TokenSet, now: Date, before: Expiry): Expiry {
  const r = rulesOf(provider);
  const refresh =
    tokens.refreshTokenExpiresAt ?? (r.refreshRenews && r.refreshIdleDays ? iso(now.getTime() + r.refreshIdleDays * DAY_MS) : before.refreshTokenExpiresAt);
  return {
    ...(tokens.accessTokenExpiresAt ? { accessTokenExpiresAt: tokens.accessTokenExpiresAt } : {}),
    ...(refresh ? { refreshTokenExpiresAt: refresh } : {}),
    ...(before.consentExpiresAt ? { consentExpiresAt: before.consentExpiresAt } : {}),
  };
}

/**
 * When the scheduled refresher should refresh next: ahead of a renewable
 * refresh token's end, ahead of a long-lived access token's end, and at the
 * latest a day on (the heartbeat). Nothing for a connection that needs the
 * seller or has nothing to refresh with. A lapse no refresh can prevent
 * (Amazon's yearly consent, eBay's 18 months) is shown to the seller instead.
 */
export function refreshDueAt(provider: string, e: Expiry & Pick<ConnectionRecord, 'status'> & { readonly canRefresh: boolean }, now: Date): string | undefined {
  if (e.status !== 'connected' || !e.canRefresh) return undefined;
  const r = rulesOf(provider);
  const due: number[] = [now.getTime() + HEARTBEAT_MS];
  // Never more than half the time left ahead, so a short-lived token is not refreshed on every run.
  const ahead = (end: number, by: number) => end - Math.min(by, Math.max(0, (end - now.getTime()) / 2));
  if (r.refreshRenews && e.refreshTokenExpiresAt) due.push(ahead(Date.parse(e.refreshTokenExpiresAt), REFRESH_AHEAD_MS));
  if (r.accessAheadDays && e.accessTokenExpiresAt) due.push(ahead(Date.parse(e.accessTokenExpiresAt), r.accessAheadDays * DAY_MS));
  const first = Math.min(...due.filter(Number.isFinite));
  return Number.isFinite(first) ? iso(first) : undefined;
}

/** Whether the provider's credentials, when they cannot be refreshed, are checked once a day. */
export const isChecked = (provider: string): boolean => rulesOf(provider).checked === true;

/**
 * When the scheduled refresher should next check credentials that nothing
 * refreshes: a day on. Nothing for a connection that needs the seller, that
 * is refreshed (a refresh is the check), or whose provider has no check.
 */
export function checkDueAt(provider: string, e: Pick<ConnectionRecord, 'status'> & { readonly canRefresh: boolean }, now: Date): string | undefined {
  if (e.status !== 'connected' || e.canRefresh || !isChecked(provider)) return undefined;
  return iso(now.getTime() + CHECK_EVERY_MS);
}
