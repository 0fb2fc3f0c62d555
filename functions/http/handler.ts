/**
 * Builds one function's handler from its routes. The middleware, in order:
 * logger keys, error rendering, the same-origin guard, the route policy
 * (path parameters parsed, session resolved as the route table says), the
 * JSON body parsed with the route's zod schema; then the route's handler.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from '#shared/runtime/zod.js';
import { NotFoundError, ValidationError } from '#shared/domain/errors.js';
import { logger } from '#shared/runtime/logger.js';
import type { ConnectionRecord } from '#shared/domain/health.js';
import type { Account, Session, WizardRecord } from '#shared/domain/model.js';
import type { SessionStore, SessionStoreWithAccounts } from '#shared/ports/index.js';
import { PATH_PARAMS, pathParamNames, routeFor, type RouteAuth, type RouteKey } from '#shared/http/routes.js';
import { callerSession, requireSession, requireSessionWithAccount, requireSessionWithAccounts, type CallerSession } from '#shared/use-cases/auth.js';
import { parseCookies } from './cookies.js';
import { requireEdge } from '../edge.js';
import { lambdaLogContext } from '../logging.js';
import { sessionCookieHere } from '../session-cookie.js';
import { correlationIdOf, errorRenderer, fieldErrors } from './errors.js';
import { guardStateChange, type GuardOptions } from './guard.js';
import { toResult, type HttpResult, type Result } from './respond.js';

export type { HttpResult } from './respond.js';

type SessionOf<A extends RouteAuth> = A extends 'session' ? Session : undefined;
type CallerOf<A extends RouteAuth> = A extends 'oauth-callback' ? CallerSession : undefined;

export interface HttpRequest<B, A extends RouteAuth = RouteAuth> {
  readonly event: APIGatewayProxyEventV2;
  readonly body: B;
  /** Path parameters, each parsed by its schema in the route table. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  readonly correlationId: string;
  /** The seller's session, as the route's policy resolves it. */
  readonly session: SessionOf<A>;
  /**
   * A provider's redirect back: the browser's session, if any, for the use
   * case to resolve when it knows which account it is about (read with it).
   */
  readonly caller: CallerOf<A>;
  /**
   * On a seller's route about one account (`{id}`): that account of the
   * seller, read with the session in one round trip (consistently, in this
   * request), given only once the session is live and the seller's; `null`
   * when the seller has no such account; absent when it was not read (the
   * use case loads it as usual).
   */
  readonly account?: WizardRecord | null;
  /**
   * On a seller's route that lists the seller's accounts (`readsAccounts`):
   * all of them, read with the session in one request, given only once the
   * session is live and that seller's; absent otherwise (the use case reads
   * them as usual).
   */
  readonly accounts?: readonly Account[];
  /** With `account`: the connection records the route's `readWith` named, read in the same round trip (null: none). */
  readonly records?: ReadonlyMap<string, ConnectionRecord | null>;
}

/** Connection records a route about one account reads with the session and the account (keys known from the path alone). */
export type ReadWith = (params: Readonly<Record<string, string>>) => readonly string[];

/** A route's policy, body schema and handling, as the builders below make it. */
export interface RouteSpec {
  readonly auth: RouteAuth;
  readonly body?: z.core.$ZodType;
  readonly readWith?: ReadWith;
  /** Reads the seller's accounts with the session (see `HttpRequest.accounts`). */
  readonly readsAccounts?: true;
  readonly handle: (req: HttpRequest<never, never>) => Promise<HttpResult>;
}

type Builder<A extends RouteAuth> = {
  <S extends z.core.$ZodType>(spec: { body: S; readWith?: ReadWith; handle: (req: HttpRequest<z.infer<S>, A>) => Promise<HttpResult> }): RouteSpec;
  (spec: { readWith?: ReadWith; readsAccounts?: true; handle: (req: HttpRequest<undefined, A>) => Promise<HttpResult> }): RouteSpec;
};

const builder =
  <A extends RouteAuth>(auth: A): Builder<A> =>
  (spec: { body?: z.core.$ZodType; readWith?: ReadWith; readsAccounts?: true; handle: (req: never) => Promise<HttpResult> }) =>
    ({ auth, ...spec }) as RouteSpec;

/** A public route: no session. */
export const route = builder('public');
/** A seller's route: the handler gets the session; without one the answer is a 401. */
export const sellerRoute = builder('session');
/** A provider's redirect back: the session if there is one (resolved by the handler); it answers with redirects. */
export const callbackRoute = builder('oauth-callback');
/** A provider's server posting to us: no session, ever (a browser's cookie is not looked at); the body must prove itself. */
export const webhookRoute = builder('webhook');

export interface HttpOptions extends GuardOptions {
  /**
   * Resolves sessions; required when any route needs one. A route about one
   * account (`{id}`) or a provider's redirect back reads the session with the
   * account: its store must do so (`SessionStoreWithAccounts`).
   */
  readonly sessions?: SessionStore | SessionStoreWithAccounts;
}

interface Resolved {
  params: Record<string, string>;
  /** The request's cookies, parsed once for the policy and the handler. */
  cookies: Record<string, string>;
  session: Session | undefined;
  caller?: CallerSession;
  account?: WizardRecord | null;
  records?: ReadonlyMap<string, ConnectionRecord | null>;
  accounts?: readonly Account[];
}
const resolved = new WeakMap<APIGatewayProxyEventV2, Resolved>();

/**
 * The route policy, from the route table: parses the path parameters (a
 * malformed one is a 404 before any AWS call) and resolves the session the
 * route's `auth` asks for. A route the table does not list is a 404.
 */
