/** Stateful resources, kept apart from everything that can be redeployed freely. */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { OAUTH_PROVIDERS } from '../../shared/providers/index.js';
import { TABLE_KEYS } from '../../shared/table.js';

export interface StatefulStackProps extends StackProps {
  /** Where connection secrets are named: `<prefix><accountId>/<kind>`. */
  readonly secretPrefix: string;
  /** Where the app's own credentials with each provider are named: `<prefix><provider>`. */
  readonly appSecretPrefix: string;
}

export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly secretPrefix: string;
  /** One secret per provider app (client id and secret, and the provider's extra ids), filled in by the operator. */
  readonly appSecrets: Readonly<Record<string, Secret>>;

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
  }
}
