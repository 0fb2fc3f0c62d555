import { describe, expect, it } from 'vitest';
import { startTsWorker } from './ts-worker.js';

describe('a TypeScript worker', () => {
  it('runs one of our TypeScript modules on a thread of its own, with the data it is given', async () => {
    const worker = startTsWorker(new URL('./test-worker.ts', import.meta.url), { n: 41 });
    const answer = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(answer).toBe(42);
  });
});
