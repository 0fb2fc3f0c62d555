import { describe, expect, it } from 'vitest';
import { lambdaContext } from '#functions/test-events.js';
import { Logger } from './logger.js';

function capture(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' = 'DEBUG') {
  const lines: Record<string, unknown>[] = [];
  const log = new Logger({ serviceName: 'onramp', logLevel: level, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

describe('the logger', () => {
  it('writes one JSON line per entry with the level, message, time, service and data', () => {
    const { log, lines } = capture();
    log.info('account created', { accountId: 'acc-1' });
    expect(lines).toEqual([{ level: 'INFO', message: 'account created', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), service: 'onramp', accountId: 'acc-1' }]);
  });

  it('writes only entries at or above its level, and nothing when SILENT', () => {
    const { log, lines } = capture('WARN');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((l) => l.level)).toEqual(['WARN', 'ERROR']);
    log.setLogLevel('SILENT');
    log.error('e');
    expect(lines).toHaveLength(2);
    expect(log.getLevelName()).toBe('SILENT');
  });

  it('carries the Lambda context on every line, cold start on the first invocation only', () => {
    const { log, lines } = capture();
    log.addContext(lambdaContext('first'));
    log.info('one');
    log.addContext(lambdaContext('second'));
    log.info('two');
    expect(lines[0]).toMatchObject({ function_request_id: 'first', cold_start: true });
    expect(lines[1]).toMatchObject({ function_request_id: 'second', cold_start: false });
  });

  it('forgets appended keys on reset, so none reaches the next invocation', () => {
    const { log, lines } = capture();
    log.appendKeys({ sellerEmail: 'ada@example.com' });
    log.info('one');
    log.resetKeys();
    log.info('two');
    expect(lines[0]).toHaveProperty('sellerEmail');
    expect(lines[1]).not.toHaveProperty('sellerEmail');
  });

  it('writes an error as its name, message and stack only, never its other properties', () => {
    const { log, lines } = capture();
    const err = Object.assign(new Error('refused'), { $response: { headers: { authorization: 'Bearer something' } } });
    log.error('failed', { err });
    expect(lines[0]!.err).toEqual({ name: 'Error', message: 'refused', stack: expect.any(String) });
    expect(JSON.stringify(lines)).not.toContain('Bearer');
  });
});
