import { DescribeExecutionCommand, SFNClient, SendTaskSuccessCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { newSeller, withStack } from './test-helpers.js';
import type { LocalStack } from './stack.js';

let stack: LocalStack;
let sfn: SFNClient;
beforeAll(async () => {
  stack = await withStack({ stepTimeoutSeconds: 2 });
  sfn = new SFNClient({});
});
afterAll(async () => {
  sfn.destroy();
  await stack.stop();
});

async function valueOf<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const item = async (key: Record<string, string>) =>
  (await dynamoClient().send(new GetCommand({ TableName: 'onramp', Key: key, ConsistentRead: true }))).Item!;

/** A new account: creating it writes the item, then starts its first execution. */
async function newAccount(name: string) {
  const seller = await newSeller(stack);
  const sellerId = (await seller.call('GET', '/api/me')).body.user.id as string;
  const { body } = await seller.call('POST', '/api/accounts', { name, channel: 'ebay' });
  const accountId = body.account.id as string;
  const key = { pk: `SELLER#${sellerId}`, sk: `ACCOUNT#${accountId}` };
  const executionArn = (await item(key)).executionArn as string;
  return { sellerId, accountId, key, executionArn };
}

describe('the local Step Functions endpoint', () => {
  it('runs the synthesized wizard definition to success when every step is completed', async () => {
    const a = await newAccount('Happy path');
    const { executionArn } = a;
    const seen: string[] = [];
    for (const step of ['connect_channel', 'connect_bookkeeping', 'accounts_and_taxes']) {
      const token = await valueOf(`the ${step} token`, async () => {
        const i = await item(a.key);
        return i.tokenStep === step && typeof i.taskToken === 'string' && !seen.includes(i.taskToken) ? (i.taskToken as string) : undefined;
      });
      seen.push(token);
      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ step }) }));
    }
    const done = await valueOf('success', async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(done.status).toBe('SUCCEEDED');
    expect((await item(a.key)).status).toBe('active');
  });

  it('pauses the account and ends cleanly when a step waits past its timeout', async () => {
    const a = await newAccount('Abandoned');
    const { executionArn } = a;
    const done = await valueOf('the timeout', async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(done.status).toBe('SUCCEEDED');
    const after = await item(a.key);
    expect(after.status).toBe('paused');
    expect(after.taskToken).toBeUndefined();
  });

  it('stops an execution, after which its task tokens are refused', async () => {
    const a = await newAccount('Stopped');
    const { executionArn } = a;
    const token = await valueOf('a token', async () => (await item(a.key)).taskToken as string | undefined);
    await sfn.send(new StopExecutionCommand({ executionArn }));
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
  });

  it('names unknown executions and tokens as the SDK expects', async () => {
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:OnrampWizard:none' }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'nope', output: '{}' }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
  });
});
