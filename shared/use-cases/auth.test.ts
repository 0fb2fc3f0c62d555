import { describe, expect, it } from 'vitest';
import type { AttemptCounter } from '../adapters/attempts.js';
import type { SessionStore } from '../adapters/sessions.js';
import type { UserStore } from '../adapters/users.js';
import type { User } from '../model.js';
import { hashPassword, verifyPassword } from '../password.js';
import { signIn, type AuthDeps } from './auth.js';

const LOW = { N: 2 ** 14, r: 8, p: 1 };
const HIGHER = { N: 2 ** 15, r: 8, p: 1 };

function memoryUsers(users: User[]): UserStore & { byEmail: Map<string, User> } {
  const byEmail = new Map(users.map((u) => [u.email, u]));
  return {
    byEmail,
    create: async (u) => !byEmail.has(u.email) && Boolean(byEmail.set(u.email, u)),
    findByEmail: async (email) => byEmail.get(email),
    replacePasswordHash: async (email, from, to) => {
      const u = byEmail.get(email);
      if (!u || u.passwordHash !== from) return false;
      byEmail.set(email, { ...u, passwordHash: to });
      return true;
    },
  };
}

const sessions = { create: async () => undefined, find: async () => undefined, delete: async () => undefined } as unknown as SessionStore;
const attempts: AttemptCounter = { hit: async () => ({ allowed: true }), clear: async () => undefined };
const caller = { client: '192.0.2.1' };

describe('signIn', () => {
  it('replaces a hash made at a lower cost with one at the current cost, once the password is right', async () => {
    const user: User = { id: 'u1', name: 'Ada', email: 'ada@example.com', passwordHash: await hashPassword('a long enough passphrase', LOW), createdAt: '2026-01-01T00:00:00.000Z' };
    const users = memoryUsers([user]);
    const deps: AuthDeps = { users, sessions, attempts, sessionTtlHours: 1, passwordCost: HIGHER };

    await expect(signIn(deps, { email: 'ada@example.com', password: 'wrong passphrase' }, caller)).rejects.toThrow(/do not match/);
    expect(users.byEmail.get('ada@example.com')!.passwordHash).toBe(user.passwordHash);

    await signIn(deps, { email: 'ada@example.com', password: 'a long enough passphrase' }, caller);
    const upgraded = users.byEmail.get('ada@example.com')!.passwordHash;
    expect(upgraded.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('a long enough passphrase', upgraded)).toBe(true);

    await signIn(deps, { email: 'ada@example.com', password: 'a long enough passphrase' }, caller);
    expect(users.byEmail.get('ada@example.com')!.passwordHash).toBe(upgraded);
  });
});
