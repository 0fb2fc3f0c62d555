/**
 * Server-side sessions in DynamoDB, keyed by a hash of the token so the
 * token itself is never stored. Each is also indexed by seller (gsi1), so
 * that a seller's sessions can be counted and ended together.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Session } from '../../domain/model.js';
import type { SessionEntry, SessionStore } from '../../ports/index.js';
import { allPages } from './pages.js';
export type { SessionEntry, SessionStore } from '../../ports/index.js';

export const idOf = (token: string) => createHash('sha256').update(token).digest('base64url');
export const keyOf = (id: string) => ({ pk: `SESSION#${id}`, sk: 'SESSION' });
const userIndexKey = (userId: string) => `SELLER_SESSIONS#${userId}`;

export function toSession(item: Record<string, unknown>): Session | undefined {
  const num = (v: unknown, fallback?: number) => (typeof v === 'number' ? v : fallback);
  const expiresAt = num(item.expiresAt);
  if (expiresAt === undefined) return undefined;
  // Sessions started before idle timeouts existed count as started, and last used, now-ish: the absolute timeout still ends them.
  const createdAt = num(item.createdAt, expiresAt - 14 * 24 * 3600)!;
  return {
    userId: String(item.userId),
    email: String(item.email),
    expiresAt,
    createdAt,
    lastSeenAt: num(item.lastSeenAt, createdAt)!,
    idleSeconds: num(item.idleSeconds, expiresAt - createdAt)!,
  };
}

/** A session's item: keyed by the hash of its token, indexed by its seller. */
export function sessionItem(token: string, session: Session): Record<string, unknown> {
  const id = idOf(token);
  return {
    ...keyOf(id),
    gsi1pk: userIndexKey(session.userId),
    gsi1sk: `SESSION#${String(session.createdAt).padStart(12, '0')}#${id}`,
    entity: 'session',
    ...session,
  };
}

export function dynamoSessionStore(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): SessionStore {
  return {
    async create(token, session) {
      await db.send(new PutCommand({ TableName: tableName, Item: sessionItem(token, session) }));
    },
    async find(token) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keyOf(idOf(token)) }));
      return Item ? toSession(Item) : undefined;
    },
    async touch(token, nowSeconds) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(idOf(token)),
            UpdateExpression: 'SET lastSeenAt = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':now': nowSeconds },
          }),
        );
      } catch (err) {
        // Ended meanwhile (signed out elsewhere): nothing to record.
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },
    async delete(token) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keyOf(idOf(token)) }));
    },
    async listForUser(userId) {
      const items = await allPages((start) =>
        db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
            ExpressionAttributeValues: { ':pk': userIndexKey(userId), ':prefix': 'SESSION#' },
            ExclusiveStartKey: start,
          }),
        ),
      );
      const out: SessionEntry[] = [];
      for (const item of items) {
        const session = toSession(item);
        if (session) out.push({ ...session, id: String(item.pk).slice('SESSION#'.length) });
      }
      return out;
    },
    async deleteById(id) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keyOf(id) }));
    },
  };
}
