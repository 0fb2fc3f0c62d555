import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeStateMachineCommand, GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAUTH_PROVIDER_IDS } from '#shared/providers/index.js';
import type { LocalStack, LocalStackFile } from './stack.js';
import { newAccount, newSeller, until, withStack } from './test-helpers.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-stack-file-'));
let stack: LocalStack;
let file: LocalStackFile;

beforeAll(async () => {
  stack = await withStack({ dataDir });
  file = JSON.parse(fs.readFileSync(path.join(dataDir, 'local-stack.json'), 'utf8')) as LocalStackFile;
});
afterAll(async () => {
  await stack.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A client made only from what the file says, as the AWS CLI or a script would make it (not from this process's environment). */
const fromFile = <C>(make: (config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } }) => C, endpoint: string): C =>
  make({ endpoint, region: file.region, credentials: { accessKeyId: file.accessKeyId, secretAccessKey: file.secretAccessKey } });

describe('.onramp-data/local-stack.json', () => {
  it('names every local AWS endpoint, on loopback, with the region and credentials, and is readable by its owner only', () => {
    expect(Object.keys(file.endpoints).sort()).toEqual(['dynamodb', 'lambda', 'secretsmanager', 'stepfunctions']);
    for (const url of Object.values(file.endpoints)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(file.endpoints.dynamodb).toBe(`http://127.0.0.1:${stack.dynamoPort}`);
    expect(file.endpoints.stepfunctions).toBe(`http://127.0.0.1:${stack.awsPort}`);
    expect(file).toMatchObject({ region: 'us-east-1', accessKeyId: process.env.AWS_ACCESS_KEY_ID, tableName: 'onramp', stateMachineArn: stack.stepFunctions.stateMachineArn });
    // The same, as the variables the AWS CLI and SDKs read.
    expect(file.env).toEqual({
      AWS_REGION: file.region,
      AWS_DEFAULT_REGION: file.region,
      AWS_ACCESS_KEY_ID: file.accessKeyId,
      AWS_SECRET_ACCESS_KEY: file.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: file.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SFN: file.endpoints.stepfunctions,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: file.endpoints.secretsmanager,
      AWS_ENDPOINT_URL_LAMBDA: file.endpoints.lambda,
    });
    expect(fs.statSync(path.join(dataDir, 'local-stack.json')).mode & 0o777).toBe(0o600);
  });

  it('is enough to read an account item, its setup run and its history, and a secret, through the endpoints it names', async () => {
    const seller = await newSeller(stack);
    const sellerId = (await seller.call('GET', '/api/me')).body.user.id as string;
    const account = await newAccount(seller, { name: 'Inspected', channel: 'ebay' });

    const db = fromFile((c) => new DynamoDBClient(c), file.endpoints.dynamodb);
    const sfn = fromFile((c) => new SFNClient(c), file.endpoints.stepfunctions);
    const sm = fromFile((c) => new SecretsManagerClient(c), file.endpoints.secretsmanager);
    const lambda = fromFile((c) => new LambdaClient(c), file.endpoints.lambda);
    try {
      const { Item } = await db.send(new GetItemCommand({ TableName: file.tableName, Key: { pk: { S: `SELLER#${sellerId}` }, sk: { S: `ACCOUNT#${account.id}` } }, ConsistentRead: true }));
      expect(Item?.name?.S).toBe('Inspected');
      const executionArn = Item?.executionArn?.S;
      expect(executionArn).toBeDefined();

      const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
      expect(stateMachines?.map((m) => m.stateMachineArn)).toEqual([file.stateMachineArn]);
      expect((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: file.stateMachineArn }))).name).toBe('OnrampWizard');
      const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: file.stateMachineArn, statusFilter: 'RUNNING' }));
      expect(running.executions?.map((e) => e.executionArn)).toContain(executionArn);
      // The first step waits for the seller: its task has been submitted and not settled.
      let types: string[] = [];
      await until('the first step to wait', async () => {
        types = ((await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }))).events ?? []).map((e) => e.type!);
        return types[0] === 'TaskSubmitted';
      });
      const history = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!.map((e) => e.type);
      expect(history).toEqual(['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted']);

      // The provider apps' credentials are secrets of the local Secrets Manager, as in the cloud.
      const app = await sm.send(new GetSecretValueCommand({ SecretId: `${file.appSecretPrefix}${OAUTH_PROVIDER_IDS[0]}` }));
      expect(JSON.parse(app.SecretString!)).toHaveProperty('clientId');

      // Lambda answers with the token: a function it does not host is not found (a wrong token would be refused).
      await expect(lambda.send(new InvokeCommand({ FunctionName: 'onramp-nothing', Payload: new TextEncoder().encode('{}') }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    } finally {
      for (const c of [db, sfn, sm, lambda]) c.destroy();
    }
  });
});
