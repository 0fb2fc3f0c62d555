/** The wizard, opened at the account's saved step; the connect step is drawn from the channel's definition. */
import { useState } from 'react';
import { CONNECT_ERROR_CODES, connectErrorMessage, type ConnectErrorCode } from '#shared/connect-errors.js';
import type { AccountView, CatalogResponse } from '#shared/schemas.js';
import { stepLabel } from '#shared/wizard.js';
import { api } from '../api.js';
import { Alert, ProgressBar } from '../components.js';
import { STATUS_TEXT, stageIndex, toErrors, useAccount, useCatalog } from '../hooks.js';
import { navigate } from '../router.js';
import { AccountsAndTaxes } from './accounts-and-taxes.js';
import { BooksConnected, ChooseOrganisation, ConnectBooks } from './books.js';
import { ConnectWithKeys, useStoreReturnCleared } from './connect-keys.js';

/** The reason a provider's callback sent the seller back, from `?connect_error=`, if it is one we know. */
export function connectErrorCode(search: string): ConnectErrorCode | undefined {
  const code = new URLSearchParams(search).get('connect_error');
  return (CONNECT_ERROR_CODES as readonly string[]).includes(code ?? '') ? (code as ConnectErrorCode) : undefined;
}

function ConnectChannel({ account, channel, onConnected }: { account: AccountView; channel: CatalogResponse['channels'][number]; onConnected: (a: AccountView) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const returned = connectErrorCode(window.location.search);
  const connect = async () => {
    setBusy(true);
    setError(null);
    try {
      const { authorizeUrl } = await api.connectChannel(account.id);
      // The provider's own page: the seller signs in there and comes back to the callback.
      window.location.assign(authorizeUrl);
    } catch (err) {
      setError(toErrors(err).message ?? null);
      setBusy(false);
    }
  };
  const shop = account.fields.find((f) => f.key === 'shopDomain')?.value;
  return (
    <>
      <h1>Connect Sales Channel</h1>
      {returned && (
        <Alert>
          {connectErrorMessage(returned, { provider: channel.name, button: channel.connect.button, region: account.region?.name, shop })}
        </Alert>
      )}
      {error && <Alert>{error}</Alert>}
      <p>
        Connect {account.name} to Onramp through {channel.name}
        {account.region ? ` (${account.region.name})` : ''}.
      </p>
      <p>{channel.connect.explanation}</p>
      {channel.kind === 'api-keys' && channel.keys ? (
        <ConnectWithKeys account={account} channel={channel} keys={channel.keys} onConnected={onConnected} />
      ) : (
        <button type="button" className="primary" disabled={busy} onClick={() => void connect()}>
          {channel.connect.button}
        </button>
      )}
    </>
  );
}

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
      {step === 'complete' && (
        <>
          <h1>Done</h1>
          <p role="status">{account.name} is set up: its sales, fees and taxes will be imported into your books with the accounts you chose.</p>
          <div className="actions left">
            <button type="button" className="primary" onClick={() => navigate(`/accounts/${id}`)}>
              View account
            </button>
            <button type="button" onClick={() => navigate('/accounts/new')}>
              Add new account
            </button>
          </div>
        </>
      )}
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
