/** The wizard, opened at the account's saved step: one screen per step, under the progress bar. */
import { stepLabel } from '#shared/domain/wizard.js';
import { Alert, ProgressBar } from '../components.js';
import { STATUS_TEXT, stageIndex, useAccount, useCatalog } from '../hooks.js';
import { navigate } from '../router.js';
import { AccountsAndTaxes } from './accounts-and-taxes.js';
import { BooksConnected } from './books-connected.js';
import { ChooseOrganisation } from './choose-organisation.js';
import { ConnectBooks } from './connect-books.js';
import { ConnectChannel } from './connect-channel.js';
import { useStoreReturnCleared } from '../returns.js';
import { SetupComplete } from './setup-complete.js';

export function Setup({ id }: { id: string }) {
  const { account, setAccount, error } = useAccount(id);
  useStoreReturnCleared(account);
  const { catalog, error: catalogError } = useCatalog();
  const justConnected = new URLSearchParams(window.location.search).get('connected') === 'books';
  if (error || catalogError) return <main className="card"><Alert>{error ?? catalogError}</Alert></main>;
  if (!account || !catalog) return <main className="card"><p role="status">Loading…</p></main>;
  const channel = catalog.channels.find((c) => c.id === account.channel);
  const step = account.setup.step;
  return (
    <main className="card">
      <ProgressBar current={stageIndex(account)} />
      {step === 'connect_channel' && channel && <ConnectChannel account={account} channel={channel} onConnected={setAccount} />}
      {step === 'connect_bookkeeping' && account.pendingOrganisations && <ChooseOrganisation account={account} onChange={setAccount} />}
      {step === 'connect_bookkeeping' && !account.pendingOrganisations && <ConnectBooks account={account} catalog={catalog} onChange={setAccount} />}
      {step === 'accounts_and_taxes' && justConnected && <BooksConnected account={account} />}
      {step === 'accounts_and_taxes' && !justConnected && (
        <>
          <h1>Accounts &amp; Taxes</h1>
          <AccountsAndTaxes account={account} onSaved={(a) => setAccount(a)} />
        </>
      )}
      {step === 'complete' && <SetupComplete account={account} />}
      <p>
        Setup: {stepLabel(step)} ({STATUS_TEXT[account.setup.status]})
      </p>
      <p>
        <a href={`/accounts/${id}`} onClick={(e) => { e.preventDefault(); navigate(`/accounts/${id}`); }}>
          Account settings
        </a>
      </p>
    </main>
  );
}
