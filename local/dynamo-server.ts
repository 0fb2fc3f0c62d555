/**
 * The local DynamoDB (dynalite, with transactions and the endpoint guard in
 * front of it) on a thread of its own (`dynamo-worker.ts`), as DynamoDB is a
 * service of its own: its work does not wait its turn in the event loop that
 * serves the API.
 */
import { startTsWorker } from './ts-worker.js';

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

export type FromDynamoWorker = { listening: number } | { error: string; code?: string } | { stopped: true };

/** Starts the local DynamoDB on its own thread and resolves once it listens (rejects, the thread ended, if it cannot). */
export function startDynamoServer(options: DynamoServerOptions): Promise<DynamoServer> {
  const worker = startTsWorker(new URL('./dynamo-worker.ts', import.meta.url), options);
  let exited = false;
  const ended = new Promise<void>((resolve) => worker.once('exit', () => ((exited = true), resolve())));
  return new Promise((resolve, reject) => {
    const failed = (err: Error) => {
      void worker.terminate();
      reject(err);
    };
    const exitedEarly = (code: number) => failed(new Error(`the local DynamoDB stopped as it started (exit ${code})`));
    worker.once('error', failed);
    worker.once('exit', exitedEarly);
    worker.once('message', (m: FromDynamoWorker) => {
      worker.off('exit', exitedEarly);
      if (!('listening' in m)) {
        const why = 'error' in m ? m.error : 'no answer';
        return failed(Object.assign(new Error(`the local DynamoDB did not start: ${why}`), 'code' in m && m.code ? { code: m.code } : {}));
      }
      worker.off('error', failed);
      // A thread that fails later ends: the stack's calls to it then fail as DynamoDB being unreachable would.
      worker.on('error', () => void worker.terminate());
      let stopping: Promise<void> | undefined;
      resolve({
        port: m.listening,
        stop: () =>
          (stopping ??= exited
            ? Promise.resolve()
            : new Promise<void>((done) => {
                void ended.then(done);
                worker.once('message', () => void worker.terminate());
                worker.postMessage('stop');
              })),
      });
    });
  });
}
