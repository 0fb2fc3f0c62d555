/**
 * Benchmarks, printed as figures (never asserted in tests):
 * - each function's bundle, built as the CDK builds it (ESM, minified), and its
 *   cold start (a fresh Node process importing it), median of several runs;
 * - API latency on the local stack: the account view, account creation, sign-in;
 * - the connection refresher: provider requests per connection per day, over
 *   a simulated month of its 15-minute schedule (sandbox and refresher clocks moved together).
 *
 * Run: npm run bench
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FUNCTIONS } from '../shared/routes.js';
import { newSeller } from '../local/test-helpers.js';
import { connectedAccount, refresherInstance } from '../local/health-helpers.js';
import { refreshDueConnections } from '../shared/health/job.js';
import { ROOT, startLocalStack, type LocalStack } from '../local/stack.js';

const COLD_RUNS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

async function bundles(): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-'));
  console.log('function bundles (ESM, minified, as deployed) and cold start (process start to handler imported)');
  console.log('function     size KB   cold start ms (median of 7)');
  for (const [id, def] of Object.entries(FUNCTIONS)) {
    const file = path.join(out, `${id}.mjs`);
    await build({
      entryPoints: [path.join(ROOT, def.entry)],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      minify: true,
      banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
      logLevel: 'silent',
    });
    const kb = fs.statSync(file).size / 1024;
    const env = { ...process.env, TABLE_NAME: 't', STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:0:stateMachine:x', AWS_REGION: 'us-east-1', LOG_LEVEL: 'SILENT', APP_ORIGIN: 'https://onramp.example.com' };
    const times: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const t0 = performance.now();
      execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(file)})`], { env });
      times.push(performance.now() - t0);
    }
    console.log(`${id.padEnd(12)} ${kb.toFixed(0).padStart(7)}   ${median(times).toFixed(0).padStart(6)}`);
  }
  const empty = path.join(out, 'empty.mjs');
  fs.writeFileSync(empty, 'export const handler = async () => ({});');
  const base: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(empty)})`]);
    base.push(performance.now() - t0);
  }
  console.log(`${'(empty)'.padEnd(12)} ${'0'.padStart(7)}   ${median(base).toFixed(0).padStart(6)}   <- Node's own start, for reference`);
  fs.rmSync(out, { recursive: true, force: true });
}

async function latency(stack: LocalStack): Promise<void> {
  {
    const seller = await newSeller(stack);
    const time = async (n: number, call: () => Promise<{ status: number }>) => {
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const res = await call();
        ms.push(performance.now() - t0);
        if (res.status >= 400) throw new Error(`status ${res.status}`);
      }
      return `p50 ${pct(ms, 50).toFixed(1)} ms, p95 ${pct(ms, 95).toFixed(1)} ms (n=${n})`;
    };
    const created = await seller.call('POST', '/api/accounts', { name: 'Bench', channel: 'ebay' });
    const id = created.body.account.id as string;
    console.log('\nAPI latency on the local stack (gateway + handler + dynalite, in memory)');
    console.log(`GET  /api/accounts/{id}   ${await time(300, () => seller.call('GET', `/api/accounts/${id}`))}`);
    console.log(`GET  /api/accounts        ${await time(200, () => seller.call('GET', '/api/accounts'))}`);
    console.log(`POST /api/accounts        ${await time(100, () => seller.call('POST', '/api/accounts', { name: 'Bench', channel: 'ebay' }))}`);
    const email = (await seller.call('GET', '/api/me')).body.user.email as string;
    console.log(`POST /api/auth/login      ${await time(20, () => seller.call('POST', '/api/auth/login', { email, password: 'a long enough passphrase' }))}   (scrypt N=2^15)`);
  }
}

async function refresher(stack: LocalStack): Promise<void> {
  const DAYS = 30;
  const EVERY_MS = 15 * 60_000;
  {
    const seller = await newSeller(stack);
    await connectedAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, 'xero');
    await connectedAccount(seller, { name: 'eBay', channel: 'ebay' }, 'quickbooks');
    await connectedAccount(seller, { name: 'Etsy', channel: 'etsy' });
    await connectedAccount(seller, { name: 'TikTok Shop', channel: 'tiktok-shop', region: 'UK' });
    await connectedAccount(seller, { name: 'Square', channel: 'square' });
    const PROVIDER_OF: Record<string, string> = {
      'api.amazon.com': 'Amazon', 'api.ebay.com': 'eBay', 'api.etsy.com': 'Etsy', 'auth.tiktok-shops.com': 'TikTok Shop',
      'connect.squareup.com': 'Square', 'identity.xero.com': 'Xero', 'oauth.platform.intuit.com': 'QuickBooks',
    };
    const from = stack.sandboxes.calls.length;
    let offset = 0;
    const deps = refresherInstance(stack, { leaseMs: 15_000 });
    const clocked = { ...deps, now: () => new Date(Date.now() + offset) };
    const runMs: number[] = [];
    let refreshed = 0;
    for (let t = 0; t < (DAYS * 24 * 3600_000) / EVERY_MS; t++) {
      offset += EVERY_MS;
      stack.sandboxes.advance(EVERY_MS);
      const t0 = performance.now();
      refreshed += (await refreshDueConnections(clocked)).refreshed;
      runMs.push(performance.now() - t0);
    }
    const perProvider = new Map<string, number>();
    for (const call of stack.sandboxes.calls.slice(from)) {
      const name = PROVIDER_OF[call.host];
      if (name && /token/.test(call.path)) perProvider.set(name, (perProvider.get(name) ?? 0) + 1);
    }
    console.log(`\nConnection refresher: ${runMs.length} runs every 15 minutes over ${DAYS} simulated days, one connection per provider`);
    console.log('provider      refresh requests   per connection per day');
    for (const name of Object.values(PROVIDER_OF)) {
      const n = perProvider.get(name) ?? 0;
      console.log(`${name.padEnd(13)} ${String(n).padStart(8)}           ${(n / DAYS).toFixed(2).padStart(6)}`);
    }
    console.log(`total refreshes ${refreshed}; per run: 1 DynamoDB query when nothing is due (96 a day), run p50 ${pct(runMs, 50).toFixed(1)} ms, p95 ${pct(runMs, 95).toFixed(1)} ms`);
  }
}

await bundles();
// One local stack for both: the functions' modules (and their AWS clients) load once per process.
const stack = await startLocalStack({ logLevel: 'SILENT' });
try {
  await latency(stack);
  await refresher(stack);
} finally {
  await stack.stop();
}
