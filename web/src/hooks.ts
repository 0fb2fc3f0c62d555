/** Data hooks and form helpers the screens share. */
import { useEffect, useState, type FormEvent } from 'react';
import type { AccountView, CatalogResponse } from '#shared/schemas.js';
import { PROGRESS_STAGES } from '#shared/wizard.js';
import { api, ApiError } from './api.js';

export type Errors = { message?: string; fields: Record<string, string> };
export const noErrors: Errors = { fields: {} };
export const toErrors = (err: unknown): Errors =>
  err instanceof ApiError ? { message: err.message, fields: err.fields } : { message: 'Something went wrong. Please try again.', fields: {} };

/** A form's submit: busy while it runs, the API's errors kept for the fields. */
export function useSubmit(action: () => Promise<void>) {
  const [errors, setErrors] = useState<Errors>(noErrors);
  const [busy, setBusy] = useState(false);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setErrors(noErrors);
    try {
      await action();
    } catch (err) {
      setErrors(toErrors(err));
    } finally {
      setBusy(false);
    }
  };
  return { errors, busy, submit };
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
