import { useEffect, useRef, useState, type ReactNode } from 'react';
import { PROGRESS_STAGES } from '#shared/domain/wizard.js';
import type { UserView } from '#shared/http/schemas.js';
import { api } from './api.js';
import { navigate } from './router.js';

/** The setup progress bar; `current` is the index of the stage the seller is at. */
export function ProgressBar({ current }: { current: number }) {
  return (
    <nav aria-label="Setup progress">
      <ol className="progress">
        {PROGRESS_STAGES.map((stage, i) => (
          <li
            key={stage.label}
            className={i < current ? 'done' : i === current ? 'current' : 'todo'}
            aria-current={i === current ? 'step' : undefined}
          >
            <span className="dot" aria-hidden="true">
              {i < current ? '\u2713' : i + 1}
            </span>
            {stage.label}
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function Alert({ children }: { children: ReactNode }) {
  return (
    <p role="alert" className="alert">
      {children}
    </p>
  );
}

export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (a11y: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint && (
        <p id={`${props.id}-hint`} className="hint">
          {props.hint}
        </p>
      )}
      {props.children({ id: props.id, 'aria-invalid': Boolean(props.error), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {props.error && (
        <p id={`${props.id}-error`} className="field-error">
          {props.error}
        </p>
      )}
    </div>
  );
}

/** The header with the account menu at the top right. */
export function Header({ user, onSignOut }: { user: UserView | null; onSignOut: () => void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const close = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('click', close);
    return () => document.removeEventListener('click', close);
  }, []);
  return (
    <header className="header">
      <a
        href="/"
        className="brand"
        onClick={(e) => {
          e.preventDefault();
          navigate('/');
        }}
      >
        Onramp
      </a>
      {user && (
        <div className="menu" ref={ref}>
          <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
            {user.name} <span aria-hidden="true">{'\u25BE'}</span>
            <span className="visually-hidden"> account menu</span>
          </button>
          {open && (
            <ul role="menu" className="menu-list">
              {[
                { label: 'Add new account', onSelect: () => navigate('/accounts/new') },
                { label: 'My accounts', onSelect: () => navigate('/') },
                { label: 'Sign out', onSelect: onSignOut },
                { label: 'Sign out everywhere', onSelect: () => void api.signOutEverywhere().then(onSignOut, onSignOut) },
              ].map((item) => (
                <li role="none" key={item.label}>
                  <button
                    role="menuitem"
                    type="button"
                    onClick={() => {
                      setOpen(false);
                      item.onSelect();
                    }}
                  >
                    {item.label}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </header>
  );
}
