/** The wizard's last screen: the account is set up. */
import type { AccountView } from '#shared/http/schemas.js';
import { navigate } from '../router.js';

export function SetupComplete({ account }: { account: AccountView }) {
  return (
    <>
      <h1>Done</h1>
      <p role="status">{account.name} is set up: its sales, fees and taxes will be imported into your books with the accounts you chose.</p>
      <div className="actions left">
        <button type="button" className="primary" onClick={() => navigate(`/accounts/${account.id}`)}>
          View account
        </button>
        <button type="button" onClick={() => navigate('/accounts/new')}>
          Add new account
        </button>
      </div>
    </>
  );
}
