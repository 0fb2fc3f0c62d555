/**
 * Connection records and refresh leases in DynamoDB (see `table.ts`):
 * - `CONNECTION#<secret name>` / `CONNECTION`: a connection's health and
 *   expiry calendar, never a credential. While it has a refresh or check
 *   time, `gsi1pk = REFRESH_DUE` and `gsi1sk = <the sooner of refreshDueAt
 *   and checkDueAt>#<secret name>`, so the scheduled refresher finds what is
 *   due, refreshes and checks alike, with one query instead of a scan.
 * - `LEASE#<secret name>` / `LEASE`: who is refreshing or checking it, until when.
 *   `expiresAt` (epoch seconds) lets TTL sweep old leases; `leaseUntil`
 *   (epoch milliseconds) is what the condition compares.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConnectionRecord, ConsentRecord } from '../../domain/health.js';
import type { ConnectionRecordStore, LeaseStore } from '../../ports/health.js';
import type { RecordChange } from '../../ports/index.js';
import { allPages } from './pages.js';

export const recordKey = (secretName: string) => ({ pk: `CONNECTION#${secretName}`, sk: 'CONNECTION' });
const leaseKey = (name: string) => ({ pk: `LEASE#${name}`, sk: 'LEASE' });
export const REFRESH_DUE_INDEX_KEY = 'REFRESH_DUE';

const FIELDS = [
  'secretName', 'provider', 'kind', 'sellerId', 'accountId', 'region', 'fields', 'status', 'reason', 'generation', 'connectedAt', 'refreshedAt',
  'refreshDueAt', 'checkDueAt', 'checkedAt', 'updatedAt', 'accessTokenExpiresAt', 'refreshTokenExpiresAt', 'consentExpiresAt',
  'holders', 'deletedAt',
] as const;

/** How long a tombstone is kept (TTL): far longer than any request or refresh that could still be in flight. */
const TOMBSTONE_SECONDS = 30 * 24 * 3600;

export function toRecord(item: Record<string, unknown>): ConnectionRecord {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) if (item[f] !== undefined && item[f] !== null) out[f] = item[f];
  // The accounts that show the connection are a string set in the item (added and deleted one by one).
  if (out.holders instanceof Set) out.holders = [...(out.holders as Set<string>)].sort();
  return { region: null, fields: {}, generation: 0, ...out } as ConnectionRecord;
}

/** When the scheduled refresher has something to do: the sooner of its refresh and its check. */
const nextDue = (r: ConnectionRecord) => [r.refreshDueAt, r.checkDueAt].filter((t): t is string => !!t).sort()[0];

function toItem(r: ConnectionRecord): Record<string, unknown> {
  const at = r.status === 'connected' && !r.deletedAt ? nextDue(r) : undefined;
  const due = at ? { gsi1pk: REFRESH_DUE_INDEX_KEY, gsi1sk: `${at}#${r.secretName}` } : {};
  const { holders, ...rest } = r;
  return { ...recordKey(r.secretName), entity: 'connection', ...rest, ...(holders && holders.length > 0 ? { holders: new Set(holders) } : {}), ...due };
}

/**
 * The update that writes what a record says of its credentials (every field
 * as given, the ones it does not have removed, as a put would), leaving alone
 * who holds it, whether it was deleted and its generation (moved by `generation`).
 */
