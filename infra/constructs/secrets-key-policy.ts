/**
 * Who may read connection secrets, enforced by their key: the secrets are
 * created at run time, one per connection, so no stack can attach a resource
 * policy to each. Instead the customer-managed key that encrypts them denies
 * decryption, for any secret under the prefix, to every principal but the
 * roles of the stack that holds the functions. Reading a secret needs both
 * `secretsmanager:GetSecretValue` (granted by IAM to the functions that use
 * secrets, and to no one else in that stack) and `kms:Decrypt` (which this
 * denies to everyone outside that stack, administrators included), so only
 * those functions can read a credential. Changing this policy is itself an
 * audited KMS event.
 */
import { Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';

export function protectSecretsKey(key: Key, options: { secretPrefix: string; readersStackName: string }): void {
  const { partition, region, account } = Stack.of(key);
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'OnlyOnrampFunctionsDecryptConnectionSecrets',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: {
        // Secrets Manager names the secret in the encryption context of every call it makes for it.
        StringLike: { 'kms:EncryptionContext:SecretARN': `arn:${partition}:secretsmanager:${region}:${account}:secret:${options.secretPrefix}*` },
        ArnNotLike: { 'aws:PrincipalArn': `arn:${partition}:iam::${account}:role/${options.readersStackName}-*` },
      },
    }),
  );
}
