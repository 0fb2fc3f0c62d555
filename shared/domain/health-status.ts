/** A connection's health as the seller reads it: Connected, Expiring soon (with the date), or Needs reconnecting (with the reason). */
import { findProvider } from '../providers/index.js';
import { EXPIRING_SOON_MS } from './calendar.js';
import type { ConnectionRecord, HealthState, ReconnectReason } from './health.js';

export interface Health {
  readonly state: HealthState;
  /** When the refresh token or consent runs out, when known (ISO 8601). */
  readonly expiresAt: string | null;
  readonly reason: ReconnectReason | null;
  /** One sentence for the seller. */
  readonly message: string;
}

export const HEALTH_LABELS: Readonly<Record<HealthState, string>> = {
  connected: 'Connected',
  expiring_soon: 'Expiring soon',
  needs_reconnecting: 'Needs reconnecting',
};

/** The reason, in one sentence naming the provider. */
export function reasonSentence(reason: ReconnectReason, provider: string): string {
  const name = findProvider(provider)?.name ?? provider;
  switch (reason) {
    case 'consent_revoked':
      return `Onramp's access was revoked at ${name}.`;
    case 'refresh_token_expired':
      return `The sign-in Onramp holds for ${name} has expired.`;
    case 'consent_expired':
      return `${name} asks you to authorise Onramp again once a year, and that year is up.`;
    case 'app_uninstalled':
      return `The Onramp app was uninstalled from your ${name} store.`;
    case 'keys_rotated':
      return `The API keys Onramp holds for ${name} were changed or removed.`;
  }
}

const day = (isoTime: string) => isoTime.slice(0, 10);

/** The health of a connection from its record at `now`; a connection with no record yet is Connected. */
export function healthOf(record: ConnectionRecord | undefined, now: Date): Health {
  if (!record) return { state: 'connected', expiresAt: null, reason: null, message: 'Connected.' };
  const ends = [
    record.consentExpiresAt ? { at: record.consentExpiresAt, reason: 'consent_expired' as const } : null,
    record.refreshTokenExpiresAt ? { at: record.refreshTokenExpiresAt, reason: 'refresh_token_expired' as const } : null,
  ]
    .filter((e): e is NonNullable<typeof e> => e !== null)
    .sort((a, b) => a.at.localeCompare(b.at));
  const first = ends[0];
  if (record.status === 'needs_reconnecting') {
    const reason = record.reason ?? 'consent_revoked';
    return { state: 'needs_reconnecting', expiresAt: first?.at ?? null, reason, message: reasonSentence(reason, record.provider) };
  }
  if (first && Date.parse(first.at) <= now.getTime()) {
    return { state: 'needs_reconnecting', expiresAt: first.at, reason: first.reason, message: reasonSentence(first.reason, record.provider) };
  }
  if (first && Date.parse(first.at) - now.getTime() <= EXPIRING_SOON_MS) {
    const name = findProvider(record.provider)?.name ?? record.provider;
    return {
      state: 'expiring_soon',
      expiresAt: first.at,
      reason: null,
      message: `The connection to ${name} runs out on ${day(first.at)}: press Reconnect before then to keep it working.`,
    };
  }
  return { state: 'connected', expiresAt: first?.at ?? null, reason: null, message: 'Connected.' };
}
