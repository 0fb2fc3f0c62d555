/** The composition root: stores and ports built from parsed config and the shared clients. */
import { dynamoAccountStore } from '#shared/adapters/accounts.js';
import { dynamoClient, secretsClient, sfnClient } from '#shared/adapters/aws.js';
import { sfnExecutions } from '#shared/adapters/executions.js';
import { secretsManagerPort } from '#shared/adapters/secrets.js';
import { dynamoSessionStore } from '#shared/adapters/sessions.js';
import { dynamoUserStore } from '#shared/adapters/users.js';
import { dynamoWizardStore } from '#shared/adapters/wizard.js';
import type { BaseEnv, WizardEnv } from '#shared/config.js';
import { requireSession } from '#shared/use-cases/auth.js';
import type { WizardDeps } from '#shared/use-cases/wizard.js';
import type { Session } from '#shared/model.js';
import { sessionCookieHere } from './session-cookie.js';

export function stores(env: BaseEnv) {
  const db = dynamoClient();
  return {
    users: dynamoUserStore(db, env.TABLE_NAME),
    sessions: dynamoSessionStore(db, env.TABLE_NAME),
    accounts: dynamoAccountStore(db, env.TABLE_NAME),
  };
}

/** What the wizard engine needs: the account store, executions and the secret store. */
export function wizardDeps(env: WizardEnv): WizardDeps {
  return {
    accounts: dynamoWizardStore(dynamoClient(), env.TABLE_NAME),
    executions: sfnExecutions(sfnClient(), env.STATE_MACHINE_ARN),
    secrets: secretsManagerPort(secretsClient(), env.SECRET_PREFIX, env.SECRETS_KMS_KEY_ID),
  };
}

/** The signed-in seller's session from the request cookies, or a 401. */
export function sessionFrom(deps: { sessions: ReturnType<typeof stores>['sessions'] }, cookies: Readonly<Record<string, string>>): Promise<Session> {
  return requireSession(deps, cookies[sessionCookieHere()]);
}
