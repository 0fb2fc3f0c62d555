import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '#local/test-table.js';
import type { SessionStoreWithAccounts } from '../../ports/index.js';
import { newSessionToken } from '../../runtime/session-token.js';
import { dynamoSessionStoreWithAccounts } from './session-accounts.js';

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

  it('reads a token that names no seller (one issued before tokens did) alone, and leaves the account to its caller', async () => {
    await store.create('an-older-random-token', session(seller, 10));
    const { store: s, sent } = counted();
    expect(await s.findWithAccount('an-older-random-token', accountId)).toEqual({ session: session(seller, 10) });
    expect(sent).toEqual(['GetCommand']);
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
