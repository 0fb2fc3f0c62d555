import { useEffect, useState, type FormEvent } from 'react';
import type { AccountView, CatalogResponse, EventView, UserView } from '#shared/schemas.js';
import { PROGRESS_STAGES, stepLabel } from '#shared/wizard.js';
import { api, ApiError } from './api.js';
import { Alert, Field, ProgressBar } from './components.js';
import { navigate } from './router.js';

type Errors = { message?: string; fields: Record<string, string> };
const noErrors: Errors = { fields: {} };
const toErrors = (err: unknown): Errors =>
  err instanceof ApiError
    ? { message: err.message, fields: err.fields }
    : { message: 'Something went wrong. Please try again.', fields: {} };

/** A form's submit: busy while it runs, the API's errors kept for the fields. */
function useSubmit(action: () => Promise<void>) {
  const [errors, setErrors] = useState<Errors>(noErrors);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await action();
    } catch (err) {
      setErrors(toErrors(err));
    } finally {
      setBusy(false);
    }
  };
  return { errors, busy, submit };
}

export function SignUp({ onSignedIn }: { onSignedIn: (u: UserView) => void }) {
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const { errors, busy, submit } = useSubmit(async () => {
    const { user } = await api.signUp(form);
    onSignedIn(user);
    navigate('/accounts/new');
  });
  return (
    <main className="card narrow">
      <ProgressBar current={0} />
      <h1>Create your Onramp login</h1>
      <p>Connect your sales channels to your books in a few steps. You can stop at any point and pick up where you left off.</p>
      {errors.message && <Alert>{errors.message}</Alert>}
      <form onSubmit={submit} noValidate>
        <Field id="name" label="Your name" error={errors.fields.name}>
          {(a) => <input {...a} autoComplete="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
        </Field>
        <Field id="email" label="Email" error={errors.fields.email}>
          {(a) => <input {...a} type="email" autoComplete="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />}
        </Field>
        <Field id="password" label="Password" hint="At least 10 characters." error={errors.fields.password}>
          {(a) => <input {...a} type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          Create account
        </button>
      </form>
      <p>
        Already have a login?{' '}
        <a href="/login" onClick={(e) => { e.preventDefault(); navigate('/login'); }}>
          Sign in
        </a>
      </p>
    </main>
  );
}

export function SignIn({ onSignedIn }: { onSignedIn: (u: UserView) => void }) {
  const [form, setForm] = useState({ email: '', password: '' });
  const { errors, busy, submit } = useSubmit(async () => {
    const { user } = await api.signIn(form);
    onSignedIn(user);
    navigate('/');
  });
  return (
    <main className="card narrow">
      <h1>Sign in to Onramp</h1>
      {errors.message && <Alert>{errors.message}</Alert>}
      <form onSubmit={submit} noValidate>
        <Field id="email" label="Email" error={errors.fields.email}>
          {(a) => <input {...a} type="email" autoComplete="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />}
        </Field>
        <Field id="password" label="Password" error={errors.fields.password}>
          {(a) => <input {...a} type="password" autoComplete="current-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
      <p>
        New to Onramp?{' '}
        <a href="/signup" onClick={(e) => { e.preventDefault(); navigate('/signup'); }}>
          Create a login
        </a>
      </p>
    </main>
  );
}

function useCatalog() {
  const [catalog, setCatalog] = useState<CatalogResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.catalog().then(setCatalog, (err: unknown) => setError(toErrors(err).message ?? null));
  }, []);
  return { catalog, error };
}

/** Select Seller Account, then Connect Sales Channel's first part: naming the account. */
export function NewAccount() {
  const { catalog, error } = useCatalog();
  const [channelId, setChannelId] = useState<string | null>(null);
  if (error) return <main className="card"><Alert>{error}</Alert></main>;
  if (!catalog) return <main className="card"><p role="status">Loading…</p></main>;
  const channel = catalog.channels.find((c) => c.id === channelId);
  if (!channel) {
    return (
      <main className="card">
        <ProgressBar current={1} />
        <h1>Which sales channel do you want to connect?</h1>
        {catalog.groups.map((group) => (
          <section key={group.id} aria-labelledby={`group-${group.id}`}>
            <h2 id={`group-${group.id}`}>{group.name}</h2>
            <ul className="channels">
              {catalog.channels
                .filter((c) => c.group === group.id)
                .map((c) => (
                  <li key={c.id}>
                    <button type="button" className="channel" onClick={() => setChannelId(c.id)}>
                      {c.name}
                      {c.beta && <span className="badge"> (Beta)</span>}
                    </button>
                  </li>
                ))}
            </ul>
          </section>
        ))}
      </main>
    );
  }
  return <AccountForm channel={channel} onBack={() => setChannelId(null)} />;
}

function AccountForm({ channel, onBack }: { channel: CatalogResponse['channels'][number]; onBack: () => void }) {
  const [name, setName] = useState('');
  const [region, setRegion] = useState('');
  const [shopDomain, setShopDomain] = useState('');
  const [storeUrl, setStoreUrl] = useState('');
  const [errors, setErrors] = useState<Errors>(noErrors);
  const [busy, setBusy] = useState(false);
  const chosen = channel.regions?.find((r) => r.id === region);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const { account } = await api.createAccount({
        name,
        channel: channel.id,
        ...(channel.regions && region ? { region } : {}),
        ...(channel.storeField === 'shopDomain' ? { shopDomain } : {}),
        ...(channel.storeField === 'storeUrl' && storeUrl ? { storeUrl } : {}),
      });
      navigate(`/accounts/${account.id}`);
    } catch (err) {
      setErrors(toErrors(err));
      setBusy(false);
    }
  };
  return (
    <main className="card">
      <ProgressBar current={2} />
      <h1>Connect {channel.name}</h1>
      {errors.message && <Alert>{errors.message}</Alert>}
      <form onSubmit={submit} noValidate>
        <Field id="account-name" label="Account name" hint={`For example "${channel.name} ${channel.id === 'amazon' ? 'EU' : 'UK'}".`} error={errors.fields.name}>
          {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        {channel.regions && (
          <Field id="region" label="Region" error={errors.fields.region}>
            {(a) => (
              <select {...a} value={region} onChange={(e) => setRegion(e.target.value)}>
                <option value="">Choose where you sell</option>
                {channel.regions!.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                    {r.marketplaces.length > 0 ? ` (${r.marketplaces.map((m) => m.domain).join(', ')})` : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {chosen && chosen.marketplaces.length > 0 && (
          <section aria-label={`Marketplaces in ${chosen.name}`} className="marketplaces">
            <p>Connecting {chosen.name} connects all of its marketplaces:</p>
            <ul>
              {chosen.marketplaces.map((m) => (
                <li key={m.marketplaceId}>
                  {m.domain} <span className="muted">({m.country})</span>
                </li>
              ))}
            </ul>
          </section>
        )}
        {channel.storeField === 'shopDomain' && (
          <Field id="shop-domain" label="Shopify store address" hint="Like your-store.myshopify.com" error={errors.fields.shopDomain}>
            {(a) => <input {...a} value={shopDomain} onChange={(e) => setShopDomain(e.target.value)} />}
          </Field>
        )}
        {channel.storeField === 'storeUrl' && (
          <Field id="store-url" label="Store URL" hint="Like https://shop.example.com (you can add it later)" error={errors.fields.storeUrl}>
            {(a) => <input {...a} type="url" value={storeUrl} onChange={(e) => setStoreUrl(e.target.value)} />}
          </Field>
        )}
        <div className="actions">
          <button type="button" onClick={onBack}>
            Back
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Create account
          </button>
        </div>
      </form>
    </main>
  );
}

const stageIndex = (a: AccountView) => PROGRESS_STAGES.findIndex((s) => s.step === a.setup.step);

export function AccountList() {
  const [accounts, setAccounts] = useState<AccountView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.accounts().then((r) => setAccounts(r.accounts), (err: unknown) => setError(toErrors(err).message ?? null));
  }, []);
  if (error) return <main className="card"><Alert>{error}</Alert></main>;
  if (!accounts) return <main className="card"><p role="status">Loading…</p></main>;
  if (accounts.length === 0) {
    return (
      <main className="card">
        <ProgressBar current={1} />
        <h1>Welcome to Onramp</h1>
        <p>Start by choosing the sales channel you want to connect to your books.</p>
        <button type="button" className="primary" onClick={() => navigate('/accounts/new')}>
          Choose a sales channel
        </button>
      </main>
    );
  }
  return (
    <main className="card">
      <h1>Your accounts</h1>
      <ul className="accounts" aria-label="Your accounts">
        {accounts.map((a) => (
          <li key={a.id}>
            <a href={`/accounts/${a.id}`} onClick={(e) => { e.preventDefault(); navigate(`/accounts/${a.id}`); }}>
              {a.name}
            </a>
            <span className="muted">
              {' '}
              {a.channelName}
              {a.region ? ` \u00b7 ${a.region.name}` : ''} \u00b7 {a.setup.status === 'complete' ? 'Set up' : `Setup: ${stepLabel(a.setup.step)} (${a.setup.status})`}
            </span>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => navigate('/accounts/new')}>
        Add new account
      </button>
    </main>
  );
}

function useAccount(id: string) {
  const [account, setAccount] = useState<AccountView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.account(id).then((r) => setAccount(r.account), (err: unknown) => setError(toErrors(err).message ?? null));
  }, [id]);
  return { account, setAccount, error };
}

const STATUS_TEXT: Record<AccountView['setup']['status'], string> = {
  active: 'in progress',
  paused: 'paused',
  complete: 'complete',
};

/** Account Settings: where setup stands, Resume / Start over, what is connected, and the activity. */
export function AccountSettings({ id }: { id: string }) {
  const { account, setAccount, error } = useAccount(id);
  const [events, setEvents] = useState<EventView[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const refreshEvents = () => api.events(id).then((r) => setEvents(r.events), () => undefined);
  useEffect(() => {
    void refreshEvents();
  }, [id]);
  if (error) return <main className="card"><Alert>{error}</Alert></main>;
  if (!account) return <main className="card"><p role="status">Loading…</p></main>;

  const act = async (what: 'resume' | 'startOver') => {
    setBusy(true);
    setActionError(null);
    try {
      const r = what === 'resume' ? await api.resume(id) : await api.startOver(id);
      setAccount(r.account);
      setConfirming(false);
      await refreshEvents();
      if (what === 'resume') navigate(`/accounts/${id}/setup`);
    } catch (err) {
      setActionError(toErrors(err).message ?? null);
    } finally {
      setBusy(false);
    }
  };
  const { setup } = account;
  return (
    <main className="card">
      <ProgressBar current={stageIndex(account)} />
      <h1>{account.name}</h1>
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
        {account.shopDomain && (
          <>
            <dt>Shopify store</dt>
            <dd>{account.shopDomain}</dd>
          </>
        )}
        <dt>Connections</dt>
        <dd>{account.connections.length === 0 ? 'Nothing connected yet' : account.connections.map((c) => c.label).join(', ')}</dd>
      </dl>
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

/** The wizard, opened at the account's saved step. */
export function Setup({ id }: { id: string }) {
  const { account, error } = useAccount(id);
  if (error) return <main className="card"><Alert>{error}</Alert></main>;
  if (!account) return <main className="card"><p role="status">Loading…</p></main>;
  const back = (
    <p>
      <a href={`/accounts/${id}`} onClick={(e) => { e.preventDefault(); navigate(`/accounts/${id}`); }}>
        Account settings
      </a>
    </p>
  );
  const step = account.setup.step;
  return (
    <main className="card">
      <ProgressBar current={stageIndex(account)} />
      {step === 'connect_channel' && (
        <>
          <h1>Connect Sales Channel</h1>
          <p>Connect {account.name} to Onramp through {account.channelName}{account.region ? ` (${account.region.name})` : ''}.</p>
          <p className="notice">Connecting {account.channelName} is not available in this version yet. Your account is saved at this step.</p>
        </>
      )}
      {step === 'connect_bookkeeping' && (
        <>
          <h1>Connect Bookkeeping</h1>
          <p>{account.channelName} is connected. Now choose the bookkeeping software your sales should be posted to.</p>
          <p className="notice">Connecting Xero or QuickBooks Online is not available in this version yet. Your account is saved at this step.</p>
        </>
      )}
      {step === 'accounts_and_taxes' && (
        <>
          <h1>Accounts &amp; Taxes</h1>
          <p className="notice">Mapping accounts and tax rates is not available in this version yet. Your account is saved at this step.</p>
        </>
      )}
      {step === 'complete' && <h1>Done</h1>}
      <p>
        Setup: {stepLabel(step)} ({STATUS_TEXT[account.setup.status]})
      </p>
      {back}
    </main>
  );
}
