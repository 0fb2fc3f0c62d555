/** Connection health on Account Settings (with Reconnect) and in the account list. */
import { useState } from 'react';
import { connectErrorMessage } from '#shared/domain/connect-errors.js';
import { findProvider } from '#shared/providers/index.js';
import type { AccountView, CatalogResponse } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert } from '../components.js';
import { leavePage, useAction } from '../hooks.js';
import { connectErrorCode } from '../returns.js';
import { waysOf } from '#shared/providers/ways.js';
import { readReturn } from '../returns.js';
import { ConnectWithKeys } from './connect-keys.js';

type Connection = AccountView['connections'][number];
type Channel = CatalogResponse['channels'][number];

/** Back from the store's approval page after a one-click reconnect (the form waits there for the keys). */
const backFromStore = (kind: string) => new URLSearchParams(window.location.search).get('reconnect') === kind && readReturn(window.location.search) !== undefined;

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

/**
 * A connection's health in words, and Reconnect when the seller has something
 * to do: the provider's consent again, or, for a keys channel (`channel` is
 * its catalog entry), the form for new keys, in place.
 */
export function ConnectionHealth({
  account,
  connection,
  channel,
  onReconnected,
}: {
  account: AccountView;
  connection: Connection;
  channel?: Channel | undefined;
  onReconnected?: (account: AccountView) => void;
}) {
  const ways = channel ? waysOf(channel, account.region?.id, new Date()) : undefined;
  // New keys in place of the old, where the channel takes keys in this region today.
  const keys = connection.kind === 'channel' && ways?.keys ? channel?.keys : undefined;
  // By consent where the channel connects that way (the books always do); keys otherwise.
  const byConsent = connection.kind === 'books' || !keys || !!ways?.oauth;
  // Open from the start when back from the store (the catalog, and so `keys`, may come a moment later).
  const [keysOpen, setKeysOpen] = useState(() => backFromStore(connection.kind));
  const consent = useAction(async () => {
    const { authorizeUrl } = await api.reconnect(account.id, connection.kind);
    // The provider's own consent page; it comes back to this account.
    return leavePage(authorizeUrl);
  });
  const health = connection.health;
  if (!health) return null;
  const messageId = `health-${connection.kind}`;
  const reconnect = () => (byConsent ? void consent.run() : setKeysOpen(true));
  return (
    <div className={`health ${health.state}`}>
      <p id={messageId}>
        <strong>{health.label}</strong>
        {health.state === 'expiring_soon' && health.expiresAt ? ` (until ${day(health.expiresAt)})` : ''}
        {health.state === 'connected' ? '' : `: ${health.message}`}
      </p>
      {health.state !== 'connected' && !(keys && keysOpen) && (
        <button type="button" className={health.state === 'needs_reconnecting' ? 'primary' : ''} disabled={consent.busy} aria-describedby={messageId} onClick={reconnect}>
          Reconnect
        </button>
      )}
      {health.state !== 'connected' && byConsent && keys && !keysOpen && (
        <button type="button" aria-describedby={messageId} onClick={() => setKeysOpen(true)}>
          Reconnect with keys instead
        </button>
      )}
      {consent.error && <Alert>{consent.error}</Alert>}
      {keys && channel && keysOpen && (
        <ConnectWithKeys
          account={account}
          channel={channel}
          keys={keys}
          purpose="reconnect"
          onConnected={(after) => {
            setKeysOpen(false);
            // The outcome reads like a consent's: "Reconnected …", everything kept.
            window.history.replaceState(null, '', `${window.location.pathname}?reconnected=${connection.kind}`);
            onReconnected?.(after);
          }}
        />
      )}
    </div>
  );
}

/** What came of a reconnect the seller just went through, read from the address the provider sent them back to. */
export function ReconnectOutcome({ account }: { account: AccountView }) {
  const search = window.location.search;
  const params = new URLSearchParams(search);
  const reconnected = params.get('reconnected');
  const code = connectErrorCode(search);
  if (code) {
    const c = account.connections.find((x) => x.kind === params.get('reconnect')) ?? account.connections[0];
    return <Alert>{connectErrorMessage(code, { provider: (c && findProvider(c.provider)?.name) ?? 'the provider', button: 'Reconnect' })}</Alert>;
  }
  if (reconnected === 'channel' || reconnected === 'books') {
    const c = account.connections.find((x) => x.kind === reconnected);
    return (
      <p role="status" className="notice">
        Reconnected{c ? ` ${c.label}` : ''}. Everything you set up is kept.
      </p>
    );
  }
  return null;
}

/** The connections that need the seller, for the account list. */
export function HealthSummary({ account }: { account: AccountView }) {
  const attention = account.connections.filter((c) => c.health && c.health.state !== 'connected');
  if (attention.length === 0) return null;
  return (
    <span className="health-summary">
      {attention.map((c) => (
        <span key={c.kind} className={`health ${c.health!.state}`}>
          {' '}
          {c.label}: <strong>{c.health!.label}</strong>
          {c.health!.state === 'expiring_soon' && c.health!.expiresAt ? ` (until ${day(c.health!.expiresAt)})` : ''}
        </span>
      ))}
    </span>
  );
}
