/** Connection credentials in Secrets Manager: one secret per connection (a new name per consent), named and tagged by account. */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  DeleteSecretCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SecretExistsError } from '../../domain/errors.js';
import type { SecretPort } from '../../ports/index.js';
export type { SecretPort } from '../../ports/index.js';


/** `kmsKeyId`: the customer-managed key new secrets are encrypted with (the account's default key when absent, as on the local stack). */
export function secretsManagerPort(sm: Pick<SecretsManagerClient, 'send'>, prefix: string, kmsKeyId?: string): SecretPort {
  const accountPrefix = (accountId: string) => `${prefix}${accountId}/`;
  const list = async (namePrefix: string) => {
    const found: { name: string; createdAt: string }[] = [];
    let next: string | undefined;
    do {
      const page = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [namePrefix] }], MaxResults: 100, NextToken: next }));
      // The name filter matches by prefix (and by words); keep exact prefix matches only.
      for (const s of page.SecretList ?? []) {
        if (s.Name?.startsWith(namePrefix)) found.push({ name: s.Name, createdAt: (s.CreatedDate ?? new Date(0)).toISOString() });
      }
      next = page.NextToken;
    } while (next);
    return found;
  };
  return {
    nameFor: (ownerId, kind) => `${accountPrefix(ownerId)}${kind}`,
    async create(name, value, tags) {
      try {
        await sm.send(
          new CreateSecretCommand({
            Name: name,
            SecretString: JSON.stringify(value),
            ...(kmsKeyId ? { KmsKeyId: kmsKeyId } : {}),
            Tags: [
              { Key: 'onramp:account', Value: tags.accountId },
              { Key: 'onramp:seller', Value: tags.sellerId },
            ],
          }),
        );
      } catch (err) {
        if (err instanceof ResourceExistsException || (err as Error).name === 'ResourceExistsException') throw new SecretExistsError(`secret exists`);
        throw err;
      }
    },
    async put(name, value) {
      try {
        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(value) }));
        return true;
      } catch (err) {
        // Deleted (or never made): a value is never put where there is no secret, so none is re-created.
        if ((err as Error).name === 'ResourceNotFoundException') return false;
        throw err;
      }
    },
    async read(name) {
      const res = await sm.send(new GetSecretValueCommand({ SecretId: name }));
      return JSON.parse(res.SecretString ?? '{}') as Record<string, string>;
    },
    async remove(name) {
      try {
        await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
      } catch (err) {
        if ((err as Error).name !== 'ResourceNotFoundException') throw err;
      }
    },
    listForAccount: async (accountId) => (await list(accountPrefix(accountId))).map((s) => s.name),
    listAll: () => list(prefix),
  };
}
