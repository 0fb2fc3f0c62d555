import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '#local/test-table.js';
import { ConnectionGoneError, VersionConflictError } from '../../domain/errors.js';
import type { AccountEvent, WizardRecord } from '../../domain/model.js';
import { dynamoWizardStore, dynamoWizardTaskStore, type WizardStore } from './wizard-store.js';

let table: TestTable;
let store: WizardStore;
beforeAll(async () => {
  table = await startTestTable();
  store = dynamoWizardStore(table.db, table.tableName);
});
afterAll(async () => {
  await table.stop();
});

const seller = 'seller-1';
function account(extra: Partial<WizardRecord> = {}): WizardRecord {
  return {
    id: randomUUID(),
    sellerId: seller,
    name: 'Shop',
    channel: 'ebay',
    region: null,
    fields: {},
    step: 'connect_channel',
    status: 'active',
    version: 1,
    executionArn: 'arn:exec:1',
    execSeq: 1,
    taskToken: null,
    tokenStep: null,
    lastFailure: null,
    connections: [],
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    ...extra,
  };
}
const event = (rec: WizardRecord, type: AccountEvent['type'], detail: string | null = null): AccountEvent => ({ accountId: rec.id, type, at: new Date().toISOString(), actor: 'seller', detail });
const change = (rec: WizardRecord, events: AccountEvent[]) => ({ set: { step: 'connect_bookkeeping' }, events: events.length ? events : [event(rec, 'step_completed', 'connect_channel')] });
const types = async (rec: WizardRecord) => (await store.listEvents(seller, rec.id)).map((e) => e.type).sort();

describe('dynamoWizardStore: a change and its audit events, one transaction', () => {
  it('creates an account with its "created" event, and a second create of the id writes neither', async () => {
    const rec = account();
    await store.create(rec, event(rec, 'created'));
    await expect(store.create({ ...rec, name: 'Other' }, event(rec, 'created'))).rejects.toThrow();
    expect((await store.load(seller, rec.id))?.name).toBe('Shop');
    expect(await types(rec)).toEqual(['created']);
  });

  it('writes the change and its events together', async () => {
    const rec = account();
    await store.create(rec);
    const before = await store.apply(rec, 1, change(rec, [event(rec, 'step_completed', 'connect_channel'), event(rec, 'connection_made', 'eBay: shop')]), new Date().toISOString());
    expect(before.version).toBe(1);
    expect(await store.load(seller, rec.id)).toMatchObject({ step: 'connect_bookkeeping', version: 2 });
    expect(await types(rec)).toEqual(['connection_made', 'step_completed']);
  });

  it('rolls the events back with a change refused as stale: no event records what did not happen', async () => {
    const rec = account();
    await store.create(rec);
    await store.apply(rec, 1, { set: { name: 'Renamed' } }, new Date().toISOString());
    await expect(store.apply(rec, 1, change(rec, []), new Date().toISOString())).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.load(seller, rec.id)).toMatchObject({ step: 'connect_channel', version: 2, name: 'Renamed' });
    expect(await types(rec)).toEqual([]);
  });

  it('answers the item as it was, task token included, when the task function recorded one since it was read', async () => {
    const rec = account();
    await store.create(rec);
    // The state machine's task records its token after the seller's request read the account (no new version).
    const tasks = dynamoWizardTaskStore(table.db, table.tableName);
    await tasks.recordToken({ sellerId: seller, accountId: rec.id, executionArn: 'arn:exec:1', step: 'connect_channel', taskToken: 'token-1' });
    const sent: string[] = [];
    const counting = dynamoWizardStore({ send: (cmd: { constructor: { name: string } }) => (sent.push(cmd.constructor.name), table.db.send(cmd as never)) } as never, table.tableName);
    const before = await counting.apply(rec, 1, change(rec, []), new Date().toISOString());
    expect(before).toMatchObject({ taskToken: 'token-1', tokenStep: 'connect_channel', version: 1 });
    // The refusal carried the item as it is: the write is tried once more, with no read between.
    expect(sent).toEqual(['TransactWriteCommand', 'TransactWriteCommand']);
    expect(await store.load(seller, rec.id)).toMatchObject({ step: 'connect_bookkeeping', version: 2 });
    expect(await types(rec)).toEqual(['step_completed']);
  });

  it('writes a new connection\u2019s record with the step, held by the account; letting go of it leaves it unheld', async () => {
    const rec = account();
    await store.create(rec);
    const record = { secretName: `onramp/${rec.id}/channel-1`, provider: 'ebay', kind: 'channel' as const, sellerId: seller, accountId: rec.id, region: null, fields: {}, status: 'connected' as const, connectedAt: 't', updatedAt: 't' };
    await store.apply(rec, 1, { ...change(rec, []), records: [{ create: record }] }, new Date().toISOString());
    const key = { pk: `CONNECTION#onramp/${rec.id}/channel-1`, sk: 'CONNECTION' };
    expect((await table.db.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item).toMatchObject({ generation: 1, status: 'connected', holders: new Set([rec.id]) });
    // The same name again (a second writer): refused as a whole, the account unchanged.
    const again = (await store.load(seller, rec.id))!;
    await expect(store.apply(again, 2, { set: { name: 'Again' }, events: [event(rec, 'reconnected')], records: [{ create: record }] }, new Date().toISOString())).rejects.toBeInstanceOf(ConnectionGoneError);
    expect((await store.load(seller, rec.id))!.version).toBe(2);
    await store.apply(again, 2, { set: { name: 'Again' }, events: [event(rec, 'started_over')], records: [{ letGo: record.secretName, accountId: rec.id }] }, new Date().toISOString());
    const after = (await table.db.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item!;
    expect(after.holders).toBeUndefined();
  });

  it('reads an account with the seller\u2019s others in one query', async () => {
    const sellerId = `seller-${randomUUID()}`;
    const a = { ...account(), sellerId };
    const b = { ...account({ name: 'Second' }), sellerId };
    await store.create(a);
    await store.create(b);
    const { account: found, others } = await store.loadWithOthers(sellerId, a.id);
    expect(found?.id).toBe(a.id);
    expect(others.map((o) => o.id)).toEqual([b.id]);
    expect((await store.loadWithOthers(sellerId, randomUUID())).account).toBeUndefined();
  });
});

describe('dynamoWizardTaskStore: a pause and its event, one transaction', () => {
  it('pauses the current execution and records it; a stale execution changes nothing and records nothing', async () => {
    const rec = account();
    await store.create(rec);
    const tasks = dynamoWizardTaskStore(table.db, table.tableName);
    expect(await tasks.endExecution({ sellerId: seller, accountId: rec.id, executionArn: 'arn:exec:old', step: 'connect_channel' }, new Date().toISOString(), null)).toBe(false);
    expect(await types(rec)).toEqual([]);
    expect(await tasks.endExecution({ sellerId: seller, accountId: rec.id, executionArn: 'arn:exec:1', step: 'connect_channel' }, new Date().toISOString(), null)).toBe(true);
    expect(await store.load(seller, rec.id)).toMatchObject({ status: 'paused', version: 2 });
    expect(await types(rec)).toEqual(['paused']);
    // Indexed by account, so support finds the trail by account id alone.
    const { Items } = await table.db.send(new QueryCommand({ TableName: table.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': `ACCOUNT#${rec.id}` } }));
    expect(Items?.some((i) => i.entity === 'event' && i.type === 'paused')).toBe(true);
  });
});
