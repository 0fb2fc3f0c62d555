import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './stack.js';

/** `npm start` with a bad environment, as a newcomer might type it. */
function start(env: Record<string, string>) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'local/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: res.status, out: `${res.stdout}${res.stderr}` };
}

describe('npm start with a bad environment', () => {
  it('stops with one sentence naming every bad variable, and no stack trace', () => {
    const { status, out } = start({ PORT: '70000', LOG_LEVEL: 'loud' });
    expect(status).toBe(1);
    expect(out.trim()).toBe('Onramp could not start. Invalid environment: PORT: must be from 0 to 65535; LOG_LEVEL: must be one of DEBUG, INFO, WARN, ERROR, SILENT');
  });
});
