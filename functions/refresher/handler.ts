/**
 * The scheduled refresher (EventBridge Scheduler in the cloud, a timer on the
 * local stack; not on the API): refreshes the connections whose tokens run
 * out soon, and once a day checks those whose credentials never expire
 * (Walmart's and WooCommerce's keys, Shopify's offline tokens), each under
 * its lease, and reports what it did (never a token or a key).
 */
import { parseEnv, refresherEnv } from '#shared/config.js';
import { refreshDueConnections } from '#shared/health/job.js';
import { logger } from '#shared/logger.js';
import { refresherDeps } from '../deps.js';
import { withLogContext } from '../logging.js';

const env = parseEnv(refresherEnv());
const deps = refresherDeps(env);

export const handler = withLogContext(async () => {
  const summary = await refreshDueConnections(deps);
  logger.info('refresh run', { ...summary });
  return summary;
});
