/**
 * The scheduled refresher: every run takes the connections whose refresh
 * time has come (a query on the table's index, not a scan) and refreshes
 * each under its lease, leaving to another refresher any it finds busy.
 */
import { ConnectError } from '../errors.js';
import { logger } from '../logger.js';
import { refreshConnection, refreshIsDue, type RefreshDeps } from './refresh.js';

export interface RefreshRunSummary {
  readonly due: number;
  readonly refreshed: number;
  readonly refused: number;
  /** The provider failed or did not answer: tried again on the next run. */
  readonly failed: number;
  /** Another refresher held the lease, or the connection is gone. */
  readonly skipped: number;
}

/** Refreshes every connection that is due, up to `limit` per run. */
export async function refreshDueConnections(deps: RefreshDeps, limit = 200): Promise<RefreshRunSummary> {
  const now = deps.now?.() ?? new Date();
  const due = await deps.connections.due(now.toISOString(), limit);
  const counts = { due: due.length, refreshed: 0, refused: 0, failed: 0, skipped: 0 };
  for (const record of due) {
    try {
      const r = await refreshConnection(deps, { secretName: record.secretName, needed: refreshIsDue, wait: false });
      if (r.outcome === 'refreshed') counts.refreshed++;
      else if (r.outcome === 'refused') counts.refused++;
      else counts.skipped++;
    } catch (err) {
      counts.failed++;
      logger.warn('scheduled refresh failed', {
        provider: record.provider,
        errorName: (err as Error)?.name,
        ...(err instanceof ConnectError ? { code: err.code } : {}),
      });
    }
  }
  return counts;
}
