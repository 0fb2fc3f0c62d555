/**
 * What the HTTP functions check about where a request comes from: that it
 * came through CloudFront (which alone knows the origin secret), and that a
 * state-changing request from a browser names Onramp's own site as its
 * `Origin` (scheme, host and port), as configured, never as the request says.
 */
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from '#shared/zod.js';
import { parseEnv } from '#shared/config.js';
import { ForbiddenError } from '#shared/errors.js';
import { ORIGIN_SECRET_HEADER } from '#shared/security-headers.js';

export { ORIGIN_SECRET_HEADER };

const list = () =>
  z.pipe(
    z._default(z.string(), ''),
    z.transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  );

const edgeEnv = () =>
  z.object({
    /** The site's origin, e.g. https://d111111abcdef8.cloudfront.net (set by the CDK, or by the local stack). */
    SITE_ORIGIN: z.optional(z.url()),
    /** Further origins allowed to make state-changing requests (comma-separated). */
    ALLOWED_ORIGINS: list(),
    /** The value CloudFront sends in ORIGIN_SECRET_HEADER; unset on the local stack, which has no CDN. */
    ORIGIN_VERIFY_SECRET: z.optional(z.string().check(z.minLength(16))),
  });

let parsed: { origins: Set<string>; secret: Buffer | undefined } | undefined;

/** The edge configuration, parsed on first use (and again after `resetEdgeConfig`). */
function config() {
  if (!parsed) {
    const env = parseEnv(edgeEnv());
    const origins = [env.SITE_ORIGIN, ...env.ALLOWED_ORIGINS].filter((o): o is string => Boolean(o)).map(normalize);
    parsed = {
      origins: new Set(origins.filter((o): o is string => o !== undefined)),
      secret: env.ORIGIN_VERIFY_SECRET ? Buffer.from(env.ORIGIN_VERIFY_SECRET) : undefined,
    };
  }
  return parsed;
}

/** Forgets the parsed configuration: the local stack restarting on another port in one process. */
export function resetEdgeConfig(): void {
  parsed = undefined;
}

function normalize(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an `Origin` header names Onramp's own site (scheme, host and port). Fails closed when none is configured. */
export function isOwnOrigin(origin: string): boolean {
  const o = normalize(origin);
  return o !== undefined && config().origins.has(o);
}

/** Refuses a request that did not come through CloudFront, when an origin secret is configured. */
export function requireEdge(event: APIGatewayProxyEventV2): void {
  const { secret } = config();
  if (!secret) return;
  const sent = Buffer.from(event.headers?.[ORIGIN_SECRET_HEADER] ?? '');
  if (sent.length !== secret.length || !timingSafeEqual(sent, secret)) {
    throw new ForbiddenError('Use Onramp at its own web address.');
  }
}
