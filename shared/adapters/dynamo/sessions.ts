/**
 * Server-side sessions in DynamoDB, keyed by a hash of the token so the
 * token itself is never stored. A session lives in its seller's partition
 * (the seller its token names), just after the seller's accounts, so that
 * one query reads the seller's accounts and the session together (the list
 * of accounts, `session-accounts.ts`), and a seller's sessions are listed
 * (to end the oldest, or all of them) with a consistent query of that
 * partition: one started a moment ago is never missed.
 * A token naming no seller (issued before tokens named theirs) finds no
 * session: its browser signs in again.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Session } from '../../domain/model.js';
import type { SessionEntry, SessionStore } from '../../ports/index.js';
import { sellerOfToken } from '../../runtime/session-token.js';
import { allPages } from './pages.js';
export type { SessionEntry, SessionStore } from '../../ports/index.js';

export const idOf = (token: string) => createHash('sha256').update(token).digest('base64url');
/**
 * What a session's sort key starts with: after every `ACCOUNT#<id>` of the seller (`~` sorts after every
 * character of an id) and before the seller's audit events (`EVENT#`), so that the range from `ACCOUNT#` to a
 * session's own key holds the seller's accounts and sessions, and nothing else.
 */
export const SESSION_SK_PREFIX = 'ACCOUNT~SESSION#';
export const keyOf = (sellerId: string, id: string) => ({ pk: `SELLER#${sellerId}`, sk: `${SESSION_SK_PREFIX}${id}` });
/** The key of a token's session, in the partition of the seller the token names; none for a token naming no seller. */
export function keyOfToken(token: string): { pk: string; sk: string } | undefined {
  const seller = sellerOfToken(token);
  return seller ? keyOf(seller, idOf(token)) : undefined;
}

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

/** A session's item: in its seller's partition, keyed by the hash of its token. */
export function sessionItem(token: string, session: Session): Record<string, unknown> {
  const id = idOf(token);
  // Found again only through the seller the token names: a token must name the session's own seller.
  if (sellerOfToken(token) !== session.userId) throw new Error('a session token must name the session\u2019s seller');
  return {
    ...keyOf(session.userId, id),
    sessionId: id,
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
      const key = keyOfToken(token);
      if (!key) return undefined;
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key }));
      return Item ? toSession(Item) : undefined;
    },
    async touch(token, nowSeconds) {
      const key = keyOfToken(token);
      if (!key) return;
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
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
      const key = keyOfToken(token);
      if (key) await db.send(new DeleteCommand({ TableName: tableName, Key: key }));
    },
    async listForUser(userId) {
      const items = await allPages((start) =>
        db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': `SELLER#${userId}`, ':prefix': SESSION_SK_PREFIX },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      const out: SessionEntry[] = [];
      for (const item of items) {
        const session = toSession(item);
        if (session) out.push({ ...session, id: String(item.sk).slice(SESSION_SK_PREFIX.length) });
      }
      return out;
    },
    async deleteById(userId, id) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keyOf(userId, id) }));
    },
  };
}
