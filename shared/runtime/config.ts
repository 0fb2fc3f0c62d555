/**
 * Config is parsed, not read: each function parses the environment it needs
 * once, at cold start, and fails naming every missing or malformed variable.
 *
 * Each schema is made by a function, when a function parses with it: a
 * bundle keeps only the schemas (and the zod they need) its function uses,
 * and a cold start builds only those.
 */
import * as z from './zod.js';

const bool = () => z.pipe(z.enum(['true', 'false']), z.transform((v) => v === 'true'));
/**
 * A whole number from its text, from `min` to `max` (its digits checked, then
 * its range: no `coerce`, `int` or number formats for every bundle to carry).
 */
const whole = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.pipe(
    z.string().check(z.regex(/^\d{1,15}$/, { error: 'must be a whole number' })),
    z.pipe(
      z.transform(Number),
      z.number().check(z.refine((n) => n >= min && n <= max, { error: max === Number.MAX_SAFE_INTEGER ? `must be ${min} or more` : `must be from ${min} to ${max}` })),
    ),
  );
/** A whole number above zero, from its text. */
const count = () => whole(1);
/** Text that is not empty. */
const text = () => z.string().check(z.minLength(1));

export const baseEnv = () => z.object({
  TABLE_NAME: text(),
  /** `Secure` on the session cookie: true in the cloud, false on plain-http localhost. */
  COOKIE_SECURE: z._default(bool(), true),
  SESSION_TTL_HOURS: z._default(count(), 24 * 14),
  /** Comma-separated origins allowed to make state-changing requests; empty means "same origin as the request". */
  ALLOWED_ORIGINS: z.pipe(
    z._default(z.string(), ''),
    z.transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ),
});
export type BaseEnv = z.infer<ReturnType<typeof baseEnv>>;

/** The auth function's limits on attempts, and where it learns the client's address. */
export const authEnv = () => z.extend(baseEnv(), {
  /** A session unused for this long ends (besides SESSION_TTL_HOURS, its absolute end). */
  SESSION_IDLE_MINUTES: z._default(count(), 12 * 60),
  ATTEMPT_WINDOW_MINUTES: z._default(count(), 15),
  /** Sign-in attempts per email from one network (see AuthLimits), and when the email is over its own ceiling. */
  SIGN_IN_MAX_PER_EMAIL_AND_CLIENT: z._default(count(), 10),
  SIGN_IN_MAX_PER_EMAIL_AND_CLIENT_UNDER_ATTACK: z._default(count(), 3),
  /** The email's ceiling, from every network together: past it, each network gets the stricter limit above. */
  SIGN_IN_MAX_PER_EMAIL: z._default(count(), 100),
  SIGN_IN_MAX_PER_CLIENT: z._default(count(), 100),
  SIGN_UP_MAX_PER_EMAIL: z._default(count(), 5),
  SIGN_UP_MAX_PER_CLIENT: z._default(count(), 20),
  /**
   * A header in which the CDN in front of the API puts the viewer's address
   * (`ip:port`); without it, the client is the connection's own address.
   */
  CLIENT_ADDRESS_HEADER: z.optional(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1))),
  /** log2 of scrypt's N for new password hashes: 17 in the cloud and on `npm start`; the tests lower it to stay fast. */
  PASSWORD_SCRYPT_LOG_N: z._default(whole(14, 20), 17),
});
export type AuthEnv = z.infer<ReturnType<typeof authEnv>>;

export const wizardEnv = () => z.extend(baseEnv(), {
  STATE_MACHINE_ARN: text(),
  SECRET_PREFIX: z._default(text(), 'onramp/'),
  /** The key that encrypts connection secrets (set by the CDK; the local stack has none). */
  SECRETS_KMS_KEY_ID: z.optional(text()),
});
export type WizardEnv = z.infer<ReturnType<typeof wizardEnv>>;

/** Loopback only: the local stack's provider sandboxes; never set in the cloud. */
const loopbackOrigin = () => z.pipe(
  z.url().check(z.refine((v) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(v).hostname), { error: 'must be a loopback origin (the local sandboxes)' })),
  z.transform((v) => new URL(v).origin),
);
/** A URL, as its origin (scheme, host and port). */
const origin = () => z.pipe(z.url(), z.transform((v) => new URL(v).origin));
/** Milliseconds a provider call may take. */
const providerTimeout = () => z._default(whole(1, 30_000), 8_000);

export const connectEnv = () => z.extend(wizardEnv(), {
  /** Where the web app and API are served; provider callbacks come back to `<APP_ORIGIN>/api/oauth/<provider>/callback`. */
  APP_ORIGIN: origin(),
  /** The app's credentials with each provider: one secret per provider app, `<prefix><provider>`. */
  APP_SECRET_PREFIX: z._default(text(), 'onramp-apps/'),
  PROVIDER_TIMEOUT_MS: providerTimeout(),
  PROVIDER_SANDBOX_ORIGIN: z.optional(loopbackOrigin()),
  /** The local stack only: WooCommerce stores on plain http and loopback (its sandbox store). Never set in the cloud. */
  ALLOW_LOCAL_STORES: z._default(bool(), false),
  /** Where the CDN puts the viewer's address (see authEnv): opening connect links is limited per client network. */
  CLIENT_ADDRESS_HEADER: z.optional(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1))),
});
export type ConnectEnv = z.infer<ReturnType<typeof connectEnv>>;

/** The scheduled refresher: the secrets, the app credentials, provider and store calls, without the wizard. */
export const refresherEnv = () => z.extend(baseEnv(), {
  SECRET_PREFIX: z._default(text(), 'onramp/'),
  SECRETS_KMS_KEY_ID: z.optional(text()),
  APP_SECRET_PREFIX: z._default(text(), 'onramp-apps/'),
  PROVIDER_TIMEOUT_MS: providerTimeout(),
  PROVIDER_SANDBOX_ORIGIN: z.optional(loopbackOrigin()),
  /** The local stack only: the daily check of keys on WooCommerce stores on plain http and loopback (its sandbox store). Never set in the cloud. */
  ALLOW_LOCAL_STORES: z._default(bool(), false),
  /** How long a refresh lease holds; longer than a provider call may take. */
  REFRESH_LEASE_MS: z._default(whole(100, 120_000), 15_000),
});
export type RefresherEnv = z.infer<ReturnType<typeof refresherEnv>>;

/** Parses `env` with `schema`, or throws one error naming every bad variable. */
export function parseEnv<S extends z.core.$ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = z.safeParse(schema, env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return result.data;
}
