import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCESS_KEY_ID } from './endpoint-guard.js';
import { startLocalStack, type LocalStack } from './stack.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-guard-'));
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ logLevel: 'SILENT', dataDir });
});
afterAll(async () => {
  await stack.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A raw request to a local endpoint, with exactly these headers (Host included). */
function raw(port: number, headers: Record<string, string>, body = '{}'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const signedBy = (akid: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=${akid}/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=00` });

describe('the local AWS endpoints', () => {
  it('refuse a request without the stack\u2019s token as access key id, or with another one', async () => {
    for (const port of [stack.awsPort, stack.dynamoPort]) {
      const target = { 'x-amz-target': 'secretsmanager.ListSecrets', host: `127.0.0.1:${port}` };
      expect(await raw(port, target)).toBe(403);
      expect(await raw(port, { ...target, ...signedBy('local') })).toBe(403);
      expect(await raw(port, { ...target, ...signedBy(`${LOCAL_ACCESS_KEY_ID}X`) })).toBe(403);
    }
    const sdk = new SecretsManagerClient({ endpoint: `http://127.0.0.1:${stack.awsPort}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await expect(sdk.send(new ListSecretsCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    sdk.destroy();
  });

  it('refuse a request whose Host is not loopback (DNS rebinding), even with the token', async () => {
    const headers = { 'x-amz-target': 'secretsmanager.ListSecrets', ...signedBy(LOCAL_ACCESS_KEY_ID) };
    expect(await raw(stack.awsPort, { ...headers, host: 'rebind.evil.example:80' })).toBe(403);
    expect(await raw(stack.dynamoPort, { ...headers, host: 'rebind.evil.example' })).toBe(403);
    expect(await raw(stack.awsPort, { ...headers, host: `localhost:${stack.awsPort}` })).toBe(200);
  });

  it('answer the SDK signing with the token, as the functions and onramp-support do', async () => {
    const credentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: 'local' };
    const sm = new SecretsManagerClient({ endpoint: `http://127.0.0.1:${stack.awsPort}`, region: 'us-east-1', credentials });
    const db = new DynamoDBClient({ endpoint: `http://127.0.0.1:${stack.dynamoPort}`, region: 'us-east-1', credentials });
    await expect(sm.send(new ListSecretsCommand({}))).resolves.toHaveProperty('SecretList');
    await expect(db.send(new DescribeTableCommand({ TableName: 'onramp' }))).resolves.toHaveProperty('Table');
    const lambda = new LambdaClient({ endpoint: `http://127.0.0.1:${stack.awsPort}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await expect(lambda.send(new ListFunctionsCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    for (const c of [sm, db, lambda]) c.destroy();
  });

  it('share the token through the local stack file, readable by its owner only', () => {
    const file = path.join(dataDir, 'local-stack.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).accessKeyId).toBe(LOCAL_ACCESS_KEY_ID);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(process.env.AWS_ACCESS_KEY_ID).toBe(LOCAL_ACCESS_KEY_ID);
  });
});
