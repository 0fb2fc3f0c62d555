/**
 * The embedded local stack: dynalite, local Step Functions and Secrets
 * Manager endpoints speaking the AWS JSON protocols, and the HTTP gateway,
 * in one process. The functions run the same AWS SDK code as in the cloud,
 * pointed here by the SDK's own `AWS_ENDPOINT_URL_*` variables.
 */
import './polyfills.js';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import fs from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { resetEdgeConfig } from '../functions/edge.js';
import { resetClients } from '../shared/adapters/aws.js';
import { logger, type LogLevel } from '../shared/runtime/logger.js';
import { FUNCTIONS, type FunctionId } from '../shared/http/routes.js';
import { createTableInput } from '../shared/adapters/dynamo/table.js';
import { AwsError, readBody, sendAwsError, sendJson, type Operation } from './aws-protocol.js';
import { startDynamoServer } from './dynamo-server.js';
import { LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY, refusal, refuse } from './endpoint-guard.js';
import { synthesizeWizardDefinition, LOCAL_REGION } from './definition.js';
import { LocalFunctions } from './functions.js';
import { createGateway } from './gateway.js';
import { appSecretsFor, SANDBOXES } from './sandboxes/index.js';
import { sandboxRegistrations } from './sandboxes/registrations.js';
import { startSandboxServer, type SandboxServer } from './sandboxes/server.js';
import { LocalSecretsManager } from './secrets-manager.js';
import { LocalStepFunctions } from './step-functions.js';
import { ROOT } from './root.js';

// Set before any SDK client exists: the local stack runs on Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export { ROOT };
export const TABLE_NAME = 'onramp';

export interface LocalStackOptions {
  /** Gateway port; 0 picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Folder for DynamoDB data and secrets; omitted means in memory. */
  readonly dataDir?: string;
  /** How long a wizard step waits before the setup is paused. */
  readonly stepTimeoutSeconds?: number;
  /** Fixed ports for the AWS endpoints (a restart in the same process must reuse them). */
  readonly dynamoPort?: number;
  readonly awsPort?: number;
  readonly logLevel?: LogLevel;
  /** Port of the provider sandboxes' own origin; 0 picks a free one. */
  readonly sandboxPort?: number;
  /** How long the sandboxes' "slow" controls stall (tests make it short, with a short provider timeout). */
  readonly sandboxSlowMs?: number;
  /** The connectors' timeout for provider calls. */
  readonly providerTimeoutMs?: number;
  /** Access-token lifetime in the sandboxes (tests make tokens expire quickly). */
  readonly accessTokenTtlSeconds?: number;
  /** Extra environment for the functions (e.g. stricter attempt limits in a test). */
  readonly env?: Readonly<Record<string, string>>;
  /** How often the connection refresher runs (EventBridge Scheduler's part in the cloud); absent: never (tests run it themselves). */
  readonly refreshEveryMs?: number;
}

