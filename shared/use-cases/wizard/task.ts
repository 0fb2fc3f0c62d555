/**
 * What the wizard's state machine asks of us: record a step's task token, and
 * mark the setup paused (the step timed out) or record why it ended.
 * Every write is conditional on the execution still being the account's own,
 * so a stopped or superseded execution can never move an account.
 */
import type { ExecutionPort, WizardTaskStore } from '../../ports/index.js';
import { SETUP_STEPS, type WaitingStep } from '../../domain/wizard.js';

export interface WizardTaskDeps {
  readonly store: WizardTaskStore;
  readonly tasks: Pick<ExecutionPort, 'sendSuccess'>;
  readonly now?: () => Date;
}

export interface WaitInput {
  readonly accountId: string;
  readonly sellerId: string;
  readonly executionArn: string;
  readonly step: WaitingStep;
  readonly taskToken: string;
}

/** A task for an execution that is no longer the account's current one. */
export class StaleExecutionError extends Error {
  override readonly name = 'StaleExecution';
}

/**
 * Records the token. If the seller already finished this step (the step
 * completion came first), this side sends the success, so neither order stalls.
 */
export async function recordTaskToken(deps: WizardTaskDeps, input: WaitInput): Promise<'waiting' | 'advanced'> {
  const account = await deps.store.recordToken(input);
  if (!account) throw new StaleExecutionError(`Execution is not current for account ${input.accountId}`);
  if (SETUP_STEPS.indexOf(account.step) > SETUP_STEPS.indexOf(input.step)) {
    await deps.tasks.sendSuccess(input.taskToken, { step: input.step });
    return 'advanced';
  }
  return 'waiting';
}

export interface EndInput {
  readonly accountId: string;
  readonly sellerId: string;
  readonly executionArn: string;
  readonly step: WaitingStep;
  readonly reason: string | null;
}

/** The step waited past its limit: the setup is paused at that step, to be resumed. */
export async function markPaused(deps: WizardTaskDeps, input: EndInput): Promise<boolean> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  return deps.store.endExecution(input, now, null);
}

/** The execution failed: keep why (for support), pause the setup so the seller can resume. */
export async function recordFailure(deps: WizardTaskDeps, input: EndInput): Promise<boolean> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  return deps.store.endExecution(input, now, input.reason ?? 'unknown failure');
}
