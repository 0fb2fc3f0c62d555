/**
 * Bundles and init: each function bundled as the CDK bundles it, beside its
 * floor (the AWS SDK clients it uses, with the commands it sends, and the
 * libraries the design requires, bundled alone with the same options),
 * and the time a fresh Node process takes to import each, less an empty module.
 */
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLOUD_ENV, FUNCTION_BUNDLE_OPTIONS } from '../infra/bundling.js';
import { ROOT } from '../local/stack.js';
import { FUNCTIONS, type FunctionId } from '../shared/http/routes.js';
import { check, fixed, median, medianInterval, percentile, table } from './stats.js';

/** The CDK's bundling options (infra/constructs/onramp-function.ts), less the source map it uploads beside the bundle. */
const CDK_OPTIONS: BuildOptions = {
  ...FUNCTION_BUNDLE_OPTIONS,
  absWorkingDir: ROOT,
  logLevel: 'silent',
  metafile: true,
};

export const BUDGET_INIT_MS = 10;
export const BUDGET_BUNDLE_KB = 60;
/** The functions the design has call Xero through xero-node's Accounting API (the one module of it they import). */
const REQUIRES_XERO: ReadonlySet<FunctionId> = new Set(['books']);
const XERO_ACCOUNTING_API = 'xero-node/dist/gen/api/accountingApi.js';

export interface BundleRow {
  readonly fn: FunctionId;
  readonly clients: string[];
  readonly bundleKB: number;
  readonly floorKB: number;
  readonly initMs: number;
  readonly floorMs: number;
  readonly importError?: string;
  /** Init over the floor: the median, run by run, of the function less its floor timed beside it (what the budget judges). */
  readonly overMs: number;
  /** The spread of init over the floor, run by run: 25th and 75th percentiles. */
  readonly overMsSpread: readonly [number, number];
  /** A 95% confidence interval for the true median of init over the floor (see `medianInterval`). */
  readonly overMsInterval: readonly [number, number];
  /** Whether xero-node is in the bundle at all (in books it is in the floor too). */
  readonly withXeroNode: boolean;
  /** The packages over the floor, largest first (KB in the bundle). */
  readonly overFloor: { name: string; kb: number }[];
}

export interface BundlesResult {
  readonly runs: number;
  readonly emptyMs: number;
  readonly rows: BundleRow[];
  readonly xeroNode: { kb: number; initMs: number } | undefined;
}

const kb = (bytes: number) => bytes / 1024;
const signed = (ms: number) => `${Math.round(ms) < 0 ? '-' : '+'}${fixed(Math.abs(ms), 0)}`;

/** The package an input file belongs to (`@scope/name`, `name`), or `onramp` for our own source. */
function packageOf(input: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m ? m[1]! : 'onramp (shared/, functions/)';
}

function bytesByPackage(meta: Metafile): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(o.inputs)) out.set(packageOf(input), (out.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return out;
}

/** The AWS SDK client packages a bundle contains. */
function sdkClients(meta: Metafile): string[] {
  const found = new Set<string>();
  // Only what survived tree-shaking: an imported module whose code is all unused is listed with 0 bytes.
  for (const o of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(o.inputs)) {
      const m = /node_modules\/@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)\//.exec(input);
      if (m && bytesInOutput > 0) found.add(m[1]!);
    }
  }
  return [...found].sort();
}

/**
 * The commands a bundle sends, by client package (`client-dynamodb` → `GetItemCommand`, `lib-dynamodb` →
 * `GetCommand`): the part of each client the function uses, which its floor sends too.
 */
function sdkCommands(meta: Metafile): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  for (const o of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(o.inputs)) {
      const m = /node_modules\/@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)\/dist-es\/commands\/([A-Za-z0-9]+Command)\.js$/.exec(input);
      if (m && bytesInOutput > 0) found.set(m[1]!, (found.get(m[1]!) ?? new Set()).add(m[2]!));
    }
  }
  return new Map([...found].map(([pkg, names]) => [pkg, [...names].sort()]));
}

/** A client package's client class, as its type declarations name it (`client-sfn` → `SFNClient`). */
function clientClass(pkg: string): string {
  const dir = path.join(ROOT, 'node_modules', '@aws-sdk', pkg, 'dist-types');
  const file = fs.readdirSync(dir).find((f) => /^[A-Za-z0-9]+Client\.d\.ts$/.test(f) && !f.startsWith('DynamoDBDocument'));
  if (!file) throw new Error(`No client class in @aws-sdk/${pkg}`);
  return file.replace(/\.d\.ts$/, '');
}

