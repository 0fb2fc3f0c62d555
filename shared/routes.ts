/**
 * The one route table. The CDK stack creates an HTTP API route per entry, the
 * local gateway dispatches on it, and each handler reads `routeKey` from it.
 */

/** The Lambda functions Onramp deploys, one per capability. */
export const FUNCTIONS = {
  auth: { entry: 'functions/auth/handler.ts', description: 'Sign up, sign in, sign out, who am I' },
  catalog: { entry: 'functions/catalog/handler.ts', description: 'The channels and books we connect' },
  accounts: { entry: 'functions/accounts/handler.ts', description: 'A seller\u2019s accounts and their settings' },
  wizardTask: { entry: 'functions/wizard-task/handler.ts', description: 'Records the wizard\u2019s task tokens' },
  support: { entry: 'functions/support/handler.ts', description: 'Support: show, list stuck and reset accounts (not on the API)' },
} as const;
export type FunctionId = keyof typeof FUNCTIONS;

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: `/api/${string}`;
  readonly fn: FunctionId;
  /** Public routes need no session. */
  readonly public?: boolean;
}

export const ROUTES = [
  { method: 'POST', path: '/api/auth/signup', fn: 'auth', public: true },
  { method: 'POST', path: '/api/auth/login', fn: 'auth', public: true },
  { method: 'POST', path: '/api/auth/logout', fn: 'auth', public: true },
  { method: 'POST', path: '/api/auth/logout-everywhere', fn: 'auth' },
  { method: 'GET', path: '/api/me', fn: 'auth' },
  { method: 'GET', path: '/api/catalog', fn: 'catalog', public: true },
  { method: 'GET', path: '/api/accounts', fn: 'accounts' },
  { method: 'POST', path: '/api/accounts', fn: 'accounts' },
  { method: 'GET', path: '/api/accounts/{id}', fn: 'accounts' },
  { method: 'GET', path: '/api/accounts/{id}/events', fn: 'accounts' },
  { method: 'POST', path: '/api/accounts/{id}/resume', fn: 'accounts' },
  { method: 'POST', path: '/api/accounts/{id}/start-over', fn: 'accounts' },
] as const satisfies readonly Route[];

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
