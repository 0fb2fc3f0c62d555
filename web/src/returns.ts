/** What the address says when a provider's callback sends the seller back to Onramp. */
import { CONNECT_ERROR_CODES, type ConnectErrorCode } from '#shared/domain/connect-errors.js';

/** The reason a provider's callback sent the seller back, from `?connect_error=`, if it is one we know. */
export function connectErrorCode(search: string): ConnectErrorCode | undefined {
  const code = new URLSearchParams(search).get('connect_error');
  return (CONNECT_ERROR_CODES as readonly string[]).includes(code ?? '') ? (code as ConnectErrorCode) : undefined;
}
