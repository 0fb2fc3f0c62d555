import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '#local/test-table.js';
import type { Invitation, InvitationStore } from '../../ports/index.js';
import { dynamoInvitations } from './invitations.js';

let table: TestTable;
let store: InvitationStore;
beforeAll(async () => {
  table = await startTestTable();
  store = dynamoInvitations(table.db, table.tableName);
});
afterAll(async () => {
  await table.stop();
});

const invitation = (id: string, extra: Partial<Invitation> = {}): Invitation => ({
  id,
  sellerId: 's1',
  accountId: 'a1',
  step: 'channel',
  note: null,
  createdBy: 'seller@example.com',
  createdAt: `2026-12-07T00:00:0${id.length % 10}.000Z`,
  validUntil: 2000,
  state: 'issued',
  ...extra,
});

describe('dynamoInvitations', () => {
  it('uses an issued link once: of two uses at once exactly one wins, and an expired one is never used', async () => {
    await store.create(invitation('i1'));
    const results = await Promise.all([store.use('i1', 1000, 'at-1'), store.use('i1', 1000, 'at-2')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.get('i1'))?.state).toBe('used');
    await store.create(invitation('i22'));
    expect(await store.use('i22', 2000, 'at')).toBe(false);
    expect((await store.get('i22'))?.state).toBe('issued');
    await expect(store.create(invitation('i1'))).rejects.toThrow();
  });

  it('gives back only the use it made, and cancels only an issued link of its own seller and account', async () => {
    await store.create(invitation('i333'));
    expect(await store.use('i333', 1000, 'at-1')).toBe(true);
    await store.release('i333', 'at-other');
    expect((await store.get('i333'))?.state).toBe('used');
    await store.release('i333', 'at-1');
    expect((await store.get('i333'))?.state).toBe('issued');
    expect(await store.revoke('s2', 'a1', 'i333', 'r')).toBe(false);
    expect(await store.revoke('s1', 'a2', 'i333', 'r')).toBe(false);
    expect(await store.revoke('s1', 'a1', 'i333', 'r')).toBe(true);
    expect(await store.revoke('s1', 'a1', 'i333', 'r')).toBe(false);
    expect(await store.use('i333', 1000, 'at')).toBe(false);
    expect(await store.get('i333')).toMatchObject({ state: 'revoked', revokedAt: 'r' });
  });

  it('lists an account\u2019s links newest first, and no other account\u2019s; keeps each past its end for the list', async () => {
    await store.create(invitation('l1', { accountId: 'a9', createdAt: '2026-12-01T00:00:00.000Z' }));
    await store.create(invitation('l2', { accountId: 'a9', createdAt: '2026-12-02T00:00:00.000Z', note: 'for Sam' }));
    await store.create(invitation('l3', { accountId: 'a8' }));
    expect((await store.listForAccount('s1', 'a9')).map((i) => i.id)).toEqual(['l2', 'l1']);
    expect(await store.listForAccount('s2', 'a9')).toEqual([]);
    const { Items } = await table.db.send(new ScanCommand({ TableName: table.tableName }));
    const l2 = Items!.find((i) => i.id === 'l2')!;
    expect(l2).toMatchObject({ pk: 'INVITE#l2', sk: 'INVITE', entity: 'invitation', note: 'for Sam', validUntil: 2000 });
    expect(l2.expiresAt).toBeGreaterThan(2000 + 29 * 24 * 3600);
  });
});
