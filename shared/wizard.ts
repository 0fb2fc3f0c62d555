/**
 * The wizard's steps and setup status. Pure: no AWS, no I/O. Handlers, the
 * state machine's task function, the web app and the tests all read it.
 */

/** The steps an account's setup moves through, in order. */
export const SETUP_STEPS = ['connect_channel', 'connect_bookkeeping', 'accounts_and_taxes', 'complete'] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

/** Steps that wait for the seller (every step but the last). */
export const WAITING_STEPS = SETUP_STEPS.filter((s): s is Exclude<SetupStep, 'complete'> => s !== 'complete');
export type WaitingStep = (typeof WAITING_STEPS)[number];

export const SETUP_STATUSES = ['active', 'paused', 'complete'] as const;
export type SetupStatus = (typeof SETUP_STATUSES)[number];

export const FIRST_STEP: SetupStep = 'connect_channel';

/** The progress bar the seller sees, with the setup step each stage stands for. */
export const PROGRESS_STAGES = [
  { label: 'Sign Up', step: undefined },
  { label: 'Select Seller Account', step: undefined },
  { label: 'Connect Sales Channel', step: 'connect_channel' },
  { label: 'Connect Bookkeeping', step: 'connect_bookkeeping' },
  { label: 'Accounts & Taxes', step: 'accounts_and_taxes' },
  { label: 'Done', step: 'complete' },
] as const satisfies readonly { label: string; step: SetupStep | undefined }[];

/** Human label of a setup step. */
export function stepLabel(step: SetupStep): string {
  return PROGRESS_STAGES.find((s) => s.step === step)?.label ?? step;
}

/** The step after `step`; `complete` is last and stays. */
export function nextStep(step: SetupStep): SetupStep {
  const i = SETUP_STEPS.indexOf(step);
  return SETUP_STEPS[Math.min(i + 1, SETUP_STEPS.length - 1)] ?? 'complete';
}
