/**
 * A connection's lease: one holder at a time changes its credentials (a
 * refresh, a check, a reconnect), through a DynamoDB item written
 * conditionally. Apart from the refresh itself, so that what only takes the
 * lease (a reconnect with new keys or a new consent) bundles no refresh code.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectError } from '../../domain/errors.js';
import { logger } from '../../runtime/logger.js';
import type { LeaseStore } from '../../ports/health.js';

export interface LeaseDeps {
  readonly leases: LeaseStore;
  readonly now?: () => Date;
  /** How long a lease holds: longer than a refresh takes (the provider's timeout and the secret write). */
  readonly leaseMs?: number;
  /** How often a waiting refresher looks at a lease another holds. */
  readonly leasePollMs?: number;
}

/** The default lease: a provider call may take up to its 8-second timeout. */
export const DEFAULT_LEASE_MS = 15_000;

export const nowOf = (deps: Pick<LeaseDeps, 'now'>) => deps.now?.() ?? new Date();

/** The lease as its holder sees it while it works. */
export interface Lease {
  /**
   * Confirms this holder still has the lease and extends it by a whole lease
   * from now: false when it stalled past it and another holder took over, in
   * which case it must write nothing (the new holder's writes stand).
   */
  confirm(): Promise<boolean>;
}

/** Holds the connection's lease while `work` runs; waits for another holder when `wait`. */
export async function withLease<T>(deps: LeaseDeps, name: string, wait: boolean, work: (lease: Lease) => Promise<T>): Promise<T | 'busy'> {
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const owner = `${process.pid}-${randomBytes(8).toString('hex')}`;
  const giveUpAt = Date.now() + leaseMs + 2_000;
  let heldUntil = nowOf(deps).getTime() + leaseMs;
  while (!(await deps.leases.acquire(name, owner, leaseMs, heldUntil - leaseMs))) {
    if (!wait) return 'busy';
    if (Date.now() > giveUpAt) throw new ConnectError('provider_timeout', 'another refresh held the connection too long');
    await sleep(deps.leasePollMs ?? 50);
    heldUntil = nowOf(deps).getTime() + leaseMs;
  }
  const lease: Lease = {
    async confirm() {
      const now = nowOf(deps).getTime();
      const held = await deps.leases.confirm(name, owner, heldUntil, leaseMs, now);
      if (held) heldUntil = now + leaseMs;
      return held;
    },
  };
  try {
    return await work(lease);
  } finally {
    // Released only after the new tokens are in the secret (work has returned or thrown).
    await deps.leases.release(name, owner).catch((err: unknown) => logger.warn('lease not released', { errorName: (err as Error)?.name }));
  }
}
