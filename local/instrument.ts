/**
 * Watching the local stack at work, for the bench and the fault matrix: which
 * function (and route) made each AWS call, every attempt the SDK sent, and a
 * way to make a chosen call fail.
 *
 * Calls are observed in the AWS SDK's middleware stack of the shared clients
 * (`onSharedClient`), not at the local endpoints: only there is the function
 * that made a call known (an AsyncLocalStorage context set around each
 * invocation), the operation named as the SDK names it, and a fault thrown
 * above the SDK's own retries, as a call that failed for good would be.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { onSharedClient, type SharedClient } from '../shared/adapters/aws.js';
import type { FunctionId } from '../shared/http/routes.js';
import type { LocalStack } from './stack.js';

/** Who is running: the function, its route (HTTP events) and whom the caller attributes the work to. */
export interface CallContext {
  readonly fn: FunctionId;
  readonly route: string | undefined;
  readonly owner: string | undefined;
}

export interface AwsCall {
  /** `DynamoDB`, `SFN`, `SecretsManager`. */
  readonly service: string;
  /** As the API names it: `GetItem`, `StartExecution`, `GetSecretValue`. */
  readonly operation: string;
  readonly input: Readonly<Record<string, any>>;
  readonly context: CallContext | undefined;
}

export interface Invocation {
  readonly fn: FunctionId;
  readonly event: any;
  readonly context: CallContext;
  readonly ms: number;
  readonly error: unknown;
}

export interface Watchers {
  /** Before each call, above the SDK's retries: throwing makes the call fail as a whole. */
  before?(call: AwsCall): void;
  /** After each attempt the SDK sends (inside its retries), with the output when there is one. */
  attempt?(call: AwsCall, output: Record<string, any> | undefined, error: unknown): void;
  /** After each function invocation. */
  invoked?(invocation: Invocation): void;
  /** Asks DynamoDB to report the capacity each request consumed (`ReturnConsumedCapacity: TOTAL`). */
  readonly consumedCapacity?: boolean;
  /** Whom an invocation's work is attributed to (a seller, an onboarding). */
  ownerOf?(fn: FunctionId, event: any): string | undefined;
}

const context = new AsyncLocalStorage<CallContext>();
const CAPACITY_OPERATIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactWriteItems']);

const serviceOf = (clientName: string | undefined) => (clientName ?? 'Unknown').replace(/Client$/, '').replace(/^DynamoDBDocument$/, 'DynamoDB');
const operationOf = (commandName: string | undefined) => (commandName ?? 'Unknown').replace(/Command$/, '');

function watchClient(client: SharedClient, watchers: Watchers): void {
  const stack = client.middlewareStack as unknown as {
    add(mw: unknown, options: Record<string, unknown>): void;
  };
  const callOf = (ctx: { clientName?: string; commandName?: string }, input: Record<string, any>): AwsCall => ({
    service: serviceOf(ctx.clientName),
    operation: operationOf(ctx.commandName),
    input,
    context: context.getStore(),
  });
  stack.add(
    (next: (args: any) => Promise<any>, ctx: { clientName?: string; commandName?: string }) => async (args: { input: Record<string, any> }) => {
      const call = callOf(ctx, args.input);
      if (watchers.consumedCapacity && call.service === 'DynamoDB' && CAPACITY_OPERATIONS.has(call.operation)) args.input.ReturnConsumedCapacity ??= 'TOTAL';
      watchers.before?.(call);
      return next(args);
    },
    { step: 'initialize', name: 'onrampWatchCalls', override: true },
  );
  stack.add(
    (next: (args: any) => Promise<any>, ctx: { clientName?: string; commandName?: string }) => async (args: { input: Record<string, any> }) => {
      const call = callOf(ctx, args.input);
      try {
        const result = await next(args);
        watchers.attempt?.(call, result?.output, undefined);
        return result;
      } catch (err) {
        watchers.attempt?.(call, undefined, err);
        throw err;
      }
    },
    // Inside the retry middleware (finalizeRequest, high priority): once per attempt sent.
    { step: 'finalizeRequest', priority: 'low', name: 'onrampWatchAttempts', override: true },
  );
}

/**
 * Watches the stack: every shared AWS client made from now on (call before
 * `startLocalStack`, which makes them afresh) and every function invocation.
 * Returns a function that stops watching.
 */
export function watch(watchers: Watchers): { attach(stack: LocalStack): void; stop(): void } {
  onSharedClient((client) => watchClient(client, watchers));
  return {
    attach(stack) {
      const functions = stack.functions;
      const invoke = functions.invoke.bind(functions);
      // The gateway, Lambda Invoke and Step Functions all call `functions.invoke`.
      functions.invoke = async (fn, event) => {
        const ctx: CallContext = {
          fn,
          route: typeof (event as { routeKey?: unknown })?.routeKey === 'string' ? (event as { routeKey: string }).routeKey : undefined,
          owner: watchers.ownerOf?.(fn, event),
        };
        const t0 = performance.now();
        let error: unknown;
        try {
          return await context.run(ctx, () => invoke(fn, event));
        } catch (err) {
          error = err;
          throw err;
        } finally {
          watchers.invoked?.({ fn, event, context: ctx, ms: performance.now() - t0, error });
        }
      };
    },
    stop() {
      onSharedClient(undefined);
    },
  };
}

/** The session token in an API Gateway v2 event's cookies, if any. */
export function sessionTokenOf(event: { cookies?: string[] } | undefined): string | undefined {
  for (const c of event?.cookies ?? []) {
    const [name, ...rest] = c.split('=');
    if (name === 'onramp_session' || name === '__Host-onramp_session') return rest.join('=');
  }
  return undefined;
}
