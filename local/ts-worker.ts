/**
 * A worker thread that runs one of our TypeScript modules, loaded by tsx as
 * the stack's own TypeScript is (under `npm start`, the tests and the bench
 * alike), whatever the process's working directory.
 */
import { Worker } from 'node:worker_threads';

/** tsx's loader API, found from this file (an eval'd worker would look for it from the working directory). */
const TSX_API = import.meta.resolve('tsx/esm/api');

/** Starts `entry` (a module's URL) in a worker thread with `workerData`. */
export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const boot = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
