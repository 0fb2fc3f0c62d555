import { CreateTableCommand, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { createTableInput } from '../shared/adapters/dynamo/table.js';
import { withTransactions } from './dynamo-transactions.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from './test-table.js';

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
});

const T = () => table.tableName;
const get = async (pk: string) => (await table.db.send(new GetCommand({ TableName: T(), Key: { pk, sk: 'X' }, ConsistentRead: true }))).Item;
const put = (pk: string, extra: Record<string, unknown> = {}) => table.db.send(new PutCommand({ TableName: T(), Item: { pk, sk: 'X', ...extra } }));

async function cancelled(p: Promise<unknown>): Promise<TransactionCanceledException> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TransactionCanceledException);
    return err as TransactionCanceledException;
  }
  throw new Error('the transaction was not cancelled');
}

describe('TransactWriteItems on the local DynamoDB', () => {
  it('applies every action when every condition holds', async () => {
    await put('t1', { version: 1 });
    await table.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: T(), Key: { pk: 't1', sk: 'X' }, UpdateExpression: 'SET version = version + :one', ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':one': 1, ':v': 1 } } },
          { Put: { TableName: T(), Item: { pk: 't1-event', sk: 'X', gsi1pk: 'T1', gsi1sk: 'E1', type: 'changed' }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    expect(await get('t1')).toMatchObject({ version: 2 });
    expect(await get('t1-event')).toMatchObject({ type: 'changed' });
    // The index follows, as for any write.
    const { Items } = await table.db.send(new QueryCommand({ TableName: T(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'T1' } }));
    expect(Items).toHaveLength(1);
  });

  it('writes nothing when one condition fails, and says which one in the cancellation reasons', async () => {
    await put('t2', { version: 5, note: 'before' });
    await put('t2-other', { n: 1 });
    const err = await cancelled(
      table.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: T(), Item: { pk: 't2-new', sk: 'X' } } },
            { Update: { TableName: T(), Key: { pk: 't2-other', sk: 'X' }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 } } },
            { Update: { TableName: T(), Key: { pk: 't2', sk: 'X' }, UpdateExpression: 'SET note = :after', ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':after': 'after', ':v': 4 } } },
          ],
        }),
      ),
    );
    expect(err.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'None', 'ConditionalCheckFailed']);
    expect(await get('t2-new')).toBeUndefined();
    expect(await get('t2-other')).toEqual({ pk: 't2-other', sk: 'X', n: 1 });
    expect(await get('t2')).toEqual({ pk: 't2', sk: 'X', version: 5, note: 'before' });
  });

  it('checks a condition without writing the checked item', async () => {
    await put('t3', { live: true });
    await table.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { ConditionCheck: { TableName: T(), Key: { pk: 't3', sk: 'X' }, ConditionExpression: 'live = :yes', ExpressionAttributeValues: { ':yes': true } } },
          { Put: { TableName: T(), Item: { pk: 't3-after', sk: 'X' } } },
        ],
      }),
    );
    expect(await get('t3')).toEqual({ pk: 't3', sk: 'X', live: true });
    expect(await get('t3-after')).toBeDefined();
    const err = await cancelled(
      table.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: { TableName: T(), Key: { pk: 't3-missing', sk: 'X' }, ConditionExpression: 'attribute_exists(pk)' } },
            { Put: { TableName: T(), Item: { pk: 't3-never', sk: 'X' } } },
          ],
        }),
      ),
    );
    expect(err.CancellationReasons?.map((r) => r.Code)).toEqual(['ConditionalCheckFailed', 'None']);
    expect(await get('t3-missing')).toBeUndefined();
    expect(await get('t3-never')).toBeUndefined();
  });

  it('refuses two actions on one item, as DynamoDB does', async () => {
    await expect(
      table.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: T(), Item: { pk: 't4', sk: 'X' } } },
            { Delete: { TableName: T(), Key: { pk: 't4', sk: 'X' } } },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await get('t4')).toBeUndefined();
  });

  it('runs alone: of concurrent transactions on one version, exactly one wins, and plain writes never interleave', async () => {
    await put('t5', { version: 0, count: 0 });
    const attempts = Array.from({ length: 12 }, (_, i) =>
      table.db
        .send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: { TableName: T(), Key: { pk: 't5', sk: 'X' }, UpdateExpression: 'SET version = version + :one', ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':one': 1, ':v': 0 } } },
              { Put: { TableName: T(), Item: { pk: `t5-event-${i}`, sk: 'X' } } },
            ],
          }),
        )
        .then(() => i, () => undefined),
    );
    const plain = Array.from({ length: 12 }, () => table.db.send(new UpdateCommand({ TableName: T(), Key: { pk: 't5', sk: 'X' }, UpdateExpression: 'SET #c = #c + :one', ExpressionAttributeNames: { '#c': 'count' }, ExpressionAttributeValues: { ':one': 1 } })));
    const winners = (await Promise.all(attempts)).filter((w) => w !== undefined);
    await Promise.all(plain);
    expect(winners).toHaveLength(1);
    expect(await get('t5')).toMatchObject({ version: 1, count: 12 });
    for (let i = 0; i < 12; i++) expect(!!(await get(`t5-event-${i}`))).toBe(i === winners[0]);
  });
});

