/**
 * `TransactWriteItems` for the local DynamoDB. dynalite speaks DynamoDB's
 * protocol for single-item operations but has no transactions, so this
 * layer, put in front of its request listeners, adds them on top of its own
 * operations:
 *
 * - A transaction runs alone: every other request to this DynamoDB waits
 *   while one runs, and a transaction waits for the requests in flight (a
 *   readers-writer lock, the transaction the writer). So no other writer
 *   interleaves and no reader sees half of one, as with DynamoDB's
 *   serializable transactions.
 * - Its actions (`Put`, `Update`, `Delete`, `ConditionCheck`) are applied in
 *   turn as dynalite's own conditional operations, each keeping the item as
 *   it was (`ALL_OLD`). When any condition fails, every action applied is
 *   undone (the old item put back, or a new one deleted) and the answer is
 *   DynamoDB's `TransactionCanceledException` with one cancellation reason
 *   per action (`ConditionalCheckFailed`, or `None`).
 * - Two actions on one item, or more than 100, are refused as DynamoDB
 *   refuses them (`ValidationException`).
 *
 * A process that dies in the middle of a transaction may leave part of it
 * written in an on-disk local table; nothing in the cloud works this way.
 */
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, any>;
type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const TARGET_PREFIX = 'DynamoDB_20120810.';
const MAX_ACTIONS = 100;
/** Marks this layer's own requests to dynalite (they run inside the transaction's lock). */
const INSIDE = `onramp-tx-${randomBytes(12).toString('hex')}`;
const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** Many readers (every other request) or one writer (a transaction), writers first so that load cannot starve one. */
class ReadersWriterLock {
  private readers = 0;
  private writing = false;
  private readonly waitingWriters: (() => void)[] = [];
  private readonly waitingReaders: (() => void)[] = [];

  async read(): Promise<() => void> {
    if (this.writing || this.waitingWriters.length > 0) await new Promise<void>((resolve) => this.waitingReaders.push(resolve));
    else this.readers++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.readers--;
      this.next();
    };
  }

  async write(): Promise<() => void> {
    if (this.writing || this.readers > 0) await new Promise<void>((resolve) => this.waitingWriters.push(resolve));
    else this.writing = true;
    return () => {
      this.writing = false;
      this.next();
    };
  }

  /**
   * Lets every waiting reader in now, whoever holds the lock: when the
   * server is stopping, they only answer that it is (they touch no item), and
   * must not wait behind the closing writer, which waits for their connections.
   */
  admitWaitingReaders(): void {
    const readers = this.waitingReaders.splice(0);
    this.readers += readers.length;
    for (const r of readers) r();
  }

  private next(): void {
    if (this.writing || this.readers > 0) return;
    const writer = this.waitingWriters.shift();
    if (writer) {
      this.writing = true;
      writer();
      return;
    }
    const readers = this.waitingReaders.splice(0);
    this.readers += readers.length;
    for (const r of readers) r();
  }
}

class AwsFailure extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly extra: Json = {},
  ) {
    super(message);
  }
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomBytes(16).toString('hex') });
  res.end(text);
}

