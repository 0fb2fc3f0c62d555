/**
 * The scheduled refresher: every run takes the connections whose refresh or
 * check time has come (one query on the table's index, not a scan) and, each
 * under its lease, refreshes those that can be refreshed and checks those
 * whose credentials never expire, leaving to another refresher any it finds busy.
 */
import { ConnectError } from '../../domain/errors.js';
import { logger } from '../../runtime/logger.js';
import { checkConnection } from './check.js';
import type { ConnectionRecord } from '../../domain/health.js';
import { refreshConnection, refreshIsDue, type RefreshDeps } from './refresh.js';

export interface RefreshRunSummary {
  readonly due: number;
  readonly refreshed: number;
  /** Credentials that never expire, checked with the provider and found working. */
  readonly checked: number;
  /** Refused by the provider: now Needs reconnecting. */
  readonly refused: number;
  /** The provider failed or did not answer: tried again on the next run. */
  readonly failed: number;
  /** Another refresher held the lease, the connection is gone, or a reconnect replaced it meanwhile. */
  readonly skipped: number;
}

const isDue = (at: string | undefined, now: Date) => !!at && Date.parse(at) <= now.getTime();

/** What a due record calls for: a refresh when it can be refreshed, else the check of credentials that never expire. */
const work = (r: ConnectionRecord, now: Date) => (isDue(r.refreshDueAt, now) ? 'refresh' : isDue(r.checkDueAt, now) ? 'check' : undefined);

/** When a connection whose refresh or check failed is tried again: the next run (the schedule is every 15 minutes). */
export const RETRY_AFTER_MS = 15 * 60_000;

/**
 * How many connections a run works on at once. A provider or store that
 * stalls every call (each up to the provider timeout, 8 seconds) then still
 * lets a whole run of 200 finish well within the function's 5 minutes.
 */
export const RUN_CONCURRENCY = 8;

/** Runs `each` on every item, `concurrency` at a time. */
async function inPool<T>(items: readonly T[], concurrency: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await each(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Refreshes or checks every connection that is due, up to `limit` per run. */
export async function refreshDueConnections(deps: RefreshDeps, limit = 200, concurrency = RUN_CONCURRENCY): Promise<RefreshRunSummary> {
  const now = deps.now?.() ?? new Date();
  const due = await deps.connections.due(now.toISOString(), limit);
  const counts = { due: due.length, refreshed: 0, checked: 0, refused: 0, failed: 0, skipped: 0 };
  await inPool(due, concurrency, async (record) => {
    const what = work(record, now);
    try {
      if (what === 'refresh') {
        const r = await refreshConnection(deps, { secretName: record.secretName, needed: refreshIsDue, wait: false });
        if (r.outcome === 'refreshed') counts.refreshed++;
        else if (r.outcome === 'refused') counts.refused++;
        else counts.skipped++;
      } else if (what === 'check') {
        const r = await checkConnection(deps, record.secretName);
        if (r.outcome === 'working') counts.checked++;
        else if (r.outcome === 'refused') counts.refused++;
        else counts.skipped++;
      } else {
        counts.skipped++;
      }
    } catch (err) {
      counts.failed++;
      // To the back of the queue until the next run: a connection that fails every run never holds back the others.
      await deps.connections.postpone(record, new Date(now.getTime() + RETRY_AFTER_MS).toISOString()).catch(() => undefined);
      logger.warn(what === 'check' ? 'scheduled check failed' : 'scheduled refresh failed', {
        provider: record.provider,
        errorName: (err as Error)?.name,
        ...(err instanceof ConnectError ? { code: err.code } : {}),
      });
    }
  });
  return counts;
}
