/** What the address says when a provider's callback, or a store's approval page, sends the seller back to Onramp. */
import { useEffect } from 'react';
import { CONNECT_ERROR_CODES, type ConnectErrorCode } from '#shared/domain/connect-errors.js';
import type { AccountView } from '#shared/http/schemas.js';

/** The reason a provider's callback sent the seller back, from `?connect_error=`, if it is one we know. */
export function connectErrorCode(search: string): ConnectErrorCode | undefined {
  const code = new URLSearchParams(search).get('connect_error');
  return (CONNECT_ERROR_CODES as readonly string[]).includes(code ?? '') ? (code as ConnectErrorCode) : undefined;
}

/**
 * What Onramp's return leg said when the store sent the seller back, read
 * once (the address is then cleaned): `keys=waiting`, approved with this
 * session but the keys not yet posted; `keys=denied`. Keys that were already
 * posted were kept or refused by the return leg itself (no `keys` then).
 */
export function readReturn(search: string): 'approved' | 'denied' | undefined {
  const q = new URLSearchParams(search);
  if (q.get('connect') !== 'automatic') return undefined;
  const keys = q.get('keys');
  return keys === 'waiting' ? 'approved' : keys === 'denied' ? 'denied' : undefined;
}

/**
 * Once the account has moved past its channel step, the return's outcome is
 * taken out of the address bar.
 */
export function useStoreReturnCleared(account: AccountView | null): void {
  useEffect(() => {
    if (account && account.setup.step !== 'connect_channel' && readReturn(window.location.search)) {
      window.history.replaceState(null, '', window.location.pathname);
    }
  }, [account]);
}
