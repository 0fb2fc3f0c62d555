import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '#local/test-table.js';
import { newSessionToken } from '../../runtime/session-token.js';
import { dynamoSessionStore } from './sessions.js';
import { dynamoUserStore } from './users.js';

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
});

const user = (id: string) => ({ id, name: 'Ada', email: 'ada@example.com', passwordHash: 'scrypt$x', createdAt: '2026-01-01T00:00:00.000Z' });
const session = (userId: string) => ({ userId, email: 'ada@example.com', expiresAt: 2000, createdAt: 1000, lastSeenAt: 1000, idleSeconds: 600 });

describe('dynamoUserStore.createSignedIn: a new seller and their first session, one write', () => {
  it('claims the email and starts the session together; a taken email starts no session', async () => {
    const users = dynamoUserStore(table.db, table.tableName);
    const sessions = dynamoSessionStore(table.db, table.tableName);
    const [u1, u2] = ['0b8f3c9e-4a51-4c1e-9d7a-2f6b8e1c5a01', '7d2e6a14-93c8-4b0f-a6e5-1c9d4f8b2e73'];
    const [first, second] = [newSessionToken(u1), newSessionToken(u2)];
    expect(await users.createSignedIn(user(u1), first, session(u1))).toBe(true);
    expect(await sessions.find(first)).toEqual(session(u1));
    expect(await users.createSignedIn(user(u2), second, session(u2))).toBe(false);
    expect(await sessions.find(second)).toBeUndefined();
    expect((await users.findByEmail('ada@example.com'))?.id).toBe(u1);
    const { Items } = await table.db.send(new ScanCommand({ TableName: table.tableName }));
    expect(JSON.stringify(Items)).not.toContain(first);
  });
});
