/** Server-side sessions in DynamoDB, keyed by a hash of the token so the token itself is never stored. */
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SessionStore } from '../ports.js';
export type { SessionStore } from '../ports.js';


const key = (token: string) => ({
  pk: `SESSION#${createHash('sha256').update(token).digest('base64url')}`,
  sk: 'SESSION',
});

export function dynamoSessionStore(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): SessionStore {
  return {
    async create(token, session) {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...key(token), entity: 'session', ...session } }));
    },
    async find(token, nowSeconds) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key(token) }));
      if (!Item || typeof Item.expiresAt !== 'number' || Item.expiresAt <= nowSeconds) return undefined;
      return { userId: String(Item.userId), email: String(Item.email), expiresAt: Item.expiresAt };
    },
    async delete(token) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: key(token) }));
    },
  };
}
