/** Connection credentials in Secrets Manager: one secret per connection, named and tagged by account. */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  DeleteSecretCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretPort } from '../ports.js';
export type { SecretPort } from '../ports.js';


/** `kmsKeyId`: the customer-managed key new secrets are encrypted with (the account's default key when absent, as on the local stack). */
export function secretsManagerPort(sm: Pick<SecretsManagerClient, 'send'>, prefix: string, kmsKeyId?: string): SecretPort {
  const accountPrefix = (accountId: string) => `${prefix}${accountId}/`;
  const list = async (accountId: string) => {
    const names: string[] = [];
    let next: string | undefined;
    do {
      const page = await sm.send(
        new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [accountPrefix(accountId)] }], MaxResults: 100, NextToken: next }),
      );
      // The name filter matches by prefix; keep exact account matches only.
      for (const s of page.SecretList ?? []) if (s.Name?.startsWith(accountPrefix(accountId))) names.push(s.Name);
      next = page.NextToken;
    } while (next);
    return names;
  };
  return {
    nameFor: (accountId, kind) => `${accountPrefix(accountId)}${kind}`,
    async save(name, value, tags) {
      const SecretString = JSON.stringify(value);
      try {
        await sm.send(
          new CreateSecretCommand({
            Name: name,
            SecretString,
            ...(kmsKeyId ? { KmsKeyId: kmsKeyId } : {}),
            Tags: [
              { Key: 'onramp:account', Value: tags.accountId },
              { Key: 'onramp:seller', Value: tags.sellerId },
            ],
          }),
        );
      } catch (err) {
        if (!(err instanceof ResourceExistsException) && (err as Error).name !== 'ResourceExistsException') throw err;
        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString }));
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
    async deleteForAccount(accountId) {
      const names = await list(accountId);
      for (const name of names) {
        try {
          await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
        } catch (err) {
          if ((err as Error).name !== 'ResourceNotFoundException') throw err;
        }
      }
      return names.length;
    },
    listForAccount: list,
  };
}