/** Adds `TransactWriteItems` to a dynalite server (call before any guard is put in front of it). */
export function withTransactions(server: Server): void {
  const listeners = server.listeners('request') as Listener[];
  server.removeAllListeners('request');
  const lock = new ReadersWriterLock();
  const keySchemas = new Map<string, string[]>();
  // Closing waits for the transaction (and the requests) in flight, so that dynalite never closes its
  // database between two of a transaction's writes (it throws about a write to a closed database); a
  // request that comes or waited meanwhile is answered as a server error instead.
  let closing = false;
  const close = server.close.bind(server);
  server.close = ((callback?: (err?: Error) => void) => {
    closing = true;
    lock.admitWaitingReaders();
    void lock.write().then((release) =>
      close((err?: Error) => {
        release();
        callback?.(err);
      }),
    );
    return server;
  }) as typeof server.close;
  const stopping = (res: ServerResponse) => send(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'The local DynamoDB is stopping.' });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const pass = () => {
      for (const listener of listeners) listener.call(server, req, res);
    };
    if (req.headers['x-onramp-transaction'] === INSIDE) return pass();
    // Once stopping, a request is answered at once: waiting for the lock would hold its connection open,
    // which the closing server waits for.
    if (closing) return stopping(res);
    if (String(req.headers['x-amz-target'] ?? '') === `${TARGET_PREFIX}TransactWriteItems`) {
      void transact(req, res);
      return;
    }
    void lock.read().then((release) => {
      // A client that went away while its request waited: its 'close' has passed, so let go now.
      if (res.closed || res.destroyed) return release();
      res.once('close', release);
      res.once('finish', release);
      if (closing) return stopping(res);
      pass();
    });
  });

  /** One of dynalite's own operations, from inside the lock. */
  async function call(req: IncomingMessage, op: string, input: Json): Promise<{ status: number; body: Json }> {
    const port = (server.address() as AddressInfo).port;
    const payload = JSON.stringify(input);
    return new Promise((resolve, reject) => {
      const sub = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          headers: {
            host: req.headers.host ?? `127.0.0.1:${port}`,
            authorization: req.headers.authorization ?? '',
            'x-amz-date': req.headers['x-amz-date'] ?? new Date().toISOString().replace(/[-:]|\.\d+/g, ''),
            'x-amz-target': `${TARGET_PREFIX}${op}`,
            'content-type': CONTENT_TYPE,
            'content-length': Buffer.byteLength(payload),
            'x-onramp-transaction': INSIDE,
          },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: answer.statusCode ?? 500, body: text ? (JSON.parse(text) as Json) : {} });
          });
          answer.on('error', reject);
        },
      );
      sub.on('error', reject);
      sub.end(payload);
    });
  }

  const errorType = (body: Json) => String(body.__type ?? '').split('#').pop() ?? '';

  async function keyOf(req: IncomingMessage, table: string, action: Json): Promise<Json> {
    if (action.Key) return action.Key as Json;
    let names = keySchemas.get(table);
    if (!names) {
      const { status, body } = await call(req, 'DescribeTable', { TableName: table });
      if (status !== 200) throw new AwsFailure(errorType(body) || 'ResourceNotFoundException', String(body.message ?? `Requested resource not found: Table: ${table} not found`));
      names = (body.Table.KeySchema as { AttributeName: string }[]).map((k) => k.AttributeName);
      keySchemas.set(table, names);
    }
    const item = (action.Item ?? {}) as Json;
    return Object.fromEntries(names.map((n) => [n, item[n]]));
  }

  async function transact(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let input: Json;
    try {
      input = JSON.parse((await readAll(req)) || '{}') as Json;
    } catch {
      return send(res, 400, { __type: 'com.amazon.coral.service#SerializationException' });
    }
    if (closing) return stopping(res);
    const release = await lock.write();
    try {
      if (closing) return stopping(res);
      send(res, 200, await run(req, input));
    } catch (err) {
      if (err instanceof AwsFailure) {
        send(res, 400, { __type: `com.amazonaws.dynamodb.v20120810#${err.type}`, message: err.message, ...err.extra });
      } else {
        send(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: (err as Error).message });
      }
    } finally {
      release();
    }
  }

  async function run(req: IncomingMessage, input: Json): Promise<Json> {
    const items = Array.isArray(input.TransactItems) ? (input.TransactItems as Json[]) : [];
    if (items.length === 0 || items.length > MAX_ACTIONS) {
      throw new AwsFailure('ValidationException', `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length between 1 and ${MAX_ACTIONS}`);
    }
    const actions: { kind: string; table: string; key: Json; spec: Json }[] = [];
    const seen = new Set<string>();
    for (const entry of items) {
      const kinds = Object.keys(entry).filter((k) => ['Put', 'Update', 'Delete', 'ConditionCheck'].includes(k));
      if (kinds.length !== 1) throw new AwsFailure('ValidationException', 'TransactItems can only contain one of Check, Put, Update or Delete');
      const kind = kinds[0]!;
      const spec = entry[kind] as Json;
      const table = String(spec.TableName ?? '');
      const key = await keyOf(req, table, spec);
      const id = `${table}\u0000${JSON.stringify(Object.keys(key).sort().map((k) => [k, key[k]]))}`;
      if (seen.has(id)) throw new AwsFailure('ValidationException', 'Transaction request cannot include multiple operations on one item');
      seen.add(id);
      actions.push({ kind, table, key, spec });
    }

    const expression = (spec: Json) => ({
      ...(spec.ConditionExpression ? { ConditionExpression: spec.ConditionExpression } : {}),
      ...(spec.ExpressionAttributeNames ? { ExpressionAttributeNames: spec.ExpressionAttributeNames } : {}),
      ...(spec.ExpressionAttributeValues ? { ExpressionAttributeValues: spec.ExpressionAttributeValues } : {}),
    });
    const applied: { table: string; key: Json; old: Json | undefined }[] = [];
    const reasons: Json[] = [];
    const units = new Map<string, number>();
    let cancelled = false;
    for (const { kind, table, key, spec } of actions) {
      let op: string;
      let request: Json;
      if (kind === 'Put') {
        op = 'PutItem';
        request = { TableName: table, Item: spec.Item, ...expression(spec) };
      } else if (kind === 'Delete') {
        op = 'DeleteItem';
        request = { TableName: table, Key: key, ...expression(spec) };
      } else if (kind === 'Update') {
        op = 'UpdateItem';
        request = { TableName: table, Key: key, UpdateExpression: spec.UpdateExpression, ...expression(spec) };
      } else {
        // A check writes nothing: a marker is set under the condition, and always taken back below.
        op = 'UpdateItem';
        const names = { ...(spec.ExpressionAttributeNames ?? {}), '#onrampConditionCheck': 'onrampConditionCheck' };
        const values = { ...(spec.ExpressionAttributeValues ?? {}), ':onrampConditionCheck': { BOOL: true } };
        request = { TableName: table, Key: key, ConditionExpression: spec.ConditionExpression, UpdateExpression: 'SET #onrampConditionCheck = :onrampConditionCheck', ExpressionAttributeNames: names, ExpressionAttributeValues: values };
      }
      const { status, body } = await call(req, op, { ...request, ReturnValues: 'ALL_OLD', ReturnConsumedCapacity: 'TOTAL' });
      if (status === 200) {
        applied.push({ table, key, old: body.Attributes as Json | undefined });
        units.set(table, (units.get(table) ?? 0) + Number(body.ConsumedCapacity?.CapacityUnits ?? 1));
        reasons.push({ Code: 'None' });
        continue;
      }
      const type = errorType(body);
      if (type !== 'ConditionalCheckFailedException') {
        await undo(req, applied);
        throw new AwsFailure(type || 'InternalServerError', String(body.message ?? body.Message ?? 'The transaction could not be applied'));
      }
      cancelled = true;
      const reason: Json = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
      if (spec.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') {
        const current = await call(req, 'GetItem', { TableName: table, Key: key, ConsistentRead: true });
        if (current.body.Item) reason.Item = current.body.Item;
      }
      reasons.push(reason);
    }
    const checks = applied.filter((x) => actions.some((a) => a.kind === 'ConditionCheck' && a.key === x.key));
    if (cancelled) {
      await undo(req, applied);
      throw new AwsFailure('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`, {
        CancellationReasons: reasons,
      });
    }
    await undo(req, checks);
    const out: Json = {};
    if (input.ReturnConsumedCapacity && input.ReturnConsumedCapacity !== 'NONE') {
      // A transactional write costs two write units per item (per KB), against one for a plain write.
      out.ConsumedCapacity = [...units].map(([t, u]) => ({ TableName: t, CapacityUnits: 2 * u, WriteCapacityUnits: 2 * u }));
    }
    return out;
  }

  /** Puts back each item as it was (or deletes one that did not exist), the last applied first. */
  async function undo(req: IncomingMessage, applied: readonly { table: string; key: Json; old: Json | undefined }[]): Promise<void> {
    for (const a of [...applied].reverse()) {
      const { status, body } = a.old
        ? await call(req, 'PutItem', { TableName: a.table, Item: a.old })
        : await call(req, 'DeleteItem', { TableName: a.table, Key: a.key });
      if (status !== 200) throw new Error(`could not undo a transaction's write: ${errorType(body)}`);
    }
  }
}
