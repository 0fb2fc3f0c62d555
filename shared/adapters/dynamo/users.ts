/** Sellers in DynamoDB, keyed by email so that sign-up claims it with one conditional put. */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UserStore } from '../../ports/index.js';
import { sessionItem } from './sessions.js';
export type { UserStore } from '../../ports/index.js';

const key = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'USER' });

const isCancelled = (err: unknown): err is TransactionCanceledException =>
  err instanceof TransactionCanceledException || (err as Error)?.name === 'TransactionCanceledException';

export function dynamoUserStore(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): UserStore {
  const claim = (user: Parameters<UserStore['create']>[0]) => ({
    TableName: tableName,
    Item: { ...key(user.email), entity: 'user', ...user },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  return {
    async create(user) {
      try {
        await db.send(new PutCommand(claim(user)));
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
    async createSignedIn(user, token, session) {
      try {
        // The email claimed and the first session started together: a taken email starts no session.
        await db.send(new TransactWriteCommand({ TransactItems: [{ Put: claim(user) }, { Put: { TableName: tableName, Item: sessionItem(token, session) } }] }));
        return true;
      } catch (err) {
        if (isCancelled(err) && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
        throw err;
      }
    },
    async replacePasswordHash(email, from, to) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(email),
            UpdateExpression: 'SET passwordHash = :to',
            ConditionExpression: 'passwordHash = :from',
            ExpressionAttributeValues: { ':from': from, ':to': to },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
    async findByEmail(email) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key(email), ConsistentRead: true }));
      if (!Item) return undefined;
      return {
        id: String(Item.id),
        name: String(Item.name),
        email: String(Item.email),
        passwordHash: String(Item.passwordHash),
        createdAt: String(Item.createdAt),
      };
    },
  };
}
