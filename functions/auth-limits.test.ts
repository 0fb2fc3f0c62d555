import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, withStack } from '#local/test-helpers.js';
import type { LocalStack } from '#local/stack.js';

let stack: LocalStack;
beforeAll(async () => {
  // Strict limits, so a few requests reach them (this file runs in a process of its own).
  stack = await withStack({
    env: { SIGN_IN_MAX_PER_EMAIL_AND_CLIENT: '3', SIGN_IN_MAX_PER_CLIENT: '12', SIGN_UP_MAX_PER_EMAIL: '2', SIGN_UP_MAX_PER_CLIENT: '4' },
  });
});
afterAll(async () => {
  await stack.stop();
});

const PASSWORD = 'a long enough passphrase';
const signIn = (email: string, password = 'not the passphrase') => client(stack).call('POST', '/api/auth/login', { email, password });

describe('attempt limits on sign-in and sign-up', () => {
  it('refuses a fourth sign-in to one email from one network in the window with 429, Retry-After and a sentence to act on', async () => {
    await client(stack).call('POST', '/api/auth/signup', { name: 'Lim', email: 'lim@example.com', password: PASSWORD });
    for (let i = 0; i < 3; i++) expect((await signIn('lim@example.com')).status).toBe(401);
    const res = await signIn('lim@example.com', PASSWORD);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('too_many_attempts');
    expect(res.body.error.message).toMatch(/^Too many sign-in attempts for this email from your network\. To keep your account safe, please wait 15 minutes and try again\.$/);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
  });

  it('clears the count for an email when its seller signs in', async () => {
    await client(stack).call('POST', '/api/auth/signup', { name: 'Ok', email: 'ok@example.com', password: PASSWORD });
    for (let i = 0; i < 2; i++) await signIn('ok@example.com');
    expect((await signIn('ok@example.com', PASSWORD)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await signIn('ok@example.com')).status).toBe(401);
  });

  it('refuses a client that tries many emails, once past its own limit', async () => {
    // This client made 9 sign-ins above (sign-ups count apart): 3 more are allowed, then none.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(`nobody${i}@example.com`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('refuses sign-ups past the per-email and per-client limits', async () => {
    const body = { name: 'Dup', email: 'dup@example.com', password: PASSWORD };
    expect((await client(stack).call('POST', '/api/auth/signup', body)).status).toBe(201);
    expect((await client(stack).call('POST', '/api/auth/signup', body)).status).toBe(400);
    const third = await client(stack).call('POST', '/api/auth/signup', body);
    expect(third.status).toBe(429);
    expect(third.body.error.message).toMatch(/^Too many sign-up attempts\. Please wait \d+ minutes? and try again\.$/);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
