/**
 * Config is parsed, not read: each function parses the environment it needs
 * once, at cold start, and fails naming every missing or malformed variable.
 */
import * as z from 'zod';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const baseEnv = z.object({
  TABLE_NAME: z.string().min(1),
  /** `Secure` on the session cookie: true in the cloud, false on plain-http localhost. */
  COOKIE_SECURE: bool.default(true),
  SESSION_TTL_HOURS: z.coerce.number().int().positive().default(24 * 14),
  /** Comma-separated origins allowed to make state-changing requests; empty means "same origin as the request". */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
});
export type BaseEnv = z.infer<typeof baseEnv>;

/** The auth function's limits on attempts, and where it learns the client's address. */
export const authEnv = baseEnv.extend({
  /** A session unused for this long ends (besides SESSION_TTL_HOURS, its absolute end). */
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(12 * 60),
  ATTEMPT_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  SIGN_IN_MAX_PER_EMAIL: z.coerce.number().int().positive().default(10),
  SIGN_IN_MAX_PER_CLIENT: z.coerce.number().int().positive().default(100),
  SIGN_UP_MAX_PER_EMAIL: z.coerce.number().int().positive().default(5),
  SIGN_UP_MAX_PER_CLIENT: z.coerce.number().int().positive().default(20),
  /**
   * A header in which the CDN in front of the API puts the viewer's address
   * (`ip:port`); without it, the client is the connection's own address.
   */
  CLIENT_ADDRESS_HEADER: z.string().trim().toLowerCase().min(1).optional(),
  /** log2 of scrypt's N for new password hashes: 17 in the cloud and on `npm start`; the tests lower it to stay fast. */
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(14).max(20).default(17),
});
export type AuthEnv = z.infer<typeof authEnv>;

export const wizardEnv = baseEnv.extend({
  STATE_MACHINE_ARN: z.string().min(1),
  SECRET_PREFIX: z.string().min(1).default('onramp/'),
  /** The key that encrypts connection secrets (set by the CDK; the local stack has none). */
  SECRETS_KMS_KEY_ID: z.string().min(1).optional(),
});
export type WizardEnv = z.infer<typeof wizardEnv>;

/** Loopback only: the local stack's provider sandboxes; never set in the cloud. */
const loopbackOrigin = z
  .url()
  .refine((v) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(v).hostname), { error: 'must be a loopback origin (the local sandboxes)' })
  .transform((v) => new URL(v).origin);

export const connectEnv = wizardEnv.extend({
  /** Where the web app and API are served; provider callbacks come back to `<APP_ORIGIN>/api/oauth/<provider>/callback`. */
  APP_ORIGIN: z.url().transform((v) => new URL(v).origin),
  /** The app's credentials with each provider: one secret per provider app, `<prefix><provider>`. */
  APP_SECRET_PREFIX: z.string().min(1).default('onramp-apps/'),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().positive().max(30_000).default(8_000),
  PROVIDER_SANDBOX_ORIGIN: loopbackOrigin.optional(),
  /** The local stack only: WooCommerce stores on plain http and loopback (its sandbox store). Never set in the cloud. */
  ALLOW_LOCAL_STORES: bool.default(false),
});
export type ConnectEnv = z.infer<typeof connectEnv>;

/** The scheduled refresher: the secrets, the app credentials, provider and store calls, without the wizard. */
export const refresherEnv = baseEnv.extend({
  SECRET_PREFIX: z.string().min(1).default('onramp/'),
  SECRETS_KMS_KEY_ID: z.string().min(1).optional(),
  APP_SECRET_PREFIX: z.string().min(1).default('onramp-apps/'),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().positive().max(30_000).default(8_000),
  PROVIDER_SANDBOX_ORIGIN: loopbackOrigin.optional(),
  /** The local stack only: the daily check of keys on WooCommerce stores on plain http and loopback (its sandbox store). Never set in the cloud. */
  ALLOW_LOCAL_STORES: bool.default(false),
  /** How long a refresh lease holds; longer than a provider call may take. */
  REFRESH_LEASE_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
});
export type RefresherEnv = z.infer<typeof refresherEnv>;

/** Parses `env` with `schema`, or throws one error naming every bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return result.data;
}
