/**
 * Accounts & Taxes: an account for each category of the channel's money, a
 * tax rate for each marketplace country, and the date to import from, all
 * from the live chart, with a suggestion for every field. The seller's
 * choices are kept in this browser as they go, so leaving loses nothing.
 */
import { useEffect, useMemo, useState } from 'react';
import type { AccountView, ChartResponse, MappingRequest } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert, Field } from '../components.js';
import { toErrors, useAction } from '../hooks.js';
import { RecommendedAccounts } from './recommended-accounts.js';

type Draft = { accounts: Record<string, string>; taxRates: Record<string, string>; startDate: string };
const draftKey = (accountId: string) => `onramp:mapping:${accountId}`;

function loadDraft(accountId: string): Draft | null {
  try {
    const raw = window.localStorage.getItem(draftKey(accountId));
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

/** One category's account picker, with a search when the list is long. */
function AccountPicker(props: {
  id: string;
  label: string;
  options: ChartResponse['chart']['accounts'];
  value: string;
  suggested: string | undefined;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  const [search, setSearch] = useState('');
  const shown = props.options.filter((o) => o.id === props.value || `${o.code ?? ''} ${o.name}`.toLowerCase().includes(search.trim().toLowerCase()));
  return (
    <div className="picker">
      {props.options.length > 8 && (
        <div className="field search">
          <label htmlFor={`${props.id}-search`}>Search accounts for {props.label}</label>
          <input id={`${props.id}-search`} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
      )}
      <Field id={props.id} label={props.label} hint={props.value && props.value === props.suggested ? 'Suggested' : undefined} error={props.error}>
        {(a) => (
          <select {...a} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
            <option value="">Choose an account</option>
            {shown.map((o) => (
              <option key={o.id} value={o.id}>
                {o.code ? `${o.code} ` : ''}
                {o.name} ({o.type.toLowerCase()}){o.id === props.suggested ? ' (suggested)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}

export function AccountsAndTaxes({ account, onSaved, submitLabel = 'Finish setup' }: { account: AccountView; onSaved: (a: AccountView) => void; submitLabel?: string }) {
  const [chart, setChart] = useState<ChartResponse | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);

  useEffect(() => {
    api.chart(account.id).then(
      (c) => {
        setChart(c);
        // The seller's earlier choices first, then the saved mapping, then the suggestions.
        const base = c.saved ?? c.suggestions;
        const earlier = loadDraft(account.id);
        setDraft({
          accounts: { ...base.accounts, ...(earlier?.accounts ?? {}) } as Record<string, string>,
          taxRates: { ...base.taxRates, ...(earlier?.taxRates ?? {}) },
          startDate: earlier?.startDate ?? base.startDate,
        });
      },
      (err: unknown) => setLoadError(toErrors(err).message ?? null),
    );
  }, [account.id]);

  const { errors, busy, submit } = useAction(async () => {
    const { account: after } = await api.saveMapping(account.id, draft as MappingRequest);
    window.localStorage.removeItem(draftKey(account.id));
    onSaved(after);
  });
  const byId = useMemo(() => new Map((chart?.chart.accounts ?? []).map((a) => [a.id, a])), [chart]);
  if (loadError) return <Alert>{loadError}</Alert>;
  if (!chart || !draft) return <p role="status">Loading your chart of accounts…</p>;

  const update = (next: Draft) => {
    setDraft(next);
    try {
      window.localStorage.setItem(draftKey(account.id), JSON.stringify(next));
    } catch {
      // Private browsing: the choices are kept on this page only.
    }
  };
  const groups = [...new Set(chart.categories.map((c) => c.group))];
  return (
    <>
      <RecommendedAccounts
        accountId={account.id}
        onCreated={(after, results) => {
          // The new (or already there) accounts, suggested and chosen for their lines; the seller's other choices kept.
          setChart(after);
          const accounts = { ...draft.accounts };
          for (const r of results) if (r.accountId) accounts[r.category] = r.accountId;
          update({ ...draft, accounts });
        }}
      />
      <form onSubmit={submit} noValidate aria-describedby="mapping-intro">
        <p id="mapping-intro">
          From <strong>{chart.organisation}</strong> in {chart.platform}. We suggested an account for each line; check them and change any you want. Nothing is
          written to your books until sales are imported, apart from accounts you ask Onramp to create.
        </p>
        {errors.message && <Alert>{errors.message}</Alert>}
        {groups.map((group) => (
          <fieldset key={group}>
            <legend>{group}</legend>
            {chart.categories
              .filter((c) => c.group === group)
              .map((c) => (
                <AccountPicker
                  key={c.id}
                  id={`account-${c.id}`}
                  label={c.label}
                  options={c.accountIds.map((id) => byId.get(id)!).filter(Boolean)}
                  value={draft.accounts[c.id] ?? ''}
                  suggested={chart.suggestions.accounts[c.id as keyof typeof chart.suggestions.accounts]}
                  error={errors.fields[`accounts.${c.id}`]}
                  onChange={(v) => update({ ...draft, accounts: { ...draft.accounts, [c.id]: v } })}
                />
              ))}
          </fieldset>
        ))}
        <fieldset>
          <legend>Tax rates by marketplace country</legend>
          {chart.countries.map((country) => (
            <Field
              key={country.code}
              id={`tax-${country.code}`}
              label={`Tax rate for ${country.name}`}
              hint={draft.taxRates[country.code] === chart.suggestions.taxRates[country.code] ? 'Suggested' : undefined}
              error={errors.fields[`taxRates.${country.code}`]}
            >
              {(a) => (
                <select {...a} value={draft.taxRates[country.code] ?? ''} onChange={(e) => update({ ...draft, taxRates: { ...draft.taxRates, [country.code]: e.target.value } })}>
                  <option value="">Choose a tax rate</option>
                  {chart.chart.taxRates
                    .filter((r) => r.active)
                    .map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.name}
                        {r.id === chart.suggestions.taxRates[country.code] ? ' (suggested)' : ''}
                      </option>
                    ))}
                </select>
              )}
            </Field>
          ))}
        </fieldset>
        <Field id="start-date" label="Import sales from" hint="Suggested: the first day of this month" error={errors.fields.startDate}>
          {(a) => <input {...a} type="date" value={draft.startDate} onChange={(e) => update({ ...draft, startDate: e.target.value })} />}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
      </form>
    </>
  );
}
