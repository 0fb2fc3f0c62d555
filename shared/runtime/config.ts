/**
 * Config is parsed, not read: each function parses the environment it needs
 * once, at cold start, and fails naming every missing or malformed variable.
 *
 * A function's environment is a table of variables, each saying how its text
 * becomes a value (or the sentence that says what it must be), and one zod
 * schema reads the whole table, reporting every problem at once through
 * zod's error. Building zod schemas per variable (a pipe, a default, a range
 * check each) and an object schema's first parse were most of a function's
 * configuration cost at a cold start (5-8 ms timed alone on the bench's
 * machine, more than the rest of its own code ran at import); this builds one.
 *
 * Each environment is made by a function, when a function parses with it:
 * a bundle keeps only the tables its function uses.
 */
import * as z from './zod.js';

/** What a variable's text must be, in a sentence after its name. */
class Problem {
  constructor(readonly message: string) {}
}

/** One environment variable: its value from its text, or, when unset, its default (or a problem when it must be set). */
export interface Variable<T> {
  readonly read: (text: string | undefined) => T | Problem;
}

type Fallback<T> = { readonly default: T } | { readonly optional: true } | undefined;
type Value<T, F> = F extends { optional: true } ? T | undefined : T;

function variable<T, F extends Fallback<T>>(read: (text: string) => T | Problem, fallback: F): Variable<Value<T, F>> {
  return {
    read: (text) => {
      if (text !== undefined) return read(text);
      if (fallback && 'default' in fallback) return fallback.default as Value<T, F>;
      return fallback ? (undefined as Value<T, F>) : new Problem('must be set');
    },
  };
}

/** Text that is not empty (at least `min` characters). */
export const text = <F extends Fallback<string> = undefined>(fallback?: F, min = 1) =>
  variable((t) => (t.length >= min ? t : new Problem(min === 1 ? 'must not be empty' : `must be at least ${min} characters`)), fallback as F);

/** `true` or `false`. */
export const bool = (fallback: boolean) => variable((t) => (t === 'true' ? true : t === 'false' ? false : new Problem('must be true or false')), { default: fallback });

/** A whole number from its digits (no sign, point or spaces), from `min` to `max`. */
export const whole = <F extends Fallback<number>>(min: number, max: number, fallback: F) =>
  variable((t) => {
    if (!/^\d{1,15}$/.test(t)) return new Problem('must be a whole number');
    const n = Number(t);
    if (n >= min && n <= max) return n;
    return new Problem(max === Number.MAX_SAFE_INTEGER ? `must be ${min} or more` : `must be from ${min} to ${max}`);
  }, fallback);

/** A whole number above zero. */
export const count = (fallback: number) => whole(1, Number.MAX_SAFE_INTEGER, { default: fallback });

/** One of `options`, in any case. */
export const oneOf = <const O extends string>(options: readonly O[], fallback: O) =>
  variable((t) => {
    const upper = t.toUpperCase() as O;
    return options.includes(upper) ? upper : new Problem(`must be one of ${options.join(', ')}`);
  }, { default: fallback });

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `LOG_LEVEL`, in any case, or `fallback` when unset. */
export const logLevel = (fallback: LogLevel) => oneOf(LOG_LEVELS, fallback);

/** Comma-separated items, trimmed, empty ones dropped; unset is none. */
export const list = () =>
  variable(
    (t) =>
      t
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    { default: [] as string[] },
  );

function url(t: string): URL | Problem {
  try {
    const u = new URL(t);
    if (u.protocol === 'https:' || u.protocol === 'http:') return u;
  } catch {
    // falls through to the sentence
  }
  return new Problem('must be an http or https URL');
}

/** A web address, as its origin (scheme, host and port). */
export const origin = <F extends Fallback<string> = undefined>(fallback?: F) =>
  variable((t) => {
    const u = url(t);
    return u instanceof Problem ? u : u.origin;
  }, fallback as F);

/** Loopback only: the local stack's provider sandboxes; never set in the cloud. */
export const loopbackOrigin = () =>
  variable(
    (t) => {
      const u = url(t);
      if (u instanceof Problem) return u;
      return ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) ? u.origin : new Problem('must be a loopback origin (the local sandboxes)');
    },
    { optional: true },
  );

/** An HTTP header's name, in lower case. */
export const header = () => variable((t) => t.trim().toLowerCase() || new Problem('must name a header'), { optional: true });

type Table = Readonly<Record<string, Variable<unknown>>>;
/** The values a table of variables parses to. */
export type EnvOf<V extends Table> = { [K in keyof V]: V[K] extends Variable<infer T> ? T : never };

/** The one schema for a table of variables: each is read from its text (or its absence), every problem reported. */
export function envSchema<V extends Table>(variables: V) {
  return z.transform((env: Readonly<Record<string, unknown>>, ctx) => {
    const out: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(variables)) {
      const raw = env[name];
      const value = raw === undefined || typeof raw === 'string' ? v.read(raw) : new Problem('must be text');
      if (value instanceof Problem) ctx.issues.push({ code: 'custom', message: value.message, input: raw, path: [name] });
      else out[name] = value;
    }
    return out as EnvOf<V>;
  });
}

