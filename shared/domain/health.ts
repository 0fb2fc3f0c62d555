/**
 * Connection health: what Onramp knows about a connection's credentials
 * without holding them. One record per connection (per secret: books shared
 * by several accounts have one), kept in DynamoDB beside the account; the
 * tokens themselves stay in the secret store.
 */

/** Why a connection needs the seller to sign in again. */
export const RECONNECT_REASONS = ['consent_revoked', 'refresh_token_expired', 'consent_expired', 'app_uninstalled', 'keys_rotated'] as const;
export type ReconnectReason = (typeof RECONNECT_REASONS)[number];

export const HEALTH_STATES = ['connected', 'expiring_soon', 'needs_reconnecting'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** The expiry calendar of a connection's credentials (ISO 8601): never a credential. */
export interface Expiry {
  readonly accessTokenExpiresAt?: string;
  /** When the refresh token runs out (given by the provider, or its documented idle lifetime). */
  readonly refreshTokenExpiresAt?: string;
  /** When the provider's consent itself runs out whatever is refreshed (Amazon: 365 days). */
  readonly consentExpiresAt?: string;
}

/** The connection record: who, where, when things expire, and whether it still works. */
export interface ConnectionRecord extends Expiry {
  readonly secretName: string;
  readonly provider: string;
  readonly kind: 'channel' | 'books';
  readonly sellerId: string;
  /** The account whose consent made it (books shared by other accounts keep the first). */
  readonly accountId: string;
  /** The account's region and store fields, for providers whose refresh call depends on them (Shopify's shop). */
  readonly region: string | null;
  readonly fields: Readonly<Record<string, string>>;
  readonly status: 'connected' | 'needs_reconnecting';
  readonly reason?: ReconnectReason;
  /** Grows by one each time a consent replaces the credentials; refreshers write only within the generation they read. */
  readonly generation: number;
  readonly connectedAt: string;
  readonly refreshedAt?: string;
  /** When the scheduled refresher should next refresh it (absent: nothing to do ahead of time). */
  readonly refreshDueAt?: string;
  /**
   * For credentials that never expire (Walmart's and WooCommerce's keys, Shopify's
   * non-expiring offline token): when the scheduled refresher should next make the
   * provider's cheapest authenticated call with them, to find out they stopped working.
   */
  readonly checkDueAt?: string;
  /** When that call last found the credentials working. */
  readonly checkedAt?: string;
  readonly updatedAt: string;
  /** The accounts that show this connection (books reused by several accounts have more than one); absent when none does. */
  readonly holders?: readonly string[];
  /**
   * Set when the connection was deleted (a tombstone, one generation on): a
   * late refresh, check or reconnect finds it and writes nothing, and the
   * credentials never come back.
   */
  readonly deletedAt?: string;
}

/** The record a consent makes, before the store numbers its generation (one on from the stored one). */
export type ConsentRecord = Omit<ConnectionRecord, 'generation'>;
