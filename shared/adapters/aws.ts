/**
 * AWS clients, created once per process on first use. Endpoints come from the
 * SDK's own `AWS_ENDPOINT_URL_*` variables, which only the local stack sets.
 *
 * Step Functions and Secrets Manager keep the middleware chain they resolve
 * for a command class (`cacheMiddleware`) instead of resolving it again on
 * every call; that is safe because no middleware is added to a client after
 * it is made (the hook below runs before its first call). On this machine it
 * took a plain DynamoDB client's GetItem from 1.04-1.20 to 0.76-0.90 ms of
 * CPU a call; lib-dynamodb's document client refuses the option.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';

let dynamo: DynamoDBDocumentClient | undefined;
let sfn: SFNClient | undefined;
let secrets: SecretsManagerClient | undefined;

export type SharedClient = DynamoDBDocumentClient | SFNClient | SecretsManagerClient;
let watch: ((client: SharedClient) => void) | undefined;
const watched = <C extends SharedClient>(client: C): C => (watch?.(client), client);

/**
 * Hands each shared client, as it is made, to `hook` (a bench or test adding a
 * middleware: counting calls, injecting faults); never set in the functions.
 */
export function onSharedClient(hook: ((client: SharedClient) => void) | undefined): void {
  watch = hook;
  resetClients();
}

export function dynamoClient(): DynamoDBDocumentClient {
  dynamo ??= watched(
    DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  );
  return dynamo;
}

export function sfnClient(): SFNClient {
  sfn ??= watched(new SFNClient({ cacheMiddleware: true }));
  return sfn;
}

export function secretsClient(): SecretsManagerClient {
  secrets ??= watched(new SecretsManagerClient({ cacheMiddleware: true }));
  return secrets;
}

/** Forgets the clients, so the next use reads the environment again (the local stack restarting in one process). */
export function resetClients(): void {
  dynamo = undefined;
  sfn = undefined;
  secrets = undefined;
}
