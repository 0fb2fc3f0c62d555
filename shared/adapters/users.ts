/** Sellers in DynamoDB, keyed by email so that sign-up claims it with one conditional put. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UserStore } from '../ports.js';
export type { UserStore } from '../ports.js';

const key = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'USER' });

export function dynamoUserStore(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): UserStore {
  return {
    async create(user) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(user.email), entity: 'user', ...user },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
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