/**
 * The floor's source: the same clients, made as the functions make them, with
 * the commands the function sends (each client's code the function uses,
 * which is the SDK's, not ours), and the libraries the design requires of
 * every function, in use: a middy
 * handler checking its event with a `zod/mini` schema (with zod's English
 * messages, which a seller reads), and for the books function xero-node's
 * Accounting API, made. Nothing else.
 */
export function floorSource(clients: string[], fn: FunctionId, commands: ReadonlyMap<string, readonly string[]> = new Map()): string {
  const lines: string[] = [
    "import middy from '@middy/core';",
    "import { config, object, string } from 'zod/mini';",
    "import en from 'zod/v4/locales/en.js';",
    'config(en());',
  ];
  const made: string[] = [];
  for (const pkg of clients) {
    if (pkg === 'lib-dynamodb') continue;
    const cls = clientClass(pkg);
    lines.push(`import { ${cls} } from '@aws-sdk/${pkg}';`);
    if (pkg === 'client-dynamodb' && clients.includes('lib-dynamodb')) {
      lines.push("import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';");
      made.push(`DynamoDBDocumentClient.from(new ${cls}({}), { marshallOptions: { removeUndefinedValues: true } })`);
    } else made.push(`new ${cls}({})`);
  }
  const sent: string[] = [];
  for (const [pkg, names] of commands) {
    if (!clients.includes(pkg) || names.length === 0) continue;
    const local = names.map((n) => `${n} as ${pkg.replace(/[^a-z]/g, '_')}_${n}`);
    lines.push(`import { ${local.join(', ')} } from '@aws-sdk/${pkg}';`);
    sent.push(...names.map((n) => `${pkg.replace(/[^a-z]/g, '_')}_${n}`));
  }
  if (sent.length > 0) made.push(`[${sent.join(', ')}]`);
  if (REQUIRES_XERO.has(fn)) {
    lines.push(`import { AccountingApi } from '${XERO_ACCOUNTING_API}';`);
    made.push('new AccountingApi()');
  }
  lines.push(
    `export const clients = [${made.join(', ')}];`,
    'const event = object({ body: string() });',
    'export const handler = middy(async (e) => (event.safeParse(e).success ? clients.length : 0));',
  );
  return lines.join('\n');
}

async function bundle(out: string, options: BuildOptions): Promise<Metafile> {
  const result = await build({ ...CDK_OPTIONS, ...options, outfile: out });
  return result.metafile!;
}

