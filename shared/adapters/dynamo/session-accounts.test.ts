import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '#local/test-table.js';
import type { SessionStoreWithAccounts } from '../../ports/index.js';
import { newSessionToken } from '../../runtime/session-token.js';
import { dynamoSessionStoreWithAccounts } from './session-accounts.js';
import { idOf } from './sessions.js';

let table: TestTable;
let store: SessionStoreWithAccounts;
beforeAll(async () => {
  table = await startTestTable();
  store = dynamoSessionStoreWithAccounts(table.db, table.tableName);
});
afterAll(async () => {
  await table.stop();
});

const session = (userId: string, createdAt: number) => ({ userId, email: `${userId}@example.com`, expiresAt: createdAt + 1000, createdAt, lastSeenAt: createdAt, idleSeconds: 100 });

describe('dynamoSessionStoreWithAccounts: the session and the account in one read', () => {
  const seller = '0b8f3c9e-4a51-4c1e-9d7a-2f6b8e1c5a01';
  const other = '7d2e6a14-93c8-4b0f-a6e5-1c9d4f8b2e73';
  const accountId = 'a1b2c3d4-0000-4000-8000-000000000001';
  const otherAccountId = 'a1b2c3d4-0000-4000-8000-000000000002';

  /** Counts the requests the store sends. */
  function counted() {
    const sent: string[] = [];
    const db = { send: (cmd: { constructor: { name: string } }) => (sent.push(cmd.constructor.name), table.db.send(cmd as never)) };
    return { store: dynamoSessionStoreWithAccounts(db as never, table.tableName), sent };
  }

  beforeAll(async () => {
    const put = (sellerId: string, id: string) =>
      table.db.send(new PutCommand({ TableName: table.tableName, Item: { pk: `SELLER#${sellerId}`, sk: `ACCOUNT#${id}`, id, sellerId, name: `Shop of ${sellerId.slice(0, 4)}`, channel: 'ebay', step: 'connect_channel', status: 'active', version: 1, connections: [], createdAt: 't', updatedAt: 't' } }));
    await put(seller, accountId);
    await put(other, otherAccountId);
  });

  it('reads the session and its seller\u2019s account in one round trip', async () => {
    const token = newSessionToken(seller);
    await store.create(token, session(seller, 10));
    const { store: s, sent } = counted();
    const found = await s.findWithAccount(token, accountId);
    expect(sent).toEqual(['BatchGetCommand']);
    expect(found.session).toEqual(session(seller, 10));
    expect(found.account).toMatchObject({ id: accountId, sellerId: seller, version: 1 });
  });

  it('finds another seller\u2019s account not there, even by its own id', async () => {
    const token = newSessionToken(seller);
    await store.create(token, session(seller, 10));
    const found = await store.findWithAccount(token, otherAccountId);
    expect(found.session?.userId).toBe(seller);
    expect(found.account).toBeNull();
  });

  it('returns no account for a session signed out (nor for a token whose seller was changed, which finds no session)', async () => {
    const token = newSessionToken(seller);
    await store.create(token, session(seller, 10));
    await store.delete(token);
    expect(await store.findWithAccount(token, accountId)).toEqual({ session: undefined });
    const live = newSessionToken(seller);
    await store.create(live, session(seller, 10));
    const forged = `${other}${live.slice(seller.length)}`;
    expect(await store.findWithAccount(forged, otherAccountId)).toEqual({ session: undefined });
  });

  it('finds no session for a token that names no seller (one issued before tokens did), reading nothing', async () => {
    const { store: s, sent } = counted();
    expect(await s.findWithAccount('an-older-random-token', accountId)).toEqual({ session: undefined });
    expect(await s.findWithAccounts('an-older-random-token')).toEqual({ session: undefined });
    expect(sent).toEqual([]);
  });

  it('reads the connection records named with them, and gives them only with the account', async () => {
    const token = newSessionToken(seller);
    await store.create(token, session(seller, 10));
    await table.db.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'CONNECTION#onramp/x/channel', sk: 'CONNECTION', secretName: 'onramp/x/channel', provider: 'ebay', kind: 'channel', sellerId: seller, accountId, status: 'connected', generation: 1, connectedAt: 't', updatedAt: 't' } }));
    const found = await store.findWithAccount(token, accountId, ['onramp/x/channel', 'onramp/x/none']);
    expect(found.records?.get('onramp/x/channel')).toMatchObject({ provider: 'ebay', status: 'connected' });
    expect(found.records?.get('onramp/x/none')).toBeNull();
    await store.delete(token);
    expect(await store.findWithAccount(token, accountId, ['onramp/x/channel'])).toEqual({ session: undefined });
  });
});

