/**
 * The scheduled refresher: its function (the table, the connection secrets
 * it reads and rewrites, the app credentials; it also reads the keys
 * channels' secrets, under the same grant, for their daily check, and calls
 * sellers' stores through the SSRF guard) and an EventBridge Scheduler
 * schedule that invokes it, through a role that may invoke that function only.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { OnrampFunction } from './onramp-function.js';
import { SECRET_ACCESS } from '../secret-access.js';

export interface ConnectionRefresherProps {
  readonly root: string;
  readonly table: ITableV2;
  readonly secretPrefix: string;
  readonly appSecretPrefix: string;
  readonly appSecrets: readonly ISecret[];
  /** How often it runs: often enough to catch a refresh time within the hour. */
  readonly every?: Duration;
}

export class ConnectionRefresher extends Construct {
  readonly fn: OnrampFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: ConnectionRefresherProps) {
    super(scope, id);
    // In the stack's scope, so its logical id reads like the other functions'.
    this.fn = new OnrampFunction(scope, 'RefresherFunction', { functionId: 'refresher', root: props.root, timeout: Duration.minutes(5) })
      .useTable(props.table, 'readWrite')
      .useConnectionSecrets(props.secretPrefix, SECRET_ACCESS.refresher)
      .useAppSecrets(props.appSecretPrefix, props.appSecrets);
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Refreshes connection tokens before they expire, and checks credentials that never expire once a day',
      schedule: ScheduleExpression.rate(props.every ?? Duration.minutes(15)),
      // A run that fails is simply followed by the next one.
      target: new LambdaInvoke(this.fn, { retryAttempts: 0 }),
    });
  }
}
