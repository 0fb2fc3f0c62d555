/**
 * A WooCommerce store's address, as a seller types or pastes it, made into
 * the store's base URL; and the rules every address Onramp calls on a
 * seller's behalf must pass before any lookup or request (the SSRF guard's
 * first half; `adapters/store-http.ts` checks the addresses a name resolves
 * to). Pure: no I/O, so the web app and the tests can use it too.
 */

/** Why an address is refused before anything is sent to it. */
export type StoreUrlRefusal =
  /** Not a URL at all, or not a web address. */
  | 'invalid'
  /** Plain http (or another scheme): keys travel only over https. */
  | 'not_https'
  /** `user:password@` in the URL. */
  | 'credentials'
  /** An IP address rather than a name (stores are found by name; private ranges are never called). */
  | 'ip_address'
  /** A name that is not public on the internet (`localhost`, a single label). */
  | 'not_public'
  /** A port other than https's own. */
  | 'port';

export interface StoreUrlRules {
  /** The local stack only: plain http, loopback names and addresses, and any port. */
  readonly allowLocal: boolean;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const isIpLiteral = (hostname: string) => hostname.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
const isLoopbackName = (hostname: string) => LOOPBACK_NAMES.has(hostname) || hostname.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(hostname);

/**
 * Whether Onramp may send a request to `url` at all (scheme, credentials,
 * name, port), before resolving it. The WHATWG parser has already turned
 * `0x7f.1`, `2130706433` and the like into dotted addresses, which count as IP addresses.
 */
export function refusalOf(url: URL, rules: StoreUrlRules): StoreUrlRefusal | undefined {
  const local = rules.allowLocal && isLoopbackName(url.hostname);
  if (url.protocol !== 'https:' && !(rules.allowLocal && url.protocol === 'http:')) return url.protocol === 'http:' ? 'not_https' : 'invalid';
  if (url.username || url.password) return 'credentials';
  if (!url.hostname) return 'invalid';
  if (local) return undefined;
  if (isIpLiteral(url.hostname)) return 'ip_address';
  if (!url.hostname.includes('.') || url.hostname.endsWith('.localhost') || url.hostname === 'localhost') return 'not_public';
  if (url.port !== '' && !rules.allowLocal) return 'port';
  return undefined;
}

/** Admin and API paths a seller may paste along with the store address; the store is what comes before them. */
const TRAILING = /\/(wp-admin|wp-json|wp-login\.php|index\.php|wc-auth)(\/.*)?$/i;

/**
 * The store's base URL (`https://shop.example.com` or `https://example.com/shop`,
 * no trailing slash), from what the seller typed: `https://` is assumed when no
 * scheme is given, and a pasted admin or API page, query and fragment are dropped.
 */
export function normaliseStoreUrl(input: string, rules: StoreUrlRules): { readonly url: string } | { readonly refusal: StoreUrlRefusal } {
  const text = input.trim();
  if (!text || /\s/.test(text)) return { refusal: 'invalid' };
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) && text.includes('://') ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { refusal: 'invalid' };
  }
  const refusal = refusalOf(url, rules);
  if (refusal) return { refusal };
  const path = url.pathname.replace(TRAILING, '').replace(/\/+$/, '');
  return { url: `${url.origin}${path}` };
}

/** `path` (like `/wp-json/`) on the store at `base`. */
export function onStore(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
