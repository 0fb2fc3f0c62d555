/** Sign Up: the first stage of the wizard. */
import { useState } from 'react';
import type { UserView } from '#shared/http/schemas.js';
import { api } from '../api.js';
import { Alert, Field, ProgressBar } from '../components.js';
import { useAction } from '../hooks.js';
import { navigate } from '../router.js';

export function SignUp({ onSignedIn }: { onSignedIn: (u: UserView) => void }) {
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const { errors, busy, submit } = useAction(async () => {
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
