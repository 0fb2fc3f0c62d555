import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { fieldErrors, httpHandler, route } from './http.js';
import { httpEvent, lambdaContext } from './test-events.js';

describe('fieldErrors', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('names an unexpected "%s" key like any other unknown field', (key) => {
    const parsed = z.strictObject({ name: z.string() }).safeParse(JSON.parse(`{"name": "Ada", "${key}": 1}`));
    const fields = fieldErrors(parsed.error!);
    expect(Object.keys(fields)).toEqual([key]);
    expect(fields[key]).toBe(`"${key}" is not a field we accept. Remove it and try again.`);
  });
});

describe('httpHandler', () => {
  const handler = httpHandler({
    'POST /api/auth/login': route({ body: z.strictObject({ email: z.string() }), handle: async () => ({ status: 204 }) }),
  });

  it('answers a body with a "__proto__" key with a 400 that names it', async () => {
    const res = await handler(httpEvent('POST /api/auth/login', { body: '{"email": "a@example.com", "__proto__": {"admin": true}}' }), lambdaContext('r1'));
    expect(res.statusCode).toBe(400);
    const { error } = JSON.parse(res.body!);
    expect(Object.entries(error.fields)).toEqual([['__proto__', '"__proto__" is not a field we accept. Remove it and try again.']]);
    expect(error.message).toContain('__proto__');
  });
});
