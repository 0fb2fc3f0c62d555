/** What handlers return, and the JSON and redirect responses built from it. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type Result = APIGatewayProxyStructuredResultV2;

export interface HttpResult {
  readonly status?: number;
  readonly body?: unknown;
  readonly cookies?: readonly string[];
  /** A redirect (302) to this location, for browser navigations (OAuth callbacks). */
  readonly redirect?: string;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(status: number, body: unknown, cookies?: readonly string[], extra: Record<string, string> = {}): Result {
  return {
    statusCode: status,
    headers: { ...JSON_HEADERS, ...extra },
    body: body === undefined ? '' : JSON.stringify(body),
    ...(cookies && cookies.length > 0 ? { cookies: [...cookies] } : {}),
  };
}

export function redirect(location: string, cookies?: readonly string[]): Result {
  return {
    statusCode: 302,
    // No referrer: the callback URL carries a one-time code.
    headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    body: '',
    ...(cookies && cookies.length > 0 ? { cookies: [...cookies] } : {}),
  };
}

export function toResult(result: HttpResult): Result {
  if (result.redirect) return redirect(result.redirect, result.cookies);
  return json(result.status ?? 200, result.body, result.cookies);
}
