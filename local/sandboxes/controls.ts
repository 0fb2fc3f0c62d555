/** Shared plumbing for the sandboxes' grant controls (`GrantControls` in `types.ts`). */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlledSandbox, GrantControls, Sandbox, SandboxContext, SandboxResponse, TokenLedger } from './types.js';

/** The failure mode of a sandbox's refresh requests, set by `failRefresh`. */
export function refreshFaults(ctx: Pick<SandboxContext, 'slowMs'>) {
  let mode: 'error' | 'timeout' | null = null;
  return {
    set(m: 'error' | 'timeout' | null) {
      mode = m;
    },
    /** The provider's own error answer when refreshes fail; after a stall when they time out; else undefined (carry on). */
    async answer(errorAnswer: SandboxResponse): Promise<SandboxResponse | undefined> {
      if (mode === 'error') return errorAnswer;
      if (mode === 'timeout') await sleep(ctx.slowMs);
      return undefined;
    },
  };
}

/** The grant controls of the sandbox `id` among a server's sandboxes. */
export function grantControls(sandboxes: readonly Sandbox[], id: string): GrantControls {
  const found = sandboxes.find((s) => s.id === id) as Partial<ControlledSandbox> | undefined;
  if (!found?.controls) throw new Error(`The ${id} sandbox has no grant controls`);
  return found.controls;
}

/** The token ledger of the sandbox `id` (one that rotates refresh tokens). */
export function tokenLedger(sandboxes: readonly Sandbox[], id: string): TokenLedger {
  const found = sandboxes.find((s) => s.id === id) as Partial<ControlledSandbox> | undefined;
  if (!found?.ledger) throw new Error(`The ${id} sandbox keeps no token ledger`);
  return found.ledger;
}
