import { describe, expect, it } from 'vitest';
import { booksConnectRequest, createAccountRequest, mappingRequest, signupRequest } from '#shared/http/schemas.js';
import * as z from '#shared/runtime/zod.js';
import type { SessionStore } from '#shared/ports/index.js';
import { callbackRoute, fieldErrors, httpHandler, route, sellerRoute } from './http.js';
import { httpEvent, lambdaContext } from './test-events.js';

describe('fieldErrors', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('names an unexpected "%s" key like any other unknown field', (key) => {
    const parsed = z.strictObject({ name: z.string() }).safeParse(JSON.parse(`{"name": "Ada", "${key}": 1}`));
    const fields = fieldErrors(parsed.error!.issues);
    expect(Object.keys(fields)).toEqual([key]);
    expect(fields[key]).toBe(`"${key}" is not a field we accept. Remove it and try again.`);
  });

  it.each([
    ['a body that is not an object', signupRequest, [], 'body', 'Invalid input: expected object, received array'],
    ['a reference too short to be one', booksConnectRequest, { reuse: 'ab' }, 'reuse', 'Too small: expected string to have >=3 characters'],
    ['a region longer than any', createAccountRequest, { name: 'Shop', channel: 'amazon', region: 'x'.repeat(41) }, 'region', 'Too big: expected string to have <=40 characters'],
    ['a mapping without its accounts', mappingRequest, { taxRates: {}, startDate: '2026-11-01' }, 'accounts', 'Invalid input: expected record, received undefined'],
  ])('says what is wrong with %s in zod\u2019s English words where the schema has none of its own', (_what, schema, body, field, reason) => {
    const parsed = z.safeParse(schema, body);
    expect(fieldErrors(parsed.error!.issues)).toEqual({ [field]: reason });
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

  it('refuses at cold start a route about one account, a provider\u2019s redirect back, or the list of accounts, whose session store does not read the accounts with the session', () => {
    const fail = async () => {
      throw new Error('not called');
    };
    const sessions: SessionStore = { create: fail, find: fail, touch: fail, delete: fail, listForUser: fail, deleteById: fail };
    const ok = async () => ({ status: 204 });
    expect(() => httpHandler({ 'GET /api/accounts/{id}': sellerRoute({ handle: ok }) }, { sessions })).toThrow(/reads the session with the seller.s accounts/);
    expect(() => httpHandler({ 'GET /api/oauth/{provider}/callback': callbackRoute({ handle: ok }) }, { sessions })).toThrow(/reads the session with the seller.s accounts/);
    expect(() => httpHandler({ 'GET /api/accounts': sellerRoute({ readsAccounts: true, handle: ok }) }, { sessions })).toThrow(/reads the session with the seller.s accounts/);
    expect(() => httpHandler({ 'GET /api/accounts': sellerRoute({ handle: ok }) }, { sessions })).not.toThrow();
  });
});
