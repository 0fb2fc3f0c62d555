/** The composition root: stores built from parsed config and the shared clients. */
import { dynamoAccountStore } from '#shared/adapters/accounts.js';
import { dynamoClient } from '#shared/adapters/aws.js';
import { dynamoSessionStore } from '#shared/adapters/sessions.js';
import { dynamoUserStore } from '#shared/adapters/users.js';
import type { BaseEnv } from '#shared/config.js';
import { requireSession } from '#shared/use-cases/auth.js';
import type { Session } from '#shared/model.js';
import { SESSION_COOKIE } from './http.js';

export function stores(env: BaseEnv) {
  const db = dynamoClient();
  return {
    users: dynamoUserStore(db, env.TABLE_NAME),
    sessions: dynamoSessionStore(db, env.TABLE_NAME),
    accounts: dynamoAccountStore(db, env.TABLE_NAME),
  };
}

/** The signed-in seller's session from the request cookies, or a 401. */
export function sessionFrom(deps: ReturnType<typeof stores>, cookies: Readonly<Record<string, string>>): Promise<Session> {
  return requireSession(deps, cookies[SESSION_COOKIE]);
}
