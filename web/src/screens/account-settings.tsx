import { Fragment, useEffect, useState } from 'react';
import type { EventView } from '#shared/http/schemas.js';
import { stepLabel } from '#shared/domain/wizard.js';
import { api } from '../api.js';
import { Alert, ProgressBar } from '../components.js';
import { STATUS_TEXT, stageIndex, useAccount, useAction, useCatalog } from '../hooks.js';
import { navigate } from '../router.js';
import { ConnectionHealth, ReconnectOutcome } from './connection-health.js';
import { InvitationList } from './invitations.js';

/** Account Settings: where setup stands, Resume / Start over, what is connected, and the activity. */
export function AccountSettings({ id }: { id: string }) {
  const { account, setAccount, error } = useAccount(id);
  // The keys channels' forms (for Reconnect with new keys) come from the catalog.
  const { catalog } = useCatalog();
  const [events, setEvents] = useState<EventView[]>([]);
  const [confirming, setConfirming] = useState(false);
  const refreshEvents = () => api.events(id).then((r) => setEvents(r.events), () => undefined);
  useEffect(() => {
    void refreshEvents();
  }, [id]);
  const { busy, error: actionError, run: act } = useAction(async (what: 'resume' | 'startOver') => {
    const r = what === 'resume' ? await api.resume(id) : await api.startOver(id);
    setAccount(r.account);
    setConfirming(false);
    await refreshEvents();
    if (what === 'resume') navigate(`/accounts/${id}/setup`);
  });
  if (error) return <main className="card"><Alert>{error}</Alert></main>;
  if (!account) return <main className="card"><p role="status">Loading…</p></main>;

  const { setup } = account;
  return (
    <main className="card">
      <ProgressBar current={stageIndex(account)} />
      <h1>{account.name}</h1>
      <ReconnectOutcome account={account} />
      {actionError && <Alert>{actionError}</Alert>}
      <section aria-label="Setup" className={`setup ${setup.status}`}>
        <p>
          Setup: <strong>{stepLabel(setup.step)}</strong> <span className={`status ${setup.status}`}>({STATUS_TEXT[setup.status]})</span>
        </p>
        {setup.status === 'paused' && <p>Setup is paused. Nothing you connected is lost: resume to carry on at {stepLabel(setup.step)}.</p>}
        <div className="actions left">
          {setup.canResume && (
            <button type="button" className="primary" disabled={busy} onClick={() => void act('resume')}>
              {setup.status === 'paused' ? 'Resume' : 'Continue setup'}
            </button>
          )}
          {setup.canStartOver && (
            <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
              Start over
            </button>
          )}
        </div>
        {confirming && (
          <div role="alertdialog" aria-modal="true" aria-labelledby="start-over-title" aria-describedby="start-over-text" className="dialog">
            <h2 id="start-over-title">Start this account's setup over?</h2>
            <p id="start-over-text">
              This disconnects everything connected to {account.name} and takes you back to {stepLabel('connect_channel')}. Your other accounts are not affected.
            </p>
            <div className="actions left">
              <button type="button" className="danger" disabled={busy} onClick={() => void act('startOver')}>
                Yes, start over
              </button>
              {/* Focus lands on the safe choice. */}
              <button type="button" autoFocus disabled={busy} onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </div>
        )}
      </section>
      <dl className="facts">
        <dt>Sales channel</dt>
        <dd>{account.channelName}</dd>
        {account.region && (
          <>
            <dt>Region</dt>
            <dd>{account.region.name}</dd>
          </>
        )}
        {account.marketplaces.length > 0 && (
          <>
            <dt>Marketplaces</dt>
            <dd>{account.marketplaces.map((m) => m.domain).join(', ')}</dd>
          </>
        )}
        {account.fields.map((f) => (
          <Fragment key={f.key}>
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </Fragment>
        ))}
        {account.mapping && (
          <>
            <dt>Accounts &amp; Taxes</dt>
            <dd>
              Saved: {Object.keys(account.mapping.accounts).length} accounts and {Object.keys(account.mapping.taxRates).length} tax rates, importing from{' '}
              {account.mapping.startDate}.{' '}
              <a href={`/accounts/${account.id}/mapping`} onClick={(e) => { e.preventDefault(); navigate(`/accounts/${account.id}/mapping`); }}>
                Change Accounts &amp; Taxes
              </a>
            </dd>
          </>
        )}
        <dt>Connections</dt>
        <dd>
          {account.connections.length === 0 ? (
            'Nothing connected yet'
          ) : (
            <ul className="connections" aria-label="Connections">
              {account.connections.map((c) => (
                <li key={c.kind}>
                  <strong>{c.label}</strong>
                  {c.details.length > 0 && (
                    <span className="muted"> ({c.details.map((d) => `${d.label}: ${d.value}`).join('; ')})</span>
                  )}
                  {c.alsoConnectedTo && <p className="notice">This is also connected to your account "{c.alsoConnectedTo}".</p>}
                  <ConnectionHealth
                    account={account}
                    connection={c}
                    channel={catalog?.channels.find((x) => x.id === c.provider)}
                    onReconnected={(after) => {
                      setAccount(after);
                      void refreshEvents();
                    }}
                  />
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      <InvitationList accountId={id} />
      <section aria-labelledby="activity">
        <h2 id="activity">Activity</h2>
        <ul className="events" aria-label="Activity">
          {events.map((e, i) => (
            <li key={`${e.at}-${i}`}>
              <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> {e.text} <span className="muted">({e.actor})</span>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
