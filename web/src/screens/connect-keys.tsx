/**
 * The connect step of a keys channel (Walmart, WooCommerce), drawn from the
 * provider's definition as the catalog describes it: how to create the keys,
 * a field per key (secrets in password inputs), the store address when the
 * account has none, and WooCommerce's one-click key creation. Errors sit
 * next to their fields; nothing is stored until the provider accepts the keys.
 * The same form reconnects a keys channel from Account Settings (`purpose`
 * `reconnect`): new keys replace the old ones of the same connection.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { AUTOMATIC_DENIED, AUTOMATIC_NO_KEYS } from '#shared/domain/key-messages.js';
import type { KeysFormView } from '#shared/http/key-schemas.js';
import type { AccountView, CatalogResponse } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert, Field } from '../components.js';
import { leavePage, useAction } from '../hooks.js';
import { readReturn } from '../returns.js';

/** How long the web app waits for the store's keys after the seller comes back from approving. */
const WAIT_FOR_KEYS = { polls: 10, everyMs: 1_000 };

const FIELD_ID: Record<string, string> = { storeUrl: 'store-url' };
const fieldId = (key: string) => FIELD_ID[key] ?? `key-${key}`;

/** Where the seller went to approve, kept for the page they come back to (which store the keys are awaited from). */
const STORE_KEY = (accountId: string) => `onramp.keys-store.${accountId}`;

/** The store's address from its approval page's URL (`<store>/wc-auth/v1/authorize?…`, or `<store>/?wc-auth-route=…`). */
export function storeOfAuthorizeUrl(authorizeUrl: string): string | undefined {
  try {
    const u = new URL(authorizeUrl);
    const path = u.pathname.replace(/\/wc-auth\/v1\/authorize\/?$/, '').replace(/\/$/, '');
    return `${u.origin}${path}`;
  } catch {
    return undefined;
  }
}

/** Whether the account's channel has its keys in place: past the connect step, or (reconnecting) Connected again. */
const keysInPlace = (a: AccountView, purpose: 'connect' | 'reconnect') =>
  purpose === 'connect' ? a.setup.step !== 'connect_channel' : a.connections.find((c) => c.kind === 'channel')?.health?.state === 'connected';