function recordUpdate(tableName: string, record: ConnectionRecord | ConsentRecord, generation: 'keep' | 'next') {
  const item = toItem({ ...record, generation: 0 } as ConnectionRecord);
  const names: Record<string, string> = { '#generation': 'generation' };
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  if (generation === 'next') {
    values[':zero'] = 0;
    values[':one'] = 1;
    sets.push('#generation = if_not_exists(#generation, :zero) + :one');
  }
  const own = new Set(['pk', 'sk', 'generation', 'holders', 'deletedAt']);
  let i = 0;
  for (const [field, value] of Object.entries(item)) {
    if (own.has(field) || value === undefined) continue;
    i++;
    names[`#f${i}`] = field;
    values[`:v${i}`] = value;
    sets.push(`#f${i} = :v${i}`);
  }
  const removes = [...FIELDS, 'gsi1pk', 'gsi1sk'].filter((f) => !own.has(f) && item[f] === undefined).map((field) => {
    i++;
    names[`#f${i}`] = field;
    return `#f${i}`;
  });
  return {
    TableName: tableName,
    Key: recordKey(record.secretName),
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * What a change to an account does to connection records, in the account's
 * own transaction (see `use-cases/credentials.ts`):
 * - `create`: a new connection's record, generation 1, held by the account;
 *   only if no record has that secret's name (every consent has a new one);
 * - `hold`: another account shows an existing connection (books reused), only while it is live;
 * - `letGo`: the account no longer shows it (start over, reset, delete, replaced).
 */
export function recordChangeItem(tableName: string, change: RecordChange, at: string) {
  if ('create' in change) {
    const r = change.create;
    return {
      Put: {
        TableName: tableName,
        Item: toItem({ ...r, generation: 1, holders: [r.accountId], updatedAt: at } as ConnectionRecord),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }
  if ('hold' in change) {
    return {
      Update: {
        TableName: tableName,
        Key: recordKey(change.hold),
        UpdateExpression: 'ADD holders :me',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
        ExpressionAttributeValues: { ':me': new Set([change.accountId]) },
      },
    };
  }
  return {
    Update: {
      TableName: tableName,
      Key: recordKey(change.letGo),
      UpdateExpression: 'DELETE holders :me',
      // Only a record that exists (the caller lets go of those it read), so that none is made here.
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':me': new Set([change.accountId]) },
    },
  };
}

export function dynamoConnectionRecords(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): ConnectionRecordStore {
  return {
    async get(secretName) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: recordKey(secretName), ConsistentRead: true }));
      return Item ? toRecord(Item) : undefined;
    },
    async getMany(secretNames) {
      const found = new Map<string, ConnectionRecord>();
      const names = [...new Set(secretNames)];
      for (let i = 0; i < names.length; i += 100) {
        let keys: Record<string, unknown>[] | undefined = names.slice(i, i + 100).map(recordKey);
        // Unprocessed keys (throttling) are asked again.
        for (let round = 0; keys && keys.length > 0 && round < 5; round++) {
          const res = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
          for (const item of res.Responses?.[tableName] ?? []) {
            const r = toRecord(item);
            found.set(r.secretName, r);
          }
          keys = res.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
        }
      }
      return found;
    },
    async put(record) {
      try {
        // Only where there is no record at all: never over a tombstone, nor over a record written meanwhile.
        await db.send(new PutCommand({ TableName: tableName, Item: toItem(record), ConditionExpression: 'attribute_not_exists(pk)' }));
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
    async recordConsent(record, expectedGeneration) {
      const update = recordUpdate(tableName, record, 'next');
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            ...update,
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt) AND #generation = :g',
            ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':g': expectedGeneration },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toRecord(Attributes ?? {});
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return undefined;
        throw err;
      }
    },
    async replace(record, expectedGeneration) {
      const update = recordUpdate(tableName, record, 'keep');
      try {
        await db.send(
          new UpdateCommand({
            ...update,
            // The same credentials (generation), not deleted, and no refusal recorded meanwhile; who holds it is left as it is.
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt) AND #generation = :g AND #s = :connected',
            ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#s': 'status' },
            ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':g': expectedGeneration, ':connected': 'connected' },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
    async tombstone(secretName, at, onlyIfUnheld) {
      const nowSeconds = Math.floor(Date.parse(at) / 1000);
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: recordKey(secretName),
            // One generation on, out of the refresher's queue, kept until no late writer can still be in flight.
            UpdateExpression:
              'SET deletedAt = :at, entity = :entity, secretName = :name, updatedAt = :at, expiresAt = :ttl, #generation = if_not_exists(#generation, :zero) + :one REMOVE gsi1pk, gsi1sk, refreshDueAt, checkDueAt',
            ConditionExpression: onlyIfUnheld ? 'attribute_not_exists(deletedAt) AND attribute_not_exists(holders)' : 'attribute_not_exists(deletedAt)',
            ExpressionAttributeNames: { '#generation': 'generation' },
            ExpressionAttributeValues: { ':at': at, ':entity': 'connection', ':name': secretName, ':ttl': nowSeconds + TOMBSTONE_SECONDS, ':zero': 0, ':one': 1 },
          }),
        );
        return 'deleted';
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: recordKey(secretName), ConsistentRead: true }));
        return Item?.deletedAt ? 'already' : 'held';
      }
    },
    async listAll() {
      const items = await allPages((start) =>
        db.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'entity = :connection',
            ExpressionAttributeValues: { ':connection': 'connection' },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      return items.map(toRecord);
    },
    async postpone(record, untilIso) {
      if (!nextDue(record)) return;
      const values: Record<string, unknown> = {
        ':due': REFRESH_DUE_INDEX_KEY,
        ':later': `${untilIso}#${record.secretName}`,
        ':g': record.generation,
        ':connected': 'connected',
      };
      // Only the place in the queue moves, and only while the record says what it said when read.
      const same = (field: 'refreshDueAt' | 'checkDueAt') => {
        const v = record[field];
        if (v === undefined) return `attribute_not_exists(${field})`;
        values[`:${field}`] = v;
        return `${field} = :${field}`;
      };
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: recordKey(record.secretName),
            UpdateExpression: 'SET gsi1sk = :later',
            ConditionExpression: `gsi1pk = :due AND generation = :g AND #status = :connected AND ${same('refreshDueAt')} AND ${same('checkDueAt')}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values,
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },
    async due(untilIso, limit) {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :until',
          // `#` sorts before every character a secret name may hold after the time.
          ExpressionAttributeValues: { ':due': REFRESH_DUE_INDEX_KEY, ':until': `${untilIso}#\uffff` },
          Limit: limit,
        }),
      );
      return (Items ?? []).map(toRecord);
    },
  };
}

export function dynamoLeases(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): LeaseStore {
  return {
    async acquire(name, owner, ttlMs, nowMs) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...leaseKey(name), entity: 'lease', owner, leaseUntil: nowMs + ttlMs, expiresAt: Math.ceil((nowMs + ttlMs) / 1000) + 3600 },
            // Free, run out (its holder died), or already ours.
            ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil <= :now OR #owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':now': nowMs, ':owner': owner },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
    async confirm(name, owner, heldUntilMs, ttlMs, nowMs) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: leaseKey(name),
            UpdateExpression: 'SET leaseUntil = :until, expiresAt = :ttl',
            // Still the lease this owner last wrote: whoever takes over a lease that ran out writes their own owner and expiry.
            ConditionExpression: '#owner = :owner AND leaseUntil = :held',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner, ':held': heldUntilMs, ':until': nowMs + ttlMs, ':ttl': Math.ceil((nowMs + ttlMs) / 1000) + 3600 },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
    async release(name, owner) {
      try {
        await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: leaseKey(name),
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner },
          }),
        );
      } catch (err) {
        // Already taken over (ours ran out): the new holder's lease stays.
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },
  };
}
