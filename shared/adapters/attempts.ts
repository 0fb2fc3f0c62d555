/**
 * Attempt counters in DynamoDB, for sign-in and sign-up limits: one item per
 * key and fixed window, moved only by single-item conditional writes (the
 * local DynamoDB has no transactions), and `expiresAt` read as a filter
 * (DynamoDB deletes expired items lazily, the local one never does).
 *
 * Item: `ATTEMPTS#<sha256(key)>` / `ATTEMPTS`, `{ count, expiresAt }`. The
 * key (an email, an address) is stored only as a hash.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type AttemptVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface AttemptCounter {
  /**
   * Counts one attempt against `key`, in a window of `windowSeconds` that
   * starts with the first attempt. When `limit` attempts are already counted
   * in the live window, counts nothing and says how long until it ends.
   */
  hit(key: string, limit: number, windowSeconds: number, nowSeconds: number): Promise<AttemptVerdict>;
  /** Forgets the attempts against `key` (a successful sign-in clears its email's count). */
  clear(key: string): Promise<void>;
}

const itemKey = (key: string) => ({ pk: `ATTEMPTS#${createHash('sha256').update(key).digest('base64url')}`, sk: 'ATTEMPTS' });

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException';

export function dynamoAttemptCounter(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): AttemptCounter {
  return {
    async hit(key, limit, windowSeconds, now) {
      const Key = itemKey(key);
      // Racing writers can each lose one step to the other; a few rounds settle it.
      for (let round = 0; round < 3; round++) {
        try {
          // One more in the live window, if there is room.
          await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key,
              UpdateExpression: 'SET #count = #count + :one',
              ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now AND #count < :limit',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: { ':one': 1, ':now': now, ':limit': limit },
            }),
          );
          return { allowed: true };
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
        try {
          // No live window (none yet, or it expired): start one.
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
