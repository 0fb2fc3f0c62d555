/**
 * The daily check of credentials that never expire (Walmart's and
 * WooCommerce's keys, Shopify's non-expiring offline token): nothing
 * refreshes them, so without a look they would die silently when the seller
 * regenerates the keys or uninstalls the app.
 *
 * The check takes the same lease as refreshes and reconnects, so it never
 * runs beside them; reads the record and the secret under it; makes the
 * provider's cheapest authenticated call (the `check` of its connector); and records
 * the outcome only within the generation it read and while the connection
 * is still Connected (`ConnectionRecordStore.replace`). So a check that
 * stalled past its lease while a reconnect replaced the credentials never
 * marks the new ones, and a late success never undoes a refusal. A refusal
 * marks the connection Needs reconnecting with its reason; a provider
 * failing for now changes nothing, and the next run (15 minutes later)
 * tries again; a success moves the next check a day on.
 */
import { logger } from '../../runtime/logger.js';
import { checkDueAt } from '../../domain/calendar.js';
import { nowOf, withLease } from './lease.js';
import type { ReconnectReason } from '../../domain/health.js';
import { CheckRefusedError } from '../../connectors/check.js';
import { providerCheck } from '../../providers/registry.js';
import { readSecret, type RefreshDeps } from './refresh.js';

export type CheckResult =
  | { readonly outcome: 'working' }
  | { readonly outcome: 'refused'; readonly reason: ReconnectReason }
  /** Not due (another check just ran), busy (another holds the lease), gone (no secret), superseded (a reconnect replaced the credentials meanwhile). */
  | { readonly outcome: 'not_due' | 'busy' | 'gone' | 'superseded' };

/**
 * Checks the connection's credentials with the provider if its check is due,
 * under its lease. Throws `ConnectError` when the provider cannot be reached
 * or fails (nothing changes).
 */
export async function checkConnection(deps: RefreshDeps, secretName: string): Promise<CheckResult> {
  const result = await withLease(deps, secretName, false, async (): Promise<CheckResult> => {
    const now = nowOf(deps);
    const [record, stored] = await Promise.all([deps.connections.get(secretName), readSecret(deps, secretName)]);
    // Deleted (its tombstone, or no secret): nothing is written; a live record with no secret is the sweep's to report.
    if (!stored || !record || record.deletedAt) return { outcome: 'gone' };
    if (record.status === 'needs_reconnecting') return { outcome: 'refused', reason: record.reason ?? 'keys_rotated' };
    if (!record.checkDueAt || Date.parse(record.checkDueAt) > now.getTime()) return { outcome: 'not_due' };

    const at = now.toISOString();
    try {
      await providerCheck(deps.connectors, record.provider, { stored, fields: record.fields, http: deps.http, stores: deps.stores });
    } catch (err) {
      if (!(err instanceof CheckRefusedError)) throw err;
      logger.warn('credentials refused', { provider: record.provider, code: err.code, reason: err.reason });
      const { checkDueAt: _due, ...rest } = record;
      const marked = await deps.connections.replace({ ...rest, status: 'needs_reconnecting', reason: err.reason, updatedAt: at }, record.generation);
      if (!marked) {
        logger.info('connection record moved on during the check', { provider: record.provider });
        return { outcome: 'superseded' };
      }
      return { outcome: 'refused', reason: err.reason };
    }
    const next = checkDueAt(record.provider, { status: 'connected', canRefresh: false }, now);
    const { checkDueAt: _old, ...base } = record;
    await deps.connections.replace({ ...base, ...(next ? { checkDueAt: next } : {}), checkedAt: at, updatedAt: at }, record.generation);
    return { outcome: 'working' };
  });
  return result === 'busy' ? { outcome: 'busy' } : result;
}
