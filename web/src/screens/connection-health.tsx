/** Connection health on Account Settings (with Reconnect) and in the account list. */
import { useState } from 'react';
import { connectErrorMessage } from '#shared/connect-errors.js';
import { findProvider } from '#shared/providers/index.js';
import type { AccountView } from '#shared/schemas.js';
import { api } from '../api.js';
import { Alert } from '../components.js';
import { toErrors } from '../hooks.js';
import { connectErrorCode } from './setup.js';

type Connection = AccountView['connections'][number];

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

/** A connection's health in words, and Reconnect when the seller has something to do. */
export function ConnectionHealth({ account, connection }: { account: AccountView; connection: Connection }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const health = connection.health;
  if (!health) return null;
  const messageId = `health-${connection.kind}`;
  const reconnect = async () => {
    setBusy(true);
    setError(null);
    try {
      const { authorizeUrl } = await api.reconnect(account.id, connection.kind);
      // The provider's own consent page; it comes back to this account.
      window.location.assign(authorizeUrl);
    } catch (err) {
      setError(toErrors(err).message ?? null);
      setBusy(false);
    }
  };
  return (
    <div className={`health ${health.state}`}>
      <p id={messageId}>
        <strong>{health.label}</strong>
        {health.state === 'expiring_soon' && health.expiresAt ? ` (until ${day(health.expiresAt)})` : ''}
        {health.state === 'connected' ? '' : `: ${health.message}`}
      </p>
      {health.state !== 'connected' && (
        <button type="button" className={health.state === 'needs_reconnecting' ? 'primary' : ''} disabled={busy} aria-describedby={messageId} onClick={() => void reconnect()}>
          Reconnect
        </button>
      )}
      {error && <Alert>{error}</Alert>}
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
