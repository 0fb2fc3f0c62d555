/**
 * The functions as they are deployed: each bundled as the CDK bundles it
 * (the package declares its source free of import side effects, so a bundle
 * leaves out what its function never uses), then imported in a fresh Node
 * process with the cloud's environment and invoked. An HTTP function answers
 * a request it can answer without AWS (the catalog; a sign-up refused with
 * zod's English message; a malformed account id, refused before any call);
 * the others only load. Each carries no AWS client whole, and a function given only some
 * providers' connectors carries no other's. The AWS endpoints are a
 * closed loopback port, so nothing can leave the machine.
 */
import { build, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { httpEvent } from '../functions/test-events.js';
import { FUNCTIONS, ROUTES, type FunctionId } from '../shared/http/routes.js';
import { ORIGIN_SECRET_HEADER } from '../shared/http/security-headers.js';
import { BOOKS_CONNECT, CONSENT_FINISH, ONE_CLICK } from '../shared/providers/registries.js';
import { CLOUD_ENV, FUNCTION_BUNDLE_OPTIONS } from './bundling.js';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bundles-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

// The cloud's environment, with AWS's endpoints a closed loopback port and fake keys, so that nothing leaves the machine.
const AWS_UNREACHABLE = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'not-a-real-key',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
};
// The origin secret's value given directly (as tests do), so that a request gets past the edge without AWS.
const ORIGIN_SECRET = 'an-origin-secret-of-some-length';
const { ORIGIN_VERIFY_SECRET_ARN: _arn, ...withoutArn } = CLOUD_ENV;
const ENV: Record<string, string> = { ...withoutArn, ...AWS_UNREACHABLE, ORIGIN_VERIFY_SECRET: ORIGIN_SECRET };

const CHILD = `
const mod = await import(process.env.BUNDLE);
const event = process.env.EVENT ? JSON.parse(process.env.EVENT) : undefined;
if (typeof mod.handler !== 'function') throw new Error('no handler');
const context = { awsRequestId: 'req-1', functionName: 'onramp', getRemainingTimeInMillis: () => 10000 };
const res = event ? await mod.handler(event, context) : undefined;
process.stdout.write(JSON.stringify(res ?? null));
process.exit(0);
`;

/**
 * A request the function answers without AWS: the catalog; a sign-up whose body is not an object, refused
 * with zod's own English message (which a bundle keeps only with the locale zod is configured with); or one of
 * the function's routes with a malformed account id.
 */
function requestFor(fn: FunctionId): { event: unknown; status: number; message?: string } | undefined {
  const routes = ROUTES.filter((r) => r.fn === fn);
  const headers = { [ORIGIN_SECRET_HEADER]: ORIGIN_SECRET, 'cloudfront-viewer-address': '192.0.2.1:443' };
  if (fn === 'catalog') return { event: httpEvent('GET /api/catalog', { headers }), status: 200 };
  if (fn === 'auth') {
    return { event: httpEvent('POST /api/auth/signup', { headers, body: '[]' }), status: 400, message: 'Invalid input: expected object, received array' };
  }
  const withId = routes.find((r) => r.path.includes('{id}') && r.method === 'GET') ?? routes.find((r) => r.path.includes('{id}'));
  if (!withId) return undefined;
  const event = httpEvent(`${withId.method} ${withId.path}`, { headers, ...(withId.method === 'GET' ? {} : { body: '{}' }) });
  return { event: { ...event, pathParameters: { id: 'not-an-account', provider: 'ebay' } }, status: 404 };
}

/**
 * The AWS clients a bundle carries whole: a package's aggregated client (`SecretsManager`, beside
 * `SecretsManagerClient`) names every command of the service, so it brings them all. It comes in when a client
 * package is imported in a way the bundler cannot trim (a dynamic import of a module that imports it did so).
 */
function aggregatedClients(meta: Metafile): string[] {
  const inputs = Object.values(meta.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([name]) => name));
  const present = new Set(inputs);
  return inputs.filter((name) => /@aws-sdk\/client-[^/]+\/dist-es\/[A-Za-z0-9]+\.js$/.test(name) && present.has(name.replace(/\.js$/, 'Client.js')));
}

