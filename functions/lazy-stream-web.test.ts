import { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { describe, expect, it } from 'vitest';
import { ReadableStream } from './lazy-stream-web.js';

describe('the ReadableStream the bundles use in place of node:stream/web', () => {
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

  it('has the class\u2019s static methods', async () => {
    const stream = ReadableStream.from(['x', 'y']);
    expect(stream).toBeInstanceOf(NodeReadableStream);
  });
});
