/** Sign up, sign in, sign out and who-am-I. */
import { dynamoAttemptCounter } from '#shared/adapters/dynamo/attempts.js';
import { dynamoClient } from '#shared/adapters/aws.js';
import { translated } from '#shared/adapters/translate.js';
import { authEnv, parseEnv } from '#shared/runtime/config.js';
import { PASSWORD_COST } from '#shared/runtime/password.js';
import { loginRequest, signupRequest } from '#shared/http/auth-schemas.js';
import { signIn, signOut, signOutEverywhere, signUp, whoAmI } from '#shared/use-cases/auth.js';
import { stores } from '../deps.js';
import { clientAddress } from '../client-address.js';
import { clearedSessionCookie, httpHandler, route, sellerRoute, sessionCookie } from '../http.js';
import { sessionCookieHere } from '../session-cookie.js';

const env = parseEnv(authEnv());
const deps = {
  ...stores(env),
  attempts: translated('DynamoDB', dynamoAttemptCounter(dynamoClient(), env.TABLE_NAME)),
  limits: {
    windowSeconds: env.ATTEMPT_WINDOW_MINUTES * 60,
    signInPerEmailAndClient: env.SIGN_IN_MAX_PER_EMAIL_AND_CLIENT,
    signInPerEmailAndClientUnderAttack: env.SIGN_IN_MAX_PER_EMAIL_AND_CLIENT_UNDER_ATTACK,
    signInPerEmail: env.SIGN_IN_MAX_PER_EMAIL,
    signInPerClient: env.SIGN_IN_MAX_PER_CLIENT,
    signUpPerEmail: env.SIGN_UP_MAX_PER_EMAIL,
    signUpPerClient: env.SIGN_UP_MAX_PER_CLIENT,
  },
  sessionTtlHours: env.SESSION_TTL_HOURS,
  sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
  passwordCost: { ...PASSWORD_COST, N: 2 ** env.PASSWORD_SCRYPT_LOG_N },
};
const caller = (event: Parameters<typeof clientAddress>[0]) => ({ client: clientAddress(event, env.CLIENT_ADDRESS_HEADER) });

export const handler = httpHandler(
  {
    'POST /api/auth/signup': route({
      body: signupRequest,
      handle: async ({ body, event }) => {
        const { user, token, maxAgeSeconds } = await signUp(deps, body, caller(event));
        return { status: 201, body: { user }, cookies: [sessionCookie(token, maxAgeSeconds, env.COOKIE_SECURE)] };
      },
    }),
    'POST /api/auth/login': route({
      body: loginRequest,
      handle: async ({ body, event }) => {
        const { user, token, maxAgeSeconds } = await signIn(deps, body, caller(event));
        return { body: { user }, cookies: [sessionCookie(token, maxAgeSeconds, env.COOKIE_SECURE)] };
      },
    }),
    'POST /api/auth/logout': route({
      handle: async ({ cookies }) => {
        await signOut(deps, cookies[sessionCookieHere()]);
        return { status: 204, cookies: [clearedSessionCookie(env.COOKIE_SECURE)] };
      },
    }),
    'POST /api/auth/logout-everywhere': sellerRoute({
      handle: async ({ cookies, session }) => {
        await signOutEverywhere(deps, session, cookies[sessionCookieHere()] ?? '');
        return { status: 204, cookies: [clearedSessionCookie(env.COOKIE_SECURE)] };
      },
    }),
    'GET /api/me': sellerRoute({
      handle: async ({ session }) => ({ body: { user: await whoAmI(deps, session) } }),
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS, sessions: deps.sessions },
);
