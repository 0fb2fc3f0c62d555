import { describe, expect, it } from 'vitest';
import { FIRST_STEP, SETUP_STEPS, transition, type WizardState } from './wizard.js';

const at = (step: WizardState['step'], status: WizardState['status'] = 'active', version = 3): WizardState => ({ step, status, version });

describe('the wizard model', () => {
  it('moves through the steps in order to complete', () => {
    let state = at(FIRST_STEP, 'active', 1);
    for (const step of SETUP_STEPS.slice(0, -1)) {
      const t = transition(state, { type: 'complete_step', step, expectedVersion: state.version });
      if (!t.ok) throw new Error(t.message);
      state = t.next;
    }
    expect(state).toEqual({ step: 'complete', status: 'complete', version: 4 });
  });

  it('refuses to complete a step the account is no longer at (a replay)', () => {
    expect(transition(at('connect_bookkeeping'), { type: 'complete_step', step: 'connect_channel' })).toMatchObject({ ok: false, code: 'step_mismatch' });
  });

  it('refuses a completion decided from an older version (a stale tab)', () => {
    expect(transition(at('connect_channel', 'active', 5), { type: 'complete_step', step: 'connect_channel', expectedVersion: 4 })).toMatchObject({ ok: false, code: 'stale' });
  });

  it('lets a paused setup complete its step and become active again', () => {
    expect(transition(at('connect_bookkeeping', 'paused'), { type: 'complete_step', step: 'connect_bookkeeping' })).toEqual({
      ok: true,
      next: { step: 'accounts_and_taxes', status: 'active', version: 4 },
    });
  });

  it('pauses only a running setup, and resumes anything unfinished', () => {
    expect(transition(at('connect_channel', 'paused'), { type: 'pause' }).ok).toBe(false);
    expect(transition(at('connect_channel', 'paused'), { type: 'resume' })).toMatchObject({ ok: true, next: { status: 'active' } });
    expect(transition(at('complete', 'complete'), { type: 'resume' }).ok).toBe(false);
  });

  it('starts over from any state to the first step', () => {
    for (const step of SETUP_STEPS) {
      expect(transition(at(step, step === 'complete' ? 'complete' : 'paused'), { type: 'start_over' })).toMatchObject({ ok: true, next: { step: FIRST_STEP, status: 'active' } });
    }
  });
});
