/**
 * The HTTP middleware every API function shares: correlation id and logger
 * keys, the same-origin JSON guard on state-changing requests, body parsing
 * with zod, the session, and one place that renders errors.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { AppError, ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError, UnsupportedMediaTypeError, ValidationError } from '#shared/errors.js';
import { logger } from '#shared/logger.js';
import type { Session } from '#shared/model.js';
import { ROUTES, type RouteKey } from '#shared/routes.js';
import { isOwnOrigin, requireEdge } from './edge.js';
import { lambdaLogContext } from './logging.js';
import { sessionCookieName } from './session-cookie.js';

export interface HttpRequest<B> {
  readonly event: APIGatewayProxyEventV2;
  readonly body: B;
  readonly params: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  readonly correlationId: string;
}

export interface HttpResult {
  readonly status?: number;
  readonly body?: unknown;
  readonly cookies?: readonly string[];
}

/** A route's body schema and its handling, as `route()` builds it. */
export interface RouteSpec {
  readonly body?: z.ZodType;
  readonly handle: (req: HttpRequest<never>) => Promise<HttpResult>;
}

/** Declares a route whose JSON body is parsed with `body` before `handle` sees it. */
export function route<S extends z.ZodType>(spec: {
  body: S;
  handle: (req: HttpRequest<z.infer<S>>) => Promise<HttpResult>;
}): RouteSpec;
/** Declares a route without a body. */
export function route(spec: { handle: (req: HttpRequest<undefined>) => Promise<HttpResult> }): RouteSpec;
export function route(spec: RouteSpec): RouteSpec {
  return spec;
}

export interface HttpOptions {
  /** Origins allowed to make state-changing requests besides the request's own. */
  readonly allowedOrigins?: readonly string[];
}

type Result = APIGatewayProxyStructuredResultV2;

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function json(status: number, body: unknown, cookies?: readonly string[]): Result {
  return {
    statusCode: status,
    headers: JSON_HEADERS,
    body: body === undefined ? '' : JSON.stringify(body),
    ...(cookies && cookies.length > 0 ? { cookies: [...cookies] } : {}),
  };
}

export function parseCookies(event: APIGatewayProxyEventV2): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = event.cookies ?? (event.headers?.cookie ? event.headers.cookie.split(';') : []);
  for (const part of raw) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A cookie we cannot decode is not one of ours.
    }
  }
  return out;
}

/** Turns zod issues into `{ field: reason }`, one reason per field, in the seller's words. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  // No prototype: a key named "__proto__" or "constructor" is a field like any other.
  const fields = Object.create(null) as Record<string, string>;
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) fields[k] ??= `"${k}" is not a field we accept. Remove it and try again.`;
      continue;
    }
    const name = issue.path.length > 0 ? issue.path.join('.') : 'body';
    fields[name] ??= issue.message;
  }
  return fields;
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

/**
 * State-changing requests must be JSON (a cross-site form cannot send that
 * without a CORS preflight, which we never grant) and, when the browser says
 * where they come from, from our own origin.
 */
function guardStateChange(event: APIGatewayProxyEventV2, options: HttpOptions): void {
  const method = event.requestContext.http.method;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
  const contentType = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new UnsupportedMediaTypeError('Send the request as JSON (Content-Type: application/json).');
  }
  const fetchSite = event.headers['sec-fetch-site'];
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    throw new ForbiddenError('This request must come from the Onramp web app.');
  }
  const origin = event.headers.origin;
  if (origin && !(options.allowedOrigins?.includes(origin) || isOwnOrigin(origin))) {
    throw new ForbiddenError('This request must come from the Onramp web app.');
  }
}

/** An AWS SDK service exception or a network failure talking to AWS. */
function isAwsFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { $metadata?: unknown; $fault?: unknown; code?: string };
  return e.$metadata !== undefined || e.$fault !== undefined || e.name === 'TimeoutError' || e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET';
}

const correlationIdOf = (event: APIGatewayProxyEventV2) => event.requestContext?.requestId ?? 'unknown';

/** Renders typed errors as JSON; anything else is a generic 500 with a correlation id, logged. */
export function errorRenderer(): MiddlewareObj<APIGatewayProxyEventV2, Result> {
  return {
    onError: async (request) => {
      const err = request.error;
      const correlationId = correlationIdOf(request.event);
      if (err instanceof AppError) {
        if (err.status >= 500) logger.error('request failed', { correlationId, code: err.code });
        request.response = json(err.status, {
          error: {
            code: err.code,
            message: err.message,
            ...(err.fields ? { fields: err.fields } : {}),
            ...(err instanceof ConflictError && err.current !== undefined ? { current: err.current } : {}),
          },
        });
        if (err instanceof TooManyRequestsError) request.response.headers = { ...request.response.headers, 'retry-after': String(err.retryAfterSeconds) };
        return;
      }
      if (isAwsFailure(err)) {
        // A dependency failed: nothing was half-written (writes are conditional), so the seller can retry.
        logger.warn('dependency failed', { correlationId, errorName: (err as Error).name });
        request.response = json(503, {
          error: { code: 'try_again', message: 'We could not finish that just now. Nothing was lost; please try again in a moment.', correlationId },
        });
        return;
      }
      logger.error('unexpected error', {
        correlationId,
        errorName: err instanceof Error ? err.name : typeof err,
        errorMessage: err instanceof Error ? err.message : undefined,
        stack: err instanceof Error ? err.stack : undefined,
      });
      request.response = json(500, {
        error: {
          code: 'internal_error',
          message: 'Something went wrong on our side. Please try again; if it keeps happening, contact support with this reference.',
          correlationId,
        },
      });
    },
  };
}

export function loggerContext(): MiddlewareObj<APIGatewayProxyEventV2, Result> {
  return {
    before: async (request) => {
      logger.resetKeys();
      logger.appendKeys({
        correlationId: correlationIdOf(request.event),
        route: request.event.routeKey,
      });
    },
  };
}

/** Builds one function's handler from its routes (keys from the shared route table). */
export function httpHandler(
  routes: Partial<Record<RouteKey, RouteSpec>>,
  options: HttpOptions = {},
) {
  const known = new Set<string>(ROUTES.map((r) => `${r.method} ${r.path}`));
  for (const key of Object.keys(routes)) {
    if (!known.has(key)) throw new Error(`Route ${key} is not in the route table`);
  }
  const base = async (event: APIGatewayProxyEventV2, _context: Context): Promise<Result> => {
    const spec = routes[event.routeKey as RouteKey];
    requireEdge(event);
    if (!spec) throw new NotFoundError('There is nothing here.');
    guardStateChange(event, options);
    let body: unknown;
    if (spec.body) {
      const parsed = spec.body.safeParse(parseBody(event) ?? {});
      if (!parsed.success) {
        const fields = fieldErrors(parsed.error);
        const first = Object.values(fields)[0] ?? 'Check the form and try again.';
        throw new ValidationError(first, fields);
      }
      body = parsed.data;
    }
    const result = await spec.handle({
      event,
      body: body as never,
      params: (event.pathParameters ?? {}) as Record<string, string>,
      cookies: parseCookies(event),
      correlationId: correlationIdOf(event),
    });
    return json(result.status ?? 200, result.body, result.cookies);
  };
  return middy<APIGatewayProxyEventV2, Result>(base).use(lambdaLogContext()).use(loggerContext()).use(errorRenderer());
}

/** The `Set-Cookie` value that starts a session. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${sessionCookieName(secure)}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** The `Set-Cookie` value that ends a session. */
export function clearedSessionCookie(secure: boolean): string {
  return `${sessionCookieName(secure)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}

export type { Session };
