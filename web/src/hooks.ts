/** Data hooks and form helpers the screens share. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AccountView, CatalogResponse } from '#shared/http/schemas.js';
import { PROGRESS_STAGES } from '#shared/domain/wizard.js';
import { api, ApiError } from './api.js';

export type Errors = { message?: string; fields: Record<string, string> };
export const noErrors: Errors = { fields: {} };
export const toErrors = (err: unknown): Errors =>
  err instanceof ApiError ? { message: err.message, fields: err.fields } : { message: 'Something went wrong. Please try again.', fields: {} };

/** What an action returns when it has sent the browser to another page (a provider's consent, the store's approval): it stays busy until the page goes. */
export const LEAVING = Symbol('leaving');
export function leavePage(url: string): typeof LEAVING {
  window.location.assign(url);
  return LEAVING;
}

/**
 * An action the seller starts (a submit, a button): busy while it runs, a
 * second start ignored until it is done, and its failure kept as the API's
 * sentence (`error`) and the fields to mark (`errors.fields`), never a stack
 * trace. An action that leaves the page (`return leavePage(url)`) stays busy.
 */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>) {
  const [errors, setErrors] = useState<Errors>(noErrors);
  const [busy, setBusy] = useState(false);
  // A ref, not the state: two clicks in one frame both see `busy` false.
  const running = useRef(false);
  const run = async (...args: A): Promise<void> => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setErrors(noErrors);
    try {
      if ((await action(...args)) === LEAVING) return;
    } catch (err) {
      setErrors(toErrors(err));
    }
    running.current = false;
    setBusy(false);
  };
  /** A form's `onSubmit`, for an action that takes no arguments. */
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    void (run as () => Promise<void>)();
  };
  return { busy, errors, error: errors.message, run, submit };
}

export function useCatalog() {
  const [catalog, setCatalog] = useState<CatalogResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.catalog().then(setCatalog, (err: unknown) => setError(toErrors(err).message ?? null));
  }, []);
  return { catalog, error };
}

export function useAccount(id: string) {
  const [account, setAccount] = useState<AccountView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.account(id).then((r) => setAccount(r.account), (err: unknown) => setError(toErrors(err).message ?? null));
  }, [id]);
  return { account, setAccount, error };
}

export const stageIndex = (a: AccountView) => PROGRESS_STAGES.findIndex((s) => s.step === a.setup.step);

export const STATUS_TEXT: Record<AccountView['setup']['status'], string> = {
  active: 'in progress',
  paused: 'paused',
  complete: 'complete',
};
