/** Select Seller Account, then Connect Sales Channel's first part: naming the account and where it sells. */
import { useState } from 'react';
import type { CatalogResponse } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert, Field, ProgressBar } from '../components.js';
import { useAction, useCatalog } from '../hooks.js';
import { navigate } from '../router.js';

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
  const [fields, setFields] = useState<Record<string, string>>({});
  const chosen = channel.regions?.find((r) => r.id === region);
  const { errors, busy, submit } = useAction(async () => {
    const { account } = await api.createAccount({
      name,
      channel: channel.id,
      ...(channel.regions && region ? { region } : {}),
      // Each field the channel takes, as its definition says (required ones always sent, so a missing one is named).
      ...Object.fromEntries(channel.fields.filter((f) => f.required || fields[f.key]).map((f) => [f.key, fields[f.key] ?? ''])),
    });
    // Straight on to connecting it: the wizard's next stage.
    navigate(`/accounts/${account.id}/setup`);
  });
  return (
    <main className="card">
      <ProgressBar current={2} />
      <h1>Connect {channel.name}</h1>
      {errors.message && <Alert>{errors.message}</Alert>}
      <form onSubmit={submit} noValidate>
        <Field id="account-name" label="Account name" hint={`For example "${channel.name} ${channel.regions ? 'Europe' : 'UK'}".`} error={errors.fields.name}>
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
        {channel.fields.map((f) => (
          <Field key={f.key} id={`field-${f.key}`} label={f.label} hint={f.hint} error={errors.fields[f.key]}>
            {(a) => (
              <input
                {...a}
                type={f.inputType}
                required={f.required}
                value={fields[f.key] ?? ''}
                onChange={(e) => setFields({ ...fields, [f.key]: e.target.value })}
              />
            )}
          </Field>
        ))}
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
