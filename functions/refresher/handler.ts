/**
 * The scheduled refresher (EventBridge Scheduler in the cloud, a timer on the
 * local stack; not on the API): refreshes the connections whose tokens run
 * out soon, and once a day checks those whose credentials never expire
 * (Walmart's and WooCommerce's keys, Shopify's offline tokens), each under
 * its lease, and reports what it did (never a token or a key).
 */
import { parseEnv, refresherEnv } from '#shared/runtime/config.js';
import { refreshDueConnections } from '#shared/use-cases/health/job.js';
import { sweepOrphans } from '#shared/use-cases/credentials.js';
import { logger } from '#shared/runtime/logger.js';
import { refresherDeps } from '../deps.js';
import { withLogContext } from '../logging.js';
import { REFRESH_AND_CHECK } from '#shared/providers/registries.js';

const env = parseEnv(refresherEnv());
const deps = refresherDeps(env, REFRESH_AND_CHECK);

export const handler = withLogContext(async () => {
  const summary = await refreshDueConnections(deps);
  logger.info('refresh run', { ...summary });
  // Once an hour (the first run of it), the orphan sweep: secrets no connection names are deleted after their
  // grace period, connections no account holds are released, and connections with no secret are reported.
  if ((deps.now?.() ?? new Date()).getUTCMinutes() < 15) {
    const found = await sweepOrphans(deps, { dryRun: false }).catch((err: unknown) => {
      logger.warn('orphan sweep failed', { errorName: (err as Error)?.name });
      return undefined;
    });
    if (found) {
      logger.info('orphan sweep', {
        secretsWithoutConnection: found.secretsWithoutConnection.length,
        secretsDeleted: found.secretsWithoutConnection.filter((s) => s.deleted).length,
        connectionsWithoutSecret: found.connectionsWithoutSecret.length,
        unheldConnections: found.unheldConnections.length,
      });
    }
  }
  return summary;
});
