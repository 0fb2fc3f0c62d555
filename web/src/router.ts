/** A tiny history-API router: the app has a handful of screens. */
import { useEffect, useState } from 'react';

export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current path; a change of query alone also re-renders (the wizard reads `?connected=`). */
export function usePath(): string {
  const [, setLocation] = useState(window.location.pathname + window.location.search);
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const on = () => {
      setPath(window.location.pathname);
      setLocation(window.location.pathname + window.location.search);
    };
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return path;
}
