/**
 * Connect Sales Channel: drawn from the channel's definition as the catalog
 * describes it, for the account's region today: the provider's consent, the
 * keys form, or both (the consent first, keys as the other way), and where
 * keys were the way and the provider retired them, a sentence saying so.
 */
import { connectErrorMessage } from '#shared/domain/connect-errors.js';
import type { AccountView, CatalogResponse } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert } from '../components.js';
import { leavePage, useAction } from '../hooks.js';
import { waysOf } from '#shared/providers/ways.js';
import { connectErrorCode } from '../returns.js';
import { ConnectWithKeys } from './connect-keys.js';
import { InviteSomeone } from './invitations.js';

export function ConnectChannel({ account, channel, onConnected }: { account: AccountView; channel: CatalogResponse['channels'][number]; onConnected: (a: AccountView) => void }) {
  const returned = connectErrorCode(window.location.search);
  const { busy, error, run: connect } = useAction(async () => {
    const { authorizeUrl } = await api.connectChannel(account.id);
    // The provider's own page: the seller signs in there and comes back to the callback.
    return leavePage(authorizeUrl);
  });
  const shop = account.fields.find((f) => f.key === 'shopDomain')?.value;
  const ways = waysOf(channel, account.region?.id, new Date());
  const keysForm = ways.keys && channel.keys ? <ConnectWithKeys account={account} channel={channel} keys={channel.keys} onConnected={onConnected} otherWay={ways.oauth} /> : null;
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
      <p>{ways.oauth || !channel.keys?.explanation ? channel.connect.explanation : channel.keys.explanation}</p>
      {ways.oauth && (
        <button type="button" className="primary" disabled={busy} onClick={() => void connect()}>
          {channel.connect.button}
        </button>
      )}
      {ways.keysRetired && <p>{ways.keysRetired}</p>}
      {keysForm && ways.oauth && channel.keys?.explanation && <p>{channel.keys.explanation}</p>}
      {keysForm}
      {(ways.oauth || keysForm) && <InviteSomeone account={account} step="channel" />}
    </>
  );
}
