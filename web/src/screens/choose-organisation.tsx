/** Connect Bookkeeping, when the seller allowed access to more than one organisation: the one this account posts to. */
import { useState } from 'react';
import type { AccountView } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert } from '../components.js';
import { useAction } from '../hooks.js';
import { navigate } from '../router.js';

export function ChooseOrganisation({ account, onChange }: { account: AccountView; onChange: (a: AccountView) => void }) {
  const choices = account.pendingOrganisations ?? [];
  const [chosen, setChosen] = useState(choices[0]?.id ?? '');
  const { busy, error, submit } = useAction(async () => {
    const { account: after } = await api.chooseOrganisation(account.id, chosen);
    onChange(after);
    navigate(`/accounts/${account.id}/setup?connected=books`);
  });
  return (
    <>
      <h1>Connect Bookkeeping</h1>
      {error && <Alert>{error}</Alert>}
      <form onSubmit={submit}>
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
