/**
 * One-click WooCommerce key creations in flight, in DynamoDB, keyed by a hash
 * of the `user_id` sent to the store (the `user_id` itself is never stored):
 * `KEYS#<sha256(user_id)>` / `KEYS`. Taking one deletes it, conditionally,
 * so a `user_id` is used at most once; `expiresAt` is also the table's TTL.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PendingKeysStore } from '../ports.js';

const key = (userId: string) => ({ pk: `KEYS#${createHash('sha256').update(userId).digest('base64url')}`, sk: 'KEYS' });

export function dynamoPendingKeys(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): PendingKeysStore {
  return {
    async put(userId, pending) {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...key(userId), entity: 'pending-keys', ...pending }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async take(userId, nowSeconds) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key(userId), ConsistentRead: true }));
      if (!Item) return 'unknown';
      if (typeof Item.expiresAt !== 'number' || Item.expiresAt <= nowSeconds) return 'expired';
      try {
        // Only one taker wins; a replay racing the first use finds nothing.
        await db.send(new DeleteCommand({ TableName: tableName, Key: key(userId), ConditionExpression: 'attribute_exists(pk)' }));
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException') return 'unknown';
        throw err;
      }
      return {
        sellerId: String(Item.sellerId),
        accountId: String(Item.accountId),
        provider: String(Item.provider),
        storeUrl: String(Item.storeUrl),
        storeUrlIsNew: Item.storeUrlIsNew === true,
        ...(Item.purpose === 'reconnect' ? { purpose: 'reconnect' as const } : {}),
        expiresAt: Item.expiresAt,
      };
    },
  };
}
