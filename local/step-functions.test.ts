import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  SendTaskSuccessCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
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

/** Completes every step of an account's setup as the handlers do (the task success for each step's token). */
async function completeEveryStep(a: Awaited<ReturnType<typeof newAccount>>) {
  const seen: string[] = [];
  for (const step of ['connect_channel', 'connect_bookkeeping', 'accounts_and_taxes']) {
    const token = await valueOf(`the ${step} token`, async () => {
      const i = await item(a.key);
      return i.tokenStep === step && typeof i.taskToken === 'string' && !seen.includes(i.taskToken) ? (i.taskToken as string) : undefined;
    });
    seen.push(token);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ step }) }));
  }
  return valueOf('the end of the execution', async () => {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: a.executionArn }));
    return d.status === 'RUNNING' ? undefined : d;
  });
}

const ended = (executionArn: string) =>
  valueOf('the end of the execution', async () => {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status === 'RUNNING' ? undefined : d;
  });

/** Every event of an execution's history, page by page (`maxResults` events a page). */
async function wholeHistory(executionArn: string, options: { maxResults?: number; reverseOrder?: boolean; includeExecutionData?: boolean } = {}) {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const res = await sfn.send(new GetExecutionHistoryCommand({ executionArn, ...options, ...(nextToken ? { nextToken } : {}) }));
    events.push(...(res.events ?? []));
    nextToken = res.nextToken;
    pages++;
  } while (nextToken);
  return { events, pages };
}

const OTHER_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:Elsewhere';

