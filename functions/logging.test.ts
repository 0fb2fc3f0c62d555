import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from '#shared/runtime/zod.js';
import { logger } from '#shared/runtime/logger.js';
import { httpEvent, lambdaContext } from './test-events.js';
import { httpHandler, route } from './http.js';
import { withLogContext } from './logging.js';

/** The JSON log lines written while `run` runs. */
async function logLines(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  try {
    await run().catch(() => undefined);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

// A DynamoDB that refuses everything at once (loopback), so the functions fail fast and log it.
const refusing = http.createServer((_req, res) => {
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ValidationException', message: 'refused' }));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_SFN: endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    TABLE_NAME: 'onramp',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111111111111:stateMachine:wizard',
  });
  logger.setLogLevel('INFO');
});
afterEach(() => logger.resetKeys());
afterAll(async () => {
  logger.setLogLevel('SILENT');
  await new Promise((resolve) => refusing.close(resolve));
});

describe('the log context', () => {
  it('gives every line the request id and the cold-start flag, and forgets the keys of the previous invocation', async () => {
    const handler = withLogContext(async (event: { key?: string }) => {
      if (event.key) logger.appendKeys({ sellerEmail: event.key });
      logger.info('did something');
      return 'ok';
    });
    const first = await logLines(() => handler({ key: 'ada@example.com' }, lambdaContext('first-request')));
    const second = await logLines(() => handler({}, lambdaContext('second-request')));
    expect(first[0]).toMatchObject({ function_request_id: 'first-request', sellerEmail: 'ada@example.com' });
    expect(first[0]).toHaveProperty('cold_start');
    expect(second[0]).toMatchObject({ function_request_id: 'second-request', cold_start: false });
    expect(JSON.stringify(second)).not.toContain('first-request');
    expect(second[0]).not.toHaveProperty('sellerEmail');
  });

  it('clears the keys of an invocation that failed', async () => {
    const handler = withLogContext(async (event: { fail?: boolean }) => {
      if (event.fail) {
        logger.appendKeys({ accountId: 'acc-1' });
        throw new Error('boom');
      }
      logger.info('fine');
    });
    await logLines(() => handler({ fail: true }, lambdaContext('r1')));
    const [line] = await logLines(() => handler({}, lambdaContext('r2')));
    expect(line).not.toHaveProperty('accountId');
  });

  it('applies to the HTTP handlers', async () => {
    const handler = httpHandler({
      'POST /api/auth/login': route({
        body: z.strictObject({ email: z.string() }),
        handle: async ({ body }) => {
          logger.appendKeys({ sellerEmail: body.email });
          logger.info('signing in');
          return { status: 204 };
        },
      }),
      'GET /api/catalog': route({
        handle: async () => {
          logger.info('the catalog');
          return { body: {} };
        },
      }),
    });
    const first = await logLines(() => handler(httpEvent('POST /api/auth/login', { body: '{"email":"ada@example.com"}', requestId: 'api-1' }), lambdaContext('lambda-1')));
    const second = await logLines(() => handler(httpEvent('GET /api/catalog', { requestId: 'api-2' }), lambdaContext('lambda-2')));
    expect(first[0]).toMatchObject({ function_request_id: 'lambda-1', correlationId: 'api-1', sellerEmail: 'ada@example.com' });
    expect(second[0]).toMatchObject({ function_request_id: 'lambda-2', correlationId: 'api-2', route: 'GET /api/catalog' });
    expect(JSON.stringify(second)).not.toMatch(/ada@example\.com|lambda-1|api-1/);
  });

  it('applies to the wizard task and support functions, which share no keys across invocations', async () => {
    const wizardTask = (await import('./wizard-task/handler.js')).handler;
    const support = (await import('./support/handler.js')).handler;
    const ids = { accountId: 'acc-1', sellerId: 'seller-1', executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:wizard:acc-1-1', step: 'connect_channel' };
    const task = await logLines(() => wizardTask({ action: 'fail', ...ids, error: { Error: 'States.TaskFailed' } }, lambdaContext('task-1')));
    expect(task.find((l) => l.message === 'wizard execution failed')).toMatchObject({ function_request_id: 'task-1', accountId: 'acc-1', step: 'connect_channel' });
    const lines = await logLines(() => support({ action: 'show', target: { accountId: 'acc-2' } }, lambdaContext('support-1')));
    const failed = lines.find((l) => l.message === 'support action failed');
    expect(failed).toMatchObject({ function_request_id: 'support-1', action: 'show' });
    expect(failed).not.toHaveProperty('accountId');
    expect(failed).not.toHaveProperty('step');
  });
});
