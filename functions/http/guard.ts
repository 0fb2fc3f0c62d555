/** The same-origin JSON guard on state-changing requests. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ForbiddenError, UnsupportedMediaTypeError } from '#shared/domain/errors.js';
import { isOwnOrigin } from '../edge.js';

export interface GuardOptions {
  /** Origins allowed to make state-changing requests besides the request's own. */
  readonly allowedOrigins?: readonly string[];
}

/**
 * State-changing requests must be JSON (a cross-site form cannot send that
 * without a CORS preflight, which we never grant) and, when the browser says
 * where they come from, from our own origin.
 */
export function guardStateChange(event: APIGatewayProxyEventV2, options: GuardOptions): void {
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
  // The full origin (scheme, host, port) must be the site's own, as configured; no forwarded header is trusted.
  if (origin && !(options.allowedOrigins?.includes(origin) || isOwnOrigin(origin))) {
    throw new ForbiddenError('This request must come from the Onramp web app.');
  }
}
