/**
 * The one route table. The CDK stack creates an HTTP API route per entry, the
 * local gateway dispatches on it, and each handler reads `routeKey` from it.
 */

/** The Lambda functions Onramp deploys, one per capability. */
export const FUNCTIONS = {
  auth: { entry: 'functions/auth/handler.ts', description: 'Sign up, sign in, sign out, who am I' },
  catalog: { entry: 'functions/catalog/handler.ts', description: 'The channels and books we connect' },
  accounts: { entry: 'functions/accounts/handler.ts', description: 'A seller\u2019s accounts and their settings' },
  connect: { entry: 'functions/connect/handler.ts', description: 'Starts connecting a channel (consent URL), or checks and stores pasted keys' },
  books: { entry: 'functions/books/handler.ts', description: 'Connect Bookkeeping (reuse, organisation) and Accounts & Taxes (live chart, mapping, recommended accounts)' },
  oauthCallback: { entry: 'functions/oauth-callback/handler.ts', description: 'Finishes a provider consent: tokens, identity, next step' },
  keysCallback: { entry: 'functions/keys-callback/handler.ts', description: 'Receives the keys a WooCommerce store creates in one click, kept when the seller\u2019s browser comes back' },
  wizardTask: { entry: 'functions/wizard-task/handler.ts', description: 'Records the wizard\u2019s task tokens' },
  support: { entry: 'functions/support/handler.ts', description: 'Support: show, list stuck and reset accounts (not on the API)' },
  refresher: { entry: 'functions/refresher/handler.ts', description: 'Refreshes connection tokens before they expire (scheduled, not on the API)' },
} as const;
export type FunctionId = keyof typeof FUNCTIONS;

/**
 * How a route is authenticated. `session`: a signed-in seller, or a 401.
 * `public`: nobody in particular. `oauth-callback`: a browser coming back from
 * a provider; the session is resolved if there is one and the handler
 * answers with redirects, never JSON. `webhook`: a provider's server posting
 * to us (no session, no browser); what it posts must prove itself (WooCommerce:
 * a single-use `user_id` we issued).
 */
export type RouteAuth = 'session' | 'public' | 'oauth-callback' | 'webhook';

/**
 * Every path parameter, parsed before the handler runs: a malformed one is a
 * 404, before any AWS call. A provider is checked for its shape here and
 * against the provider definitions by the callback itself (which answers a
 * provider we do not connect this way with a redirect and a sentence), so
 * that the route table, which every function imports, holds no provider data.
 */
export const PATH_PARAMS = {
  /** An account id: a UUID (as zod's `uuid()` accepts it: RFC 9562 variants, nil and max). */
  id: /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/,
  provider: /^[a-z][a-z-]{0,39}$/,
  /** A connect link's id: the sha256 of its token, base64url (never the token). */
  invitationId: /^[A-Za-z0-9_-]{43}$/,
} as const satisfies Record<string, RegExp>;
export type PathParamName = keyof typeof PATH_PARAMS;

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: `/api/${string}`;
  readonly fn: FunctionId;
  readonly auth: RouteAuth;
}