export function routePolicy(options: HttpOptions, routes: Partial<Record<RouteKey, RouteSpec>>): MiddlewareObj<APIGatewayProxyEventV2, Result> {
  return {
    before: async (request) => {
      const event = request.event;
      const entry = routeFor(event.routeKey);
      if (!entry) throw new NotFoundError('There is nothing here.');
      const params: Record<string, string> = {};
      for (const name of pathParamNames(entry.path)) {
        const value = event.pathParameters?.[name];
        if (value === undefined || !PATH_PARAMS[name].test(value)) throw new NotFoundError(name === 'id' ? 'We could not find that account. It may have been removed.' : 'There is nothing here.');
        params[name] = value;
      }
      const cookies = parseCookies(event);
      let session: Session | undefined;
      let account: WizardRecord | null | undefined;
      let records: ReadonlyMap<string, ConnectionRecord | null> | undefined;
      let accounts: readonly Account[] | undefined;
      if (entry.auth !== 'public' && entry.auth !== 'webhook') {
        const token = cookies[sessionCookieHere()];
        if (entry.auth === 'session' && params.id) {
          // A route about one account: the session and the seller's account (and what the route reads with it) in one round trip.
          const readWith = routes[event.routeKey as RouteKey]?.readWith?.(params) ?? [];
          ({ session, account, records } = await requireSessionWithAccount({ sessions: options.sessions as SessionStoreWithAccounts }, token, params.id, readWith));
        } else if (entry.auth === 'session' && routes[event.routeKey as RouteKey]?.readsAccounts) {
          // The list of the seller's accounts: the session and the accounts in one request.
          ({ session, accounts } = await requireSessionWithAccounts({ sessions: options.sessions as SessionStoreWithAccounts }, token));
        } else if (entry.auth === 'session') {
          session = await requireSession({ sessions: options.sessions! }, token);
        } else {
          // A provider's redirect back: the handler reads the session when it knows the account (see CallerSession).
          resolved.set(event, { params, cookies, session: undefined, caller: callerSession({ sessions: options.sessions as SessionStoreWithAccounts }, token) });
          return;
        }
      }
      resolved.set(event, { params, cookies, session, ...(account !== undefined ? { account } : {}), ...(records ? { records } : {}), ...(accounts ? { accounts } : {}) });
    },
  };
}

export function loggerContext(): MiddlewareObj<APIGatewayProxyEventV2, Result> {
  return {
    before: async (request) => {
      logger.resetKeys();
      logger.appendKeys({ correlationId: correlationIdOf(request.event), route: request.event.routeKey });
    },
  };
}

function parseBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('The request body is not valid JSON.', { body: 'Send a JSON object.' });
  }
}

/** Builds one function's handler from its routes (keys from the shared route table, policies checked against it). */
export function httpHandler(routes: Partial<Record<RouteKey, RouteSpec>>, options: HttpOptions = {}) {
  for (const [key, spec] of Object.entries(routes)) {
    const entry = routeFor(key);
    if (!entry) throw new Error(`Route ${key} is not in the route table`);
    // The table decides; a handler written for another policy is a mistake caught at cold start.
    if (entry.auth !== spec!.auth) throw new Error(`Route ${key} is "${entry.auth}" in the route table but its handler is "${spec!.auth}"`);
    if (entry.auth !== 'public' && entry.auth !== 'webhook' && !options.sessions) throw new Error(`Route ${key} needs a session store`);
    const readsAccount = entry.auth === 'oauth-callback' || (entry.auth === 'session' && pathParamNames(entry.path).includes('id'));
    if ((readsAccount && !('findWithAccount' in options.sessions!)) || (spec!.readsAccounts && !('findWithAccounts' in options.sessions!))) throw new Error(`Route ${key} reads the session with the seller's accounts: its session store must (dynamoSessionStoreWithAccounts)`);
  }
  const base = async (event: APIGatewayProxyEventV2, _context: Context): Promise<Result> => {
    const spec = routes[event.routeKey as RouteKey];
    if (!spec) throw new NotFoundError('There is nothing here.');
    const { params, cookies, session, caller, account, records, accounts } = resolved.get(event) ?? { params: {}, cookies: parseCookies(event), session: undefined };
    let body: unknown;
    if (spec.body) {
      // Through the schema's Standard Schema interface: a function whose routes take no body bundles no zod for it.
      // (A check that throws makes zod answer with a promise, which rejects: awaited, it is a 500 like any bug.)
      const parsed = await spec.body['~standard'].validate(parseBody(event) ?? {});
      if (parsed.issues) {
        const fields = fieldErrors(parsed.issues as readonly z.core.$ZodIssue[]);
        const first = Object.values(fields)[0] ?? 'Check the form and try again.';
        throw new ValidationError(first, fields);
      }
      body = parsed.value;
    }
    const result = await spec.handle({
      event,
      body: body as never,
      params,
      query: (event.queryStringParameters ?? {}) as Record<string, string>,
      cookies,
      correlationId: correlationIdOf(event),
      session: session as never,
      caller: caller as never,
      ...(account !== undefined ? { account } : {}),
      ...(records ? { records } : {}),
      ...(accounts ? { accounts } : {}),
    });
    return toResult(result);
  };
  return middy<APIGatewayProxyEventV2, Result>(base)
    .use(lambdaLogContext())
    .use(loggerContext())
    .use(errorRenderer())
    // Only CloudFront reaches the API (its secret header), then the same-origin JSON guard.
    .use({ before: async (request) => { await requireEdge(request.event); guardStateChange(request.event, options); } })
    .use(routePolicy(options, routes));
}
