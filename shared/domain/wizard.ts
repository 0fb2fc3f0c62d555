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

/** What the wizard needs to know of an account to decide a transition. */
export interface WizardState {
  readonly step: SetupStep;
  readonly status: SetupStatus;
  readonly version: number;
}

export type WizardAction =
  | { readonly type: 'complete_step'; readonly step: SetupStep; readonly expectedVersion?: number }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'start_over' };

/** Why a transition is refused, in the seller's words. */
export type Refusal = { readonly ok: false; readonly code: 'step_mismatch' | 'stale' | 'not_paused' | 'complete'; readonly message: string };
export type Transition = { readonly ok: true; readonly next: WizardState } | Refusal;

/**
 * The one definition of the wizard's allowed transitions. Every write that
 * moves an account asks this first and then makes the write conditional on
 * the state it decided from, so two tabs or a replay cannot both win.
 */
export function transition(state: WizardState, action: WizardAction): Transition {
  const bump = (step: SetupStep, status: SetupStatus): Transition => ({ ok: true, next: { step, status, version: state.version + 1 } });
  switch (action.type) {
    case 'complete_step': {
      if (state.status === 'complete' || state.step === 'complete') {
        return { ok: false, code: 'complete', message: 'This account is already set up.' };
      }
      if (action.step !== state.step) {
        return {
          ok: false,
          code: 'step_mismatch',
          message: `This step was already done; the account is now at "${stepLabel(state.step)}".`,
        };
      }
      if (action.expectedVersion !== undefined && action.expectedVersion !== state.version) {
        return { ok: false, code: 'stale', message: 'This account changed in another tab. Reload to see where it stands.' };
      }
      const step = nextStep(state.step);
      return bump(step, step === 'complete' ? 'complete' : 'active');
    }
    case 'pause':
      if (state.status !== 'active') return { ok: false, code: 'not_paused', message: 'Only a running setup can be paused.' };
      return bump(state.step, 'paused');
    case 'resume':
      if (state.status === 'complete') return { ok: false, code: 'complete', message: 'This account is already set up.' };
      return bump(state.step, 'active');
    case 'start_over':
      return bump(FIRST_STEP, 'active');
  }
}

/**
 * Whether Resume applies: to any unfinished setup. On a paused one it starts
 * a new run; on a running one it changes nothing, or heals a run that stalled.
 */
export function canResume(state: Pick<WizardState, 'status'>): boolean {
  return state.status !== 'complete';
}

/** Whether the seller is offered Start over: anything past a clean first step. */
export function canStartOver(state: Pick<WizardState, 'step' | 'status'>, connections: number): boolean {
  return state.step !== FIRST_STEP || state.status !== 'active' || connections > 0;
}
