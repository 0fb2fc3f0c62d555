import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoUserStore } from './users.js';

const db = mockClient(DynamoDBDocumentClient);
const store = dynamoUserStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 'table');
const user = { id: 'u1', name: 'Ada', email: 'ada@example.com', passwordHash: 'scrypt$x', createdAt: '2026-01-01T00:00:00.000Z' };

beforeEach(() => db.reset());

describe('dynamoUserStore', () => {
  it('claims the email with a conditional put keyed by it', async () => {
    db.on(PutCommand).resolves({});
    expect(await store.create(user)).toBe(true);
    const put = db.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.Item).toMatchObject({ pk: 'EMAIL#ada@example.com', sk: 'USER', id: 'u1' });
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('reports a taken email as false rather than an error', async () => {
    db.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'taken', $metadata: {} }));
    expect(await store.create(user)).toBe(false);
  });

  it('lets other DynamoDB failures through', async () => {
    db.on(PutCommand).rejects(new Error('throttled'));
    await expect(store.create(user)).rejects.toThrow('throttled');
  });

  it('reads by email with a consistent read', async () => {
    db.on(GetCommand).resolves({});
    db.on(GetCommand, { TableName: 'table', Key: { pk: 'EMAIL#ada@example.com', sk: 'USER' } }).resolves({ Item: { ...user } });
    expect(await store.findByEmail('ada@example.com')).toEqual(user);
    expect(db.commandCalls(GetCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
    expect(await store.findByEmail('nobody@example.com')).toBeUndefined();
  });

  it('replaces a password hash only if it is still the one read', async () => {
    db.on(UpdateCommand).resolves({});
    expect(await store.replacePasswordHash('ada@example.com', 'scrypt$old', 'scrypt$new')).toBe(true);
    expect(db.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: 'EMAIL#ada@example.com', sk: 'USER' },
      ConditionExpression: 'passwordHash = :from',
      ExpressionAttributeValues: { ':from': 'scrypt$old', ':to': 'scrypt$new' },
    });
    db.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'changed', $metadata: {} }));
    expect(await store.replacePasswordHash('ada@example.com', 'scrypt$old', 'scrypt$new')).toBe(false);
  });
});
