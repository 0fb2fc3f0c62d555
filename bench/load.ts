/**
 * Load on the routes that call no provider, at a fixed concurrency, beside
 * the storage floor measured in the same run: a DynamoDB GetItem through the
 * SDK against the same dynalite, at the same concurrency.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { performance } from 'node:perf_hooks';
import { client, newAccount, type Client } from '../local/test-helpers.js';
import { TABLE_NAME, type LocalStack } from '../local/stack.js';
import { check, fixed, median, percentile, pool, table } from './stats.js';

export const BUDGET_P99_MS = 100;
export const BUDGET_MEDIAN_OVER_FLOOR = 2;

export interface LoadRow {
  readonly route: string;
  readonly requests: number;
  readonly errors: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly perSecond: number;
}

export interface LoadResult {
  readonly concurrency: number;
  readonly floor: LoadRow;
  readonly routes: LoadRow[];
}

/** A seller signed up with a password of the bench's own, and the seller's id. */
export async function signUp(stack: LocalStack, email: string): Promise<{ c: Client; sellerId: string }> {
  const c = client(stack);
  const res = await c.call('POST', '/api/auth/signup', { name: 'Bench Seller', email, password: 'a long enough passphrase' });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { c, sellerId: String(res.body.user.id) };
}

export async function load(stack: LocalStack, concurrency: number, perRoute: number): Promise<LoadResult> {
  // One seller, with one account, per worker: every worker reads its own items, as sellers do.
  const sellers: { c: Client; sellerId: string; accountId: string }[] = [];
  await pool(concurrency, 10, async (i) => {
    const { c, sellerId } = await signUp(stack, `load-${i}-${Date.now()}@example.com`);
    const account = await newAccount(c, { name: `Load ${i}`, channel: 'ebay' });
    sellers[i] = { c, sellerId, accountId: account.id };
  });
  const db = new DynamoDBClient({});
  type Sample = { ms: number; ok: boolean };
  const runs = new Map<string, Sample[]>();
  const add = (key: string, s: Sample) => runs.set(key, [...(runs.get(key) ?? []), s]);
  const jobs: Record<string, (w: number) => Promise<boolean>> = {
    'DynamoDB GetItem (storage floor)': async (w) => {
      const s = sellers[w]!;
      const res = await db.send(
        new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: `SELLER#${s.sellerId}` }, sk: { S: `ACCOUNT#${s.accountId}` } }, ConsistentRead: true }),
      );
      return Boolean(res.Item);
    },
    'GET /api/accounts/{id}': async (w) => (await sellers[w]!.c.call('GET', `/api/accounts/${sellers[w]!.accountId}`)).status === 200,
    'GET /api/accounts': async (w) => (await sellers[w]!.c.call('GET', '/api/accounts')).status === 200,
    'GET /api/catalog': async (w) => (await sellers[w]!.c.call('GET', '/api/catalog')).status === 200,
  };
  const timed = async (key: string, n: number, record: boolean) => {
    const t0 = performance.now();
    await pool(n, concurrency, async (_i, w) => {
      const s0 = performance.now();
      let ok = false;
      try {
        ok = await jobs[key]!(w);
      } catch {
        ok = false;
      }
      if (record) add(key, { ms: performance.now() - s0, ok });
    });
    return performance.now() - t0;
  };
  // Warm: every handler imported, every connection open.
  for (const key of Object.keys(jobs)) await timed(key, concurrency * 2, false);
  // Rounds of (floor, route, route, route): a busy moment of the machine touches all alike.
  const ROUNDS = 4;
  const wall = new Map<string, number>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const key of Object.keys(jobs)) wall.set(key, (wall.get(key) ?? 0) + (await timed(key, Math.ceil(perRoute / ROUNDS), true)));
  }
  db.destroy();
  const row = (key: string): LoadRow => {
    const samples = runs.get(key) ?? [];
    const ms = samples.map((s) => s.ms);
    return {
      route: key,
      requests: samples.length,
      errors: samples.filter((s) => !s.ok).length,
      p50: median(ms),
      p95: percentile(ms, 95),
      p99: percentile(ms, 99),
      perSecond: samples.length / ((wall.get(key) ?? 1) / 1000),
    };
  };
  const [floorKey, ...routeKeys] = Object.keys(jobs);
  return { concurrency, floor: row(floorKey!), routes: routeKeys.map(row) };
}

export function printLoad(r: LoadResult): void {
  console.log(`\n1b. Load on the local stack (gateway + handler + dynalite in memory, one process), concurrency ${r.concurrency}`);
  console.log(`    in rounds of (storage floor, each route) so that the floor is measured beside the routes\n`);
  const rows = [r.floor, ...r.routes];
  console.log(
    table(
      ['route', 'requests', 'errors', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 / floor'],
      rows.map((x) => [x.route, x.requests, x.errors, fixed(x.perSecond, 0), fixed(x.p50), fixed(x.p95), fixed(x.p99), x === r.floor ? '1.0' : fixed(x.p50 / r.floor.p50, 2)]),
    ),
  );
  for (const x of r.routes) {
    check({
      what: `${x.route}: p99`,
      limit: `<= ${BUDGET_P99_MS} ms`,
      measured: `${fixed(x.p99)} ms`,
      ok: x.p99 <= BUDGET_P99_MS,
      why: `at concurrency ${r.concurrency} a request mostly waits its turn in one Node process (${fixed(x.perSecond, 0)} req/s: ${r.concurrency} in flight / ${fixed(x.perSecond, 0)} per second = ${fixed((r.concurrency / x.perSecond) * 1000, 0)} ms); the storage floor alone is p99 ${fixed(r.floor.p99)} ms`,
    });
    check({
      what: `${x.route}: median`,
      limit: `<= ${BUDGET_MEDIAN_OVER_FLOOR} x storage floor (${fixed(r.floor.p50)} ms)`,
      measured: `${fixed(x.p50)} ms (${fixed(x.p50 / r.floor.p50, 2)} x)`,
      ok: x.p50 <= BUDGET_MEDIAN_OVER_FLOOR * r.floor.p50,
      why:
        x.route === 'GET /api/catalog'
          ? 'no storage call at all: the gateway, the event and the JSON of the catalog'
          : x.route === 'GET /api/accounts/{id}'
            ? 'one storage read (the session, the seller\u2019s account and its channel record in one BatchGetItem) plus the gateway and the handler'
            : 'two storage reads in sequence (the session, then the query of the seller\u2019s accounts) plus the gateway and the handler',
    });
    check({ what: `${x.route}: errors`, limit: '0', measured: String(x.errors), ok: x.errors === 0 });
  }
}
