import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { parseEnv, wizardEnv } from '#shared/runtime/config.js';
import { accountResponse, errorResponse, eventListResponse } from '#shared/http/schemas.js';
import { completeStep, type WizardDeps } from '#shared/use-cases/wizard/steps.js';
import { newSeller, settled as settleAll, type Client } from '#local/test-helpers.js';
import { startLocalStack, type LocalStack } from '#local/stack.js';
import { wizardDeps } from './deps.js';

let stack: LocalStack;
let deps: WizardDeps;
beforeAll(async () => {
  stack = await startLocalStack({ logLevel: 'SILENT' });
  deps = wizardDeps(parseEnv(wizardEnv()));
});
afterAll(async () => {
  await stack.stop();
});

const settled = () => settleAll(stack);

async function newAccount(seller: Client) {
  const me = (await seller.call('GET', '/api/me')).body.user.id as string;
  const res = await seller.call('POST', '/api/accounts', { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
  await settled();
  return { sellerId: me, id: accountResponse.parse(res.body).account.id };
}

const channel = { kind: 'channel' as const, provider: 'amazon', label: 'Amazon Europe', credentials: { refreshToken: 'Atzr|secret-value' } };
const books = { kind: 'books' as const, provider: 'xero', label: 'Xero', credentials: { refreshToken: 'xero-secret-value' } };

async function execution(sellerId: string, id: string) {
  const { Item } = await dynamoClient().send(new GetCommand({ TableName: 'onramp', Key: { pk: `SELLER#${sellerId}`, sk: `ACCOUNT#${id}` }, ConsistentRead: true }));
  return stack.stepFunctions.list().find((e) => e.arn === Item?.executionArn);
}

describe('the wizard engine on the local stack', () => {
  it('takes an account from creation through every step to complete, and its execution to success', async () => {
    const seller = await newSeller(stack);
    const a = await newAccount(seller);
    expect((await execution(a.sellerId, a.id))?.status).toBe('RUNNING');
    await completeStep(deps, a.sellerId, a.id, 'connect_channel', { connection: channel });
    await settled();
    await completeStep(deps, a.sellerId, a.id, 'connect_bookkeeping', { connection: books });
    await settled();
    const done = await completeStep(deps, a.sellerId, a.id, 'accounts_and_taxes', { result: { sales: '200' } });
    await settled();
    expect(done.setup).toMatchObject({ step: 'complete', status: 'complete', canResume: false });
    const run = await execution(a.sellerId, a.id);
    await expect.poll(() => run?.status).toBe('SUCCEEDED');
    const view = await seller.call('GET', `/api/accounts/${a.id}`);
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).not.toContain('secret-value');
    expect(accountResponse.parse(view.body).account.connections.map((c) => c.label)).toEqual(['Amazon Europe', 'Xero']);
  });

  it('answers a replayed completion with 409 and the current state, and makes no second transition', async () => {
    const seller = await newSeller(stack);
    const a = await newAccount(seller);
    await completeStep(deps, a.sellerId, a.id, 'connect_channel', { connection: channel });
    const replay = completeStep(deps, a.sellerId, a.id, 'connect_channel', { connection: channel });
    await expect(replay).rejects.toMatchObject({ status: 409, current: { setup: { step: 'connect_bookkeeping' } } });
  });

  it('answers a completion from a stale tab with 409', async () => {
    const seller = await newSeller(stack);
    const a = await newAccount(seller);
    const seen = accountResponse.parse((await seller.call('GET', `/api/accounts/${a.id}`)).body).account;
    await seller.call('POST', `/api/accounts/${a.id}/start-over`, {});
    await expect(completeStep(deps, a.sellerId, a.id, 'connect_channel', { expectedVersion: 1 })).rejects.toMatchObject({ status: 409, code: 'stale' });
    expect(seen.setup.step).toBe('connect_channel');
  });

  it('resumes a paused setup at its saved step without asking for what is connected', async () => {
    const seller = await newSeller(stack);
    const a = await newAccount(seller);
    await completeStep(deps, a.sellerId, a.id, 'connect_channel', { connection: channel });
    await settled();
    stack.stepFunctions.timeOut((await execution(a.sellerId, a.id))!.arn);
    await settled();
    const paused = accountResponse.parse((await seller.call('GET', `/api/accounts/${a.id}`)).body).account;
    expect(paused.setup).toMatchObject({ step: 'connect_bookkeeping', status: 'paused', canResume: true });
    const res = await seller.call('POST', `/api/accounts/${a.id}/resume`, {});
    expect(res.status).toBe(200);
    await settled();
    const resumed = accountResponse.parse(res.body).account;
    expect(resumed.setup).toMatchObject({ step: 'connect_bookkeeping', status: 'active' });
    expect(resumed.connections.map((c) => c.label)).toEqual(['Amazon Europe']);
    expect(stack.stepFunctions.waitingStep((await execution(a.sellerId, a.id))!.arn)).toBe('connect_bookkeeping');
    const running = stack.stepFunctions.list().filter((e) => e.name.startsWith(`${a.id}-`) && e.status === 'RUNNING');
    expect(running).toHaveLength(1);
  });

  it('starts over: stops the run, deletes the secrets, returns to the first step; twice is fine', async () => {
    const seller = await newSeller(stack);
    const a = await newAccount(seller);
    await completeStep(deps, a.sellerId, a.id, 'connect_channel', { connection: channel });
    await settled();
    expect(stack.secrets.names().filter((n) => n.includes(a.id))).toHaveLength(1);
    for (let i = 0; i < 2; i++) {
      const res = await seller.call('POST', `/api/accounts/${a.id}/start-over`, {});
      expect(res.status).toBe(200);
      expect(accountResponse.parse(res.body).account).toMatchObject({ setup: { step: 'connect_channel', status: 'active' }, connections: [] });
      await settled();
    }
    expect(stack.secrets.names().filter((n) => n.includes(a.id))).toHaveLength(0);
    const running = stack.stepFunctions.list().filter((e) => e.name.startsWith(`${a.id}-`) && e.status === 'RUNNING');
    expect(running).toHaveLength(1);
  });

  it('finishes a start over that failed half-way when it is run again', async () => {
    const seller = await newSeller(stack);
    const a = await newAccount(seller);
    await completeStep(deps, a.sellerId, a.id, 'connect_channel', { connection: channel });
    await settled();
    stack.secrets.faults.set('ListSecrets', 1);
    const failed = await seller.call('POST', `/api/accounts/${a.id}/start-over`, {});
    expect(failed.status).toBe(503);
    expect(errorResponse.parse(failed.body).error.message).toMatch(/try again/);
    expect((await seller.call('GET', `/api/accounts/${a.id}`)).status).toBe(200);
    const again = await seller.call('POST', `/api/accounts/${a.id}/start-over`, {});
    expect(again.status).toBe(200);
    expect(stack.secrets.names().filter((n) => n.includes(a.id))).toHaveLength(0);
  });

  it('keeps an audit trail the seller can read, and hides it from other sellers', async () => {
    const seller = await newSeller(stack);
    const a = await newAccount(seller);
    await completeStep(deps, a.sellerId, a.id, 'connect_channel', { connection: channel });
    await seller.call('POST', `/api/accounts/${a.id}/start-over`, {});
    const res = await seller.call('GET', `/api/accounts/${a.id}/events`);
    const texts = eventListResponse.parse(res.body).events.map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(['Account created', 'Completed "Connect Sales Channel"', 'Connected Amazon Europe', 'Setup started over']));
    const other = await newSeller(stack);
    expect((await other.call('GET', `/api/accounts/${a.id}/events`)).status).toBe(404);
    expect((await other.call('POST', `/api/accounts/${a.id}/resume`, {})).status).toBe(404);
    expect((await other.call('POST', `/api/accounts/${a.id}/start-over`, {})).status).toBe(404);
  });

  it('answers 503, never 500, when Step Functions fails, and the account view still loads afterwards', async () => {
    const seller = await newSeller(stack);
    const a = await newAccount(seller);
    stack.stepFunctions.faults.set('StopExecution', 1);
    const res = await seller.call('POST', `/api/accounts/${a.id}/start-over`, {});
    expect(res.status).toBe(503);
    expect((await seller.call('GET', `/api/accounts/${a.id}`)).status).toBe(200);
  });

  it('pauses a new account whose first run could not start, so the seller can resume it', async () => {
    const seller = await newSeller(stack);
    stack.stepFunctions.faults.set('StartExecution', 1);
    const res = await seller.call('POST', '/api/accounts', { name: 'eBay UK', channel: 'ebay' });
    expect(res.status).toBe(201);
    const account = accountResponse.parse(res.body).account;
    expect(account.setup).toMatchObject({ status: 'paused', canResume: true });
    const resumed = await seller.call('POST', `/api/accounts/${account.id}/resume`, {});
    expect(accountResponse.parse(resumed.body).account.setup.status).toBe('active');
  });
});
