import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoSessionStore } from './sessions.js';

const db = mockClient(DynamoDBDocumentClient);
const store = dynamoSessionStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 'table');

beforeEach(() => db.reset());

describe('dynamoSessionStore', () => {
  it('never writes the token itself, only its hash', async () => {
    db.on(PutCommand).resolves({});
    await store.create('secret-token-value', { userId: 'u1', email: 'a@example.com', expiresAt: 100 });
    const input = db.commandCalls(PutCommand)[0]!.args[0].input;
    expect(JSON.stringify(input)).not.toContain('secret-token-value');
    expect(input.Item?.expiresAt).toBe(100);
  });

  it('treats an expired session as absent, since DynamoDB deletes expired items lazily', async () => {
    db.on(GetCommand).resolves({ Item: { userId: 'u1', email: 'a@example.com', expiresAt: 100 } });
    expect(await store.find('t', 100)).toBeUndefined();
    expect(await store.find('t', 99)).toEqual({ userId: 'u1', email: 'a@example.com', expiresAt: 100 });
  });
});
