import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '#local/test-table.js';
import { dynamoConnectionRecords } from './connection-records.js';

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
});

const consent = { secretName: 'onramp/a1/channel', provider: 'etsy', kind: 'channel' as const, sellerId: 's1', accountId: 'a1', region: null, fields: {}, status: 'connected' as const, connectedAt: '2026-01-01T00:00:00.000Z', refreshDueAt: '2026-01-02T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };

describe('dynamoConnectionRecords.recordConsent', () => {
  it('writes the record a consent made in one write, one generation on from the stored one, replacing what it no longer says', async () => {
    const records = dynamoConnectionRecords(table.db, table.tableName);
    expect(await records.put({ ...consent, generation: 1, holders: ['a1'] })).toBe(true);
    await records.replace({ ...consent, generation: 1, status: 'needs_reconnecting', reason: 'consent_revoked', refreshDueAt: undefined }, 1);
    expect(await records.get(consent.secretName)).toMatchObject({ status: 'needs_reconnecting', reason: 'consent_revoked' });
    // A consent for an older generation writes nothing.
    expect(await records.recordConsent({ ...consent, connectedAt: '2026-02-01T00:00:00.000Z' }, 0)).toBeUndefined();
    const again = await records.recordConsent({ ...consent, connectedAt: '2026-02-01T00:00:00.000Z' }, 1);
    expect(again).toMatchObject({ generation: 2, status: 'connected', connectedAt: '2026-02-01T00:00:00.000Z', holders: ['a1'] });
    expect(again!.reason).toBeUndefined();
    // Due again: back in the refresher's index.
    expect((await records.due('2026-01-03T00:00:00.000Z', 10)).map((r) => r.secretName)).toContain(consent.secretName);
  });
});

describe('dynamoConnectionRecords.tombstone', () => {
  it('marks a connection no account holds deleted, one generation on and out of the refresher\u2019s queue; then nothing writes it again', async () => {
    const records = dynamoConnectionRecords(table.db, table.tableName);
    const r = { ...consent, secretName: 'onramp/a2/channel-x', accountId: 'a2' };
    await records.put({ ...r, generation: 1, holders: ['a2'] });
    expect(await records.tombstone(r.secretName, '2026-01-05T00:00:00.000Z', true)).toBe('held');
    expect(await records.tombstone(r.secretName, '2026-01-05T00:00:00.000Z', false)).toBe('deleted');
    expect(await records.get(r.secretName)).toMatchObject({ generation: 2, deletedAt: '2026-01-05T00:00:00.000Z' });
    expect((await records.due('2026-01-03T00:00:00.000Z', 10)).map((x) => x.secretName)).not.toContain(r.secretName);
    expect(await records.replace({ ...r, generation: 2 }, 2)).toBe(false);
    expect(await records.recordConsent(r, 2)).toBeUndefined();
    expect(await records.put({ ...r, generation: 1 })).toBe(false);
    expect(await records.tombstone(r.secretName, '2026-01-06T00:00:00.000Z', false)).toBe('already');
  });
});
