/** The composition root: stores and ports built from parsed config and the shared clients, their errors translated. */
import { dynamoClient, secretsClient, sfnClient } from '#shared/adapters/aws.js';
import { sfnExecutions } from '#shared/adapters/executions.js';
import { secretsManagerPort } from '#shared/adapters/stores/secrets.js';
import { dynamoSessionStore } from '#shared/adapters/dynamo/sessions.js';
import { dynamoSessionStoreWithAccounts } from '#shared/adapters/dynamo/session-accounts.js';
import { translated } from '#shared/adapters/translate.js';
import { dynamoUserStore } from '#shared/adapters/dynamo/users.js';
import { dynamoWizardStore } from '#shared/adapters/dynamo/wizard-store.js';
import { secretsManagerAppCredentials } from '#shared/adapters/stores/app-credentials.js';
import { dynamoConsentStates } from '#shared/adapters/dynamo/consent-states.js';
import { providerHttp } from '#shared/adapters/http/provider-http.js';
import { dynamoConnectionRecords, dynamoLeases } from '#shared/adapters/dynamo/connection-records.js';
import type { BaseEnv, ConnectEnv, RefresherEnv, WizardEnv } from '#shared/runtime/config.js';
import type { RefreshDeps } from '#shared/use-cases/health/refresh.js';
import type { ConnectDeps } from '#shared/use-cases/connect/start.js';
import type { WizardDeps } from '#shared/use-cases/wizard/steps.js';
import { dynamoPendingKeys } from '#shared/adapters/dynamo/pending-keys.js';
import { dynamoInvitations } from '#shared/adapters/dynamo/invitations.js';
import { dynamoAttemptCounter } from '#shared/adapters/dynamo/attempts.js';
import { localStoresAllowed, storeHttp } from '#shared/adapters/http/store-http.js';
import type { KeysDeps } from '#shared/use-cases/keys/check.js';
import type { Connectors } from '#shared/providers/registry.js';

/** Sellers and their sessions (the auth function's stores). */
export function stores(env: BaseEnv) {
  const db = dynamoClient();
  return {
    users: translated('DynamoDB', dynamoUserStore(db, env.TABLE_NAME)),
    sessions: translated('DynamoDB', dynamoSessionStore(db, env.TABLE_NAME)),
  };
}

/** The sessions, read with the seller's account where a route is about one: what a function serving sellers' accounts needs. */
export function sessionStore(env: BaseEnv) {
  return translated('DynamoDB', dynamoSessionStoreWithAccounts(dynamoClient(), env.TABLE_NAME));
}

/** What the wizard engine needs: the account store, executions, and the credentials' owner's stores (secrets, records, leases). */
export function wizardDeps(env: WizardEnv): WizardDeps {
  return {
    accounts: translated('DynamoDB', dynamoWizardStore(dynamoClient(), env.TABLE_NAME)),
    executions: translated('Step Functions', sfnExecutions(sfnClient(), env.STATE_MACHINE_ARN)),
    secrets: translated('Secrets Manager', secretsManagerPort(secretsClient(), env.SECRET_PREFIX, env.SECRETS_KMS_KEY_ID)),
    ...healthStores(env),
  };
}

/**
 * What the connection engine needs besides the wizard: consent states, the app's credentials, provider calls, and
 * the connectors of the providers the function serves.
 */
export function connectDeps(env: ConnectEnv, connectors: Connectors): ConnectDeps {
  return {
    ...wizardDeps(env),
    connectors,
    states: translated('DynamoDB', dynamoConsentStates(dynamoClient(), env.TABLE_NAME)),
    invitations: translated('DynamoDB', dynamoInvitations(dynamoClient(), env.TABLE_NAME)),
    apps: translated('Secrets Manager', secretsManagerAppCredentials(secretsClient(), env.APP_SECRET_PREFIX)),
    http: providerHttp({ timeoutMs: env.PROVIDER_TIMEOUT_MS, sandboxOrigin: env.PROVIDER_SANDBOX_ORIGIN }),
    appOrigin: env.APP_ORIGIN,
    ...healthStores(env),
  };
}

/** Connection records (health and expiry calendar) and refresh leases. */
export function healthStores(env: BaseEnv) {
  return {
    connections: translated('DynamoDB', dynamoConnectionRecords(dynamoClient(), env.TABLE_NAME)),
    leases: translated('DynamoDB', dynamoLeases(dynamoClient(), env.TABLE_NAME)),
  };
}

/**
 * What the scheduled refresher needs: the records and leases, the secrets, the app's credentials, provider calls,
 * and sellers' stores (SSRF-guarded) for the daily check of WooCommerce keys.
 */
export function refresherDeps(env: RefresherEnv, connectors: Connectors): RefreshDeps {
  return {
    connectors,
    ...healthStores(env),
    secrets: translated('Secrets Manager', secretsManagerPort(secretsClient(), env.SECRET_PREFIX, env.SECRETS_KMS_KEY_ID)),
    apps: translated('Secrets Manager', secretsManagerAppCredentials(secretsClient(), env.APP_SECRET_PREFIX)),
    http: providerHttp({ timeoutMs: env.PROVIDER_TIMEOUT_MS, sandboxOrigin: env.PROVIDER_SANDBOX_ORIGIN }),
    stores: storeHttp({ allowLocal: localStoresAllowed(env.ALLOW_LOCAL_STORES), timeoutMs: env.PROVIDER_TIMEOUT_MS }),
    leaseMs: env.REFRESH_LEASE_MS,
  };
}

/**
 * What connecting with keys needs besides the wizard: provider calls, sellers' stores (SSRF-guarded), pending
 * one-click key creations, and the connection records and leases (new keys start a connection's daily check).
 */
export function keysDeps(env: ConnectEnv, connectors: Connectors): KeysDeps {
  const allowLocalStores = localStoresAllowed(env.ALLOW_LOCAL_STORES);
  return {
    connectors,
    ...wizardDeps(env),
    ...healthStores(env),
    http: providerHttp({ timeoutMs: env.PROVIDER_TIMEOUT_MS, sandboxOrigin: env.PROVIDER_SANDBOX_ORIGIN }),
    stores: storeHttp({ allowLocal: allowLocalStores, timeoutMs: env.PROVIDER_TIMEOUT_MS }),
    pendingKeys: translated('DynamoDB', dynamoPendingKeys(dynamoClient(), env.TABLE_NAME)),
    invitations: translated('DynamoDB', dynamoInvitations(dynamoClient(), env.TABLE_NAME)),
    appOrigin: env.APP_ORIGIN,
    allowLocalStores,
    checkBudgetMs: env.PROVIDER_TIMEOUT_MS,
  };
}

/** Attempt counters (the limits on opening connect links, per client network). */
export function attemptCounter(env: BaseEnv) {
  return translated('DynamoDB', dynamoAttemptCounter(dynamoClient(), env.TABLE_NAME));
}
