/** A fresh table in an in-memory dynalite on loopback (with the local stack's transactions), for adapter tests that need DynamoDB's real conditional writes. */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { createTableInput } from '../shared/adapters/dynamo/table.js';
import { withTransactions } from './dynamo-transactions.js';

export interface TestTable {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  stop(): Promise<void>;
}

export async function startTestTable(tableName = 'onramp'): Promise<TestTable> {
  const server = dynalite({ createTableMs: 0 });
  withTransactions(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return {
    db: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
    async stop() {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
