/**
 * The local DynamoDB (dynalite, with transactions and the endpoint guard in
 * front of it) on a thread of its own, as DynamoDB is a service of its own:
 * its work does not wait its turn in the event loop that serves the API.
 */
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { withTransactions } from './dynamo-transactions.js';
import { guardServer } from './endpoint-guard.js';

export interface DynamoServerOptions {
  readonly host: string;
  /** 0 picks a free one. */
  readonly port: number;
  /** Folder for the data; omitted means in memory. */
  readonly dataDir?: string;
  /** The access key id the guard lets through (the starting thread's: each thread has its own module state). */
  readonly accessKeyId: string;
}

export interface DynamoServer {
  readonly port: number;
  stop(): Promise<void>;
}

type FromWorker = { listening: number } | { error: string } | { stopped: true };

/** Starts the local DynamoDB on its own thread and resolves once it listens. */
export function startDynamoServer(options: DynamoServerOptions): Promise<DynamoServer> {
  // The thread loads this module's TypeScript as the stack's own is loaded (tsx), wherever the stack runs.
  const entry = JSON.stringify(new URL(import.meta.url).href);
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { dynamoServer: options } });
  // Like a server socket of the stack's own, it does not by itself keep the process alive.
  worker.unref();
  return new Promise((resolve, reject) => {
    const failed = (err: Error) => reject(err);
    worker.once('error', failed);
    worker.once('message', (m: FromWorker) => {
      worker.off('error', failed);
      if ('error' in m) return reject(new Error(`the local DynamoDB did not start: ${m.error}`));
      if (!('listening' in m)) return reject(new Error('the local DynamoDB did not start'));
      let stopping: Promise<void> | undefined;
      resolve({
        port: m.listening,
        stop: () =>
          (stopping ??= new Promise<void>((done) => {
            worker.once('exit', () => done());
            worker.once('message', () => void worker.terminate());
            worker.postMessage('stop');
          })),
      });
    });
  });
}

/** The thread: dynalite, its transactions, the guard, listening until told to stop. */
function serve(port: NonNullable<typeof parentPort>, options: DynamoServerOptions): void {
  const dynamo = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: path.join(options.dataDir, 'dynamodb') } : {}),
  }) as Server;
  // dynalite has no transactions: this layer adds TransactWriteItems in front of it, the guard in front of both.
  withTransactions(dynamo);
  guardServer(dynamo, options.accessKeyId);
  dynamo.once('error', (err) => port.postMessage({ error: err.message } satisfies FromWorker));
  dynamo.listen(options.port, options.host, () => port.postMessage({ listening: (dynamo.address() as AddressInfo).port } satisfies FromWorker));
  port.on('message', (m) => {
    if (m !== 'stop') return;
    dynamo.close(() => port.postMessage({ stopped: true } satisfies FromWorker));
    dynamo.closeAllConnections?.();
  });
}

const data = workerData as { dynamoServer?: DynamoServerOptions } | null;
if (parentPort && data?.dynamoServer) serve(parentPort, data.dynamoServer);
