/** Connect Sales Channel: drawn from the channel's definition (the provider's consent, or the keys form of a keys channel). */
import { connectErrorMessage } from '#shared/domain/connect-errors.js';
import type { AccountView, CatalogResponse } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert } from '../components.js';
import { leavePage, useAction } from '../hooks.js';
import { connectErrorCode } from '../returns.js';
import { ConnectWithKeys } from './connect-keys.js';

export function ConnectChannel({ account, channel, onConnected }: { account: AccountView; channel: CatalogResponse['channels'][number]; onConnected: (a: AccountView) => void }) {
  const returned = connectErrorCode(window.location.search);
  const { busy, error, run: connect } = useAction(async () => {
    const { authorizeUrl } = await api.connectChannel(account.id);
    // The provider's own page: the seller signs in there and comes back to the callback.
    return leavePage(authorizeUrl);
  });
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
