/** Change Accounts & Taxes: the mapping of an account already set up (checked against the live chart, as in the wizard). */
import { Alert } from '../components.js';
import { useAccount } from '../hooks.js';
import { navigate } from '../router.js';
import { AccountsAndTaxes } from './accounts-and-taxes.js';

export function ChangeMapping({ id }: { id: string }) {
  const { account, error } = useAccount(id);
  if (error) return <main className="card"><Alert>{error}</Alert></main>;
  if (!account) return <main className="card"><p role="status">Loading…</p></main>;
  return (
    <main className="card">
      <h1>Accounts &amp; Taxes for {account.name}</h1>
      <AccountsAndTaxes account={account} submitLabel="Save changes" onSaved={() => navigate(`/accounts/${id}`)} />
    </main>
  );
}
