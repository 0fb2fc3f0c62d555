/**
 * The scheduled refresher (EventBridge Scheduler in the cloud, a timer on the
 * local stack; not on the API): refreshes the connections whose tokens run
 * out soon, each under its lease, and reports what it did (never a token).
 */
import { parseEnv, refresherEnv } from '#shared/config.js';
import { refreshDueConnections } from '#shared/health/job.js';
import { logger } from '#shared/logger.js';
import { refresherDeps } from '../deps.js';
import { withLogContext } from '../logging.js';

const env = parseEnv(refresherEnv);
const deps = refresherDeps(env);

export const handler = withLogContext(async () => {
  const summary = await refreshDueConnections(deps);
  logger.info('refresh run', { ...summary });
  return summary;
});
