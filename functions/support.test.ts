import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv, wizardEnv } from '#shared/runtime/config.js';
import { accountResponse, eventListResponse } from '#shared/http/schemas.js';
import { completeStep, type WizardDeps } from '#shared/use-cases/wizard/steps.js';
import { SETUP_STEPS, type SetupStep } from '#shared/domain/wizard.js';
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

const CALLER = 'arn:aws:sts::111111111111:assumed-role/Support/sam';
const support = (payload: unknown) => stack.functions.invoke('support', payload) as Promise<Record<string, any>>;
const resetAccount = (accountId: string, extra: Record<string, unknown> = {}) =>
  support({ action: 'reset', target: { accountId }, reason: 'Ticket 42: wizard stuck', operator: 'sam', caller: CALLER, ...extra });

const settled = () => settleAll(stack);

/** An account brought to `step` the way sellers get there, with its connections made. */
async function accountAt(step: SetupStep): Promise<{ seller: Client; sellerId: string; id: string }> {
  const seller = await newSeller(stack);
  const sellerId = (await seller.call('GET', '/api/me')).body.user.id as string;
  const res = await seller.call('POST', '/api/accounts', { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
  const id = res.body.account.id as string;
  await settled();
  for (const s of SETUP_STEPS.slice(0, SETUP_STEPS.indexOf(step))) {
    const connection =
      s === 'connect_channel'
        ? { kind: 'channel' as const, provider: 'amazon', label: 'Amazon Europe', credentials: { refreshToken: 'secret-a' } }
        : s === 'connect_bookkeeping'
          ? { kind: 'books' as const, provider: 'xero', label: 'Xero', credentials: { refreshToken: 'secret-b' } }
          : undefined;
    await completeStep(deps, sellerId, id, s, connection ? { connection } : {});
    await settled();
  }
  return { seller, sellerId, id };
}

async function expectStartable(seller: Client, id: string) {
  await settled();
  const view = await seller.call('GET', `/api/accounts/${id}`);
  expect(view.status).toBe(200);
  const account = accountResponse.parse(view.body).account;
  expect(account).toMatchObject({ setup: { step: 'connect_channel', status: 'active' }, connections: [] });
  expect(stack.secrets.names().filter((n) => n.includes(id))).toEqual([]);
  const running = stack.stepFunctions.list().filter((e) => e.name.startsWith(`${id}-`) && e.status === 'RUNNING');
  expect(running).toHaveLength(1);
  expect(stack.stepFunctions.waitingStep(running[0]!.arn)).toBe('connect_channel');
}

describe('the support reset', () => {
  it.each(SETUP_STEPS)('returns an account at %s to a clean first step, and a second run has nothing to do', async (step) => {
    const { seller, sellerId, id } = await accountAt(step);
    if (step === 'connect_channel') {
      // A fresh account is already clean: abandon it, so there is something to reset.
      const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
      const { dynamoClient } = await import('#shared/adapters/aws.js');
      const { Item } = await dynamoClient().send(new GetCommand({ TableName: 'onramp', Key: { pk: `SELLER#${sellerId}`, sk: `ACCOUNT#${id}` } }));
      stack.stepFunctions.timeOut(Item!.executionArn);
      await settled();
    }
    const first = await resetAccount(id);
    expect(first.outcome).toBe('done');
    await expectStartable(seller, id);
    expect((await resetAccount(id)).outcome).toBe('nothing_to_do');
  });

  it.each([
    ['Step Functions', 'sfn', 'StopExecution'],
    ['Step Functions', 'sfn', 'StartExecution'],
    ['Secrets Manager', 'secrets', 'DeleteSecret'],
    ['Secrets Manager', 'secrets', 'ListSecrets'],
  ])('leaves a loadable account when %s fails (%s %s) mid-way, and running it again finishes', async (_name, service, op) => {
    const { seller, id } = await accountAt('accounts_and_taxes');
    (service === 'sfn' ? stack.stepFunctions.faults : stack.secrets.faults).set(op, 1);
    const first = await resetAccount(id);
    expect(['failed', 'done']).toContain(first.outcome);
    expect((await seller.call('GET', `/api/accounts/${id}`)).status).toBe(200);
    const again = await resetAccount(id);
    expect(['done', 'nothing_to_do']).toContain(again.outcome);
    await expectStartable(seller, id);
  });

  it('changes nothing on a dry run, and reports its plan', async () => {
    const { seller, id } = await accountAt('connect_bookkeeping');
    const before = (await seller.call('GET', `/api/accounts/${id}`)).body;
    const plan = await resetAccount(id, { dryRun: true });
    expect(plan).toMatchObject({ outcome: 'done', dryRun: true });
    expect(plan.accounts[0]).toMatchObject({ action: 'reset', step: 'connect_bookkeeping', connections: [{ label: 'Amazon Europe' }] });
    expect(plan.accounts[0].secrets).toHaveLength(1);
    expect(JSON.stringify(plan)).not.toContain('secret-a');
    expect((await seller.call('GET', `/api/accounts/${id}`)).body).toEqual(before);
  });

  it('ends in a state the wizard allows when it races the seller completing a step', async () => {
    for (let i = 0; i < 5; i++) {
      const { seller, sellerId, id } = await accountAt('connect_bookkeeping');
      const [reset] = await Promise.all([
        resetAccount(id),
        completeStep(deps, sellerId, id, 'connect_bookkeeping', {
          connection: { kind: 'books', provider: 'xero', label: 'Xero', credentials: { refreshToken: 'secret-race' } },
        }).catch((e: unknown) => e),
      ]);
      expect(reset.outcome).toBe('done');
      await settled();
      const view = await seller.call('GET', `/api/accounts/${id}`);
      expect(view.status).toBe(200);
      const account = accountResponse.parse(view.body).account;
      // Either the reset came last (clean first step) or the completion did (after a clean reset, it is refused).
      expect(account.setup.step).toBe('connect_channel');
      const names = stack.secrets.names().filter((n) => n.includes(id));
      for (const c of account.connections) expect(names.some((n) => n.startsWith(`onramp/${id}/${c.kind}-`))).toBe(true);
      const running = stack.stepFunctions.list().filter((e) => e.name.startsWith(`${id}-`) && e.status === 'RUNNING');
      expect(running.length).toBeLessThanOrEqual(1);
    }
  });

  it('deletes the account with --delete: secrets first, then the item; then reports nothing to do', async () => {
    const { seller, id } = await accountAt('accounts_and_taxes');
    const res = await resetAccount(id, { delete: true });
    expect(res.outcome).toBe('done');
    expect((await seller.call('GET', `/api/accounts/${id}`)).status).toBe(404);
    expect(stack.secrets.names().filter((n) => n.includes(id))).toEqual([]);
    expect((await resetAccount(id, { delete: true })).outcome).toBe('nothing_to_do');
  });

  it('resets every account of a seller found by email', async () => {
    const a = await accountAt('connect_bookkeeping');
    await a.seller.call('POST', '/api/accounts', { name: 'eBay UK', channel: 'ebay' });
    const email = (await a.seller.call('GET', '/api/me')).body.user.email as string;
    const res = await support({ action: 'reset', target: { email }, reason: 'Ticket 7', operator: 'sam', caller: CALLER });
    expect(res.outcome).toBe('done');
    expect(res.accounts).toHaveLength(2);
  });

  it('reports an unknown account or email as not found', async () => {
    expect((await resetAccount('no-such-account')).outcome).toBe('not_found');
    expect((await support({ action: 'show', target: { email: 'nobody@example.com' } })).outcome).toBe('not_found');
  });

  it('refuses a reset without a reason', async () => {
    const res = await support({ action: 'reset', target: { accountId: 'x' }, reason: '', operator: 'sam', caller: CALLER });
    expect(res.outcome).toBe('invalid');
    expect(res.message).toMatch(/reason/);
  });

  it.each([
    ['reason', { reason: 'Ticket 8\u001b[2K\u202e', operator: 'sam' }],
    ['operator', { reason: 'Ticket 8', operator: 'sam\r\u0007' }],
  ])('refuses a %s with control characters or bidi overrides, and changes nothing', async (field, input) => {
    const res = await support({ action: 'reset', target: { accountId: 'x' }, caller: CALLER, ...input });
    expect(res.outcome).toBe('invalid');
    expect(res.message).toContain(`${field}: Use letters, numbers and punctuation only`);
  });

  it('records the caller identity the CLI claims beside the operator label, shows it to support as a claim and not to the seller', async () => {
    const { seller, id } = await accountAt('connect_bookkeeping');
    expect((await support({ action: 'reset', target: { accountId: id }, reason: 'Ticket 43', operator: 'sam' })).outcome).toBe('invalid');
    await resetAccount(id);
    const shown = await support({ action: 'show', target: { accountId: id } });
    expect(shown.accounts[0].events.find((e: { type: string }) => e.type === 'reset')).toMatchObject({ actor: 'support:sam', claimedCaller: CALLER });
    expect(shown.accounts[0].events.find((e: { type: string }) => e.type === 'reset').caller).toBeUndefined();
    const own = await seller.call('GET', `/api/accounts/${id}/events`);
    expect(JSON.stringify(own.body)).not.toContain(CALLER);
    // The seller sees that support did it, never the operator's label or the claimed caller as who did it.
    const reset = own.body.events.find((e: { type: string }) => e.type === 'reset');
    expect(reset.actor).toBe('Support');
    expect(JSON.stringify(reset)).not.toContain('sam');
  });

  it('shows the seller the reset in the audit trail: "Reset by support: <reason>"', async () => {
    const { seller, id } = await accountAt('connect_bookkeeping');
    await resetAccount(id);
    const events = eventListResponse.parse((await seller.call('GET', `/api/accounts/${id}/events`)).body).events;
    expect(events.map((e) => e.text)).toContain('Reset by support: Ticket 42: wizard stuck');
    expect(events.find((e) => e.type === 'reset')?.actor).toBe('Support');
  });
});
