/**
 * Connect links (invitations) in DynamoDB: `INVITE#<id>` / `INVITE`, where the
 * id is the sha256 of the link's token (the token itself is never stored).
 * `gsi1pk = INVITATIONS#<sellerId>#<accountId>`, `gsi1sk = <createdAt>` lists
 * an account's links. Every change of state is one conditional write on the
 * state it moves from, so two opens of one link use it once. The item lives
 * 30 days past the link's end (`expiresAt`, the table's TTL), so the account
 * page still lists it as expired for a while.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Invitation, InvitationStore } from '../../ports/index.js';
import { allPages } from './pages.js';

const key = (id: string) => ({ pk: `INVITE#${id}`, sk: 'INVITE' });
const listKey = (sellerId: string, accountId: string) => `INVITATIONS#${sellerId}#${accountId}`;
/** How long an item is kept after its link ends. */
const KEEP_SECONDS = 30 * 24 * 3600;

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException';

function toInvitation(item: Record<string, unknown>): Invitation {
  return {
    id: String(item.id),
    sellerId: String(item.sellerId),
    accountId: String(item.accountId),
    step: item.step === 'books' ? 'books' : 'channel',
    note: typeof item.note === 'string' ? item.note : null,
    createdBy: String(item.createdBy ?? ''),
    createdAt: String(item.createdAt),
    validUntil: Number(item.validUntil),
    state: item.state === 'used' || item.state === 'revoked' ? item.state : 'issued',
    ...(typeof item.usedAt === 'string' ? { usedAt: item.usedAt } : {}),
    ...(typeof item.revokedAt === 'string' ? { revokedAt: item.revokedAt } : {}),
  };
}

export function dynamoInvitations(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): InvitationStore {
  return {
    async create(inv) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...key(inv.id),
            entity: 'invitation',
            ...inv,
            gsi1pk: listKey(inv.sellerId, inv.accountId),
            gsi1sk: inv.createdAt,
            expiresAt: inv.validUntil + KEEP_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async get(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }));
      return Item ? toInvitation(Item) : undefined;
    },
    async listForAccount(sellerId, accountId) {
      const items = await allPages((start) =>
        db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': listKey(sellerId, accountId) },
            ScanIndexForward: false,
            ExclusiveStartKey: start,
          }),
        ),
      );
      return items.map(toInvitation);
    },
    async revoke(sellerId, accountId, id, at) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'SET #state = :revoked, revokedAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND #state = :issued AND sellerId = :seller AND accountId = :account',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':revoked': 'revoked', ':issued': 'issued', ':at': at, ':seller': sellerId, ':account': accountId },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
    async use(id, nowSeconds, at, madeAfter) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'SET #state = :used, usedAt = :at',
            ConditionExpression: `attribute_exists(pk) AND #state = :issued AND validUntil > :now${madeAfter ? ' AND createdAt > :madeAfter' : ''}`,
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':used': 'used', ':issued': 'issued', ':at': at, ':now': nowSeconds, ...(madeAfter ? { ':madeAfter': madeAfter } : {}) },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
    async release(id, at) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'SET #state = :issued REMOVE usedAt',
            ConditionExpression: '#state = :used AND usedAt = :at',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':used': 'used', ':issued': 'issued', ':at': at },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },
  };
}
