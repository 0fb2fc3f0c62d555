/**
 * Benchmarks, printed as figures (never asserted in tests):
 * - each function's bundle, built as the CDK builds it (ESM, minified), and its
 *   cold start (a fresh Node process importing it), median of several runs;
 * - API latency on the local stack: the account view, account creation, sign-in.
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
import { ROOT, startLocalStack } from '../local/stack.js';

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

async function latency(): Promise<void> {
  const stack = await startLocalStack({ logLevel: 'SILENT' });
  try {
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
  } finally {
    await stack.stop();
  }
}

await bundles();
await latency();
