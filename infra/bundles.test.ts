/**
 * The functions as they are deployed: each bundled as the CDK bundles it
 * (the package declares its source free of import side effects, so a bundle
 * leaves out what its function never uses), then imported in a fresh Node
 * process with the cloud's environment and invoked. An HTTP function answers
 * a request it can answer without AWS (the catalog; a sign-up refused with
 * zod's English message; a malformed account id, refused before any call);
 * the others only load. The AWS endpoints are a
 * closed loopback port, so nothing can leave the machine.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { httpEvent } from '../functions/test-events.js';
import { FUNCTIONS, ROUTES, type FunctionId } from '../shared/http/routes.js';
import { ORIGIN_SECRET_HEADER } from '../shared/http/security-headers.js';
import { FUNCTION_BUNDLE_OPTIONS } from './bundling.js';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bundles-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const ORIGIN_SECRET = 'an-origin-secret-of-some-length';
const ENV: Record<string, string> = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'not-a-real-key',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  LOG_LEVEL: 'SILENT',
  TABLE_NAME: 'onramp',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111111111111:stateMachine:OnrampWizard',
  SECRET_PREFIX: 'onramp/',
  SECRETS_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000',
  APP_ORIGIN: 'https://onramp.example.com',
  APP_SECRET_PREFIX: 'onramp-apps/',
  SITE_ORIGIN: 'https://d111111abcdef8.cloudfront.net',
  ORIGIN_VERIFY_SECRET: ORIGIN_SECRET,
  CLIENT_ADDRESS_HEADER: 'cloudfront-viewer-address',
};

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

describe('the functions as deployed', () => {
  for (const [fn, def] of Object.entries(FUNCTIONS) as [FunctionId, (typeof FUNCTIONS)[FunctionId]][]) {
    const request = requestFor(fn);
    it(`${fn}: bundles, loads with the cloud's environment${request ? `, and answers ${request.status} without AWS` : ''}`, async () => {
      const file = path.join(out, `${fn}.mjs`);
      await build({ ...FUNCTION_BUNDLE_OPTIONS, entryPoints: [path.join(ROOT, def.entry)], outfile: file, absWorkingDir: ROOT, logLevel: 'silent' });
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