/** The functions given only some providers' connectors, and those connectors. */
const NARROW = { books: BOOKS_CONNECT, oauthCallback: CONSENT_FINISH, keysCallback: ONE_CLICK } as const;

/**
 * The providers whose own calls a bundle carries: any module of a provider's folder but its definition (a piece
 * the standard code flow gives, such as eBay's consent URL, is in `shared/connectors/`, not the provider's folder).
 */
function connectorsIn(meta: Metafile): string[] {
  const inputs = Object.values(meta.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([name]) => name));
  return [...new Set(inputs.flatMap((name) => /^shared\/providers\/([a-z-]+)\/(?!definition\.ts$)[^/]+\.ts$/.exec(name)?.[1] ?? []))].sort();
}

/**
 * The connector pieces a function's bundle carries, told by a string only that piece sends: the standard consent
 * URL's PKCE parameter (`start`), the code exchange's grant type (`finish`). Each function carries only those of
 * what it does (`shared/providers/registries.ts`).
 */
const PIECE_MARKS = { start: 'code_challenge_method', finish: 'authorization_code' } as const;
const PIECES: Partial<Record<FunctionId, (keyof typeof PIECE_MARKS)[]>> = { connect: ['start'], books: ['start'], oauthCallback: ['finish'] };

describe('the functions as deployed', () => {
  for (const [fn, def] of Object.entries(FUNCTIONS) as [FunctionId, (typeof FUNCTIONS)[FunctionId]][]) {
    const request = requestFor(fn);
    it(`${fn}: bundles, loads with the cloud's environment${request ? `, and answers ${request.status} without AWS` : ''}`, async () => {
      const file = path.join(out, `${fn}.mjs`);
      const { metafile } = await build({ ...FUNCTION_BUNDLE_OPTIONS, entryPoints: [path.join(ROOT, def.entry)], outfile: file, absWorkingDir: ROOT, logLevel: 'silent', metafile: true });
      expect(aggregatedClients(metafile)).toEqual([]);
      if (fn in NARROW) expect(connectorsIn(metafile).filter((id) => !(id in NARROW[fn as keyof typeof NARROW]))).toEqual([]);
      const text = fs.readFileSync(file, 'utf8');
      expect((Object.keys(PIECE_MARKS) as (keyof typeof PIECE_MARKS)[]).filter((piece) => text.includes(PIECE_MARKS[piece]))).toEqual(PIECES[fn] ?? []);
      const res = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
        env: { PATH: process.env.PATH ?? '', ...ENV, ONRAMP_FUNCTION: fn, BUNDLE: pathToFileURL(file).href, ...(request ? { EVENT: JSON.stringify(request.event) } : {}) },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      if (request) {
        const answer = JSON.parse(res.stdout) as { statusCode: number; body: string };
        expect(answer.statusCode).toBe(request.status);
        if (request.message) expect((JSON.parse(answer.body) as { error: { message: string } }).error.message).toBe(request.message);
        if (fn === 'catalog') expect((JSON.parse(answer.body) as { channels: unknown[] }).channels.length).toBeGreaterThan(0);
      }
    }, 60_000);
  }
});

describe('the origin secret as deployed', () => {
  it('is read from Secrets Manager by its ARN, as the CDK configures it: unreachable, the catalog answers 503 with a sentence, and does not crash', async () => {
    const file = path.join(out, 'catalog-origin.mjs');
    await build({ ...FUNCTION_BUNDLE_OPTIONS, entryPoints: [path.join(ROOT, FUNCTIONS.catalog.entry)], outfile: file, absWorkingDir: ROOT, logLevel: 'silent' });
    const event = httpEvent('GET /api/catalog', { headers: { [ORIGIN_SECRET_HEADER]: ORIGIN_SECRET } });
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
      env: { PATH: process.env.PATH ?? '', ...CLOUD_ENV, ...AWS_UNREACHABLE, ONRAMP_FUNCTION: 'catalog', BUNDLE: pathToFileURL(file).href, EVENT: JSON.stringify(event) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status).toBe(0);
    const answer = JSON.parse(res.stdout) as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(503);
    expect((JSON.parse(answer.body) as { error: { message: string } }).error.message).toMatch(/\w+ \w+/);
  }, 60_000);
});
