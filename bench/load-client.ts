/**
 * The load's client, in a thread of its own (as a seller's browser is a
 * client of its own): it times the routes over HTTP and the storage floor
 * through the SDK, while the stack serves them in the main thread, so the
 * server's event loop does only the server's work.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { pool } from './stats.js';

export interface LoadSeller {
  readonly cookie: string;
  readonly sellerId: string;
  readonly accountId: string;
}

export interface LoadClientInput {
  readonly url: string;
  readonly table: string;
  readonly sellers: readonly LoadSeller[];
  readonly concurrency: number;
  readonly perRoute: number;
  readonly rounds: number;
}

export type Sample = { ms: number; ok: boolean };
export interface LoadClientOutput {
  readonly samples: Record<string, Sample[]>;
  /** Wall time per job, over all rounds (ms). */
  readonly wall: Record<string, number>;
  /** This thread's busy time per request, per job (ms, wall time while not idle): for the storage floor, the SDK's own per call. */
  readonly clientBusyMs: Record<string, number>;
}

export const FLOOR = 'DynamoDB GetItem (storage floor)';

async function run(input: LoadClientInput): Promise<LoadClientOutput> {
  const db = new DynamoDBClient({});
  // node:http with kept-alive connections, as light a client as Node has: the client's own CPU is the server's lost.
  const agent = new http.Agent({ keepAlive: true, maxSockets: input.concurrency });
  const get = (path: string, s: LoadSeller) =>
    new Promise<boolean>((resolve, reject) => {
      const req = http.get(new URL(path, input.url), { agent, headers: { cookie: s.cookie } }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode === 200));
        res.once('error', reject);
      });
      req.once('error', reject);
    });
  const jobs: Record<string, (s: LoadSeller) => Promise<boolean>> = {
    [FLOOR]: async (s) => {
      const res = await db.send(
        new GetItemCommand({ TableName: input.table, Key: { pk: { S: `SELLER#${s.sellerId}` }, sk: { S: `ACCOUNT#${s.accountId}` } }, ConsistentRead: true }),
      );
      return Boolean(res.Item);
    },
    'GET /api/accounts/{id}': (s) => get(`/api/accounts/${s.accountId}`, s),
    'GET /api/accounts': (s) => get('/api/accounts', s),
    'GET /api/catalog': (s) => get('/api/catalog', s),
  };
  const samples: Record<string, Sample[]> = {};
  const wall: Record<string, number> = {};
  const busy: Record<string, number> = {};
  const timed = async (key: string, n: number, record: boolean) => {
    const t0 = performance.now();
    const elu0 = performance.eventLoopUtilization();
    await pool(n, input.concurrency, async (_i, w) => {
      const s0 = performance.now();
      let ok = false;
      try {
        ok = await jobs[key]!(input.sellers[w % input.sellers.length]!);
      } catch {
        ok = false;
      }
      if (record) (samples[key] ??= []).push({ ms: performance.now() - s0, ok });
    });
    if (record) busy[key] = (busy[key] ?? 0) + performance.eventLoopUtilization(elu0).active;
    return performance.now() - t0;
  };
  // Warm: every handler imported, every connection open.
  for (const key of Object.keys(jobs)) await timed(key, input.concurrency * 2, false);
  // Rounds of (floor, route, route, route): a busy moment of the machine touches all alike.
  for (let r = 0; r < input.rounds; r++) {
    for (const key of Object.keys(jobs)) wall[key] = (wall[key] ?? 0) + (await timed(key, Math.ceil(input.perRoute / input.rounds), true));
  }
  db.destroy();
  agent.destroy();
  const clientBusyMs = Object.fromEntries(Object.entries(busy).map(([key, ms]) => [key, ms / (samples[key]?.length || 1)]));
  return { samples, wall, clientBusyMs };
}

if (parentPort && workerData) {
  const port = parentPort;
  run(workerData as LoadClientInput).then(
    (out) => port.postMessage({ out }),
    (err: unknown) => port.postMessage({ error: String((err as Error)?.stack ?? err) }),
  );
}