/** Resolves when a transaction's first write reaches dynalite: it then holds the lock (a wait of its own, not a guess at timing). */
function insideTransaction(server: ReturnType<typeof dynalite>): Promise<void> {
  return new Promise((resolve) => {
    const seen = (req: IncomingMessage) => {
      if (!req.headers['x-onramp-transaction']) return;
      server.off('request', seen);
      resolve();
    };
    server.on('request', seen);
  });
}

describe('closing the local DynamoDB', () => {
  it('waits for a transaction in flight, which is applied whole, before dynalite closes its database', async () => {
    const server = dynalite({ createTableMs: 0 });
    withTransactions(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const db = DynamoDBDocumentClient.from(raw);
    await raw.send(new CreateTableCommand(createTableInput('closing')));
    const underWay = insideTransaction(server);
    const tx = db.send(new TransactWriteCommand({ TransactItems: Array.from({ length: 5 }, (_, i) => ({ Put: { TableName: 'closing', Item: { pk: `closing-${i}`, sk: 'X' } } })) }));
    // The transaction is under way (its first write has reached dynalite) when the server is asked to close.
    await underWay;
    let closed = false;
    const closing = new Promise<void>((resolve) => server.close(() => resolve(void (closed = true))));
    await expect(tx).resolves.toBeDefined();
    await closing;
    expect(closed).toBe(true);
    raw.destroy();
  });

  it('closes even while requests come and wait: they are told it is stopping rather than holding their connections open', async () => {
    const server = dynalite({ createTableMs: 0 });
    withTransactions(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const raw = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const db = DynamoDBDocumentClient.from(raw);
    await raw.send(new CreateTableCommand(createTableInput('stopping')));
    const underWay = insideTransaction(server);
    const tx = db.send(new TransactWriteCommand({ TransactItems: Array.from({ length: 5 }, (_, i) => ({ Put: { TableName: 'stopping', Item: { pk: `tx-${i}`, sk: 'X' } } })) }));
    await underWay;
    // Plain writes queued behind the transaction, then the server asked to close, then more requests.
    const waiting = Array.from({ length: 5 }, (_, i) => db.send(new PutCommand({ TableName: 'stopping', Item: { pk: `w-${i}`, sk: 'X' } })).then(() => 'written', () => 'refused'));
    const closing = new Promise<void>((resolve) => server.close(() => resolve()));
    const late = Array.from({ length: 5 }, (_, i) => db.send(new PutCommand({ TableName: 'stopping', Item: { pk: `l-${i}`, sk: 'X' } })).then(() => 'written', () => 'refused'));
    await expect(tx).resolves.toBeDefined();
    await closing;
    expect(await Promise.all(late)).toEqual(['refused', 'refused', 'refused', 'refused', 'refused']);
    expect((await Promise.all(waiting)).every((r) => r === 'written' || r === 'refused')).toBe(true);
    raw.destroy();
  });
});
