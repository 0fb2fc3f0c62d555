/**
 * The Secrets Manager client, made once per process on first use (see
 * `aws.ts`). Apart from the others, so that a function reading one secret
 * (the HTTP functions' origin secret) bundles no other client.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { made } from './aws-hook.js';

let secrets: SecretsManagerClient | undefined;

export function secretsClient(): SecretsManagerClient {
  secrets ??= made(new SecretsManagerClient({ cacheMiddleware: true }), () => (secrets = undefined));
  return secrets;
}

/** A secret's current string value (a dynamic import of this module brings in this one command, not the whole client package). */
export async function secretString(secretId: string): Promise<string | undefined> {
  return (await secretsClient().send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
}
