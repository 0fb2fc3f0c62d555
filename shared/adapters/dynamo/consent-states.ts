/**
 * Pending consents in DynamoDB, keyed by a hash of their `state` (the state
 * itself is never stored): `CONSENT#<sha256(state)>` / `CONSENT`. Taking one
 * is one conditional delete that answers the item it deleted: only a live
 * state of this seller and provider is deleted, and of two takers of one
 * state exactly one gets it. Why a state was refused is read only then.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsentStateStore, PendingConsent } from '../../ports/index.js';

const key = (state: string) => ({ pk: `CONSENT#${createHash('sha256').update(state).digest('base64url')}`, sk: 'CONSENT' });

export function dynamoConsentStates(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): ConsentStateStore {
  return {
    async put(state, pending) {
      await db.send(
        new PutCommand({ TableName: tableName, Item: { ...key(state), entity: 'consent', ...pending }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    },
    async take(state, sellerId, provider, nowSeconds) {
      let Item: Record<string, unknown> | undefined;
      try {
        ({ Attributes: Item } = await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(state),
            // A consent started from a connect link is bound to the link, never to a session.
            ConditionExpression: 'attribute_exists(pk) AND sellerId = :seller AND provider = :provider AND expiresAt > :now AND attribute_not_exists(invitationId)',
            ExpressionAttributeValues: { ':seller': sellerId, ':provider': provider, ':now': nowSeconds },
            ReturnValues: 'ALL_OLD',
          }),
        ));
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException')) throw err;
        // Refused, and left as it was: say why (another taker may just have won it: then it is unknown).
        const { Item: left } = await db.send(new GetCommand({ TableName: tableName, Key: key(state), ConsistentRead: true }));
        if (!left) return 'unknown';
        if (left.sellerId !== sellerId) return 'other_seller';
        if (left.provider !== provider) return 'other_provider';
        return 'expired';
      }
      return Item ? pendingOf(Item) : 'unknown';
    },
    async takeInvited(state, provider, nowSeconds) {
      let Item: Record<string, unknown> | undefined;
      try {
        ({ Attributes: Item } = await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(state),
            ConditionExpression: 'attribute_exists(pk) AND attribute_exists(invitationId) AND provider = :provider AND expiresAt > :now',
            ExpressionAttributeValues: { ':provider': provider, ':now': nowSeconds },
            ReturnValues: 'ALL_OLD',
          }),
        ));
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException')) throw err;
        const { Item: left } = await db.send(new GetCommand({ TableName: tableName, Key: key(state), ConsistentRead: true }));
        if (!left || left.invitationId === undefined) return 'unknown';
        if (left.provider !== provider) return 'other_provider';
        return 'expired';
      }
      return Item ? pendingOf(Item) : 'unknown';
    },
  };
}

function pendingOf(Item: Record<string, unknown>): PendingConsent {
      const pending: PendingConsent = {
        sellerId: String(Item.sellerId),
        accountId: String(Item.accountId),
        provider: String(Item.provider),
        purpose: Item.purpose === 'books' || Item.purpose === 'reconnect' ? Item.purpose : 'channel',
        ...(Item.connectionKind === 'channel' || Item.connectionKind === 'books' ? { connectionKind: Item.connectionKind } : {}),
        expiresAt: Number(Item.expiresAt),
        ...(typeof Item.codeVerifier === 'string' ? { codeVerifier: Item.codeVerifier } : {}),
        ...(typeof Item.invitationId === 'string' ? { invitationId: Item.invitationId } : {}),
      };
      return pending;
}
