/**
 * The app's credentials with each provider, one Secrets Manager secret per
 * provider app (`<prefix><provider>`), read once per cold start.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '../../runtime/zod.js';
import type { AppCredentialStore, AppCredentials } from '../../ports/index.js';

/** Made the first time a secret is read (a cold start that reads none, or a function that never does, builds nothing). */
let appSecretSchema: ReturnType<typeof makeAppSecret> | undefined;
const makeAppSecret = () =>
  z.object({
    clientId: z.string().check(z.minLength(1)),
    clientSecret: z.string().check(z.minLength(1)),
    applicationId: z.optional(z.string().check(z.minLength(1))),
    serviceId: z.optional(z.string().check(z.minLength(1))),
    ruName: z.optional(z.string().check(z.minLength(1))),
  });
const appSecret = () => (appSecretSchema ??= makeAppSecret());

export function secretsManagerAppCredentials(sm: Pick<SecretsManagerClient, 'send'>, prefix: string): AppCredentialStore {
  const cache = new Map<string, Promise<AppCredentials>>();
  return {
    get(provider) {
      let found = cache.get(provider);
      if (!found) {
        found = sm.send(new GetSecretValueCommand({ SecretId: `${prefix}${provider}` })).then((res) => {
          const parsed = appSecret().safeParse(JSON.parse(res.SecretString ?? '{}'));
          // Never echo the secret: name the provider and the fields only.
          if (!parsed.success) throw new Error(`The app secret for ${provider} is missing ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
          return parsed.data as AppCredentials;
        });
        // A failed read is not cached: the next request tries again.
        found.catch(() => cache.delete(provider));
        cache.set(provider, found);
      }
      return found;
    },
  };
}
