/** Connect Bookkeeping's success screen, before Accounts & Taxes. */
import type { AccountView } from '#shared/http/schemas.js';
import { navigate } from '../router.js';

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
