/**
 * The contract every provider sandbox implements. A sandbox plays one
 * provider's hosts: the sandbox server (its own origin, never the app's) maps
 * a real provider URL `https://<host>/<path>` to `<origin>/<host>/<path>` and
 * hands the request to the sandbox that claims `<host>`.
 *
 * Sandboxes are written from the providers' documentation
 * (`docs/providers.md`), never from Onramp's connector code, so that contract
 * tests can catch the connectors' mistakes.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Registrations } from './registrations.js';

export interface SandboxRequest {
  readonly method: string;
  /** The real provider host this request is for, e.g. `api.amazon.com` or `my-shop.myshopify.com`. */
  readonly host: string;
  /** The path on that host, starting with `/`, e.g. `/auth/o2/token`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased header names, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The raw request body (form, JSON or empty). */
  readonly body: string;
}

export interface SandboxResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface SandboxContext {
  /** The sandbox server's origin, e.g. `http://127.0.0.1:3100`. */
  readonly origin: string;
  /** Maps a real provider URL to its sandbox URL: `https://host/p?q` → `<origin>/host/p?q`. */
  sandboxUrl(realUrl: string): string;
  /** The apps registered with each provider (client ids, secrets, redirect URIs). */
  readonly registrations: Registrations;
  /** The clock (epoch milliseconds); tests move it to expire codes and tokens. */
  now(): number;
  /** How long the "slow" controls stall a response, in milliseconds. */
  readonly slowMs: number;
  /** Access-token lifetime override in seconds (tests make tokens expire quickly); undefined = the provider's own. */
  readonly accessTokenTtlSeconds: number | undefined;
  /** For server-to-server calls a provider makes (WooCommerce POSTs keys to the app). Only loopback targets. */
  readonly fetch: typeof fetch;
}

export interface Sandbox {
  /** The provider id, e.g. `amazon`, `tiktok-shop`. */
  readonly id: string;
  /** Whether this sandbox plays `host` (lower-case). */
  hosts(host: string): boolean;
  /** Answers a request for one of its hosts; undefined means 404. */
  handle(req: SandboxRequest): Promise<SandboxResponse | undefined>;
}

export type SandboxFactory = (ctx: SandboxContext) => Sandbox;

/**
 * Test controls of a sandbox, for connection health: what a seller or the
 * provider does to a grant outside Onramp. Tests reach them through
 * `stack.sandboxes.sandboxes` (see `grantControls` in `controls.ts`). For a
 * key-based provider (Walmart, WooCommerce) the grant is the seller's key:
 * `revokeGrants` revokes the keys and counts them, `expireRefreshTokens` has
 * nothing to run out (0), and `failRefresh` fails the calls that check the key.
 */
export interface GrantControls {
  /** Revokes every grant the app holds (the seller removed the app): its access and refresh tokens stop working. Returns how many refresh tokens went. */
  revokeGrants(): number;
  /** Runs out every refresh token now, as its lifetime would; refreshing then gets the provider's own expiry answer. Returns how many. */
  expireRefreshTokens(): number;
  /** Makes refresh requests fail: `error` answers the provider's own 5xx, `timeout` stalls `slowMs` first; `null` restores them. */
  failRefresh(mode: 'error' | 'timeout' | null): void;
}

/**
 * A provider's ledger of the refresh tokens it would accept, for tests that
 * check no rotated token is lost (the credential model test).
 */
export interface TokenLedger {
  /** A new grant, as the token endpoint answers a consent's code exchange (the provider's own JSON body). */
  mintGrant(): Record<string, unknown>;
  /** Whether the provider would accept this refresh token now (it is the grant's current one). */
  isCurrentRefreshToken(token: string): boolean;
}

/** One account-create request a books sandbox received (`BooksControls.createRequests`). */
export interface CreateRequestRecord {
  /** When it arrived (`ctx.now()`). */
  readonly at: number;
  /** Its body as parsed JSON, or the raw text when it was not JSON. */
  readonly body: unknown;
  /** The status the sandbox answered it with. */
  readonly status: number;
  /** The id of the account it created, when it created one. */
  readonly createdId?: string;
}

/**
 * Test controls of a books sandbox (Xero, QuickBooks) for writes to the chart
 * of accounts: make a create fail as the provider's own server error does,
 * add an account as the seller would in the provider's own screens, and list
 * the create requests an organisation (Xero tenant id) or company (QuickBooks
 * realm id) received, so a test can assert that nothing was written without
 * the seller's click. Tests reach them with `booksControls` in `controls.ts`.
 */
export interface BooksControls {
  /** Makes the `nth` account-create request from now (1: the next) answer the provider's own 500 and write nothing; the others go through. Calls add up. */
  failNthCreate(nth: number): void;
  /** `failNthCreate(1)`. */
  failNextCreate(): void;
  /** Forgets the failures set and not reached yet. */
  clearCreateFailures(): void;
  /**
   * Adds an account to `org`'s chart as the seller would in the provider's
   * own screens: the provider's create body, checked as its API checks one
   * (unique name, unique code or number…), not counted as a create request.
   * Returns the account as the API lists it; throws with the provider's own
   * messages when it is refused.
   */
  addAccount(org: string, account: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>>;
  /** The account-create requests `org` received, oldest first, however they were answered (refused, failed or written). */
  createRequests(org: string): readonly CreateRequestRecord[];
}

/** A sandbox with grant controls (every provider's). */
export interface ControlledSandbox extends Sandbox {
  readonly controls: GrantControls;
  /** Providers that rotate refresh tokens: their ledger. */
  readonly ledger?: TokenLedger;
  /** Providers that keep books (Xero, QuickBooks): their chart-of-accounts controls. */
  readonly books?: BooksControls;
}

/**
 * How a plain click-through accepts a sandbox's consent page: the accepting
 * button (`<button name="decision" value="…">`, labelled in the provider's
 * own words) and what else the form must carry (a box to tick, a choice).
 */
export interface ConsentAcceptance {
  /** The accepting button's `decision` value, e.g. Etsy's `grant`. */
  readonly decision: string;
  /** The accepting button's label, as a browser test finds it, e.g. `Grant access`. */
  readonly label: string;
  /** The other fields the accepting click-through sends (name → value), e.g. Amazon's ticked `agree` box. */
  readonly choices: Readonly<Record<string, string>>;
}

/**
 * A sandbox's own test facts, in one typed place (`<provider>/facts.ts`,
 * gathered in `facts.ts`): tests, e2e tests, helpers and the bench read them
 * instead of restating them, and the sandbox itself renders and checks them.
 */
export interface SandboxFacts<R = never> {
  /** The provider id, as the sandbox's `id`. */
  readonly id: string;
  /** How its consent page is accepted; absent for a sandbox without one. */
  readonly accept?: ConsentAcceptance;
  /** The app Onramp registers with the provider, for callbacks at `callback` (`/api/oauth/<provider>/callback`). */
  readonly registration?: (callback: string) => R;
  /** Onramp's app secret for the provider (`<prefix><provider>`), as the operator fills it in, from that registration. */
  readonly appSecret?: (registration: R) => Readonly<Record<string, string>>;
}