export interface LocalStack {
  readonly url: string;
  readonly dynamoPort: number;
  readonly awsPort: number;
  readonly secrets: LocalSecretsManager;
  readonly stepFunctions: LocalStepFunctions;
  readonly functions: LocalFunctions;
  /** The provider sandboxes, on an origin of their own. */
  readonly sandboxes: SandboxServer;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

async function ensureTable(endpoint: string): Promise<void> {
  const db = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
  try {
    await db.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    await db.send(new CreateTableCommand(createTableInput(TABLE_NAME)));
  } finally {
    db.destroy();
  }
}

/**
 * Lambda's Invoke (REST: POST /2015-03-31/functions/{name}/invocations) for
 * the functions the local stack hosts, named `onramp-<id>` or by their ARN.
 */
async function lambdaInvoke(functions: LocalFunctions, name: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const id = name.replace(/^arn:aws:lambda:[^:]+:[^:]+:function:/, '').replace(/^onramp-/, '');
  const fail = (status: number, type: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ Type: 'User', message }));
  };
  if (!(id in FUNCTIONS)) return fail(404, 'ResourceNotFoundException', `Function not found: ${name}`);
  let payload: unknown;
  try {
    const text = await readBody(req, 6 * 1024 * 1024);
    payload = text ? JSON.parse(text) : {};
  } catch {
    return fail(400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
  let body: string;
  try {
    body = JSON.stringify((await functions.invoke(id as FunctionId, payload)) ?? null);
  } catch (err) {
    // As Lambda reports a function error: 200, with X-Amz-Function-Error and the error as the payload.
    headers['x-amz-function-error'] = 'Unhandled';
    body = JSON.stringify({ errorType: (err as Error)?.name ?? 'Error', errorMessage: (err as Error)?.message ?? String(err) });
  }
  res.writeHead(200, headers);
  res.end(body);
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });

  // DynamoDB on a thread of its own (with transactions and the guard), as it is a service of its own in the cloud.
  const dynamo = await startDynamoServer({ host, port: options.dynamoPort ?? 0, accessKeyId: LOCAL_ACCESS_KEY_ID, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  const dynamoPort = dynamo.port;

  const functions = new LocalFunctions(ROOT);
  const definition = synthesizeWizardDefinition(options.stepTimeoutSeconds ?? 14 * 24 * 3600);
  const stepFunctions = new LocalStepFunctions(definition, (id, event) => functions.invoke(id, event));
  const secrets = new LocalSecretsManager(options.dataDir);

  const services: Record<string, Record<string, Operation>> = {
    AWSStepFunctions: stepFunctions.operations,
    secretsmanager: secrets.operations,
  };
  const aws = http.createServer(async (req, res) => {
    const why = refusal(req);
    if (why) return refuse(res, why);
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(new URL(req.url ?? '/', 'http://local').pathname);
    if (invoke) return lambdaInvoke(functions, decodeURIComponent(invoke[1]!), req, res);
    const target = String(req.headers['x-amz-target'] ?? '');
    const [service, op] = target.split('.');
    const contentType = service === 'AWSStepFunctions' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
    try {
      const operation = service && op ? services[service]?.[op] : undefined;
      if (!operation) throw new AwsError('UnknownOperationException', `Unknown operation ${target}`);
      const text = await readBody(req);
      const input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      sendJson(res, 200, await operation(input), contentType);
    } catch (err) {
      sendAwsError(res, err instanceof AwsError ? err : new AwsError('InternalFailure', 'Internal failure', 500), contentType);
    }
  });
  const awsPort = await listen(aws, options.awsPort ?? 0, host);

  await ensureTable(`http://${host}:${dynamoPort}`);

  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    // The endpoints' token (see endpoint-guard.ts): the functions sign with it like any access key.
    AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY,
    AWS_ENDPOINT_URL_DYNAMODB: `http://${host}:${dynamoPort}`,
    AWS_ENDPOINT_URL_SFN: `http://${host}:${awsPort}`,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://${host}:${awsPort}`,
    AWS_ENDPOINT_URL_LAMBDA: `http://${host}:${awsPort}`,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME,
    COOKIE_SECURE: 'false',
    STATE_MACHINE_ARN: stepFunctions.stateMachineArn,
    SECRET_PREFIX: 'onramp/',
    // Every tab and test on this machine is 127.0.0.1: per-client limits would count them all as one client.
    SIGN_IN_MAX_PER_CLIENT: '100000',
    SIGN_UP_MAX_PER_CLIENT: '100000',
    ...options.env,
  });
  logger.setLogLevel(options.logLevel ?? 'WARN');
  resetClients();

  // The app has one origin, the printed one: a request to another local name for its port is sent there.
  let appOrigin = '';
  const gateway = http.createServer(
    createGateway({ functions, webRoot: path.join(ROOT, 'web', 'dist'), config: { apiBase: '/api' }, appOrigin: () => appOrigin }),
  );
  const port = await listen(gateway, options.port ?? 0, host);
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  appOrigin = url;

  // The providers' sandboxes, on an origin of their own, with Onramp's apps registered for this app origin.
  const sandboxes = await startSandboxServer({
    port: options.sandboxPort ?? 0,
    host,
    registrations: () => sandboxRegistrations(url),
    factories: SANDBOXES,
    ...(options.sandboxSlowMs !== undefined ? { slowMs: options.sandboxSlowMs } : {}),
    ...(options.accessTokenTtlSeconds !== undefined ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
  });
  const APP_SECRET_PREFIX = 'onramp-apps/';
  for (const [provider, value] of Object.entries(appSecretsFor(sandboxRegistrations(url)))) {
    const Name = `${APP_SECRET_PREFIX}${provider}`;
    if (!secrets.has(Name)) await secrets.operations.CreateSecret!({ Name, SecretString: JSON.stringify(value) });
  }
  Object.assign(process.env, {
    APP_ORIGIN: url,
    APP_SECRET_PREFIX,
    PROVIDER_SANDBOX_ORIGIN: sandboxes.origin,
    PROVIDER_TIMEOUT_MS: String(options.providerTimeoutMs ?? 8000),
    // The sandbox WooCommerce store is plain http on loopback; only the local stack may call such a store.
    ALLOW_LOCAL_STORES: 'true',
  });
  // The same-origin check compares a browser's Origin with the site's: this stack's address, by either loopback name.
  process.env.SITE_ORIGIN = url;
  process.env.ALLOWED_ORIGINS = [`http://localhost:${port}`, `http://127.0.0.1:${port}`].join(',');
  resetEdgeConfig();
  if (options.dataDir) writeStackFile(options.dataDir, localStackFile({ host, dynamoPort, awsPort, stateMachineArn: stepFunctions.stateMachineArn, appSecretPrefix: APP_SECRET_PREFIX }));

  const refresher = startRefreshTimer(functions, options.refreshEveryMs);

  return {
    url,
    sandboxes,
    dynamoPort,
    awsPort,
    secrets,
    stepFunctions,
    functions,
    async stop() {
      if (refresher) clearInterval(refresher);
      await stepFunctions.stopAll();
      // A task or request still running (a wizard task recording its token) finishes its writes first.
      await functions.drain();
      await Promise.all([close(gateway), close(aws), dynamo.stop(), sandboxes.stop()]);
    },
  };
}

