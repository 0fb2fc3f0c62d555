/**
 * The session cookie's name. In the cloud it is `__Host-onramp_session`: the
 * browser then accepts it only if Secure, for the whole site and for this
 * host alone, so a sibling domain cannot plant one. On `npm start` (plain
 * http on localhost) it is `onramp_session`, since `__Host-` needs https.
 */
import { bool, envSchema, parseEnv } from '#shared/runtime/config.js';

export const SECURE_SESSION_COOKIE = '__Host-onramp_session';
export const LOCAL_SESSION_COOKIE = 'onramp_session';

let secure: boolean | undefined;

/** The cookie name for a `Secure` (cloud) or plain-http (local) deployment. */
export function sessionCookieName(isSecure: boolean): string {
  return isSecure ? SECURE_SESSION_COOKIE : LOCAL_SESSION_COOKIE;
}

/** The session cookie's name here, from COOKIE_SECURE (parsed on first use: the local stack sets it before any request). */
export function sessionCookieHere(): string {
  secure ??= parseEnv(envSchema({ COOKIE_SECURE: bool(true) })).COOKIE_SECURE;
  return sessionCookieName(secure);
}
