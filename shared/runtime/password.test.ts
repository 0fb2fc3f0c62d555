import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, PASSWORD_COST, verifyPassword } from './password.js';

describe('hashPassword', () => {
  it('hashes at N = 2^17, r = 8, p = 1 by default, and records them in the hash', async () => {
    expect(PASSWORD_COST).toEqual({ N: 131072, r: 8, p: 1 });
    const stored = await hashPassword('a long enough passphrase');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('a long enough passphrase', stored)).toBe(true);
    expect(await verifyPassword('another passphrase', stored)).toBe(false);
  });

  it('verifies a hash made at an older, lower cost', async () => {
    const old = await hashPassword('an old passphrase', { N: 2 ** 14, r: 8, p: 1 });
    expect(old.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(await verifyPassword('an old passphrase', old)).toBe(true);
  });

  it('refuses a malformed stored hash rather than throwing', async () => {
    expect(await verifyPassword('x', 'scrypt$abc$8$1$salt$hash')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
  });
});

describe('needsRehash', () => {
  it('says a hash below the current cost should be replaced, and one at it should not', async () => {
    const old = await hashPassword('p', { N: 2 ** 14, r: 8, p: 1 });
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(old, { N: 2 ** 14, r: 8, p: 1 })).toBe(false);
    expect(needsRehash('scrypt$131072$8$1$c2FsdA$aGFzaA')).toBe(false);
    expect(needsRehash('not a hash')).toBe(true);
  });
});
