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

/**
 * A secret's current string value. Imported statically: a dynamic import would make the bundler wrap this module
 * and the client package's index whole, which put every Secrets Manager command (10 KB) into every HTTP function.
 */
export async function secretString(secretId: string): Promise<string | undefined> {
  return (await secretsClient().send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
}
