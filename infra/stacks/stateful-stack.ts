/**
 * Stateful resources, kept apart from everything that can be redeployed
 * freely: the table, the key that encrypts connection secrets, and the
 * identities the edge points at (the HTTP API itself, whose address
 * CloudFront is configured with, and the secret CloudFront proves itself with).
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccountRootPrincipal, PolicyDocument, Role } from 'aws-cdk-lib/aws-iam';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { OAUTH_PROVIDERS } from '../../shared/providers/index.js';
import { TABLE_KEYS } from '../../shared/adapters/dynamo/table.js';
import { protectSecretsKey } from '../constructs/secrets-key-policy.js';

export interface StatefulStackProps extends StackProps {
  /** Where connection secrets are named: `<prefix><accountId>/<kind>`. */
  readonly secretPrefix: string;
  /** Where the app's own credentials with each provider are named: `<prefix><provider>`. */
  readonly appSecretPrefix: string;
  /** The stack whose function roles may read connection secrets (their names start with it). */
  readonly secretReadersStackName: string;
}

export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly secretPrefix: string;
  /** One secret per provider app (client id and secret, and the provider's extra ids), filled in by the operator. */
  readonly appSecrets: Readonly<Record<string, Secret>>;
  /** Encrypts every connection secret; only the functions that use them may decrypt (see its policy). */
  readonly secretsKey: Key;
  /** The one role a person assumes to change the secrets key. */
  readonly keyBreakGlass: Role;
  /**
   * The HTTP API, created here and filled (routes, stage) by the stateless
   * stack: CloudFront needs its address, and the functions need CloudFront's,
   * so neither of those two stacks can own both.
   */
  readonly api: HttpApi;
  /** Sent by CloudFront to the API as an origin header; the functions refuse requests without it. */
  readonly originSecret: Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.secretPrefix = props.secretPrefix;
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: TABLE_KEYS.indexes.map((i) => ({
        indexName: i.name,
        partitionKey: { name: i.partitionKey, type: AttributeType.STRING },
        sortKey: { name: i.sortKey, type: AttributeType.STRING },
      })),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.appSecrets = Object.fromEntries(
      OAUTH_PROVIDERS.map((p) => [
        p.id,
        new Secret(this, `AppSecret-${p.id}`, {
          secretName: `${props.appSecretPrefix}${p.id}`,
          description: `Onramp's app credentials with ${p.name} (JSON: clientId, clientSecret and the provider's own ids); set by the operator`,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      ]),
    );
    // Assumed by a person, with MFA, to change the secrets key (see its policy); it has no IAM permissions of its own.
    this.keyBreakGlass = new Role(this, 'SecretsKeyBreakGlass', {
      roleName: `OnrampSecretsKeyBreakGlass-${this.region}`,
      description: 'Break-glass: the only person-assumed role that may change the Onramp secrets key (its policy, grants, deletion)',
      assumedBy: new AccountRootPrincipal().withConditions({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
      maxSessionDuration: Duration.hours(1),
    });
    this.secretsKey = new Key(this, 'SecretsKey', {
      description: 'Encrypts Onramp connection secrets (channel and bookkeeping credentials)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // No default policy (which gives the account root kms:*): protectSecretsKey writes the whole policy.
      policy: new PolicyDocument(),
    });
    protectSecretsKey(this.secretsKey, { secretPrefix: props.secretPrefix, readersStackName: props.secretReadersStackName, breakGlass: this.keyBreakGlass });

    this.api = new HttpApi(this, 'Api', {
      createDefaultStage: false,
      description: 'Onramp API',
      // Kept on: without a custom domain, CloudFront reaches an HTTP API only
      // through it. Requests that go around CloudFront lack the origin secret
      // and are refused by every function (see README, "The edge").
      disableExecuteApiEndpoint: false,
    });
    this.originSecret = new Secret(this, 'OriginSecret', {
      description: 'Sent by CloudFront to the Onramp API (x-onramp-origin-verify); requests without it are refused',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
  }
}
