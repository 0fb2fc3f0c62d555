/** A worker for `ts-worker.test.ts`: answers with the number it was given, plus one (typed, so tsx must load it). */
import { parentPort, workerData } from 'node:worker_threads';

const { n }: { n: number } = workerData as { n: number };
parentPort?.postMessage(n + 1);
