/**
 * Server-side sessions in DynamoDB, keyed by a hash of the token so the
 * token itself is never stored. Each is also indexed by seller (gsi1), so
 * that a seller's sessions can be counted and ended together.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Session } from '../model.js';
import type { SessionEntry, SessionStore } from '../ports.js';
import { sellerOfToken } from '../session-token.js';
import type { ConnectionRecord } from '../health/model.js';
import { accountKey, allPages, toWizardRecord } from './accounts.js';
import { recordKey, toRecord } from './connection-records.js';
export type { SessionEntry, SessionStore } from '../ports.js';

const idOf = (token: string) => createHash('sha256').update(token).digest('base64url');
const keyOf = (id: string) => ({ pk: `SESSION#${id}`, sk: 'SESSION' });
const userIndexKey = (userId: string) => `SELLER_SESSIONS#${userId}`;

function toSession(item: Record<string, unknown>): Session | undefined {
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
    async findWithAccount(token, accountId, records = []) {
      const seller = sellerOfToken(token);
      if (!seller) return { session: await this.find(token) };
      const sessionKey = keyOf(idOf(token));
      const wanted = accountKey(seller, accountId);
      const names = [...new Set(records)];
      const items: Record<string, unknown>[] = [];
      let keys: Record<string, unknown>[] | undefined = [sessionKey, wanted, ...names.map(recordKey)];
      // Unprocessed keys (throttling) are asked again; consistent, so a session ended a moment ago is not found.
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round === 5) throw new Error('DynamoDB left keys unprocessed');
        const res = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
        items.push(...(res.Responses?.[tableName] ?? []));
        keys = res.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
      const stored = items.find((i) => i.pk === sessionKey.pk && i.sk === sessionKey.sk);
      const session = stored ? toSession(stored) : undefined;
      // The account only for the seller the session is; a token naming another seller would have found no session.
      if (!session || session.userId !== seller) return { session };
      const account = items.find((i) => i.pk === wanted.pk && i.sk === wanted.sk);
      const found = new Map<string, ConnectionRecord | null>(names.map((n) => [n, null]));
      for (const n of names) {
        const item = items.find((i) => i.pk === recordKey(n).pk && i.sk === recordKey(n).sk);
        if (item) found.set(n, toRecord(item));
      }
      return { session, account: account ? toWizardRecord(account) : null, records: found };
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