/** Replaces xero-node's Accounting API with an empty class: the books function without it. */
const withoutXero: Plugin = {
  name: 'without-xero-node',
  setup(b) {
    b.onResolve({ filter: /^xero-node\// }, (args) => ({ path: args.path, namespace: 'no-xero' }));
    b.onLoad({ filter: /.*/, namespace: 'no-xero' }, () => ({ contents: 'export class AccountingApi {}', loader: 'js' }));
  },
};

const CHILD = `
const url = process.env.BENCH_IMPORT;
try { await import(url); } catch (err) { process.stderr.write(String(err?.stack ?? err)); process.exit(3); }
process.stdout.write(String(performance.now()));
`;

/** Process start to the module imported, in a fresh Node process. */
function importTime(file: string, env: Record<string, string>): { ms: number } | { error: string } {
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, BENCH_IMPORT: pathToFileURL(file).href },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (res.status !== 0) return { error: (res.stderr || `exit ${res.status}`).split('\n')[0]!.slice(0, 300) };
  return { ms: Number(res.stdout) };
}

export async function bundlesAndInit(runs: number): Promise<BundlesResult> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-'));
  try {
    const empty = path.join(out, 'empty.mjs');
    fs.writeFileSync(empty, 'export const handler = async () => ({});\n');
    const built: { fn: FunctionId; file: string; floor: string; meta: Metafile; floorMeta: Metafile; clients: string[] }[] = [];
    for (const [fn, def] of Object.entries(FUNCTIONS) as [FunctionId, (typeof FUNCTIONS)[FunctionId]][]) {
      const file = path.join(out, `${fn}.mjs`);
      const meta = await bundle(file, { entryPoints: [path.join(ROOT, def.entry)] });
      const clients = sdkClients(meta);
      const floor = path.join(out, `${fn}.floor.mjs`);
      const floorMeta = await bundle(floor, { stdin: { contents: floorSource(clients, fn, sdkCommands(meta)), resolveDir: ROOT, sourcefile: `${fn}-floor.ts`, loader: 'ts' } });
      built.push({ fn, file, floor, meta, floorMeta, clients });
    }
    const noXero = path.join(out, 'books.without-xero.mjs');
    await bundle(noXero, { entryPoints: [path.join(ROOT, FUNCTIONS.books.entry)], plugins: [withoutXero] });

    // Interleaved (function, floor, empty, function, ...) so that a busy moment of the machine touches all three alike.
    const times = new Map<string, number[]>();
    const errors = new Map<string, string>();
    const time = (key: string, file: string, env: Record<string, string>) => {
      if (errors.has(key)) return;
      const r = importTime(file, env);
      if ('error' in r) errors.set(key, r.error);
      else times.set(key, [...(times.get(key) ?? []), r.ms]);
    };
    const paired = new Map<string, number[]>();
    for (let run = 0; run < runs; run++) {
      for (const b of built) {
        const env = { ...CLOUD_ENV, ONRAMP_FUNCTION: b.fn };
        time(b.fn, b.file, env);
        time(`${b.fn}:floor`, b.floor, env);
        time(`${b.fn}:empty`, empty, env);
        if (b.fn === 'books') time('books:without-xero', noXero, env);
        // Each figure less the empty module timed beside it.
        const e = times.get(`${b.fn}:empty`)?.at(-1);
        for (const key of [b.fn, `${b.fn}:floor`, ...(b.fn === 'books' ? ['books:without-xero'] : [])]) {
          const t = times.get(key)?.[run];
          if (t !== undefined && e !== undefined) paired.set(key, [...(paired.get(key) ?? []), t - e]);
        }
      }
    }
    const rows: BundleRow[] = built.map((b) => {
      const fnBytes = bytesByPackage(b.meta);
      const floorBytes = bytesByPackage(b.floorMeta);
      const overFloor = [...fnBytes]
        .map(([name, bytes]) => ({ name, kb: kb(bytes - (floorBytes.get(name) ?? 0)) }))
        .filter((p) => p.kb >= 1)
        .sort((a, z) => z.kb - a.kb);
      const importError = errors.get(b.fn);
      const fnRuns = paired.get(b.fn) ?? [];
      const floorRuns = paired.get(`${b.fn}:floor`) ?? [];
      const overRuns = fnRuns.map((t, i) => t - (floorRuns[i] ?? Number.NaN)).filter(Number.isFinite);
      return {
        fn: b.fn,
        clients: b.clients,
        bundleKB: kb(fs.statSync(b.file).size),
        floorKB: kb(fs.statSync(b.floor).size),
        initMs: median(paired.get(b.fn) ?? []),
        floorMs: median(paired.get(`${b.fn}:floor`) ?? []),
        overMs: median(overRuns),
        overMsSpread: [percentile(overRuns, 25), percentile(overRuns, 75)] as const,
        overMsInterval: medianInterval(overRuns),
        overFloor,
        withXeroNode: (fnBytes.get('xero-node') ?? 0) > 0,
        ...(importError ? { importError } : {}),
      };
    });
    const books = rows.find((r) => r.fn === 'books');
    const xeroNode = books
      ? { kb: books.bundleKB - kb(fs.statSync(noXero).size), initMs: books.initMs - median(paired.get('books:without-xero') ?? []) }
      : undefined;
    const allEmpty = built.flatMap((b) => times.get(`${b.fn}:empty`) ?? []);
    return { runs, emptyMs: median(allEmpty), rows, xeroNode };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

const SHORT: Record<string, string> = {
  'client-dynamodb': 'DynamoDB',
  'lib-dynamodb': 'lib-dynamodb',
  'client-sfn': 'SFN',
  'client-secrets-manager': 'Secrets Manager',
  'client-lambda': 'Lambda',
  'client-sts': 'STS',
};

/** Both budgets of a function, and whether its init's side of the budget is the run's luck. */
function verdict(row: BundleRow): string {
  if (row.importError) return 'missed';
  const bundle = row.bundleKB - row.floorKB <= BUDGET_BUNDLE_KB;
  const init = row.overMs <= BUDGET_INIT_MS;
  const luck = row.overMsInterval[0] <= BUDGET_INIT_MS && BUDGET_INIT_MS < row.overMsInterval[1] ? ' (init at the edge)' : '';
  return `${bundle && init ? 'met' : bundle ? 'init missed' : init ? 'bundle missed' : 'both missed'}${luck}`;
}

export function printBundles(r: BundlesResult): void {
  console.log(`\n1a. Bundles (ESM, minified, node22, createRequire banner, as the CDK builds them) and init`);
  console.log(`    init = a fresh Node process importing the bundle, less an empty module timed beside it; median of ${r.runs} interleaved runs`);
  console.log(`    (an empty module itself: ${fixed(r.emptyMs, 0)} ms from process start). Floor = the same AWS SDK clients, made, with the commands`);
  console.log(`    the function sends, and the libraries`);
  console.log(`    the design requires of every function (a @middy/core handler checking its event with zod/mini, English messages) and, for books,`);
  console.log(`    xero-node's Accounting API: bundled alone with the same options.`);
  console.log(`    Over the floor (the budget's figure): run by run, the function less its floor timed beside it, the median;`);
  console.log(`    its 25th..75th percentile (how much a busy machine moves one run), and a 95% confidence interval for the true median`);
  console.log(`    (distribution-free): a budget inside it is met or missed by the run's luck, and the table says so. The budget, and the`);
  console.log(`    bench's exit status, judge the median alone.\n`);
  console.log(
    table(
      ['function', 'bundle KB', 'floor KB', 'init ms', 'floor ms', 'over the floor', 'run by run', 'median 95%', 'budget', 'floor clients'],
      r.rows.map((row) => [
        row.fn,
        fixed(row.bundleKB, 0),
        fixed(row.floorKB, 0),
        row.importError ? 'THROWS' : fixed(row.initMs, 0),
        fixed(row.floorMs, 0),
        row.importError ? '-' : `+${fixed(row.bundleKB - row.floorKB, 0)} KB, ${signed(row.overMs)} ms`,
        row.importError ? '-' : `${fixed(row.overMsSpread[0], 0)}..${fixed(row.overMsSpread[1], 0)} ms`,
        row.importError ? '-' : `${fixed(row.overMsInterval[0], 0)}..${fixed(row.overMsInterval[1], 0)} ms`,
        verdict(row),
        row.clients.map((c) => SHORT[c] ?? c).join(' + ') || '(none)',
      ]),
    ),
  );
  for (const row of r.rows) {
    if (row.importError) console.log(`\n    ${row.fn} THROWS at import, with the cloud environment: ${row.importError}`);
  }
  if (r.xeroNode) {
    console.log(`\n    xero-node in the books function (only xero-node/dist/gen/api/accountingApi.js, and what it pulls in):`);
    console.log(`    +${fixed(r.xeroNode.kb, 0)} KB of the bundle, +${fixed(r.xeroNode.initMs, 0)} ms of init (the function built with an empty AccountingApi in its place).`);
  }
  // xero-node is the price of calling Xero: said above, and kept to the functions that call it.
  const withXero = r.rows.filter((row) => row.withXeroNode).map((row) => row.fn);
  check({
    what: 'xero-node only where Xero is called',
    limit: 'books alone',
    measured: withXero.join(', ') || '(none)',
    ok: withXero.every((fn) => fn === 'books'),
    why: `xero-node is bundled into ${withXero.filter((fn) => fn !== 'books').join(', ')}`,
  });
  for (const row of r.rows) {
    const top = row.overFloor.slice(0, 4).map((p) => `${p.name} ${fixed(p.kb, 0)} KB`).join(', ');
    const overKB = row.bundleKB - row.floorKB;
    const overMs = row.overMs;
    check({
      what: `${row.fn}: bundle`,
      limit: `<= floor + ${BUDGET_BUNDLE_KB} KB`,
      measured: `${fixed(row.bundleKB, 0)} KB (floor ${fixed(row.floorKB, 0)} KB, +${fixed(overKB, 0)} KB)`,
      ok: overKB <= BUDGET_BUNDLE_KB,
      why: `over the floor: ${top}`,
    });
    check({
      what: `${row.fn}: init`,
      limit: `<= floor + ${BUDGET_INIT_MS} ms`,
      measured: row.importError
        ? `throws at import: ${row.importError}`
        : `${fixed(row.initMs, 0)} ms (floor ${fixed(row.floorMs, 0)} ms; over it run by run ${signed(overMs)} ms, ${fixed(row.overMsSpread[0], 0)}..${fixed(row.overMsSpread[1], 0)} ms; median within ${fixed(row.overMsInterval[0], 0)}..${fixed(row.overMsInterval[1], 0)} ms at 95%)`,
      ok: !row.importError && overMs <= BUDGET_INIT_MS,
      why: row.importError ? 'the module throws when imported' : `the code over the floor is parsed and run at import: ${top}`,
    });
  }
}
