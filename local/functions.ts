/**
 * The functions the local stack hosts: the same handler modules the CDK
 * bundles, imported in-process once the local environment is set.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { FUNCTIONS, type FunctionId } from '../shared/http/routes.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export class LocalFunctions {
  private readonly loaded = new Map<FunctionId, Promise<Handler>>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly root: string) {}

  private load(id: FunctionId): Promise<Handler> {
    let handler = this.loaded.get(id);
    if (!handler) {
      const file = pathToFileURL(path.join(this.root, FUNCTIONS[id].entry)).href;
      handler = import(file).then((m: { handler: Handler }) => m.handler);
      this.loaded.set(id, handler);
    }
    return handler;
  }

  /** Invokes a function as Lambda would: one event, a fresh context. */
  async invoke(id: FunctionId, event: unknown): Promise<unknown> {
    const handler = await this.load(id);
    const requestId = randomUUID();
    const context = {
      awsRequestId: requestId,
      functionName: `onramp-${id}`,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:onramp-${id}`,
      memoryLimitInMB: '512',
      logGroupName: `/aws/lambda/onramp-${id}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => 10_000,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } satisfies Context;
    const running = handler(event, context);
    this.inFlight.add(running);
    void running.then(
      () => this.inFlight.delete(running),
      () => this.inFlight.delete(running),
    );
    return running;
  }

  /**
   * Waits, up to `ms`, for the invocations in flight to end: a stack that
   * stops lets them finish their writes before its database closes.
   */
  async drain(ms = 5_000): Promise<void> {
    const end = Date.now() + ms;
    while (this.inFlight.size > 0 && Date.now() < end) {
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 50))]);
    }
  }
}