/**
 * `.onramp-data/local-stack.json`: every local AWS endpoint, and the region
 * and credentials to call them with (the access key id is this process's
 * token, see endpoint-guard.ts). `npm run support` reads it, and so can the
 * AWS CLI (`env` holds the variables it and the SDKs read; docs/local-stack.md).
 */
export interface LocalStackFile {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly endpoints: { readonly dynamodb: string; readonly stepfunctions: string; readonly secretsmanager: string; readonly lambda: string };
  readonly env: Readonly<Record<string, string>>;
  readonly tableName: string;
  readonly stateMachineArn: string;
  /** Where connection secrets are named (`<prefix><accountId>/...`) and where the provider apps' are (`<prefix><provider>`). */
  readonly secretPrefix: string;
  readonly appSecretPrefix: string;
  /** The support function `npm run support` invokes, at `lambdaEndpoint` (the same as `endpoints.lambda`). */
  readonly supportFunction: string;
  readonly lambdaEndpoint: string;
}

export function localStackFile(at: { host: string; dynamoPort: number; awsPort: number; stateMachineArn: string; appSecretPrefix: string }): LocalStackFile {
  // The endpoints answer only a loopback Host: a stack listening on every address is reached on 127.0.0.1.
  const host = at.host === '0.0.0.0' ? '127.0.0.1' : at.host.includes(':') ? `[${at.host}]` : at.host;
  const aws = `http://${host}:${at.awsPort}`;
  const endpoints = { dynamodb: `http://${host}:${at.dynamoPort}`, stepfunctions: aws, secretsmanager: aws, lambda: aws };
  return {
    region: LOCAL_REGION,
    accessKeyId: LOCAL_ACCESS_KEY_ID,
    secretAccessKey: LOCAL_SECRET_ACCESS_KEY,
    endpoints,
    env: {
      AWS_REGION: LOCAL_REGION,
      // What version 1 of the AWS CLI reads (version 2 and the SDKs read AWS_REGION).
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsmanager,
      AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
    },
    tableName: TABLE_NAME,
    stateMachineArn: at.stateMachineArn,
    secretPrefix: 'onramp/',
    appSecretPrefix: at.appSecretPrefix,
    supportFunction: 'onramp-support',
    lambdaEndpoint: endpoints.lambda,
  };
}

/** Writes the local stack file, readable by its owner only (it holds the endpoints' token). */
function writeStackFile(dataDir: string, content: LocalStackFile): void {
  const file = path.join(dataDir, 'local-stack.json');
  fs.writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only to a new file: make sure an older one is private too.
  fs.chmodSync(file, 0o600);
}

/** The scheduled refresher on this machine: a timer that invokes its function, as the schedule does in the cloud. */
function startRefreshTimer(functions: LocalFunctions, everyMs: number | undefined): NodeJS.Timeout | undefined {
  if (!everyMs) return undefined;
  let running = false;
  const timer = setInterval(() => {
    // One run at a time, as a schedule with a run still going would overlap only in the cloud (the leases cover that).
    if (running) return;
    running = true;
    functions
      .invoke('refresher', {})
      .catch((err: unknown) => logger.warn('refresh run failed', { errorName: (err as Error)?.name }))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return timer;
}
