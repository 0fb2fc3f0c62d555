/**
 * The local DynamoDB's thread (started by `dynamo-server.ts`): dynalite, the
 * transactions layer in front of it and the endpoint guard in front of both,
 * listening until told to stop. Only this thread loads dynalite.
 */
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { DynamoServerOptions, FromDynamoWorker } from './dynamo-server.js';
import { withTransactions } from './dynamo-transactions.js';
import { guardServer } from './endpoint-guard.js';

const port = parentPort!;
const options = workerData as DynamoServerOptions;
const send = (m: FromDynamoWorker) => port.postMessage(m);

const dynamo = dynalite({
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  ...(options.dataDir ? { path: path.join(options.dataDir, 'dynamodb') } : {}),
}) as Server;
// dynalite has no transactions: this layer adds TransactWriteItems in front of it, the guard in front of both.
withTransactions(dynamo);
guardServer(dynamo, options.accessKeyId);
dynamo.once('error', (err: NodeJS.ErrnoException) => send({ error: err.message, ...(err.code ? { code: err.code } : {}) }));
dynamo.listen(options.port, options.host, () => send({ listening: (dynamo.address() as AddressInfo).port }));
port.on('message', (m) => {
  if (m !== 'stop') return;
  // Closing waits for the requests in flight (and closes dynalite's database) before saying so.
  dynamo.close(() => send({ stopped: true }));
  dynamo.closeAllConnections?.();
});
