/** Sign up, sign in, sign out and who-am-I. */
import { baseEnv, parseEnv } from '#shared/config.js';
import { loginRequest, signupRequest } from '#shared/schemas.js';
import { signIn, signOut, signUp, whoAmI } from '#shared/use-cases/auth.js';
import { stores } from '../deps.js';
import { SESSION_COOKIE, clearedSessionCookie, httpHandler, route, sellerRoute, sessionCookie } from '../http.js';

const env = parseEnv(baseEnv);
const deps = { ...stores(env), sessionTtlHours: env.SESSION_TTL_HOURS };

export const handler = httpHandler(
  {
    'POST /api/auth/signup': route({
      body: signupRequest,
      handle: async ({ body }) => {
        const { user, token, maxAgeSeconds } = await signUp(deps, body);
        return { status: 201, body: { user }, cookies: [sessionCookie(token, maxAgeSeconds, env.COOKIE_SECURE)] };
      },
    }),
    'POST /api/auth/login': route({
      body: loginRequest,
      handle: async ({ body }) => {
        const { user, token, maxAgeSeconds } = await signIn(deps, body);
        return { body: { user }, cookies: [sessionCookie(token, maxAgeSeconds, env.COOKIE_SECURE)] };
      },
    }),
    'POST /api/auth/logout': route({
      handle: async ({ cookies }) => {
        await signOut(deps, cookies[SESSION_COOKIE]);
        return { status: 204, cookies: [clearedSessionCookie(env.COOKIE_SECURE)] };
      },
    }),
    'GET /api/me': sellerRoute({
      handle: async ({ session }) => ({ body: { user: await whoAmI(deps, session) } }),
    }),
  },
  { allowedOrigins: env.ALLOWED_ORIGINS, sessions: deps.sessions },
);
