/**
 * `npm run bench`: figures and budgets, never asserted in tests.
 *
 * 1a. bundles and init against each function's AWS SDK floor (bench/bundles.ts);
 * 1b. load on the routes that call no provider, beside the storage floor (bench/load.ts);
 * 1c. whole onboardings through the sandboxes, and 1d. per onboarding: AWS
 *     requests, state transitions and cost (bench/onboardings.ts);
 * 1e. the refresher over a simulated month: each connection's upkeep, and
 *     1f. the cost of a connected account a month per channel and books pair (bench/refresher.ts).
 *
 * Writes bench/results.json and exits non-zero when a budget is missed.
 *
 * BENCH_SELLERS (300), BENCH_CONCURRENCY (50), BENCH_INIT_RUNS (101: a single run moves by ±15 ms on a shared machine, and the median of 31 by ±5 ms, half the init budget; at least 15),
 * BENCH_LOAD_REQUESTS (1000 per route), BENCH_ONLY (e.g. `bundles,load`),
 * BENCH_SCRYPT_LOG_N (14: sign-up hashes at the tests' cost; production's 17
 * is CPU the bench would spend on scrypt rather than on what it measures).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { LocalDefinition } from '../local/definition.js';
import { watch } from '../local/instrument.js';
import { ROOT, startLocalStack } from '../local/stack.js';
import { bundlesAndInit, printBundles, type BundlesResult } from './bundles.js';
import { load, printLoad, type LoadResult } from './load.js';
import { Ledger, onboardings, printOnboardings, type OnboardingsResult } from './onboardings.js';
import { PRICES } from './prices.js';
import { refresher, type MonthlyCost } from './refresher.js';
import { budgets, table } from './stats.js';

const int = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive whole number`);
  return v;
};
const SELLERS = int('BENCH_SELLERS', 300);
const CONCURRENCY = int('BENCH_CONCURRENCY', 50);
const INIT_RUNS = Math.max(15, int('BENCH_INIT_RUNS', 101));
const LOAD_REQUESTS = int('BENCH_LOAD_REQUESTS', 1000);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'bundles,load,onboardings,refresher').split(',').map((s) => s.trim()));
process.env.PASSWORD_SCRYPT_LOG_N = String(int('BENCH_SCRYPT_LOG_N', 14));

if (process.env.BENCH_LOAD_OUT) {
  // The load's own process (below): a stack nobody watches, the figures to a file, nothing else.
  const stack = await startLocalStack({ logLevel: 'SILENT' });
  try {
    fs.writeFileSync(process.env.BENCH_LOAD_OUT, JSON.stringify(await load(stack, CONCURRENCY, LOAD_REQUESTS)));
  } finally {
    await stack.stop();
  }
  process.exit(0);
}

const started = performance.now();
const cpus = os.cpus();
console.log(`Onramp bench: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), Node ${process.version}, ${os.platform()} ${os.arch()}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`BENCH_SELLERS=${SELLERS} BENCH_CONCURRENCY=${CONCURRENCY} BENCH_INIT_RUNS=${INIT_RUNS} BENCH_LOAD_REQUESTS=${LOAD_REQUESTS} scrypt 2^${process.env.PASSWORD_SCRYPT_LOG_N} for sign-ups`);

let bundles: BundlesResult | undefined;
let loadResult: LoadResult | undefined;
let onboarded: OnboardingsResult | undefined;
let monthly: MonthlyCost | undefined;

if (ONLY.has('bundles')) {
  bundles = await bundlesAndInit(INIT_RUNS);
  printBundles(bundles);
}

if (ONLY.has('load')) {
  // The load in a process of its own, on a stack nobody watches: the bench's counting (a context around
  // each invocation, a middleware on each AWS call) would be the bench's own cost inside the routes' figures,
  // and the handlers keep the clients they were first given, so one process cannot host both stacks.
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-load-')), 'load.json');
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_LOAD_OUT: out },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (child.status !== 0 || !fs.existsSync(out)) throw new Error(`the load stopped (${child.status ?? child.signal})`);
  loadResult = JSON.parse(fs.readFileSync(out, 'utf8')) as LoadResult;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  printLoad(loadResult);
}

if (ONLY.has('onboardings') || ONLY.has('refresher')) {
  const ledger = new Ledger();
  const watching = watch({
    consumedCapacity: true,
    ownerOf: (fn, event) => ledger.ownerOf(fn, event),
    attempt: (call, output, error) => ledger.attempt(call, output, error),
    invoked: (inv) => ledger.invoked(inv),
  });
  const stack = await startLocalStack({ logLevel: 'SILENT' });
  watching.attach(stack);
  try {
    if (ONLY.has('onboardings')) {
      // The definition the local Step Functions runs (the CDK's), to walk the states each execution entered.
      const definition = (stack.stepFunctions as unknown as { def: LocalDefinition }).def.definition;
      onboarded = await onboardings(stack, ledger, definition, SELLERS, CONCURRENCY);
      printOnboardings(onboarded, ledger);
    }
    if (ONLY.has('refresher')) monthly = await refresher(stack, ledger);
  } finally {
    watching.stop();
    await stack.stop();
  }
}

const missed = budgets.filter((b) => !b.ok);
console.log(`\nBudgets: ${budgets.length - missed.length} met, ${missed.length} missed\n`);
console.log(table(['budget', 'limit', 'measured', ''], budgets.map((b) => [b.what, b.limit, b.measured, b.ok ? 'met' : 'MISSED'])));
if (missed.length) {
  console.log('\nWhat dominates where a budget is missed:');
  for (const b of missed) if (b.why) console.log(`- ${b.what}: ${b.why}`);
}

const seconds = (performance.now() - started) / 1000;
const results = {
  at: new Date().toISOString(),
  machine: { cores: cpus.length, model: cpus[0]?.model, node: process.version, loadAverage: os.loadavg() },
  settings: { sellers: SELLERS, concurrency: CONCURRENCY, initRuns: INIT_RUNS, loadRequestsPerRoute: LOAD_REQUESTS, scryptLogN: Number(process.env.PASSWORD_SCRYPT_LOG_N) },
  seconds,
  prices: PRICES,
  bundles,
  load: loadResult,
  onboardings: onboarded && { ...onboarded, onboardings: undefined, perOnboarding: onboarded.onboardings },
  monthly,
  budgets,
};
fs.writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nbench/results.json written; ${seconds.toFixed(0)} s in all.`);
// Keep-alive sockets and the SDK's agents would hold the process open: the figures are out, end it.
process.exit(missed.length ? 1 : 0);
