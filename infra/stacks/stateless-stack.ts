/** The API, its functions and the wizard's state machine: all redeployable at will. */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { HttpMethod, HttpRoute, HttpRouteKey, HttpStage, LogGroupLogDestination, type HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import { ROUTES, type FunctionId } from '../../shared/http/routes.js';
import { OnrampFunction, type EdgeBinding } from '../constructs/onramp-function.js';
import { SupportAuditTrail } from '../constructs/support-audit-trail.js';
import { ConnectionRefresher } from '../constructs/connection-refresher.js';
import { WizardStateMachine } from '../constructs/wizard-state-machine.js';
import { SECRET_ACCESS } from '../secret-access.js';

/** The API's access log line: who, which route, the outcome; no query string, no headers. */
export const API_ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
};

export interface StatelessStackProps extends StackProps {
  readonly root: string;
  readonly table: ITableV2;
  readonly secretPrefix: string;
  readonly appSecrets: Readonly<Record<string, ISecret>>;
  /** The https origin sellers open; provider callbacks come back to it. */
  readonly appOrigin: string;
  /** Encrypts the connection secrets. */
  readonly secretsKey: IKey;
  /** The HTTP API (created in the stateful stack); routes and stage are added here. */
  readonly api: HttpApi;
  /** The site's origin and CloudFront's origin secret, for the HTTP functions (absent when no site is deployed). */
  readonly edge?: EdgeBinding;
  readonly wizardStepTimeout: Duration;
}

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly functions: Record<FunctionId, OnrampFunction>;
  readonly wizard: WizardStateMachine;
  readonly supportPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const fn = (functionId: FunctionId, name: string, environment: Record<string, string> = {}) =>
      new OnrampFunction(this, name, { functionId, root: props.root, environment });

    const stateMachineName = `${this.stackName}-Wizard`;
    const wizardTask = fn('wizardTask', 'WizardTaskFunction')
      .useTable(props.table, 'readWrite')
      .answerWizardTasks(`arn:${this.partition}:states:${this.region}:${this.account}:stateMachine:${stateMachineName}`);
    this.wizard = new WizardStateMachine(this, 'Wizard', {
      taskFunction: wizardTask,
      stepTimeout: props.wizardStepTimeout,
      stateMachineName,
    });
    const cookies = { COOKIE_SECURE: 'true' };
    const appSecrets = Object.values(props.appSecrets);
    const appSecretPrefix = 'onramp-apps/';
    this.functions = {
      auth: fn('auth', 'AuthFunction', cookies).useTable(props.table, 'readWrite'),
      catalog: fn('catalog', 'CatalogFunction'),
      accounts: fn('accounts', 'AccountsFunction', cookies)
        .useTable(props.table, 'readWrite')
        .useStateMachine(this.wizard.stateMachine)
        .useConnectionSecrets(props.secretPrefix, SECRET_ACCESS.accounts),
      // Also takes pasted keys (Walmart, WooCommerce) on the same route, so it writes channel secrets too.
      connect: fn('connect', 'ConnectFunction', { ...cookies, APP_ORIGIN: props.appOrigin })
        .useTable(props.table, 'readWrite')
        .useStateMachine(this.wizard.stateMachine)
        .useConnectionSecrets(props.secretPrefix, SECRET_ACCESS.connect)
        .useAppSecrets(appSecretPrefix, appSecrets),
      books: fn('books', 'BooksFunction', { ...cookies, APP_ORIGIN: props.appOrigin })
        .useTable(props.table, 'readWrite')
        .useStateMachine(this.wizard.stateMachine)
        .useConnectionSecrets(props.secretPrefix, SECRET_ACCESS.books)
        .useAppSecrets(appSecretPrefix, appSecrets),
      oauthCallback: fn('oauthCallback', 'OAuthCallbackFunction', { ...cookies, APP_ORIGIN: props.appOrigin })
        .useTable(props.table, 'readWrite')
        .useStateMachine(this.wizard.stateMachine)
        .useConnectionSecrets(props.secretPrefix, SECRET_ACCESS.oauthCallback)
        .useAppSecrets(appSecretPrefix, appSecrets),
      // WooCommerce's server posts one-click keys here, and the seller's browser comes back (with the session cookie): no app secrets, channel secrets only.
      keysCallback: fn('keysCallback', 'KeysCallbackFunction', { ...cookies, APP_ORIGIN: props.appOrigin })
        .useTable(props.table, 'readWrite')
        .useStateMachine(this.wizard.stateMachine)
        .useConnectionSecrets(props.secretPrefix, SECRET_ACCESS.keysCallback),
      wizardTask,
      support: fn('support', 'SupportFunction')
        .useTable(props.table, 'readWrite')
        .useStateMachine(this.wizard.stateMachine)
        .useConnectionSecrets(props.secretPrefix, SECRET_ACCESS.support),
      refresher: new ConnectionRefresher(this, 'Refresher', { root: props.root, table: props.table, secretPrefix: props.secretPrefix, appSecretPrefix, appSecrets }).fn,
    };

    // The HTTP functions check the site origin and CloudFront's secret; the functions that keep secrets encrypt them with the key.
    for (const id of new Set(ROUTES.map((r) => r.fn))) if (props.edge) this.functions[id].useEdge(props.edge);
    for (const f of Object.values(this.functions)) if (f.usesConnectionSecrets) f.useSecretsKey(props.secretsKey).nameRole(this.stackName);

    // Support staff get this policy (through their group); the function has no API route.
    this.supportPolicy = new ManagedPolicy(this, 'SupportInvokePolicy', {
      description: 'Lets support staff run onramp-support (invoke the support function), nothing else',
      statements: [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.functions.support.functionArn] })],
    });
    new SupportAuditTrail(this, 'SupportAudit', { fn: this.functions.support });
    new CfnOutput(this, 'SupportFunctionName', { value: this.functions.support.functionName, description: 'onramp-support --function-name' });
    new CfnOutput(this, 'SupportPolicyArn', { value: this.supportPolicy.managedPolicyArn, description: 'Attach to the support group' });

    this.api = props.api;
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH })),
        // The route, never the path's query string (a provider's redirect carries an authorization code in it).
        format: AccessLogFormat.custom(JSON.stringify(API_ACCESS_LOG_FORMAT)),
      },
    });
    const integrations = new Map<FunctionId, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.fn}Integration`, this.functions[route.fn]);
        integrations.set(route.fn, integration);
      }
      // In this stack's scope (not the API's, which lives in the stateful stack).
      new HttpRoute(this, `Route ${route.method} ${route.path}`, { httpApi: this.api, routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]), integration });
    }
  }
}
