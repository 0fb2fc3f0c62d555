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
    expect(await records.recordConsent(consent)).toMatchObject({ generation: 1, status: 'connected' });
    await records.replace({ ...consent, generation: 1, status: 'needs_reconnecting', reason: 'consent_revoked', refreshDueAt: undefined }, 1);
    expect(await records.get(consent.secretName)).toMatchObject({ status: 'needs_reconnecting', reason: 'consent_revoked' });
    const again = await records.recordConsent({ ...consent, connectedAt: '2026-02-01T00:00:00.000Z' });
    expect(again).toMatchObject({ generation: 2, status: 'connected', connectedAt: '2026-02-01T00:00:00.000Z' });
    expect(again.reason).toBeUndefined();
    // Due again: back in the refresher's index.
    expect((await records.due('2026-01-03T00:00:00.000Z', 10)).map((r) => r.secretName)).toContain(consent.secretName);
  });
});