export const ROUTES = [
  { method: 'POST', path: '/api/auth/signup', fn: 'auth', auth: 'public' },
  { method: 'POST', path: '/api/auth/login', fn: 'auth', auth: 'public' },
  { method: 'POST', path: '/api/auth/logout', fn: 'auth', auth: 'public' },
  { method: 'POST', path: '/api/auth/logout-everywhere', fn: 'auth', auth: 'session' },
  { method: 'GET', path: '/api/me', fn: 'auth', auth: 'session' },
  { method: 'GET', path: '/api/catalog', fn: 'catalog', auth: 'public' },
  { method: 'GET', path: '/api/accounts', fn: 'accounts', auth: 'session' },
  { method: 'POST', path: '/api/accounts', fn: 'accounts', auth: 'session' },
  { method: 'GET', path: '/api/accounts/{id}', fn: 'accounts', auth: 'session' },
  { method: 'GET', path: '/api/accounts/{id}/events', fn: 'accounts', auth: 'session' },
  { method: 'POST', path: '/api/accounts/{id}/resume', fn: 'accounts', auth: 'session' },
  { method: 'POST', path: '/api/accounts/{id}/start-over', fn: 'accounts', auth: 'session' },
  { method: 'POST', path: '/api/accounts/{id}/channel/connect', fn: 'connect', auth: 'session' },
  { method: 'POST', path: '/api/accounts/{id}/reconnect', fn: 'connect', auth: 'session' },
  { method: 'POST', path: '/api/accounts/{id}/books/connect', fn: 'books', auth: 'session' },
  { method: 'POST', path: '/api/accounts/{id}/books/organisation', fn: 'books', auth: 'session' },
  { method: 'GET', path: '/api/accounts/{id}/books/chart', fn: 'books', auth: 'session' },
  { method: 'PUT', path: '/api/accounts/{id}/mapping', fn: 'books', auth: 'session' },
  { method: 'GET', path: '/api/accounts/{id}/books/recommended', fn: 'books', auth: 'session' },
  { method: 'POST', path: '/api/accounts/{id}/books/recommended', fn: 'books', auth: 'session' },
  // Connect links (invitations): the seller makes, lists and cancels them; whoever holds one opens it and starts its
  // consent with no session. The link's token travels only in request bodies (never a path or query string).
  { method: 'POST', path: '/api/accounts/{id}/invitations', fn: 'connect', auth: 'session' },
  { method: 'GET', path: '/api/accounts/{id}/invitations', fn: 'connect', auth: 'session' },
  { method: 'DELETE', path: '/api/accounts/{id}/invitations/{invitationId}', fn: 'connect', auth: 'session' },
  { method: 'POST', path: '/api/invitations/open', fn: 'connect', auth: 'public' },
  { method: 'POST', path: '/api/invitations/connect', fn: 'connect', auth: 'public' },
  // A keys channel through a link: its keys form, and its holder's page back from WooCommerce's one-click approval.
  { method: 'POST', path: '/api/invitations/keys', fn: 'connect', auth: 'public' },
  { method: 'POST', path: '/api/invitations/keys/return', fn: 'connect', auth: 'public' },
  // One callback path per provider (`{provider}` is one of them); the state must name the same provider.
  { method: 'GET', path: '/api/oauth/{provider}/callback', fn: 'oauthCallback', auth: 'oauth-callback' },
  // A provider that creates keys itself (WooCommerce's store) posts them here, server to server (its `callback_url`);
  // the pending approval must name the same provider.
  { method: 'POST', path: '/api/oauth/{provider}/callback', fn: 'keysCallback', auth: 'webhook' },
  // The seller's browser back from the provider's approval page (its `return_url`), with the session that started it:
  // posted keys become the account's only here.
  { method: 'GET', path: '/api/oauth/{provider}/return', fn: 'keysCallback', auth: 'oauth-callback' },
] as const satisfies readonly Route[];

const BY_KEY = new Map<string, (typeof ROUTES)[number]>(ROUTES.map((r) => [routeKey(r), r]));

/** The route table entry for a route key, or undefined (every request asks: a lookup, not a search). */
export function routeFor(key: string): (typeof ROUTES)[number] | undefined {
  return BY_KEY.get(key);
}

/** The names of a path's parameters, e.g. `id` in `/api/accounts/{id}`. */
export function pathParamNames(path: string): PathParamName[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as PathParamName);
}

export type RouteKey = `${(typeof ROUTES)[number]['method']} ${(typeof ROUTES)[number]['path']}`;

/** `METHOD /path/{param}` as API Gateway v2 names a route. */
export function routeKey(route: Route): string {
  return `${route.method} ${route.path}`;
}

/** Matches a request to a route, returning its path parameters. */
export function matchRoute(
  method: string,
  path: string,
): { route: (typeof ROUTES)[number]; params: Record<string, string> } | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    if (route.method === method.toUpperCase()) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return undefined;
      try {
        params[w.slice(1, -1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) return undefined;
  }
  return params;
}
