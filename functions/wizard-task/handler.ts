/**
 * The state machine's task function (not on the public API): records a
 * step's task token, or ends the setup as paused when a step times out or fails.
 */
import * as z from '#shared/runtime/zod.js';
import { dynamoClient, sfnClient } from '#shared/adapters/aws.js';
import { sfnTaskSender } from '#shared/adapters/executions.js';
import { dynamoWizardTaskStore } from '#shared/adapters/dynamo/wizard-store.js';
import { baseEnv, parseEnv } from '#shared/runtime/config.js';
import { logger } from '#shared/runtime/logger.js';
import { markPaused, recordFailure, recordTaskToken } from '#shared/use-cases/wizard/task.js';
import { WAITING_STEPS } from '#shared/domain/wizard.js';
import { withLogContext } from '../logging.js';

const env = parseEnv(baseEnv());
const deps = { store: dynamoWizardTaskStore(dynamoClient(), env.TABLE_NAME), tasks: sfnTaskSender(sfnClient()) };

const text = z.string().check(z.minLength(1));
const ids = { accountId: text, sellerId: text, executionArn: text, step: z.enum(WAITING_STEPS) };
const taskEvent = z.discriminatedUnion('action', [
  z.object({ action: z.literal('wait'), ...ids, taskToken: text }),
  z.object({ action: z.literal('pause'), ...ids }),
  z.object({ action: z.literal('fail'), ...ids, error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })) }),
]);

export const handler = withLogContext(async (event: unknown): Promise<{ outcome: string }> => {
  const input = taskEvent.parse(event);
  logger.appendKeys({ accountId: input.accountId, step: input.step, action: input.action });
  switch (input.action) {
    case 'wait':
      return { outcome: await recordTaskToken(deps, input) };
    case 'pause':
      return { outcome: (await markPaused(deps, { ...input, reason: null })) ? 'paused' : 'not current' };
    case 'fail': {
      const reason = input.error?.Error ?? 'unknown failure';
      logger.warn('wizard execution failed', { reason });
      return { outcome: (await recordFailure(deps, { ...input, reason })) ? 'recorded' : 'not current' };
    }
  }
});
