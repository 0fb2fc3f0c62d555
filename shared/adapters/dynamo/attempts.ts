/**
 * Attempt counters in DynamoDB, for sign-in and sign-up limits: one item per
 * key and fixed window, moved only by single-item conditional writes, and
 * `expiresAt` read as a filter (DynamoDB deletes expired items lazily, the
 * local one never does). An attempt is one write when the key has no window
 * yet or a live one with room (the usual case); an expired window, or a full
 * one, takes another write or a read to tell apart.
 *
 * Item: `ATTEMPTS#<sha256(key)>` / `ATTEMPTS`, `{ count, expiresAt }`. The
 * key (an email, an address) is stored only as a hash.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import type { AttemptCounter } from '../../ports/index.js';

export type { AttemptCounter, AttemptVerdict } from '../../ports/index.js';

const itemKey = (key: string) => ({ pk: `ATTEMPTS#${createHash('sha256').update(key).digest('base64url')}`, sk: 'ATTEMPTS' });

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException';

/** One more attempt in the key's live window if it has room, or the first of a new window when there is none. */
const countOne = (tableName: string, key: string, limit: number, windowSeconds: number, now: number) => ({
  TableName: tableName,
  Key: itemKey(key),
  UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one, expiresAt = if_not_exists(expiresAt, :ends), entity = :entity',
  ConditionExpression: 'attribute_not_exists(pk) OR (expiresAt > :now AND #count < :limit)',
  ExpressionAttributeNames: { '#count': 'count' },
  ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':now': now, ':limit': limit, ':ends': now + windowSeconds, ':entity': 'attempts' },
});

const isCancelled = (err: unknown) => (err as Error)?.name === 'TransactionCanceledException';

export function dynamoAttemptCounter(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): AttemptCounter {
  return {
    async hitAll(checks, windowSeconds, now) {
      if (checks.length > 1 && new Set(checks.map(([k]) => k)).size === checks.length) {
        try {
          await db.send(new TransactWriteCommand({ TransactItems: checks.map(([key, limit]) => ({ Update: countOne(tableName, key, limit, windowSeconds, now) })) }));
          return { allowed: true };
        } catch (err) {
          // A window full or expired somewhere: nothing was counted; each key in turn, as below, tells which.
          if (!isCancelled(err)) throw err;
        }
      }
      for (const [key, limit] of checks) {
        const verdict = await this.hit(key, limit, windowSeconds, now);
        if (!verdict.allowed) return { ...verdict, key };
      }
      return { allowed: true };
    },
    async hit(key, limit, windowSeconds, now) {
      const Key = itemKey(key);
      // Racing writers can each lose one step to the other; a few rounds settle it.
      for (let round = 0; round < 3; round++) {
        try {
          await db.send(new UpdateCommand(countOne(tableName, key, limit, windowSeconds, now)));
          return { allowed: true };
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
        try {
          // The window expired (the item is still there): start a new one.
          await db.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...Key, entity: 'attempts', count: 1, expiresAt: now + windowSeconds },
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
              ExpressionAttributeValues: { ':now': now },
            }),
          );
          return { allowed: true };
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
        // A live window refused both: full, unless another writer just started it.
        const { Item } = await db.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
        if (Item && typeof Item.expiresAt === 'number' && Item.expiresAt > now && Number(Item.count) >= limit) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Item.expiresAt - now) };
        }
      }
      // Still contended after three rounds: someone is hammering this key.
      return { allowed: false, retryAfterSeconds: windowSeconds };
    },
    async clear(key) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: itemKey(key) }));
    },
  };
}
