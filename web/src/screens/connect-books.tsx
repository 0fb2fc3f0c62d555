/** Connect Bookkeeping: Xero or QuickBooks, or books already connected to another of the seller's accounts. */
import { useEffect, useState } from 'react';
import { connectErrorMessage } from '#shared/domain/connect-errors.js';
import type { AccountView, CatalogResponse } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert } from '../components.js';
import { leavePage, useAction } from '../hooks.js';
import { InviteSomeone } from './invitations.js';
import { connectErrorCode } from '../returns.js';
import { navigate } from '../router.js';

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
  const returned = connectErrorCode(window.location.search);
  const channel = account.connections.find((c) => c.kind === 'channel');
  const { busy, error, run } = useAction(async (body: { provider: string } | { reuse: string }) => {
    const res = await api.connectBooks(account.id, body);
    if ('authorizeUrl' in res) return leavePage(res.authorizeUrl);
    onChange(res.account);
    navigate(`/accounts/${account.id}/setup?connected=books`);
  });
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
      <InviteSomeone account={account} step="books" />
    </>
  );
}
