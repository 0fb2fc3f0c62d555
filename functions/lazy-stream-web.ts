/**
 * `node:stream/web` as the functions' bundles see it (an esbuild alias,
 * `infra/bundling.ts`). @middy/core imports `ReadableStream` from it at the
 * top of its module only to recognise a streamed response, which no function
 * here returns; loading Node's web streams for that cost every cold start
 * about 2.4 ms. This `ReadableStream` is Node's own class (the global one),
 * looked up when it is first used: `instanceof`, `new`, or any property.
 */
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

type ReadableStreamClass = typeof NodeReadableStream;

const real = (): ReadableStreamClass => globalThis.ReadableStream as unknown as ReadableStreamClass;

export const ReadableStream: ReadableStreamClass = new Proxy(function ReadableStream() {} as unknown as ReadableStreamClass, {
  get: (_target, key) => Reflect.get(real(), key),
  has: (_target, key) => Reflect.has(real(), key),
  construct: (_target, args, newTarget) => Reflect.construct(real(), args, newTarget === ReadableStream ? real() : newTarget),
  getPrototypeOf: () => Reflect.getPrototypeOf(real()),
});
