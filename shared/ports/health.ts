/** What connection health needs from the world: the connection records and the refresh leases. */
import type { ConnectionRecord, ConsentRecord } from '../domain/health.js';

export interface ConnectionRecordStore {
  get(secretName: string): Promise<ConnectionRecord | undefined>;
  /** The records of these secrets that exist, by secret name. */
  getMany(secretNames: readonly string[]): Promise<Map<string, ConnectionRecord>>;
  /** Writes a record as it is, only where there is none at all (a connection made before records were kept); false when one exists. */
  put(record: ConnectionRecord): Promise<boolean>;
  /**
   * Writes the record a consent made (a reconnect) over the one at
   * `expectedGeneration`, one generation on, keeping who holds it; the record
   * after, or undefined when it moved on meanwhile or was deleted.
   */
  recordConsent(record: ConsentRecord, expectedGeneration: number): Promise<ConnectionRecord | undefined>;
  /**
   * Replaces the record only if it is still at `expectedGeneration` (no
   * consent replaced the credentials meanwhile) and still Connected (a refusal
   * another refresher or check recorded is not undone by a late success);
   * false when it moved on or is gone. Refreshers and checks write only this way.
   */
  replace(record: ConnectionRecord, expectedGeneration: number): Promise<boolean>;
  /**
   * Moves a due record, as `due` found it, to `untilIso` in the refresher's
   * queue (after a run that failed: the next runs take the others first),
   * leaving what it says unchanged; nothing when the record changed since
   * (another refresh or a consent wrote it), or is gone.
   */
  postpone(record: ConnectionRecord, untilIso: string): Promise<void>;
  /** Connections whose `refreshDueAt` or `checkDueAt` is at or before `untilIso`, soonest first (one index query). */
  due(untilIso: string, limit: number): Promise<ConnectionRecord[]>;
  /**
   * Marks the connection deleted (a tombstone one generation on, out of the
   * refresher's queue); with `onlyIfUnheld`, only when no account holds it.
   * 'already' when it was deleted before, 'held' when an account still holds it.
   */
  tombstone(secretName: string, at: string, onlyIfUnheld: boolean): Promise<'deleted' | 'already' | 'held'>;
  /** Every record, tombstones included (the orphan sweep); pages through the table. */
  listAll(): Promise<ConnectionRecord[]>;
}

/**
 * One refresher per connection at a time: a lease item written conditionally
 * (free, expired, or already this owner's), so a crashed holder's lease runs
 * out and another takes over.
 */
export interface LeaseStore {
  /** Takes the lease for `ttlMs` from `nowMs`; false when someone else holds a live one. */
  acquire(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean>;
  /**
   * Confirms the lease is still this owner's, exactly as it last wrote it
   * (owner, and the expiry it set), and extends it to `ttlMs` from `nowMs`, in
   * one conditional update; false when another holder took it over (it ran
   * out and was acquired) or it is gone.
   */
  confirm(name: string, owner: string, heldUntilMs: number, ttlMs: number, nowMs: number): Promise<boolean>;
  /** Gives the lease back, if it is still this owner's. */
  release(name: string, owner: string): Promise<void>;
}
