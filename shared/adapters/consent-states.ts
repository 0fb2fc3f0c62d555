/**
 * Pending consents in DynamoDB, keyed by a hash of their `state` (the state
 * itself is never stored): `CONSENT#<sha256(state)>` / `CONSENT`. Taking one
 * deletes it, conditionally, so a state is used at most once.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsentStateStore, PendingConsent } from '../ports.js';

const key = (state: string) => ({ pk: `CONSENT#${createHash('sha256').update(state).digest('base64url')}`, sk: 'CONSENT' });

export function dynamoConsentStates(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): ConsentStateStore {
  return {
    async put(state, pending) {
      await db.send(
        new PutCommand({ TableName: tableName, Item: { ...key(state), entity: 'consent', ...pending }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    },
    async take(state, sellerId, provider, nowSeconds) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key(state), ConsistentRead: true }));
      if (!Item) return 'unknown';
      if (Item.sellerId !== sellerId) return 'other_seller';
      if (Item.provider !== provider) return 'other_provider';
      if (typeof Item.expiresAt !== 'number' || Item.expiresAt <= nowSeconds) return 'expired';
      try {
        // Only one taker wins; a replay racing the first use finds nothing.
        await db.send(new DeleteCommand({ TableName: tableName, Key: key(state), ConditionExpression: 'attribute_exists(pk)' }));
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return 'unknown';
        throw err;
      }
      const pending: PendingConsent = {
        sellerId: String(Item.sellerId),
        accountId: String(Item.accountId),
        provider: String(Item.provider),
        purpose: Item.purpose === 'books' || Item.purpose === 'reconnect' ? Item.purpose : 'channel',
        ...(Item.connectionKind === 'channel' || Item.connectionKind === 'books' ? { connectionKind: Item.connectionKind } : {}),
        expiresAt: Item.expiresAt,
        ...(typeof Item.codeVerifier === 'string' ? { codeVerifier: Item.codeVerifier } : {}),
      };
      return pending;
    },
  };
}
