/** The seller's accounts, or a welcome to the first one. */
import { useEffect, useState } from 'react';
import type { AccountView } from '#shared/http/schemas.js';
import { stepLabel } from '#shared/domain/wizard.js';
import { api } from '../api.js';
import { Alert, ProgressBar } from '../components.js';
import { connectErrorMessage } from '#shared/domain/connect-errors.js';
import { toErrors } from '../hooks.js';
import { connectErrorCode } from '../returns.js';
import { navigate } from '../router.js';
import { HealthSummary } from './connection-health.js';

export function AccountList() {
  const [accounts, setAccounts] = useState<AccountView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.accounts().then((r) => setAccounts(r.accounts), (err: unknown) => setError(toErrors(err).message ?? null));
  }, []);
  const returned = connectErrorCode(window.location.search);
  const notice = returned ? <Alert>{connectErrorMessage(returned, { provider: 'the provider', button: 'Continue setup' })}</Alert> : null;
  if (error) return <main className="card"><Alert>{error}</Alert></main>;
  if (!accounts) return <main className="card"><p role="status">Loading…</p></main>;
  if (accounts.length === 0) {
    return (
      <main className="card">
        <ProgressBar current={1} />
        <h1>Welcome to Onramp</h1>
        {notice}
        <p>Start by choosing the sales channel you want to connect to your books.</p>
        <button type="button" className="primary" onClick={() => navigate('/accounts/new')}>
          Choose a sales channel
        </button>
      </main>
    );
  }
  return (
    <main className="card">
      <h1>Your accounts</h1>
      {notice}
      <ul className="accounts" aria-label="Your accounts">
        {accounts.map((a) => (
          <li key={a.id}>
            <a href={`/accounts/${a.id}`} onClick={(e) => { e.preventDefault(); navigate(`/accounts/${a.id}`); }}>
              {a.name}
            </a>
            <span className="muted">
              {' '}
              {a.channelName}
              {a.region ? ` \u00b7 ${a.region.name}` : ''}
              {' \u00b7 '}
              {a.setup.status === 'complete' ? 'Set up' : `Setup: ${stepLabel(a.setup.step)} (${a.setup.status})`}
            </span>
            <HealthSummary account={a} />
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => navigate('/accounts/new')}>
        Add new account
      </button>
    </main>
  );
}
