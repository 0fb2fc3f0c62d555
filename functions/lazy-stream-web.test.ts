import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_ALIASES } from '../infra/bundling.js';
import { ReadableStream } from './lazy-stream-web.js';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-stream-web-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

/** Bundles a handler made with middy as the functions are bundled, with or without the aliases, and lists the web stream modules its import loads. */
async function webStreamsLoadedBy(aliases: Record<string, string>): Promise<string[]> {
  const file = path.join(out, `${Object.keys(aliases).length}.mjs`);
  await build({
    stdin: { contents: "import middy from '@middy/core'; export const handler = middy(async () => 'ok');", resolveDir: ROOT, loader: 'ts' },
    absWorkingDir: ROOT,
    alias: aliases,
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: file,
    logLevel: 'silent',
  });
  const probe = [
    'const before = new Set(process.moduleLoadList);',
    `await import(${JSON.stringify(`file://${file}`)});`,
    "console.log(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m) && m.includes('webstreams'))));",
  ].join('\n');
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

describe('the ReadableStream the bundles use in place of node:stream/web', () => {
  it('keeps a function\u2019s cold start from loading Node\u2019s web streams, which middy alone loads', async () => {
    expect(await webStreamsLoadedBy({})).not.toEqual([]);
    expect(await webStreamsLoadedBy({ ...BUNDLE_ALIASES })).toEqual([]);
  });

  it('recognises Node\u2019s streams and nothing else', () => {
    expect(new NodeReadableStream() instanceof ReadableStream).toBe(true);
    expect({} instanceof ReadableStream).toBe(false);
    expect(Object('text') instanceof ReadableStream).toBe(false);
  });

  it('makes Node\u2019s streams, which read as Node\u2019s own', async () => {
    const stream = new ReadableStream<string>({ start: (c) => (c.enqueue('a'), c.close()) });
    expect(stream).toBeInstanceOf(NodeReadableStream);
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toEqual(['a']);
  });

  it('behaves as the class does: static methods, subclasses, and no call without new', () => {
    expect(ReadableStream.from(['x', 'y'])).toBeInstanceOf(NodeReadableStream);
    class Counted extends ReadableStream<number> {}
    const counted = new Counted();
    expect(counted).toBeInstanceOf(Counted);
    expect(counted).toBeInstanceOf(NodeReadableStream);
    expect(() => (ReadableStream as unknown as () => unknown)()).toThrow(TypeError);
  });
});