describe('the local Step Functions endpoint', () => {
  it('runs the synthesized wizard definition to success when every step is completed', async () => {
    const a = await newAccount('Happy path');
    const done = await completeEveryStep(a);
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

describe('inspecting the local Step Functions as the AWS CLI does', () => {
  it('lists the one state machine and describes it with the definition it runs', async () => {
    const { stateMachines, nextToken } = await sfn.send(new ListStateMachinesCommand({}));
    expect(nextToken).toBeUndefined();
    expect(stateMachines).toEqual([{ stateMachineArn: stack.stepFunctions.stateMachineArn, name: 'OnrampWizard', type: 'STANDARD', creationDate: expect.any(Date) }]);
    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stack.stepFunctions.stateMachineArn }));
    expect(machine).toMatchObject({ name: 'OnrampWizard', status: 'ACTIVE', type: 'STANDARD', roleArn: expect.stringMatching(/^arn:aws:iam::/) });
    const definition = JSON.parse(machine.definition!) as { StartAt: string; States: Record<string, { Type: string }> };
    expect(definition.StartAt).toBe('Start at saved step');
    expect(definition.States['Connect sales channel']!.Type).toBe('Task');
  });

  it('answers StateMachineDoesNotExist for another machine and InvalidArn for what is not a state machine ARN', async () => {
    await expect(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: OTHER_MACHINE }))).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'OnrampWizard' }))).rejects.toMatchObject({ name: 'InvalidArn' });
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: OTHER_MACHINE }))).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:execution:OnrampWizard:x' }))).rejects.toMatchObject({ name: 'InvalidArn' });
    await expect(sfn.send(new GetExecutionHistoryCommand({ executionArn: 'not-an-arn' }))).rejects.toMatchObject({ name: 'InvalidArn' });
    await expect(sfn.send(new GetExecutionHistoryCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:OnrampWizard:none' }))).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
    });
  });

  it('lists executions most recent first, page by page, and by status', async () => {
    const older = await newAccount('Listed first');
    const newer = await newAccount('Listed second');
    await sfn.send(new StopExecutionCommand({ executionArn: older.executionArn, error: 'Listing', cause: 'stopped to be listed' }));
    const stateMachineArn = stack.stepFunctions.stateMachineArn;

    const all = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions!;
    const arns = all.map((e) => e.executionArn);
    expect(arns.indexOf(newer.executionArn)).toBeLessThan(arns.indexOf(older.executionArn));
    expect(all.find((e) => e.executionArn === older.executionArn)).toMatchObject({ stateMachineArn, status: 'ABORTED', startDate: expect.any(Date), stopDate: expect.any(Date) });
    expect(all.map((e) => e.startDate!.getTime())).toEqual([...all.map((e) => e.startDate!.getTime())].sort((x, y) => y - x));

    // Two at a time, following nextToken, gives the same list; a new execution started meanwhile does not shift the pages.
    const paged: string[] = [];
    let nextToken: string | undefined;
    do {
      const res = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2, ...(nextToken ? { nextToken } : {}) }));
      expect(res.executions!.length).toBeLessThanOrEqual(2);
      paged.push(...res.executions!.map((e) => e.executionArn!));
      if (paged.length === 2) await newAccount('Started while paging');
      nextToken = res.nextToken;
    } while (nextToken);
    expect(paged).toEqual(arns);

    const aborted = (await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'ABORTED' }))).executions!;
    expect(aborted.map((e) => e.executionArn)).toContain(older.executionArn);
    expect(aborted.every((e) => e.status === 'ABORTED')).toBe(true);
    const running = (await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }))).executions!;
    expect(running.map((e) => e.executionArn)).toContain(newer.executionArn);
    expect(running.map((e) => e.executionArn)).not.toContain(older.executionArn);
  });

  it('refuses a page token it did not give for that query, and a page size over 1000', async () => {
    const stateMachineArn = stack.stepFunctions.stateMachineArn;
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn, nextToken: 'made-up' }))).rejects.toMatchObject({ name: 'InvalidToken' });
    const first = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }));
    expect(first.nextToken).toBeDefined();
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED', nextToken: first.nextToken }))).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1001 }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('gives the history of a completed setup: each step entered, its task scheduled, submitted and succeeded, then the execution', async () => {
    const a = await newAccount('History');
    expect((await completeEveryStep(a)).status).toBe('SUCCEEDED');
    const { events, pages } = await wholeHistory(a.executionArn, { maxResults: 4 });
    const step = (name: string) => [['TaskStateEntered', name], ['TaskScheduled'], ['TaskStarted'], ['TaskSubmitted'], ['TaskSucceeded'], ['TaskStateExited', name]];
    expect(events.map((e) => [e.type, ...(e.stateEnteredEventDetails ? [e.stateEnteredEventDetails.name] : e.stateExitedEventDetails ? [e.stateExitedEventDetails.name] : [])])).toEqual([
      ['ExecutionStarted'],
      ['ChoiceStateEntered', 'Start at saved step'],
      ['ChoiceStateExited', 'Start at saved step'],
      ...step('Connect sales channel'),
      ...step('Connect bookkeeping'),
      ...step('Accounts and taxes'),
      ['SucceedStateEntered', 'Setup complete'],
      ['SucceedStateExited', 'Setup complete'],
      ['ExecutionSucceeded'],
    ]);
    expect(pages).toBe(Math.ceil(events.length / 4));
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.timestamp instanceof Date && e.previousEventId === e.id! - 1)).toBe(true);

    const started = events[0]!.executionStartedEventDetails!;
    expect(JSON.parse(started.input!)).toMatchObject({ accountId: a.accountId, startAt: 'connect_channel' });
    const scheduled = events.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', region: 'us-east-1', timeoutInSeconds: 2 });
    const parameters = JSON.parse(scheduled.parameters!) as { FunctionName: string; Payload: { step: string; taskToken: string } };
    expect(parameters.FunctionName).toMatch(/function:onramp-wizardTask$/);
    expect(parameters.Payload.step).toBe('connect_channel');
    expect(parameters.Payload.taskToken).toMatch(/^local-/);
    expect(JSON.parse(events.find((e) => e.type === 'TaskSucceeded')!.taskSucceededEventDetails!.output!)).toEqual({ step: 'connect_channel' });

    const reversed = await wholeHistory(a.executionArn, { reverseOrder: true, maxResults: 5 });
    expect(reversed.events.map((e) => e.id)).toEqual(events.map((e) => e.id).reverse());

    const bare = await wholeHistory(a.executionArn, { includeExecutionData: false });
    expect(bare.events.map((e) => e.type)).toEqual(events.map((e) => e.type));
    expect(JSON.stringify(bare.events)).not.toMatch(/"(input|output)"/);
  });

  it('records a step left past its timeout as the task timing out, then the pause', async () => {
    const a = await newAccount('History of a pause');
    expect((await ended(a.executionArn)).status).toBe('SUCCEEDED');
    const types = (await wholeHistory(a.executionArn)).events;
    const timedOut = types.find((e) => e.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: 'States.Timeout' });
    expect(types.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskTimedOut',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('ends the history of a stopped execution with ExecutionAborted and the reason given', async () => {
    const a = await newAccount('History of a stop');
    await valueOf('a token', async () => (await item(a.key)).taskToken as string | undefined);
    await sfn.send(new StopExecutionCommand({ executionArn: a.executionArn, error: 'StartOver', cause: 'The seller started over' }));
    const { events } = await wholeHistory(a.executionArn);
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'StartOver', cause: 'The seller started over' } });
    expect(events.map((e) => e.type)).not.toContain('TaskSucceeded');
  });
});
