/**
 * One-click WooCommerce key creations in flight, in DynamoDB, keyed by a hash
 * of the `user_id` sent to the store (the `user_id` itself is never stored):
 * `KEYS#<sha256(user_id)>` / `KEYS`. Taking one is one conditional delete
 * that answers the item it deleted, so a `user_id` is used at most once;
 * `expiresAt` is also the table's TTL.
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
      let Item: Record<string, unknown> | undefined;
      try {
        // Only one taker wins; a replay racing the first use finds nothing.
        ({ Attributes: Item } = await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(userId),
            ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
            ExpressionAttributeValues: { ':now': nowSeconds },
            ReturnValues: 'ALL_OLD',
          }),
        ));
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException')) throw err;
        const { Item: left } = await db.send(new GetCommand({ TableName: tableName, Key: key(userId), ConsistentRead: true }));
        return left ? 'expired' : 'unknown';
      }
      if (!Item) return 'unknown';
      return {
        sellerId: String(Item.sellerId),
        accountId: String(Item.accountId),
        provider: String(Item.provider),
        storeUrl: String(Item.storeUrl),
        storeUrlIsNew: Item.storeUrlIsNew === true,
        ...(Item.purpose === 'reconnect' ? { purpose: 'reconnect' as const } : {}),
        expiresAt: Number(Item.expiresAt),
      };
    },
  };
}
