/**
 * The support function: not on the public API, invoked only by IAM principals
 * allowed to (the onramp-support CLI). Shows accounts, lists stuck setups and
 * orphans (reported only), and resets an account or every account of a seller.
 */
import * as z from '#shared/runtime/zod.js';
import { dynamoClient } from '#shared/adapters/aws.js';
import { dynamoUserStore } from '#shared/adapters/dynamo/users.js';
import { parseEnv, wizardEnv } from '#shared/runtime/config.js';
import { logger } from '#shared/runtime/logger.js';
import { callerIdentity, operatorLabel, supportReason } from '#shared/http/support-input.js';
import { listOrphans, listStuck, reset, show, type SupportDeps } from '#shared/use-cases/support.js';
import { healthStores, wizardDeps } from '../deps.js';
import { withLogContext } from '../logging.js';

const env = parseEnv(wizardEnv());
const deps: SupportDeps = { ...wizardDeps(env), users: dynamoUserStore(dynamoClient(), env.TABLE_NAME), connections: healthStores(env).connections };

const target = z.union([
  z.strictObject({ accountId: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)) }),
  z.strictObject({ email: z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.email()) }),
]);

export const supportRequest = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('show'), target }),
  z.strictObject({
    action: z.literal('reset'),
    target,
    reason: supportReason,
    operator: operatorLabel,
    caller: callerIdentity,
    delete: z.optional(z.boolean()),
    dryRun: z.optional(z.boolean()),
  }),
  z.strictObject({ action: z.literal('list-stuck'), olderThanSeconds: z.number().check(z.int(), z.gte(0)) }),
  z.strictObject({ action: z.literal('orphans') }),
]);
export type SupportRequest = z.infer<typeof supportRequest>;

export const handler = withLogContext(async (event: unknown) => {
  try {
    return await handle(event);
  } catch (err) {
    // Every step of a reset is idempotent: the same command, run again, finishes it.
    logger.error('support action failed', { errorName: (err as Error)?.name, errorMessage: (err as Error)?.message });
    return { outcome: 'failed', message: `${(err as Error)?.name ?? 'Error'}: the action stopped part-way. Run the same command again to finish it.` };
  }
});

async function handle(event: unknown) {
  const parsed = supportRequest.safeParse(event);
  if (!parsed.success) {
    return { outcome: 'invalid', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ') };
  }
  const req = parsed.data;
  logger.appendKeys({ action: req.action });
  switch (req.action) {
    case 'show':
      return show(deps, req.target);
    case 'list-stuck':
      return listStuck(deps, req.olderThanSeconds);
    case 'orphans': {
      const found = await listOrphans(deps);
      logger.info('support orphans', {
        secretsWithoutConnection: found.secretsWithoutConnection.length,
        connectionsWithoutSecret: found.connectionsWithoutSecret.length,
        unheldConnections: found.unheldConnections.length,
      });
      return found;
    }
    case 'reset': {
      const result = await reset(deps, req.target, {
        reason: req.reason,
        operator: req.operator,
        caller: req.caller,
        ...(req.delete !== undefined ? { delete: req.delete } : {}),
        ...(req.dryRun !== undefined ? { dryRun: req.dryRun } : {}),
      });
      logger.info('support reset', {
        operator: req.operator,
        // What the CLI says; the CloudTrail trail of the support function records who really invoked it.
        claimedCaller: req.caller,
        reason: req.reason,
        delete: req.delete ?? false,
        dryRun: result.dryRun,
        outcome: result.outcome,
        accounts: result.accounts.map((a) => ({ accountId: a.accountId, action: a.action, result: 'result' in a ? a.result : undefined })),
      });
      return result;
    }
  }
}
