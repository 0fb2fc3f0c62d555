/**
 * `node:stream/web` as the functions' bundles see it (an esbuild alias,
 * `infra/bundling.ts`). @middy/core imports `ReadableStream` from it at the
 * top of its module only to recognise a streamed response, which no function
 * here returns; loading Node's web streams for that cost every cold start
 * about 2.4 ms. This `ReadableStream` stands for Node's global class, read
 * each time it is used (`instanceof`, `new`, a call, any property), so that
 * nothing loads the web streams until something does use them.
 */
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

type ReadableStreamClass = typeof NodeReadableStream;

const real = (): ReadableStreamClass => globalThis.ReadableStream as unknown as ReadableStreamClass;

export const ReadableStream: ReadableStreamClass = new Proxy(function ReadableStream() {} as unknown as ReadableStreamClass, {
  get: (_target, key) => Reflect.get(real(), key),
  has: (_target, key) => Reflect.has(real(), key),
  construct: (_target, args, newTarget) => Reflect.construct(real(), args, newTarget === ReadableStream ? real() : newTarget),
  apply: (_target, thisArg, args) => Reflect.apply(real(), thisArg, args),
  getPrototypeOf: () => Reflect.getPrototypeOf(real()),
});
