/**
 * The policy of the key that encrypts connection secrets. The secrets are
 * created at run time, one per connection, so no stack can attach a resource
 * policy to each; the key's policy does that job for all of them:
 *
 * - **Decrypting** a secret under the prefix (matched on the encryption
 *   context Secrets Manager sends) is denied to every principal but the exact
 *   roles of the functions that use the key (`KEY_USERS`, by their fixed
 *   names): administrators and root included.
 * - **The account** (and so IAM policies) may use the key to encrypt and
 *   decrypt and may read its settings, nothing more: root has no `kms:*`.
 * - **Changing the key** (its policy, grants, deletion, disabling, rotation,
 *   tags) is allowed only to the named break-glass role and to the CDK's
 *   CloudFormation execution role, which deploys this stack; everyone else is
 *   denied it, whatever their IAM policies say.
 *
 * Every change to the policy is a CloudTrail management event of KMS.
 */
import { DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { AccountRootPrincipal, AnyPrincipal, ArnPrincipal, Effect, PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { functionRoleName, KEY_USERS } from '../secret-access.js';

/** What only the break-glass role (and the deploying CloudFormation role) may do to the key. */
export const KEY_ADMIN_ACTIONS = [
  'kms:PutKeyPolicy',
  'kms:CreateGrant',
  'kms:RevokeGrant',
  'kms:RetireGrant',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:DisableKey',
  'kms:EnableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKeyRotation',
  'kms:UpdateKeyDescription',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:UpdateAlias',
];

/** What the account's IAM policies may grant on the key: use through Secrets Manager, and reading its settings. */
export const KEY_ACCOUNT_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'];

/** The CDK bootstrap's CloudFormation execution role, which deploys the stateful stack (default qualifier). */
export function deployRoleArn(stack: Stack): string {
  const { partition, account, region } = stack;
  return `arn:${partition}:iam::${account}:role/cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-cfn-exec-role-${account}-${region}`;
}

export function protectSecretsKey(key: Key, options: { secretPrefix: string; readersStackName: string; breakGlass: IRole }): void {
  const stack = Stack.of(key);
  const { partition, region, account } = stack;
  const readers = KEY_USERS.map((fn) => `arn:${partition}:iam::${account}:role/${functionRoleName(options.readersStackName, fn, region)}`);
  const admins = [options.breakGlass.roleArn, deployRoleArn(stack)];
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AccountMayUseTheKeyAndReadItsSettings',
      principals: [new AccountRootPrincipal()],
      actions: KEY_ACCOUNT_ACTIONS,
      resources: ['*'],
    }),
  );
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'BreakGlassAndDeployRoleAdministerTheKey',
      principals: admins.map((arn) => new ArnPrincipal(arn)),
      actions: ['kms:*'],
      resources: ['*'],
    }),
  );
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'NobodyElseChangesTheKey',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: KEY_ADMIN_ACTIONS,
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': admins } },
    }),
  );
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
        ArnNotEquals: { 'aws:PrincipalArn': readers },
      },
    }),
  );
}
