/** Sign in. */
import { useState } from 'react';
import { CONNECT_ERROR_CODES, connectErrorMessage, type ConnectErrorCode } from '#shared/domain/connect-errors.js';
import type { UserView } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert, Field } from '../components.js';
import { useAction } from '../hooks.js';
import { navigate } from '../router.js';

export function SignIn({ onSignedIn }: { onSignedIn: (u: UserView) => void }) {
  const [form, setForm] = useState({ email: '', password: '' });
  // Sent here from a connection's end without a session (a code only, never free text): what became of it.
  const [returned] = useState(() => {
    const code = new URLSearchParams(window.location.search).get('connect_error');
    return (CONNECT_ERROR_CODES as readonly string[]).includes(code ?? '') ? (code as ConnectErrorCode) : undefined;
  });
  const { errors, busy, submit } = useAction(async () => {
    const { user } = await api.signIn(form);
    onSignedIn(user);
    navigate('/');
  });
  return (
    <main className="card narrow">
      <h1>Sign in to Onramp</h1>
      {returned && !errors.message && <Alert>{connectErrorMessage(returned, { provider: 'the provider', button: 'Connect automatically' })}</Alert>}
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
