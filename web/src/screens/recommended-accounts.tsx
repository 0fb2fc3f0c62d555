/**
 * Create recommended accounts, on Accounts & Taxes: where the seller's chart
 * has no good account for a line, the accounts Onramp would create (name,
 * code, type, tax rate), created in the books only when the seller confirms
 * them, each one's outcome, and then the new accounts suggested for their
 * lines. A connection that may only read the chart reconnects first, asking
 * permission to add accounts; the connection and the mapping are kept.
 */
import { useEffect, useRef, useState } from 'react';
import type { ChartResponse, CreateRecommendedResponse, RecommendedResponse } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert } from '../components.js';
import { leavePage, toErrors, useAction } from '../hooks.js';

const STATUS_WORDS: Record<CreateRecommendedResponse['results'][number]['status'], string> = {
  created: 'Created',
  already_present: 'Already there',
  failed: 'Not created',
};

export function RecommendedAccounts({ accountId, onCreated }: { accountId: string; onCreated: (chart: ChartResponse, results: CreateRecommendedResponse['results']) => void }) {
  const [view, setView] = useState<RecommendedResponse | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [results, setResults] = useState<CreateRecommendedResponse['results'] | null>(null);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const outcomeHeading = useRef<HTMLHeadingElement>(null);

  const load = () =>
    api.recommended(accountId).then(
      (v) => {
        setView(v);
        setChosen(new Set(v.accounts.map((a) => a.category)));
      },
      (err: unknown) => setLoadError(toErrors(err).message ?? null),
    );
  useEffect(() => {
    void load();
  }, [accountId]);
  useEffect(() => {
    if (confirming) confirmHeading.current?.focus();
  }, [confirming]);
  useEffect(() => {
    if (results) outcomeHeading.current?.focus();
  }, [results]);

  const reconnect = useAction(async () => leavePage((await api.reconnectBooksWithWrite(accountId)).authorizeUrl));
  const create = useAction(async () => {
    const done = await api.createRecommended(accountId, [...chosen]);
    setResults(done.results);
    setConfirming(false);
    onCreated(done.chart, done.results);
    await load();
  });

  if (loadError) return <Alert>{loadError}</Alert>;
  if (!view || (view.accounts.length === 0 && !results)) return null;
  const shown = view.accounts;
  return (
    <section className="recommended" aria-labelledby="recommended-heading">
      <h2 id="recommended-heading">Accounts Onramp can create</h2>
      {shown.length > 0 && (
        <p>
          {view.organisation} has no good account for {shown.map((a) => a.line.toLowerCase()).join(', ')}. Onramp can create {shown.length === 1 ? 'one' : 'them'} in{' '}
          {view.platform} for you; nothing is added until you confirm.
        </p>
      )}
      {results && (
        <div className="outcome">
          <h3 ref={outcomeHeading} tabIndex={-1}>
            What happened in {view.platform}
          </h3>
          <ul aria-label={`Accounts created in ${view.platform}`}>
            {results.map((r) => (
              <li key={r.category}>
                <strong>
                  {STATUS_WORDS[r.status]}: {r.code} {r.name}
                </strong>{' '}
                ({r.line}). {r.message}
              </li>
            ))}
          </ul>
          {results.some((r) => r.status !== 'failed') && <p role="status">The accounts in your books are now suggested for their lines below.</p>}
        </div>
      )}
      {shown.length > 0 && !view.canWrite && (
        <>
          <p>{view.permission}</p>
          {reconnect.error && <Alert>{reconnect.error}</Alert>}
          <button type="button" disabled={reconnect.busy} onClick={() => void reconnect.run()}>
            Reconnect with permission to add accounts
          </button>
        </>
      )}
      {shown.length > 0 && view.canWrite && !confirming && (
        <button type="button" onClick={() => setConfirming(true)}>
          {results ? 'Try again' : 'Create recommended accounts'}
        </button>
      )}
      {shown.length > 0 && view.canWrite && confirming && (
        <div className="confirm" role="group" aria-labelledby="recommended-confirm">
          <h3 id="recommended-confirm" ref={confirmHeading} tabIndex={-1}>
            Create these accounts in {view.platform}?
          </h3>
          {create.error && <Alert>{create.error}</Alert>}
          <ul className="choices">
            {shown.map((a) => (
              <li key={a.category}>
                <input
                  type="checkbox"
                  id={`recommended-${a.category}`}
                  checked={chosen.has(a.category)}
                  aria-describedby={`recommended-${a.category}-details`}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(a.category);
                    else next.delete(a.category);
                    setChosen(next);
                  }}
                />{' '}
                <label htmlFor={`recommended-${a.category}`}>
                  {a.code} {a.name}
                </label>
                <p id={`recommended-${a.category}-details`} className="hint">
                  For {a.line.toLowerCase()}. Type {a.type}
                  {a.taxRate ? `, tax rate ${a.taxRate}` : ''}.
                </p>
              </li>
            ))}
          </ul>
          <button type="button" className="primary" disabled={create.busy || chosen.size === 0} onClick={() => void create.run()}>
            {chosen.size === 1 ? 'Create 1 account' : `Create ${chosen.size} accounts`}
          </button>{' '}
          <button type="button" disabled={create.busy} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}
