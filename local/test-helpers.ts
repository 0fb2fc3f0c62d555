/** Helpers for tests that drive the local stack over HTTP, as the web app does. */
import { startLocalStack, type LocalStack, type LocalStackOptions } from './stack.js';

export interface Client {
  /** Calls the API with this client's session cookie, as the browser would. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  cookie: string | undefined;
}

export function client(stack: LocalStack): Client {
  const c: Client = {
    cookie: undefined,
    async call(method, path, body, headers = {}) {
      const res = await fetch(stack.url + path, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(c.cookie ? { cookie: c.cookie } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const set = res.headers.getSetCookie().find((s) => s.startsWith('onramp_session='));
      if (set) c.cookie = set.split(';')[0];
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
  };
  return c;
}

let seq = 0;
/** A new seller, signed up and signed in. */
export async function newSeller(stack: LocalStack, name = 'Seller'): Promise<Client> {
  const c = client(stack);
  const email = `seller${Date.now()}${seq++}@example.com`;
  const res = await c.call('POST', '/api/auth/signup', { name, email, password: 'a long enough passphrase' });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return c;
}

export async function withStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({ logLevel: 'SILENT', ...options });
}

/** Waits until every running execution waits for its task token (nothing in flight). */
export async function settled(stack: LocalStack, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!stack.stepFunctions.settled()) {
    if (Date.now() > end) throw new Error('executions did not settle');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Polls `probe` until it is true. */
export async function until(what: string, probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An account of `channel`, created by `c`, at Connect Sales Channel. */
export async function newAccount(c: Client, body: Record<string, unknown>): Promise<any> {
  const res = await c.call('POST', '/api/accounts', body);
  if (res.status !== 201) throw new Error(`account not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.account;
}

/**
 * Goes through a provider's consent as a seller's browser would, without a
 * browser: starts the connection, submits the sandbox's consent form with
 * `decision` and `choices`, and follows the provider's redirect to Onramp's
 * callback with the seller's cookie. Returns where Onramp sends the browser.
 */
export async function connectThroughSandbox(
  c: Client,
  accountId: string,
  decision: string,
  choices: Record<string, string> = {},
  tamper: (callback: URL) => void = () => undefined,
): Promise<{ authorizeUrl: string; callback: string | undefined; landing: string | undefined; status: number }> {
  const { consent } = await import('./sandboxes/consent.js');
  const start = await c.call('POST', `/api/accounts/${accountId}/channel/connect`, {});
  if (start.status !== 200) throw new Error(`connect did not start: ${start.status} ${JSON.stringify(start.body)}`);
  const authorizeUrl: string = start.body.authorizeUrl;
  const page = await consent(authorizeUrl, decision, choices);
  if (!page.location) return { authorizeUrl, callback: undefined, landing: undefined, status: page.status ?? page.pageStatus };
  return { authorizeUrl, ...(await followCallback(c, page.location, tamper)) };
}

/** Follows a provider's redirect to Onramp's callback with the seller's cookie; where Onramp sends the browser next. */
export async function followCallback(c: Client, location: string, tamper: (callback: URL) => void = () => undefined) {
  const url = new URL(location);
  tamper(url);
  const res = await fetch(url, { redirect: 'manual', headers: c.cookie ? { cookie: c.cookie } : {} });
  await res.text();
  return { callback: url.href, landing: res.headers.get('location') ?? undefined, status: res.status };
}

/**
 * WooCommerce's one-click approval, as a browser goes through it: the
 * sandbox store's approval page answered with `decision` (the store posts
 * the keys to Onramp before redirecting), then the store's redirect to
 * Onramp's return leg followed by the browser of `c` (with its session
 * cookie; a client with none is a browser without one). `location`: where
 * the store sent the browser; `landing`: where Onramp sent it next.
 */
export async function approveAtStore(c: Client, authorizeUrl: string, decision: 'approve' | 'deny' = 'approve') {
  const { consent } = await import('./sandboxes/consent.js');
  const page = await consent(authorizeUrl, decision);
  if (!page.location) throw new Error(`the store did not send the browser back: ${page.status ?? page.pageStatus}`);
  return { location: page.location, ...(await followCallback(c, page.location)) };
}
