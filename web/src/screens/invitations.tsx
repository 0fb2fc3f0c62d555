/**
 * Connect links (invitations): the seller's "Invite someone to connect" on a
 * connect step, the account's links with Cancel on Account Settings, and the
 * pages of whoever opens a link (no Onramp login): the account it is for and
 * the step's consent or the seller's keys form, then "Connected: you can
 * close this tab". The link's token lives in the URL's fragment, which no
 * server (and no log) ever sees, and goes to the API in request bodies only;
 * the page keeps it in this tab's session storage for its return from a
 * store's one-click approval (the fragment is gone by then), where it proves
 * that this browser is the link's holder.
 */
import { useEffect, useState } from 'react';
import { CONNECT_ERROR_CODES, LINK_SENTENCES, type ConnectErrorCode } from '#shared/domain/connect-errors.js';
import type { AccountView, InvitationOpenedResponse, InvitationView } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert, Field } from '../components.js';
import { leavePage, toErrors, useAction } from '../hooks.js';
import { KeysForm, type KeysFormActions } from './connect-keys.js';

const STEP_TEXT = { channel: 'Connect Sales Channel', books: 'Connect Bookkeeping' } as const;
const STATE_TEXT = { issued: 'Not used yet', used: 'Used', revoked: 'Cancelled', expired: 'Expired' } as const;