describe('dynamoSessionStoreWithAccounts: the session and all the seller\u2019s accounts in one request', () => {
  const seller = '3c1d9e27-5b84-4f0a-8e6d-7a2b9c4e1f05';
  const other = '9e4b2d71-6c03-4a8f-b5e1-0d7f3a9c6b28';
  const ids = ['c0000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002'];

  function counted() {
    const sent: string[] = [];
    const db = { send: (cmd: { constructor: { name: string } }) => (sent.push(cmd.constructor.name), table.db.send(cmd as never)) };
    return { store: dynamoSessionStoreWithAccounts(db as never, table.tableName), sent };
  }

  beforeAll(async () => {
    const put = (item: Record<string, unknown>) => table.db.send(new PutCommand({ TableName: table.tableName, Item: item }));
    // Three accounts made out of id order, an audit event, and an account of another seller.
    for (const [i, id] of ids.entries()) {
      await put({ pk: `SELLER#${seller}`, sk: `ACCOUNT#${id}`, entity: 'account', id, sellerId: seller, name: `Shop ${i}`, channel: 'ebay', step: 'connect_channel', status: 'active', version: 1, connections: [], createdAt: `2026-12-0${i + 1}T00:00:00.000Z`, updatedAt: 't' });
    }
    await put({ pk: `SELLER#${seller}`, sk: `EVENT#${ids[0]}#t#0000`, entity: 'event', accountId: ids[0], type: 'created', at: 't' });
    await put({ pk: `SELLER#${other}`, sk: `ACCOUNT#${ids[0]}`, entity: 'account', id: ids[0], sellerId: other, name: 'Not yours', channel: 'ebay', step: 'connect_channel', status: 'active', version: 1, connections: [], createdAt: 't', updatedAt: 't' });
  });

  it('reads the session and the seller\u2019s accounts, oldest first, in one query, and nothing else of the seller\u2019s', async () => {
    const token = newSessionToken(seller);
    await store.create(token, session(seller, 10));
    // Other sessions of the same seller, some before and some after this one in key order.
    const sides = new Set<boolean>();
    for (let i = 0; sides.size < 2 || i < 6; i++) {
      const other = newSessionToken(seller);
      sides.add(idOf(other) < idOf(token));
      await store.create(other, session(seller, 20 + i));
    }
    const { store: s, sent } = counted();
    const found = await s.findWithAccounts(token);
    expect(sent).toEqual(['QueryCommand']);
    expect(found.session).toEqual(session(seller, 10));
    expect(found.accounts?.map((a) => a.name)).toEqual(['Shop 0', 'Shop 1', 'Shop 2']);
    expect(found.accounts?.every((a) => a.sellerId === seller)).toBe(true);
  });

  it('gives no accounts for a session signed out, a token whose seller was changed, or another seller\u2019s token with this seller\u2019s id', async () => {
    const token = newSessionToken(seller);
    await store.create(token, session(seller, 10));
    await store.delete(token);
    expect(await store.findWithAccounts(token)).toEqual({ session: undefined });
    const live = newSessionToken(other);
    await store.create(live, session(other, 10));
    expect(await store.findWithAccounts(`${seller}${live.slice(other.length)}`)).toEqual({ session: undefined });
    expect((await store.findWithAccounts(live)).accounts?.map((a) => a.name)).toEqual(['Not yours']);
  });

  it('reads every page when DynamoDB answers in pages, some of them empty once the other sessions are left out', async () => {
    const token = newSessionToken(seller);
    await store.create(token, session(seller, 10));
    const sent: unknown[] = [];
    // Two items a page, as DynamoDB pages a partition larger than 1 MB.
    const db = { send: (cmd: { input: Record<string, unknown> }) => (sent.push(cmd), (cmd.input.Limit = 2), table.db.send(cmd as never)) };
    const found = await dynamoSessionStoreWithAccounts(db as never, table.tableName).findWithAccounts(token);
    expect(sent.length).toBeGreaterThan(2);
    expect(found.session).toEqual(session(seller, 10));
    expect(found.accounts?.map((a) => a.name)).toEqual(['Shop 0', 'Shop 1', 'Shop 2']);
  });

  it('reads a seller with no accounts as an empty list', async () => {
    const lone = '5f2a8c63-1d94-4e7b-a0c5-8b3e6d1f9a47';
    const token = newSessionToken(lone);
    await store.create(token, session(lone, 10));
    expect(await store.findWithAccounts(token)).toEqual({ session: session(lone, 10), accounts: [] });
  });
});
