import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '#local/test-table.js';
import { newSessionToken } from '../../runtime/session-token.js';
import { dynamoSessionStore, idOf, SESSION_SK_PREFIX, type SessionStore } from './sessions.js';

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
/** A seller id as sign-up makes them (a UUID), distinct per test. */
const sellerNo = (n: number) => `0b8f3c9e-4a51-4c1e-9d7a-${String(n).padStart(12, '0')}`;

describe('dynamoSessionStore', () => {
  it('never writes the token itself, only its hash', async () => {
    const token = newSessionToken(sellerNo(0));
    await store.create(token, session(sellerNo(0), 10));
    const { Items } = await table.db.send(new ScanCommand({ TableName: table.tableName }));
    expect(JSON.stringify(Items)).not.toContain(token);
    expect(JSON.stringify(Items)).not.toContain(token.slice(token.indexOf('.') + 1));
    expect(await store.find(token)).toEqual(session(sellerNo(0), 10));
  });

  it('keeps a session in its seller\u2019s partition, just after the seller\u2019s accounts and before their audit trail', async () => {
    const seller = sellerNo(5);
    const token = newSessionToken(seller);
    await store.create(token, session(seller, 10));
    const key = { pk: `SELLER#${seller}`, sk: `${SESSION_SK_PREFIX}${idOf(token)}` };
    expect((await table.db.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item).toMatchObject({ entity: 'session', userId: seller });
    // After any account id (UUID characters), before any event, and never taken for an account (`ACCOUNT#`).
    expect(`ACCOUNT#ffffffff-ffff-ffff-ffff-ffffffffffff` < key.sk).toBe(true);
    expect(key.sk < 'EVENT#').toBe(true);
    expect(key.sk.startsWith('ACCOUNT#')).toBe(false);
  });

  it('refuses to store a session under a token that names another seller, or none', async () => {
    await expect(store.create(newSessionToken(sellerNo(6)), session(sellerNo(7), 10))).rejects.toThrow(/must name/);
    await expect(store.create('an-older-random-token', session(sellerNo(7), 10))).rejects.toThrow(/must name/);
  });

  it('finds no session for a token naming no seller (issued before tokens named theirs), and touches or deletes nothing for one', async () => {
    const { store: s, sent } = counted();
    expect(await s.find('an-older-random-token')).toBeUndefined();
    await s.touch('an-older-random-token', 10);
    await s.delete('an-older-random-token');
    expect(sent).toEqual([]);
  });

  it('lists a seller\u2019s sessions by the hash of their tokens, and deletes by it', async () => {
    const [u1, u2] = [sellerNo(1), sellerNo(2)];
    const [a, b, c] = [newSessionToken(u1), newSessionToken(u1), newSessionToken(u2)];
    await store.create(a, session(u1, 100));
    await store.create(b, session(u1, 200));
    await store.create(c, session(u2, 300));
    const listed = await store.listForUser(u1);
    expect(listed.map((s) => s.createdAt).sort()).toEqual([100, 200]);
    expect(JSON.stringify(listed)).not.toContain(a.slice(a.indexOf('.') + 1));
    await store.deleteById(u1, listed.find((s) => s.createdAt === 100)!.id);
    expect(await store.find(a)).toBeUndefined();
    expect(await store.find(b)).toBeDefined();
    // Another seller's id with this id deletes nothing.
    await store.deleteById(u2, listed.find((s) => s.createdAt === 200)!.id);
    expect(await store.find(b)).toBeDefined();
  });

  it('records use with touch(), and does not bring back a deleted session', async () => {
    const token = newSessionToken(sellerNo(3));
    await store.create(token, session(sellerNo(3), 100));
    await store.touch(token, 150);
    expect((await store.find(token))?.lastSeenAt).toBe(150);
    await store.delete(token);
    await store.touch(token, 160);
    expect(await store.find(token)).toBeUndefined();
  });

  it('finds no session for a token whose seller was changed, even one whose session exists under its own seller', async () => {
    const token = newSessionToken(sellerNo(4));
    await store.create(token, session(sellerNo(4), 100));
    expect(await store.find(`${sellerNo(8)}${token.slice(sellerNo(4).length)}`)).toBeUndefined();
  });
});

/** Counts the requests the store sends. */
function counted() {
  const sent: string[] = [];
  const db = { send: (cmd: { constructor: { name: string } }) => (sent.push(cmd.constructor.name), table.db.send(cmd as never)) };
  return { store: dynamoSessionStore(db as never, table.tableName), sent };
}
