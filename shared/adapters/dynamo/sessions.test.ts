import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '#local/test-table.js';
import { dynamoSessionStore, type SessionStore } from './sessions.js';

let table: TestTable;
let store: SessionStore;
beforeAll(async () => {
  table = await startTestTable();
  store = dynamoSessionStore(table.db, table.tableName);
});
afterAll(async () => {
  await table.stop();
});

const session = (userId: string, createdAt: number) => ({ userId, email: `${userId}@example.com`, expiresAt: createdAt + 1000, createdAt, lastSeenAt: createdAt, idleSeconds: 100 });

describe('dynamoSessionStore', () => {
  it('never writes the token itself, only its hash', async () => {
    await store.create('secret-token-value', session('u0', 10));
    const { Items } = await table.db.send(new ScanCommand({ TableName: table.tableName }));
    expect(JSON.stringify(Items)).not.toContain('secret-token-value');
    expect(await store.find('secret-token-value')).toEqual(session('u0', 10));
  });

  it('lists a seller\u2019s sessions by the hash of their tokens, and deletes by it', async () => {
    await store.create('token-a', session('u1', 100));
    await store.create('token-b', session('u1', 200));
    await store.create('token-c', session('u2', 300));
    const listed = await store.listForUser('u1');
    expect(listed.map((s) => s.createdAt).sort()).toEqual([100, 200]);
    expect(JSON.stringify(listed)).not.toContain('token-');
    await store.deleteById(listed.find((s) => s.createdAt === 100)!.id);
    expect(await store.find('token-a')).toBeUndefined();
    expect(await store.find('token-b')).toBeDefined();
  });

  it('records use with touch(), and does not bring back a deleted session', async () => {
    await store.create('token-d', session('u3', 100));
    await store.touch('token-d', 150);
    expect((await store.find('token-d'))?.lastSeenAt).toBe(150);
    await store.delete('token-d');
    await store.touch('token-d', 160);
    expect(await store.find('token-d')).toBeUndefined();
  });
});
