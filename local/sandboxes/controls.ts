/** Shared plumbing for the sandboxes' grant controls (`GrantControls` in `types.ts`) and the books sandboxes' controls (`BooksControls`). */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BooksControls, ControlledSandbox, CreateRequestRecord, GrantControls, Sandbox, SandboxContext, SandboxResponse, TokenLedger } from './types.js';

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

/** The books controls of the sandbox `id` (one that keeps books: Xero, QuickBooks). */
export function booksControls(sandboxes: readonly Sandbox[], id: string): BooksControls {
  const found = sandboxes.find((s) => s.id === id) as Partial<ControlledSandbox> | undefined;
  if (!found?.books) throw new Error(`The ${id} sandbox keeps no books`);
  return found.books;
}

/** Which account-create requests fail (`failNthCreate`): counted from the first create request the sandbox would carry out. */
export function createFaults() {
  let seen = 0;
  const failing = new Set<number>();
  return {
    failNth(nth: number) {
      if (!Number.isInteger(nth) || nth < 1) throw new Error(`failNthCreate needs a whole number from 1, not ${nth}`);
      failing.add(seen + nth);
    },
    clear() {
      failing.clear();
    },
    /** Counts one more create request; true when it is one set to fail. */
    next(): boolean {
      seen += 1;
      return failing.delete(seen);
    },
  };
}

/** The account-create requests each organisation (or company) received, for `createRequests`. */
export function createLog() {
  const byOrg = new Map<string, CreateRequestRecord[]>();
  return {
    add(org: string, record: CreateRequestRecord) {
      const list = byOrg.get(org) ?? [];
      list.push(record);
      byOrg.set(org, list);
    },
    list: (org: string): readonly CreateRequestRecord[] => [...(byOrg.get(org) ?? [])],
  };
}
