import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '#local/test-table.js';
import type { ConsentStateStore, PendingConsent } from '../../ports/index.js';
import { dynamoConsentStates } from './consent-states.js';

let table: TestTable;
let states: ConsentStateStore;
beforeAll(async () => {
  table = await startTestTable();
  states = dynamoConsentStates(table.db, table.tableName);
});
afterAll(async () => {
  await table.stop();
});

const pending = (extra: Partial<PendingConsent> = {}): PendingConsent => ({ sellerId: 's1', accountId: 'a1', provider: 'etsy', purpose: 'channel', codeVerifier: 'verifier', expiresAt: 2000, ...extra });

/** Counts the requests the store sends. */
function counted() {
  const sent: string[] = [];
  const db = { send: (cmd: { constructor: { name: string } }) => (sent.push(cmd.constructor.name), table.db.send(cmd as never)) };
  return { store: dynamoConsentStates(db as never, table.tableName), sent };
}

describe('dynamoConsentStates', () => {
  it('takes a live state of its seller and provider with one conditional delete, which answers what it deleted', async () => {
    await states.put('state-1', pending());
    const { store, sent } = counted();
    expect(await store.take('state-1', 's1', 'etsy', 1000)).toEqual(pending());
    expect(sent).toEqual(['DeleteCommand']);
    expect(await states.take('state-1', 's1', 'etsy', 1000)).toBe('unknown');
  });

  it('gives a state to exactly one of two callbacks that bring it at once', async () => {
    await states.put('state-2', pending());
    const results = await Promise.all([states.take('state-2', 's1', 'etsy', 1000), states.take('state-2', 's1', 'etsy', 1000)]);
    expect(results.filter((r) => typeof r === 'object')).toHaveLength(1);
    expect(results.filter((r) => r === 'unknown')).toHaveLength(1);
  });

  it('refuses another seller, another provider and an expired state, and leaves the state as it was', async () => {
    await states.put('state-3', pending());
    expect(await states.take('state-3', 's2', 'etsy', 1000)).toBe('other_seller');
    expect(await states.take('state-3', 's1', 'ebay', 1000)).toBe('other_provider');
    expect(await states.take('state-3', 's1', 'etsy', 2000)).toBe('expired');
    expect(await states.take('state-3', 's1', 'etsy', 1999)).toEqual(pending());
  });

  it('takes a connect link\u2019s state only as the link\u2019s, and a seller\u2019s only as the seller\u2019s', async () => {
    await states.put('inv_state-5', pending({ invitationId: 'inv-1' }));
    await states.put('state-6', pending());
    // Never through a session, even the inviting seller's.
    expect(await states.take('inv_state-5', 's1', 'etsy', 1000)).toBe('expired');
    // A seller's state is not a link's.
    expect(await states.takeInvited('state-6', 'etsy', 1000)).toBe('unknown');
    expect(await states.takeInvited('inv_state-5', 'ebay', 1000)).toBe('other_provider');
    expect(await states.takeInvited('inv_state-5', 'etsy', 2000)).toBe('expired');
    const taken = await Promise.all([states.takeInvited('inv_state-5', 'etsy', 1000), states.takeInvited('inv_state-5', 'etsy', 1000)]);
    expect(taken.filter((r) => typeof r === 'object')).toEqual([pending({ invitationId: 'inv-1' })]);
    expect(await states.take('state-6', 's1', 'etsy', 1000)).toEqual(pending());
  });

  it('keeps only a hash of the state', async () => {
    await states.put('state-secret-value', pending());
    const { Items } = await table.db.send(new ScanCommand({ TableName: table.tableName }));
    expect(JSON.stringify(Items)).not.toContain('state-secret-value');
  });
});
