import { describe, expect, it } from 'vitest';
import { newSessionToken, sellerOfToken } from './session-token.js';

const seller = '0b8f3c9e-4a51-4c1e-9d7a-2f6b8e1c5a01';

describe('session tokens', () => {
  it('name their seller, beside 32 random bytes that differ every time', () => {
    const a = newSessionToken(seller);
    const b = newSessionToken(seller);
    expect(a).toMatch(new RegExp(`^${seller}\\.[A-Za-z0-9_-]{43}$`));
    expect(a).not.toBe(b);
    expect(sellerOfToken(a)).toBe(seller);
  });

  it('name no seller when issued before tokens did, or when not a token of ours', () => {
    for (const token of ['Zq3x9c-older-random-token_abcdefghijklmnopqrstu', '', '.abc', 'not-a-uuid.abc', `${seller}`]) expect(sellerOfToken(token)).toBeUndefined();
  });
});
