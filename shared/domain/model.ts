/** Domain records as the use cases see them; adapters map them to storage. */
import type { ChannelId } from '../providers/catalog.js';
import type { SetupStatus, SetupStep } from './wizard.js';

export interface User {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly createdAt: string;
}

export interface Session {
  readonly userId: string;
  readonly email: string;
  /** Epoch seconds: the session ends then, however active (the absolute timeout). */
  readonly expiresAt: number;
  /** Epoch seconds: when it started, and when it was last used (to the minute or so). */
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** Seconds without use after which it ends (the idle timeout, fixed when it started). */
  readonly idleSeconds: number;
}

/** A connection recorded on the account: what and when, never the credential itself. */
export interface Connection {
  readonly kind: 'channel' | 'books';
  readonly provider: string;
  readonly label: string;
  readonly secretName: string;
  readonly connectedAt: string;
  /** Who connected, as the provider names them (seller id, shop, realm): compared to spot the same identity twice. */
  readonly identity?: string;
  /** What the provider told us about who connected, to show (never a credential). */
  readonly details?: readonly { readonly label: string; readonly value: string }[];
  /** The name of another of the seller's accounts connected to the same identity, when there is one. */
  readonly alsoConnectedTo?: string | null;
}

export interface PendingBooks {
  readonly provider: string;
  /** Where the consent's tokens wait until an organisation is picked (the account's own secret). */
  readonly secretName: string;
  readonly choices: readonly { readonly id: string; readonly name: string; readonly connectionId?: string }[];
}

export interface SavedMapping {
  readonly accounts: Readonly<Record<string, string>>;
  readonly taxRates: Readonly<Record<string, string>>;
  readonly startDate: string;
}

export interface Account {
  readonly id: string;
  readonly sellerId: string;
  readonly name: string;
  readonly channel: ChannelId;
  readonly region: string | null;
  /** The store fields the seller entered, as the channel's definition asks (shop domain, store URL). */
  readonly fields: Readonly<Record<string, string>>;
  readonly step: SetupStep;
  readonly status: SetupStatus;
  /** Increases by one on every state change; conditional writes expect it. */
  readonly version: number;
  readonly executionArn: string | null;
  readonly connections: readonly Connection[];
  /** A books consent that covered several organisations, waiting for the seller to pick one. */
  readonly pendingBooks?: PendingBooks | null;
  /** When the account was last started over (or reset by support): connect links made before it connect nothing. */
  readonly startedOverAt?: string | null;
  /** The Accounts & Taxes mapping, once saved. */
  readonly mapping?: SavedMapping | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The account as the wizard engine sees it: with its execution bookkeeping (never shown to sellers). */
export interface WizardRecord extends Account {
  /** How many executions this account has had; names the next one. */
  readonly execSeq: number;
  readonly taskToken: string | null;
  /** The step whose task token is recorded. */
  readonly tokenStep: SetupStep | null;
  /** Why the last execution ended early, for support. */
  readonly lastFailure: string | null;
}

export const ACCOUNT_EVENT_TYPES = ['created', 'step_completed', 'paused', 'resumed', 'started_over', 'connection_made', 'reset', 'reconnected'] as const;
export type AccountEventType = (typeof ACCOUNT_EVENT_TYPES)[number];

export interface AccountEvent {
  readonly accountId: string;
  readonly type: AccountEventType;
  readonly at: string;
  /** Who did it: `seller`, `system` or `support:<operator>` (the operator's own label). */
  readonly actor: string;
  readonly detail: string | null;
  /** For support actions: the AWS identity that invoked the support function, as its CLI reported it (CloudTrail holds the authoritative record). */
  readonly caller?: string;
}
