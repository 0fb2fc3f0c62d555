/**
 * One Lambda construct owns the defaults (runtime, ARM64, ESM bundle, log
 * retention) and binds each resource it uses together with its environment
 * variable and its least-privilege grant, in one call.
 */
import { AssetStaging, Duration, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type CfnRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import path from 'node:path';
import { FUNCTIONS, type FunctionId } from '../../shared/http/routes.js';
import { BUNDLE_ALIASES } from '../bundling.js';
import { functionRoleName, kmsActionsFor, SECRET_KINDS, type SecretAccess, type SecretAction, type SecretKind } from '../secret-access.js';

export interface OnrampFunctionProps {
  readonly functionId: FunctionId;
  /** Repository root, where `functions/` lives. */
  readonly root: string;
  readonly environment?: Record<string, string>;
  /** Longer than the API's 10 seconds for a scheduled job. */
  readonly timeout?: Duration;
}

/** What an HTTP function needs to know about the edge in front of it. */
export interface EdgeBinding {
  /** `https://<distribution domain>`, compared with a browser's `Origin`. */
  readonly siteOrigin: string;
  /** The secret CloudFront sends as an origin header. */
  readonly originSecret: ISecret;
}

export class OnrampFunction extends NodejsFunction {
  /** Whether it manages connection secrets (and so encrypts them with the secrets key). */
  usesConnectionSecrets = false;
  /** What it may do to which connection secrets. */
  secretAccess: SecretAccess | undefined;
  readonly functionId: FunctionId;

  constructor(scope: Construct, id: string, props: OnrampFunctionProps) {
    const def = FUNCTIONS[props.functionId];
    super(scope, id, {
      entry: path.join(props.root, def.entry),
      handler: 'handler',
      description: def.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup: new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH }),
      projectRoot: props.root,
      depsLockFilePath: path.join(props.root, 'package-lock.json'),
      environment: {
        // Lets the local stack map a state machine's task back to this function's handler.
        ONRAMP_FUNCTION: props.functionId,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        esbuildArgs: { '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) },
        // Where esbuild resolves the aliases' targets when it runs in Docker (the project, mounted there); run
        // locally, it works in the project root already.
        workingDirectory: AssetStaging.BUNDLING_INPUT_DIR,
      },
    });
    this.functionId = props.functionId;
  }

  /** Reads (and, with `write`, writes) the table. */
  useTable(table: ITableV2, access: 'read' | 'readWrite'): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    return this;
  }

  /** Starts and stops the wizard's executions and answers its task tokens. */
  useStateMachine(stateMachine: IStateMachine): this {
    this.addEnvironment('STATE_MACHINE_ARN', stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(this);
    stateMachine.grantTaskResponse(this);
    stateMachine.grantExecution(this, 'states:StopExecution', 'states:DescribeExecution');
    return this;
  }

  /** Answers the wizard's task tokens (the task function, named by ARN to avoid a dependency cycle). */
  answerWizardTasks(stateMachineArn: string): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [stateMachineArn] }),
    );
    return this;
  }

  /**
   * The connection secrets under `prefix`, with exactly the actions this
   * function calls on exactly the kinds of secret it calls them on
   * (`infra/secret-access.ts`). No response ever carries one.
   */
  useConnectionSecrets(prefix: string, access: SecretAccess): this {
    this.usesConnectionSecrets = true;
    this.secretAccess = access;
    this.addEnvironment('SECRET_PREFIX', prefix);
    const { region, account } = Stack.of(this);
    const arn = (kind: SecretKind) => `arn:aws:secretsmanager:${region}:${account}:secret:${prefix}${SECRET_KINDS[kind]}`;
    for (const [action, kinds] of Object.entries(access.actions) as [SecretAction, readonly SecretKind[]][]) {
      if (kinds.length === 0) continue;
      const actions = [`secretsmanager:${action}`, ...(action === 'CreateSecret' ? ['secretsmanager:TagResource'] : [])];
      this.addToRolePolicy(new PolicyStatement({ actions, resources: kinds.map(arn) }));
    }
    if (access.list) this.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:ListSecrets'], resources: ['*'] }));
    return this;
  }

  /** Reads the app's own credentials with each provider (one secret per provider app). */
  useAppSecrets(prefix: string, secrets: readonly ISecret[]): this {
    this.addEnvironment('APP_SECRET_PREFIX', prefix);
    for (const secret of secrets) secret.grantRead(this);
    return this;
  }

  /**
   * The secrets key, through Secrets Manager only, with the KMS actions its secret access needs (decrypt to
   * read; a data key to write); a function that only lists and deletes gets none. Its role gets the fixed name
   * the key's policy lists (`functionRoleName`).
   */
  useSecretsKey(key: IKey): this {
    const actions = this.secretAccess ? kmsActionsFor(this.secretAccess) : [];
    if (actions.length === 0) return this;
    this.addEnvironment('SECRETS_KMS_KEY_ID', key.keyArn);
    const { region } = Stack.of(this);
    this.addToRolePolicy(
      new PolicyStatement({ actions, resources: [key.keyArn], conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } } }),
    );
    return this;
  }

  /** Names the function's role as the secrets key's policy expects it. */
  nameRole(stackName: string): this {
    const stack = Stack.of(this);
    (this.role!.node.defaultChild as CfnRole).roleName = functionRoleName(stackName, this.functionId, stack.region);
    return this;
  }

  /**
   * Serves the HTTP API behind CloudFront: the site origin for the
   * same-origin check, the origin secret CloudFront sends (by its ARN, read
   * from Secrets Manager at the first request: the value is in no function's
   * configuration, where `GetFunctionConfiguration` would show it), and the
   * header holding the viewer's address.
   */
  useEdge(edge: EdgeBinding): this {
    this.addEnvironment('SITE_ORIGIN', edge.siteOrigin);
    this.addEnvironment('ORIGIN_VERIFY_SECRET_ARN', edge.originSecret.secretArn);
    edge.originSecret.grantRead(this);
    this.addEnvironment('CLIENT_ADDRESS_HEADER', 'cloudfront-viewer-address');
    return this;
  }
}
