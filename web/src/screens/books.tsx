/** Connect Bookkeeping: Xero or QuickBooks, books already connected to another account, the organisation to use, and the success screen. */
import { useEffect, useState, type FormEvent } from 'react';
import { connectErrorMessage } from '#shared/connect-errors.js';
import type { AccountView, CatalogResponse } from '#shared/schemas.js';
import { api } from '../api.js';
import { Alert } from '../components.js';
import { toErrors } from '../hooks.js';
import { navigate } from '../router.js';
import { connectErrorCode } from './setup.js';

/** Books the seller's other accounts already connected: `{reference, label, platform}`, one per organisation. */
function useReusableBooks(account: AccountView) {
  const [books, setBooks] = useState<{ reference: string; label: string; provider: string }[]>([]);
  useEffect(() => {
    api.accounts().then(
      ({ accounts }) => {
        const seen = new Map<string, { reference: string; label: string; provider: string }>();
        for (const a of accounts) {
          if (a.id === account.id) continue;
          for (const c of a.connections) if (c.kind === 'books' && c.reference && !seen.has(c.reference)) seen.set(c.reference, { reference: c.reference, label: c.label, provider: c.provider });
        }
        setBooks([...seen.values()]);
      },
      () => undefined,
    );
  }, [account.id]);
  return books;
}

export function ConnectBooks({ account, catalog, onChange }: { account: AccountView; catalog: CatalogResponse; onChange: (a: AccountView) => void }) {
  const reusable = useReusableBooks(account);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const returned = connectErrorCode(window.location.search);
  const channel = account.connections.find((c) => c.kind === 'channel');
  const run = async (body: { provider: string } | { reuse: string }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await api.connectBooks(account.id, body);
      if ('authorizeUrl' in res) window.location.assign(res.authorizeUrl);
      else {
        onChange(res.account);
        navigate(`/accounts/${account.id}/setup?connected=books`);
      }
    } catch (err) {
      setError(toErrors(err).message ?? null);
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Connect Bookkeeping</h1>
      {returned && (
        <Alert>{connectErrorMessage(returned, { provider: 'your bookkeeping software', button: 'Connect to Xero" or "Connect to QuickBooks' })}</Alert>
      )}
      {error && <Alert>{error}</Alert>}
      <p role="status">
        {channel ? `Connected ${channel.label}.` : `${account.channelName} is connected.`} Now choose the bookkeeping software your sales should be posted to.
      </p>
      {channel?.alsoConnectedTo && (
        <p className="notice">This is also connected to your account "{channel.alsoConnectedTo}". Both accounts will import the same sales.</p>
      )}
      {reusable.length > 0 && (
        <section aria-labelledby="reuse-books">
          <h2 id="reuse-books">Books you already connected</h2>
          <div className="actions left">
            {reusable.map((b) => (
              <button key={b.reference} type="button" className="primary" disabled={busy} onClick={() => void run({ reuse: b.reference })}>
                Use {b.label}, already connected
              </button>
            ))}
          </div>
        </section>
      )}
      <section aria-labelledby="new-books">
        <h2 id="new-books">{reusable.length > 0 ? 'Or connect other books' : 'Your bookkeeping software'}</h2>
        {catalog.books.map((b) => (
          <p key={b.id}>{b.connect.explanation}</p>
        ))}
        <div className="actions left">
          {catalog.books.map((b) => (
            <button key={b.id} type="button" className={reusable.length > 0 ? undefined : 'primary'} disabled={busy} onClick={() => void run({ provider: b.id })}>
              {b.connect.button}
            </button>
          ))}
        </div>
      </section>
    </>
  );
}

export function ChooseOrganisation({ account, onChange }: { account: AccountView; onChange: (a: AccountView) => void }) {
  const choices = account.pendingOrganisations ?? [];
  const [chosen, setChosen] = useState(choices[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const { account: after } = await api.chooseOrganisation(account.id, chosen);
      onChange(after);
      navigate(`/accounts/${account.id}/setup?connected=books`);
    } catch (err) {
      setError(toErrors(err).message ?? null);
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Connect Bookkeeping</h1>
      {error && <Alert>{error}</Alert>}
      <form onSubmit={(e) => void submit(e)}>
        <fieldset>
          <legend>You allowed access to more than one organisation. Which one should {account.name} post to?</legend>
          {choices.map((c) => (
            <div key={c.id} className="choice">
              <input type="radio" id={`org-${c.id}`} name="organisation" value={c.id} checked={chosen === c.id} onChange={() => setChosen(c.id)} />
              <label htmlFor={`org-${c.id}`}>{c.name}</label>
            </div>
          ))}
        </fieldset>
        <p className="muted">Only the organisation you choose stays connected to Onramp.</p>
        <button type="submit" className="primary" disabled={busy || !chosen}>
          Continue
        </button>
      </form>
    </>
  );
}

export function BooksConnected({ account }: { account: AccountView }) {
  const books = account.connections.find((c) => c.kind === 'books');
  return (
    <>
      <h1>Successfully connected</h1>
      <p role="status">
        {account.name} is connected to <strong>{books?.label ?? 'your books'}</strong>. Next, choose where its sales, fees and taxes go.
      </p>
      <button type="button" className="primary" autoFocus onClick={() => navigate(`/accounts/${account.id}/setup`)}>
        Continue
      </button>
    </>
  );
}
