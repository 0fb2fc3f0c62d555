/**
 * Every function's log context: each line carries the Lambda request id,
 * the cold-start flag and the function name, and whatever keys one
 * invocation appends are cleared when it ends, so none leaks into the next
 * (a warm container serves many sellers).
 * (What Powertools' `injectLambdaContext(logger, { clearState: true })` does,
 * for the logger of `shared/runtime/logger.ts`; the level is left alone, so the local
 * stack can set it once for all the functions it hosts in one process.)
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '#shared/runtime/logger.js';

/** The middleware, for handlers that already build a middy chain (use it first, so it clears last). */
export function lambdaLogContext<E = unknown, R = unknown>(): MiddlewareObj<E, R> {
  const clear = async () => {
    logger.resetKeys();
  };
  return {
    before: async ({ context }) => {
      logger.resetKeys();
      logger.addContext(context);
    },
    after: clear,
    onError: clear,
  };
}

/** Wraps a handler that is not on the HTTP API (state machine tasks, support) with the same log context. */
export function withLogContext<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>(handler).use(lambdaLogContext<E, R>());
}
