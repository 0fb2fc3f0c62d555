/**
 * Load on the routes that call no provider, at a fixed concurrency, beside
 * the storage floor measured in the same run: a DynamoDB GetItem through the
 * SDK against the same dynalite, at the same concurrency.
 */
import { client, newAccount, type Client } from '../local/test-helpers.js';
import { FLOOR, type LoadClientInput, type LoadClientOutput, type LoadSeller } from './load-client.js';
import { TABLE_NAME, type LocalStack } from '../local/stack.js';
import { startTsWorker } from '../local/ts-worker.js';
import { check, fixed, median, percentile, pool, table } from './stats.js';

/** Each route against the storage floor measured in the same run: p99 within 1.5 x the floor's p99, median within 2 x its median. */
export const BUDGET_P99_OVER_FLOOR = 1.5;
export const BUDGET_MEDIAN_OVER_FLOOR = 2;

export interface LoadRow {
  readonly route: string;
  readonly requests: number;
  readonly errors: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly perSecond: number;
  /** The client thread's busy time per request (ms); for the floor, the AWS SDK's own CPU per DynamoDB call. */
  readonly clientMs: number;
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
  const sellers: LoadSeller[] = [];
  await pool(concurrency, 10, async (i) => {
    const { c, sellerId } = await signUp(stack, `load-${i}-${Date.now()}@example.com`);
    const account = await newAccount(c, { name: `Load ${i}`, channel: 'ebay' });
    sellers[i] = { cookie: c.cookie!, sellerId, accountId: account.id };
  });
  const input: LoadClientInput = { url: stack.url, table: TABLE_NAME, sellers, concurrency, perRoute, rounds: 4 };
  const out = await new Promise<LoadClientOutput>((resolve, reject) => {
    // The client in a thread of its own, its TypeScript loaded by tsx as the bench's is.
    const worker = startTsWorker(new URL('./load-client.ts', import.meta.url), input);
    worker.once('message', (m: { out?: LoadClientOutput; error?: string }) => (m.out ? resolve(m.out) : reject(new Error(m.error))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load client stopped (${code})`)));
  });
  const row = (key: string): LoadRow => {
    const samples = out.samples[key] ?? [];
    const ms = samples.map((s) => s.ms);
    return {
      route: key,
      requests: samples.length,
      errors: samples.filter((s) => !s.ok).length,
      p50: median(ms),
      p95: percentile(ms, 95),
      p99: percentile(ms, 99),
      perSecond: samples.length / ((out.wall[key] ?? 1) / 1000),
      clientMs: out.clientBusyMs[key] ?? Number.NaN,
    };
  };
  const routeKeys = Object.keys(out.samples).filter((k) => k !== FLOOR);
  return { concurrency, floor: row(FLOOR), routes: routeKeys.map(row) };
}

export function printLoad(r: LoadResult): void {
  console.log(`\n1b. Load on the local stack (gateway and handlers in one event loop, dynalite in memory on a thread of its own), concurrency ${r.concurrency},`);
  console.log(`    from a client in a thread of its own; in rounds of (storage floor, each route) so that the floor is measured beside the routes.`);
  console.log(`    The storage floor's client is the AWS SDK alone: its thread is busy ${fixed(r.floor.clientMs, 2)} ms per DynamoDB call (wall time, the OS's pauses of the thread included),\n    the order of what each storage call of a route costs the stack's event loop.\n`);
  const rows = [r.floor, ...r.routes];
  console.log(
    table(
      ['route', 'requests', 'errors', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 / floor', 'p99 / floor'],
      rows.map((x) => [x.route, x.requests, x.errors, fixed(x.perSecond, 0), fixed(x.p50), fixed(x.p95), fixed(x.p99), x === r.floor ? '1.0' : fixed(x.p50 / r.floor.p50, 2), x === r.floor ? '1.0' : fixed(x.p99 / r.floor.p99, 2)]),
    ),
  );
  for (const x of r.routes) {
    check({
      what: `${x.route}: p99`,
      limit: `<= ${BUDGET_P99_OVER_FLOOR} x storage floor (${fixed(r.floor.p99)} ms)`,
      measured: `${fixed(x.p99)} ms (${fixed(x.p99 / r.floor.p99, 2)} x)`,
      ok: x.p99 <= BUDGET_P99_OVER_FLOOR * r.floor.p99,
      why: `at concurrency ${r.concurrency} a request mostly waits its turn in the stack's event loop (${fixed(x.perSecond, 0)} req/s: ${r.concurrency} in flight / ${fixed(x.perSecond, 0)} per second = ${fixed((r.concurrency / x.perSecond) * 1000, 0)} ms), where each DynamoDB call keeps the SDK busy about ${fixed(r.floor.clientMs, 2)} ms (the floor's client) before the gateway and the handler add theirs; the storage floor alone is p99 ${fixed(r.floor.p99)} ms`,
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