/** On a connect step: makes a link for someone else to connect this step, and shows it once. */
export function InviteSomeone({ account, step }: { account: AccountView; step: 'channel' | 'books' }) {
  const [note, setNote] = useState('');
  const [made, setMade] = useState<{ url: string; expiresAt: string } | null>(null);
  const { busy, errors, run } = useAction(async () => {
    const r = await api.createInvitation(account.id, { step, ...(note.trim() ? { note } : {}) });
    setMade({ url: r.url, expiresAt: r.expiresAt });
  });
  return (
    <section aria-labelledby="invite-title" className="invite">
      <h2 id="invite-title">Invite someone to connect</h2>
      <p>Someone without an Onramp login (your client, or whoever holds the {step === 'channel' ? 'seller account' : 'books'}) can do this step for you with a connect link. It works once, for 7 days.</p>
      {errors.message && <Alert>{errors.message}</Alert>}
      {made ? (
        <div className="field">
          <label htmlFor="invite-url">Connect link (send it to them; it is shown only now)</label>
          <input id="invite-url" readOnly value={made.url} onFocus={(e) => e.currentTarget.select()} />
          <p className="hint">It works until {new Date(made.expiresAt).toLocaleString()}. You can cancel it on the account&rsquo;s page.</p>
        </div>
      ) : (
        <form onSubmit={(e) => { e.preventDefault(); void run(); }}>
          <Field id="invite-note" label="Note for them (optional)" error={errors.fields.note}>
            {(a11y) => <input {...a11y} value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          <button type="submit" disabled={busy}>Invite someone to connect</button>
        </form>
      )}
    </section>
  );
}

/** On Account Settings: the account's links, who made them, where they stand, and Cancel for one not used. */
export function InvitationList({ accountId }: { accountId: string }) {
  const [list, setList] = useState<InvitationView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const refresh = () => api.invitations(accountId).then((r) => setList(r.invitations), (err: unknown) => setLoadError(toErrors(err).message ?? null));
  useEffect(() => {
    void refresh();
  }, [accountId]);
  const { busy, error, run: revoke } = useAction(async (id: string) => {
    await api.revokeInvitation(accountId, id);
    await refresh();
  });
  if (!list || list.length === 0) return loadError ? <Alert>{loadError}</Alert> : null;
  return (
    <section aria-labelledby="invitations">
      <h2 id="invitations">Connect links</h2>
      {error && <Alert>{error}</Alert>}
      <ul className="events" aria-label="Connect links">
        {list.map((i) => (
          <li key={i.id}>
            {STEP_TEXT[i.step]}, made by {i.createdBy} on <time dateTime={i.createdAt}>{new Date(i.createdAt).toLocaleString()}</time>
            {i.note ? ` (\u201c${i.note}\u201d)` : ''}: <strong>{STATE_TEXT[i.state]}</strong>
            {i.state === 'issued' && (
              <>
                {' '}
                <button type="button" disabled={busy} onClick={() => void revoke(i.id)} aria-label={`Cancel the ${STEP_TEXT[i.step]} link made ${new Date(i.createdAt).toLocaleString()}`}>
                  Cancel link
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Where the link's page keeps its token in this tab, for its return from the store (the fragment is gone by then). */
const TOKEN_KEY = 'onramp.invite-token';
/** How long the link's page waits for the store's keys once back from approving. */
const WAIT_FOR_KEYS = { polls: 8, everyMs: 1_500 };
const CONNECTED = '/invite/done?connected=channel';

/** The seller's keys form on the link's page: pasted keys connect; one-click creation goes to the store and comes back to `/invite/done`. */
function InvitedKeys({ token, opened }: { token: string; opened: InvitationOpenedResponse }) {
  const keys = opened.keys!;
  const actions: KeysFormActions = {
    storageKey: 'onramp.invite-store',
    savedStoreUrl: undefined,
    asksStoreUrl: keys.asksStoreUrl,
    paste: async (pasted, store) => {
      const r = await api.invitedKeys(token, { ...store, ...pasted });
      if ('connected' in r) leavePage(CONNECTED);
    },
    automatic: async (store) => {
      const r = await api.invitedKeys(token, store);
      return 'authorizeUrl' in r ? r.authorizeUrl : CONNECTED;
    },
  };
  return <KeysForm actions={actions} name={opened.account.channel} button={keys.button} keys={keys.form} otherWay={opened.providers.length > 0} />;
}

/** `/invite#<token>`: whoever opens a connect link. */
export function InvitePage() {
  const token = window.location.hash.slice(1);
  const [opened, setOpened] = useState<InvitationOpenedResponse | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) {
      setFailure(LINK_SENTENCES.unknown);
      return;
    }
    api.openInvitation(token).then(
      (o) => {
        window.sessionStorage.setItem(TOKEN_KEY, token);
        setOpened(o);
      },
      (err: unknown) => setFailure(toErrors(err).message ?? LINK_SENTENCES.unknown),
    );
  }, [token]);
  const { busy, error, run } = useAction(async (provider?: string) => leavePage((await api.invitedConnect(token, provider)).authorizeUrl));
  if (failure) {
    return (
      <main className="card">
        <h1>Connect link</h1>
        <Alert>{failure}</Alert>
      </main>
    );
  }
  if (!opened) return <main className="card"><h1>Connect link</h1><p role="status">Loading…</p></main>;
  const { account } = opened;
  return (
    <main className="card">
      <h1>{STEP_TEXT[opened.step]} for {account.name}</h1>
      {error && <Alert>{error}</Alert>}
      <p>
        You were invited to connect {opened.step === 'channel' ? `the ${account.channel} seller account` : 'the bookkeeping software'} of the Onramp account &ldquo;{account.name}&rdquo; ({account.channel}
        {account.region ? `, ${account.region}` : ''}). You do not need an Onramp login.
      </p>
      {opened.note && <p>Their note: &ldquo;{opened.note}&rdquo;</p>}
      {opened.providers.length > 0 && (
        <>
          <p>{opened.step === 'channel' ? `You will sign in at ${account.channel} and allow Onramp to read the account\u2019s sales.` : 'Choose the bookkeeping software, sign in there and allow Onramp to post the sales.'}</p>
          <div className="actions left">
            {opened.providers.map((p) => (
              <button key={p.id} type="button" className="primary" disabled={busy} onClick={() => void run(opened.step === 'books' ? p.id : undefined)}>
                Connect to {p.name}
              </button>
            ))}
          </div>
        </>
      )}
      {opened.keys && opened.providers.length > 0 && opened.keys.form.explanation && <p>{opened.keys.form.explanation}</p>}
      {opened.keys && <InvitedKeys token={token} opened={opened} />}
      <p className="hint">This link works once, until {new Date(opened.expiresAt).toLocaleString()}.</p>
    </main>
  );
}

const DONE_ERRORS: Partial<Record<ConnectErrorCode, string>> = {
  link_used: LINK_SENTENCES.used,
  link_revoked: LINK_SENTENCES.revoked,
  link_expired: LINK_SENTENCES.expired,
  not_at_step: LINK_SENTENCES.moved_on,
  denied: 'You cancelled at the provider, so nothing was connected. Open the connect link again to try once more.',
  expired: 'That attempt took too long, so nothing was connected. Open the connect link again to try once more.',
};

const NOT_CONNECTED = 'We could not finish connecting, so nothing was connected. Open the connect link again to try once more.';
const NO_KEYS = 'Your store has not sent Onramp the keys, so nothing is connected. Open the connect link again to try once more, or create keys and paste them.';

function Connected({ chooseOrganisation = false }: { chooseOrganisation?: boolean }) {
  return (
    <main className="card">
      <h1>Connected</h1>
      <p role="status">
        {chooseOrganisation
          ? 'It is connected. You allowed more than one organisation, so the person who sent the link will choose which one Onramp uses. You can close this tab.'
          : 'It is connected. You can close this tab.'}
      </p>
    </main>
  );
}

function NotConnected({ sentence }: { sentence: string }) {
  return (
    <main className="card">
      <h1>Not connected</h1>
      <Alert>{sentence}</Alert>
    </main>
  );
}

/**
 * Back from the store's one-click approval: sends the token this tab kept
 * (none: this browser never opened the link, and is refused as such), the
 * store's user_id and whether the holder approved; waits while the store's
 * keys have not arrived.
 */
function InvitedKeysReturn({ userId, success }: { userId: string; success: boolean }) {
  const [outcome, setOutcome] = useState<'waiting' | 'connected' | { failed: string }>('waiting');
  useEffect(() => {
    // The store's user_id is not left in the address bar.
    window.history.replaceState(null, '', window.location.pathname);
    const token = window.sessionStorage.getItem(TOKEN_KEY) ?? undefined;
    let stopped = false;
    void (async () => {
      for (let i = 0; i < WAIT_FOR_KEYS.polls && !stopped; i++) {
        try {
          const r = await api.invitedKeysReturn({ ...(token ? { token } : {}), userId, success });
          if (stopped) return;
          if ('connected' in r) {
            window.sessionStorage.removeItem(TOKEN_KEY);
            return setOutcome('connected');
          }
        } catch (err) {
          if (!stopped) setOutcome({ failed: toErrors(err).message ?? NOT_CONNECTED });
          return;
        }
        await new Promise((r) => setTimeout(r, WAIT_FOR_KEYS.everyMs));
      }
      if (!stopped) setOutcome({ failed: NO_KEYS });
    })();
    return () => {
      stopped = true;
    };
  }, []);
  if (outcome === 'connected') return <Connected />;
  if (outcome !== 'waiting') return <NotConnected sentence={outcome.failed} />;
  return (
    <main className="card">
      <h1>Connecting</h1>
      <p role="status">Waiting for your store to send Onramp the keys…</p>
    </main>
  );
}

/** `/invite/done`: where the provider's redirect (or the store's) lands the link's holder (never the seller's account). */
export function InviteDonePage() {
  const [q] = useState(() => new URLSearchParams(window.location.search));
  const raw = q.get('connect_error');
  const code = (CONNECT_ERROR_CODES as readonly string[]).includes(raw ?? '') ? (raw as ConnectErrorCode) : undefined;
  const userId = q.get('user_id');
  if (q.get('keys') === 'return' && userId && !code) return <InvitedKeysReturn userId={userId} success={q.get('success') === '1'} />;
  if (q.get('connected') && !code) return <Connected chooseOrganisation={q.get('choose') === 'organisation'} />;
  return <NotConnected sentence={(code && DONE_ERRORS[code]) ?? NOT_CONNECTED} />;
}