const baseVariables = () => ({
  TABLE_NAME: text(),
  /** `Secure` on the session cookie: true in the cloud, false on plain-http localhost. */
  COOKIE_SECURE: bool(true),
  SESSION_TTL_HOURS: count(24 * 14),
  /** Comma-separated origins allowed to make state-changing requests; empty means "same origin as the request". */
  ALLOWED_ORIGINS: list(),
});
export const baseEnv = () => envSchema(baseVariables());
export type BaseEnv = EnvOf<ReturnType<typeof baseVariables>>;

/** The auth function's limits on attempts, and where it learns the client's address. */
const authVariables = () => ({
  ...baseVariables(),
  /** A session unused for this long ends (besides SESSION_TTL_HOURS, its absolute end). */
  SESSION_IDLE_MINUTES: count(12 * 60),
  ATTEMPT_WINDOW_MINUTES: count(15),
  /** Sign-in attempts per email from one network (see AuthLimits), and when the email is over its own ceiling. */
  SIGN_IN_MAX_PER_EMAIL_AND_CLIENT: count(10),
  SIGN_IN_MAX_PER_EMAIL_AND_CLIENT_UNDER_ATTACK: count(3),
  /** The email's ceiling, from every network together: past it, each network gets the stricter limit above. */
  SIGN_IN_MAX_PER_EMAIL: count(100),
  SIGN_IN_MAX_PER_CLIENT: count(100),
  SIGN_UP_MAX_PER_EMAIL: count(5),
  SIGN_UP_MAX_PER_CLIENT: count(20),
  /**
   * A header in which the CDN in front of the API puts the viewer's address
   * (`ip:port`); without it, the client is the connection's own address.
   */
  CLIENT_ADDRESS_HEADER: header(),
  /** log2 of scrypt's N for new password hashes: 17 in the cloud and on `npm start`; the tests lower it to stay fast. */
  PASSWORD_SCRYPT_LOG_N: whole(14, 20, { default: 17 }),
});
export const authEnv = () => envSchema(authVariables());
export type AuthEnv = EnvOf<ReturnType<typeof authVariables>>;

const wizardVariables = () => ({
  ...baseVariables(),
  STATE_MACHINE_ARN: text(),
  SECRET_PREFIX: text({ default: 'onramp/' }),
  /** The key that encrypts connection secrets (set by the CDK; the local stack has none). */
  SECRETS_KMS_KEY_ID: text({ optional: true }),
});
export const wizardEnv = () => envSchema(wizardVariables());
export type WizardEnv = EnvOf<ReturnType<typeof wizardVariables>>;

/** Milliseconds a provider call may take. */
const providerTimeout = () => whole(1, 30_000, { default: 8_000 });

const connectVariables = () => ({
  ...wizardVariables(),
  /** Where the web app and API are served; provider callbacks come back to `<APP_ORIGIN>/api/oauth/<provider>/callback`. */
  APP_ORIGIN: origin(),
  /** The app's credentials with each provider: one secret per provider app, `<prefix><provider>`. */
  APP_SECRET_PREFIX: text({ default: 'onramp-apps/' }),
  PROVIDER_TIMEOUT_MS: providerTimeout(),
  PROVIDER_SANDBOX_ORIGIN: loopbackOrigin(),
  /** The local stack only: WooCommerce stores on plain http and loopback (its sandbox store). Never set in the cloud. */
  ALLOW_LOCAL_STORES: bool(false),
  /** Where the CDN puts the viewer's address (see authEnv): opening connect links is limited per client network. */
  CLIENT_ADDRESS_HEADER: header(),
});
export const connectEnv = () => envSchema(connectVariables());
export type ConnectEnv = EnvOf<ReturnType<typeof connectVariables>>;

/** The scheduled refresher: the secrets, the app credentials, provider and store calls, without the wizard. */
const refresherVariables = () => ({
  ...baseVariables(),
  SECRET_PREFIX: text({ default: 'onramp/' }),
  SECRETS_KMS_KEY_ID: text({ optional: true }),
  APP_SECRET_PREFIX: text({ default: 'onramp-apps/' }),
  PROVIDER_TIMEOUT_MS: providerTimeout(),
  PROVIDER_SANDBOX_ORIGIN: loopbackOrigin(),
  /** The local stack only: the daily check of keys on WooCommerce stores on plain http and loopback (its sandbox store). Never set in the cloud. */
  ALLOW_LOCAL_STORES: bool(false),
  /** How long a refresh lease holds; longer than a provider call may take. */
  REFRESH_LEASE_MS: whole(100, 120_000, { default: 15_000 }),
});
export const refresherEnv = () => envSchema(refresherVariables());
export type RefresherEnv = EnvOf<ReturnType<typeof refresherVariables>>;

/** Parses `env` with `schema`, or throws one error naming every bad variable. */
export function parseEnv<S extends z.core.$ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = z.safeParse(schema, env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return result.data;
}