export function ConnectWithKeys(props: {
  account: AccountView;
  channel: CatalogResponse['channels'][number];
  keys: KeysFormView;
  onConnected: (account: AccountView) => void;
  /** `reconnect`: new keys for the account's existing connection (Account Settings). */
  purpose?: 'connect' | 'reconnect';
  /** Keys are the other way to connect, beside the provider's consent: the form's button says so. */
  otherWay?: boolean;
}) {
  const { account, channel, keys, onConnected } = props;
  const purpose = props.purpose ?? 'connect';
  const [values, setValues] = useState<Record<string, string>>({});
  const [started, setStarted] = useState<'keys' | 'automatic'>('keys');
  const [returned] = useState(() => readReturn(window.location.search));
  const [waiting, setWaiting] = useState(returned === 'approved');
  const [notice, setNotice] = useState<string | null>(returned === 'denied' ? AUTOMATIC_DENIED : null);
  const savedStoreUrl = account.fields.find((f) => f.key === 'storeUrl')?.value;
  const [awaitedStore] = useState(() => savedStoreUrl ?? window.sessionStorage.getItem(STORE_KEY(account.id)) ?? undefined);
  const asksStoreUrl = purpose === 'connect' && channel.fields.some((f) => f.key === 'storeUrl') && !savedStoreUrl;

  // Back from the store: the keys arrive server to server, so wait for the account to move on.
  useEffect(() => {
    if (returned) window.history.replaceState(null, '', window.location.pathname);
    if (returned !== 'approved') return;
    let stopped = false;
    void (async () => {
      for (let i = 0; i < WAIT_FOR_KEYS.polls && !stopped; i++) {
        const moved = await api.account(account.id).then((r) => r.account, () => null);
        if (stopped) return;
        if (moved && keysInPlace(moved, purpose)) return onConnected(moved);
        await new Promise((r) => setTimeout(r, WAIT_FOR_KEYS.everyMs));
      }
      if (!stopped) {
        setWaiting(false);
        setNotice(AUTOMATIC_NO_KEYS);
      }
    })();
    return () => {
      stopped = true;
    };
  }, []);

  const storeUrl = () => (asksStoreUrl && values.storeUrl?.trim() ? { storeUrl: values.storeUrl } : {});
  const { busy: running, errors, run } = useAction(async (what: 'keys' | 'automatic') => {
    setStarted(what);
    setNotice(null);
    if (what === 'keys') {
      const pasted = Object.fromEntries(keys.fields.map((f) => [f.key, values[f.key] ?? '']));
      const { account: connected } =
        purpose === 'reconnect' ? await api.reconnectKeys(account.id, pasted) : await api.connectChannelKeys(account.id, { ...storeUrl(), ...pasted });
      onConnected(connected);
    } else {
      const { authorizeUrl } = purpose === 'reconnect' ? await api.reconnectAutomatically(account.id) : await api.connectAutomatically(account.id, storeUrl());
      const store = storeOfAuthorizeUrl(authorizeUrl);
      if (store) window.sessionStorage.setItem(STORE_KEY(account.id), store);
      // The store's own approval page; it sends the seller back through Onramp to this step.
      return leavePage(authorizeUrl);
    }
  });
  const busy = running ? started : null;

  // After a refusal, the first field in error gets the focus (the alert is announced as well).
  useEffect(() => {
    const first = Object.keys(errors.fields)[0];
    if (first) document.getElementById(fieldId(first))?.focus();
  }, [errors]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('keys');
  };
  const set = (key: string) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });

  const keyFields = keys.fields.map((f) => (
    <Field key={f.key} id={fieldId(f.key)} label={purpose === 'reconnect' ? `New ${f.label}` : f.label} error={errors.fields[f.key]}>
      {(a) => (
        <input
          {...a}
          type={f.secret ? 'password' : 'text'}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          value={values[f.key] ?? ''}
          onChange={set(f.key)}
        />
      )}
    </Field>
  ));
  const submitLabel = purpose === 'reconnect' ? `Reconnect ${channel.name}` : props.otherWay ? 'Connect with keys' : channel.connect.button;
  const steps = (
    <ol className="steps">
      {keys.steps.map((s) => (
        <li key={s}>{s}</li>
      ))}
    </ol>
  );

  return (
    <form onSubmit={submit} noValidate aria-busy={busy !== null} className="keys">
      {notice && <Alert>{notice}</Alert>}
      {errors.message && <Alert>{errors.message}</Alert>}
      {waiting && <p role="status">{awaitedStore ? `Waiting for your store at ${awaitedStore} to send Onramp the keys…` : 'Waiting for your store to send Onramp the keys…'}</p>}
      {busy === 'keys' && <p role="status">Checking your keys with {channel.name}…</p>}
      {asksStoreUrl ? (
        <Field id={fieldId('storeUrl')} label="Store URL" hint="The address of your WordPress site, like https://shop.example.com" error={errors.fields.storeUrl}>
          {(a) => <input {...a} type="url" inputMode="url" autoComplete="url" spellCheck={false} value={values.storeUrl ?? ''} onChange={set('storeUrl')} />}
        </Field>
      ) : (
        savedStoreUrl && (
          <div className="field">
            <p id="store-url">
              Store: <strong>{savedStoreUrl}</strong>
            </p>
            {errors.fields.storeUrl && <p className="field-error">{errors.fields.storeUrl}</p>}
          </div>
        )
      )}
      {keys.automatic ? (
        <>
          <section aria-labelledby="automatic-heading">
            <h2 id="automatic-heading">Let {channel.name} create the keys</h2>
            <p>{keys.automatic.explanation}</p>
            <button type="button" className="primary" disabled={busy !== null} onClick={() => void run('automatic')}>
              {keys.automatic.button}
            </button>
          </section>
          <section aria-labelledby="paste-heading">
            <h2 id="paste-heading">Or create the keys and paste them</h2>
            {steps}
            {keyFields}
            <div className="actions left">
              <button type="submit" disabled={busy !== null}>
                {submitLabel}
              </button>
            </div>
          </section>
        </>
      ) : (
        <section aria-labelledby="paste-heading">
          <h2 id="paste-heading">Create the keys and paste them</h2>
          {steps}
          {keyFields}
          <div className="actions left">
            <button type="submit" className="primary" disabled={busy !== null}>
              {submitLabel}
            </button>
          </div>
        </section>
      )}
    </form>
  );
}
