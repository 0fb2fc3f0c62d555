/**
 * What the HTTP functions check about where a request comes from: that it
 * came through CloudFront (which alone knows the origin secret), and that a
 * state-changing request from a browser names Onramp's own site as its
 * `Origin` (scheme, host and port), as configured, never as the request says.
 */
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { envSchema, list, origin, parseEnv, text } from '#shared/runtime/config.js';
import { ForbiddenError, ServiceUnavailableError } from '#shared/domain/errors.js';
import { ORIGIN_SECRET_HEADER } from '#shared/http/security-headers.js';
import { secretString } from '#shared/adapters/aws-secrets.js';

export { ORIGIN_SECRET_HEADER };

const edgeEnv = () =>
  envSchema({
    /** The site's origin, e.g. https://d111111abcdef8.cloudfront.net (set by the CDK, or by the local stack). */
    SITE_ORIGIN: origin({ optional: true }),
    /** Further origins allowed to make state-changing requests (comma-separated). */
    ALLOWED_ORIGINS: list(),
    /**
     * The Secrets Manager secret holding the value CloudFront sends in ORIGIN_SECRET_HEADER (set by the CDK):
     * read at the first request and kept for a while, so the value is in no function's configuration.
     */
    ORIGIN_VERIFY_SECRET_ARN: text({ optional: true }),
    /** The value itself, for tests; the CDK never sets it. Both unset on the local stack, which has no CDN. */
    ORIGIN_VERIFY_SECRET: text({ optional: true }, 16),
  });

let parsed: { origins: Set<string>; secret: Buffer | undefined; secretArn: string | undefined } | undefined;

/** How long a read value is kept: a rotated secret reaches every instance within this. */
export const ORIGIN_SECRET_TTL_MS = 15 * 60 * 1000;

type SecretLoader = (secretId: string) => Promise<string>;

/** Reads the secret's value from Secrets Manager (its client is made at the first read, where a secret is configured). */
const secretsManagerLoader: SecretLoader = async (secretId) => {
  const value = await secretString(secretId);
  if (!value) throw new Error('the origin secret has no value');
  return value;
};

let loader: SecretLoader = secretsManagerLoader;
let cached: { value: Promise<Buffer>; at: number } | undefined;

/** Replaces how the origin secret is read (tests); `undefined` restores Secrets Manager. */
export function setOriginSecretLoader(load: SecretLoader | undefined): void {
  loader = load ?? secretsManagerLoader;
  cached = undefined;
}

async function originSecret(): Promise<Buffer | undefined> {
  const { secret, secretArn } = config();
  if (secret) return secret;
  if (!secretArn) return undefined;
  const now = Date.now();
  if (!cached || now - cached.at > ORIGIN_SECRET_TTL_MS) {
    const value = loader(secretArn).then((v) => Buffer.from(v));
    cached = { value, at: now };
    // A failed read is not kept: the next request tries again.
    value.catch(() => {
      if (cached?.value === value) cached = undefined;
    });
  }
  try {
    return await cached.value;
  } catch {
    throw new ServiceUnavailableError();
  }
}

/** The edge configuration, parsed on first use (and again after `resetEdgeConfig`). */
function config() {
  if (!parsed) {
    const env = parseEnv(edgeEnv());
    const origins = [env.SITE_ORIGIN, ...env.ALLOWED_ORIGINS].filter((o): o is string => Boolean(o)).map(normalize);
    parsed = {
      origins: new Set(origins.filter((o): o is string => o !== undefined)),
      secret: env.ORIGIN_VERIFY_SECRET ? Buffer.from(env.ORIGIN_VERIFY_SECRET) : undefined,
      secretArn: env.ORIGIN_VERIFY_SECRET_ARN,
    };
  }
  return parsed;
}

/** Forgets the parsed configuration: the local stack restarting on another port in one process. */
export function resetEdgeConfig(): void {
  parsed = undefined;
  cached = undefined;
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
export async function requireEdge(event: APIGatewayProxyEventV2): Promise<void> {
  const secret = await originSecret();
  if (!secret) return;
  const sent = Buffer.from(event.headers?.[ORIGIN_SECRET_HEADER] ?? '');
  if (sent.length !== secret.length || !timingSafeEqual(sent, secret)) {
    throw new ForbiddenError('Use Onramp at its own web address.');
  }
}
