import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '#local/test-table.js';
import { dynamoAttemptCounter, type AttemptCounter } from './attempts.js';

let table: TestTable;
let counter: AttemptCounter;
beforeAll(async () => {
  table = await startTestTable();
  counter = dynamoAttemptCounter(table.db, table.tableName);
});
afterAll(async () => {
  await table.stop();
});

describe('dynamoAttemptCounter', () => {
  it('allows `limit` attempts in a window, then refuses with the seconds left', async () => {
    for (let i = 0; i < 3; i++) expect(await counter.hit('a@example.com', 3, 900, 1000 + i)).toEqual({ allowed: true });
    expect(await counter.hit('a@example.com', 3, 900, 1100)).toEqual({ allowed: false, retryAfterSeconds: 800 });
  });

  it('starts a new window once the old one has expired, though the item is still there', async () => {
    for (let i = 0; i < 3; i++) await counter.hit('b@example.com', 2, 60, 1000);
    expect((await counter.hit('b@example.com', 2, 60, 1059)).allowed).toBe(false);
    expect(await counter.hit('b@example.com', 2, 60, 1060)).toEqual({ allowed: true });
    expect(await counter.hit('b@example.com', 2, 60, 1061)).toEqual({ allowed: true });
    expect((await counter.hit('b@example.com', 2, 60, 1062)).allowed).toBe(false);
  });

  it('counts keys apart, and clear() forgets one', async () => {
    await counter.hit('c@example.com', 1, 60, 1000);
    expect((await counter.hit('c@example.com', 1, 60, 1001)).allowed).toBe(false);
    expect((await counter.hit('d@example.com', 1, 60, 1001)).allowed).toBe(true);
    await counter.clear('c@example.com');
    expect((await counter.hit('c@example.com', 1, 60, 1002)).allowed).toBe(true);
  });

  it('lets exactly `limit` of 30 concurrent attempts through', async () => {
    const verdicts = await Promise.all(Array.from({ length: 30 }, () => counter.hit('203.0.113.9', 10, 60, 5000)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(10);
  });

  it('stores the key only as a hash, with an expiresAt for DynamoDB to delete it', async () => {
    await counter.hit('e@example.com', 5, 60, 1000);
    const { Items } = await table.db.send(new ScanCommand({ TableName: table.tableName }));
    expect(JSON.stringify(Items)).not.toContain('e@example.com');
    const item = Items!.find((i) => i.entity === 'attempts' && i.expiresAt === 1060);
    expect(item).toBeDefined();
    expect((await table.db.send(new GetCommand({ TableName: table.tableName, Key: { pk: item!.pk, sk: 'ATTEMPTS' } }))).Item?.count).toBe(1);
  });

  it('counts one attempt against every key in one write when each has room, and later ones not once one refuses', async () => {
    const sent: string[] = [];
    const db = { send: (cmd: { constructor: { name: string } }) => (sent.push(cmd.constructor.name), table.db.send(cmd as never)) };
    const c = dynamoAttemptCounter(db as never, table.tableName);
    expect(await c.hitAll([['client-f', 3], ['email-f', 2]], 60, 1000)).toEqual({ allowed: true });
    expect(sent).toEqual(['TransactWriteCommand']);
    expect(await c.hitAll([['client-f', 3], ['email-f', 2]], 60, 1001)).toEqual({ allowed: true });
    // The email is full: the client's attempt is counted (it comes first), the refusal says how long to wait.
    expect(await c.hitAll([['client-f', 3], ['email-f', 2]], 60, 1002)).toEqual({ allowed: false, retryAfterSeconds: 58, key: 'email-f' });
    // Now the client is full: it refuses first, and the email is not counted again.
    expect(await c.hitAll([['client-f', 3], ['email-g', 2]], 60, 1003)).toEqual({ allowed: false, retryAfterSeconds: 57, key: 'client-f' });
    expect(await c.hitAll([['email-g', 2]], 60, 1003)).toEqual({ allowed: true });
    expect(await c.hitAll([['email-g', 2]], 60, 1003)).toEqual({ allowed: true });
    expect((await c.hitAll([['email-g', 2]], 60, 1003)).allowed).toBe(false);
  });

  it('starts new windows for keys whose windows expired', async () => {
    await counter.hitAll([['client-h', 1], ['email-h', 1]], 60, 1000);
    expect((await counter.hitAll([['client-h', 1], ['email-h', 1]], 60, 1059)).allowed).toBe(false);
    expect(await counter.hitAll([['client-h', 1], ['email-h', 1]], 60, 1060)).toEqual({ allowed: true });
  });
});
