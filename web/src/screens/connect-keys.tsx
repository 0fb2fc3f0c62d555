/**
 * The connect step of a keys channel (Walmart, WooCommerce), drawn from the
 * provider's definition as the catalog describes it: how to create the keys,
 * a field per key (secrets in password inputs), the store address when the
 * account has none, and WooCommerce's one-click key creation. Errors sit
 * next to their fields; nothing is stored until the provider accepts the keys.
 * The same form reconnects a keys channel from Account Settings (`purpose`
 * `reconnect`): new keys replace the old ones of the same connection; and a
 * connect link's holder sees it on the link's page (`KeysForm`, with the
 * link's actions).
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

/**
 * Who the keys form connects for: a seller's own account (`ConnectWithKeys`),
 * or whoever holds a connect link (its page, with the link's token).
 */
export interface KeysFormActions {
  /** Under which name the form keeps the store it awaits keys from, while the browser is at the store. */
  readonly storageKey: string;
  /** The store address the account has, shown beside the keys (the seller's own form only). */
  readonly savedStoreUrl: string | undefined;
  /** Whether the form asks for the store's address (the account has none). */
  readonly asksStoreUrl: boolean;
  /** Sends pasted keys (with the store's address when asked); resolves once they are connected. */
  readonly paste: (keys: Record<string, string>, store: { storeUrl?: string }) => Promise<void>;
  /** Starts one-click key creation: the store's approval page. */
  readonly automatic: (store: { storeUrl?: string }) => Promise<string>;
  /** Back on this page from the store: waits for the keys (true once they are in place). Absent: the store sends the browser elsewhere. */
  readonly waitForKeys?: (stopped: () => boolean) => Promise<boolean>;
}

/** The seller's own keys form for an account: to connect its channel, or (Account Settings) to reconnect it. */
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
  const savedStoreUrl = account.fields.find((f) => f.key === 'storeUrl')?.value;
  const actions: KeysFormActions = {
    storageKey: STORE_KEY(account.id),
    savedStoreUrl,
    asksStoreUrl: purpose === 'connect' && channel.fields.some((f) => f.key === 'storeUrl') && !savedStoreUrl,
    paste: async (pasted, store) => {
      const { account: connected } = purpose === 'reconnect' ? await api.reconnectKeys(account.id, pasted) : await api.connectChannelKeys(account.id, { ...store, ...pasted });
      onConnected(connected);
    },
    automatic: async (store) => (purpose === 'reconnect' ? await api.reconnectAutomatically(account.id) : await api.connectAutomatically(account.id, store)).authorizeUrl,
    // Back from the store: the keys arrive server to server, so wait for the account to move on.
    waitForKeys: async (stopped) => {
      for (let i = 0; i < WAIT_FOR_KEYS.polls && !stopped(); i++) {
        const moved = await api.account(account.id).then((r) => r.account, () => null);
        if (stopped()) return false;
        if (moved && keysInPlace(moved, purpose)) {
          onConnected(moved);
          return true;
        }
        await new Promise((r) => setTimeout(r, WAIT_FOR_KEYS.everyMs));
      }
      return false;
    },
  };
  return <KeysForm actions={actions} name={channel.name} button={channel.connect.button} keys={keys} purpose={purpose} otherWay={props.otherWay ?? false} />;
}

/** The keys form itself, for whoever it connects for (`actions`). */
export function KeysForm(props: { actions: KeysFormActions; name: string; button: string; keys: KeysFormView; purpose?: 'connect' | 'reconnect'; otherWay: boolean }) {
  const { actions, keys, name: channelName } = props;
  const purpose = props.purpose ?? 'connect';
  const [values, setValues] = useState<Record<string, string>>({});
  const [started, setStarted] = useState<'keys' | 'automatic'>('keys');
  const [returned] = useState(() => (actions.waitForKeys ? readReturn(window.location.search) : undefined));
  const [waiting, setWaiting] = useState(returned === 'approved');
  const [notice, setNotice] = useState<string | null>(returned === 'denied' ? AUTOMATIC_DENIED : null);
  const { savedStoreUrl, asksStoreUrl } = actions;
  const [awaitedStore] = useState(() => savedStoreUrl ?? window.sessionStorage.getItem(actions.storageKey) ?? undefined);

  useEffect(() => {
    if (returned) window.history.replaceState(null, '', window.location.pathname);
    if (returned !== 'approved' || !actions.waitForKeys) return;
    let stopped = false;
    void actions.waitForKeys(() => stopped).then((arrived) => {
      if (arrived || stopped) return;
      setWaiting(false);
      setNotice(AUTOMATIC_NO_KEYS);
    });
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
      await actions.paste(pasted, storeUrl());
    } else {
      const authorizeUrl = await actions.automatic(storeUrl());
      const store = storeOfAuthorizeUrl(authorizeUrl);
      if (store) window.sessionStorage.setItem(actions.storageKey, store);
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
  const submitLabel = purpose === 'reconnect' ? `Reconnect ${channelName}` : props.otherWay ? 'Connect with keys' : props.button;
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
      {busy === 'keys' && <p role="status">Checking your keys with {channelName}…</p>}
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
            <h2 id="automatic-heading">Let {channelName} create the keys</h2>
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
