import * as z from '../runtime/zod.js';
import { describe, expect, it } from 'vitest';
import { isPlainText, plainText, visible, visibleJson } from './text.js';
import { createAccountRequest, signupRequest } from '../http/schemas.js';

const HOSTILE = [
  ['an escape sequence', 'Etsy\u001b[2K'],
  ['a carriage return', 'Etsy\rSAFE'],
  ['a newline', 'Etsy\nSAFE'],
  ['a tab', 'Etsy\tSAFE'],
  ['a bell', 'Etsy\u0007'],
  ['a C1 control (CSI)', 'Etsy\u009b2K'],
  ['a right-to-left override', 'Etsy \u202egnp.exe'],
  ['a left-to-right isolate', 'Etsy \u2066x\u2069'],
  ['a right-to-left mark', 'Etsy\u200f'],
  ['an Arabic letter mark', 'Etsy\u061c'],
  ['a lone high surrogate', 'Etsy\ud83d'],
  ['a lone low surrogate', 'Etsy\ude00'],
] as const;

describe('isPlainText', () => {
  it.each(HOSTILE)('refuses %s', (_what, text) => {
    expect(isPlainText(text)).toBe(false);
  });

  it('accepts letters, numbers, punctuation, accents, other scripts and emoji', () => {
    for (const text of ['Amazon EU', 'Café Zoë & Co. (UK) #2', 'متجر أمازون', '東京ショップ', 'Shop 😀', 'O\u2019Brien']) {
      expect(isPlainText(text), text).toBe(true);
    }
  });
});

describe('plainText', () => {
  const name = plainText(z.string().check(z.trim(), z.minLength(1)), 'your name');

  it('refuses hidden characters with a sentence naming the field', () => {
    const res = name.safeParse('Ada\u202e');
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]?.message).toMatch(/^Use letters, numbers and punctuation only in your name/);
  });

  it('trims surrounding whitespace before it checks', () => {
    expect(name.parse('  Ada \n')).toBe('Ada');
  });
});

describe('the free-text fields of the API', () => {
  it.each(HOSTILE)('refuse %s in a person name and an account name', (_what, text) => {
    const signup = signupRequest.safeParse({ name: text, email: 'a@example.com', password: 'a long enough passphrase' });
    expect(signup.error?.issues.map((i) => i.path.join('.'))).toEqual(['name']);
    const account = createAccountRequest.safeParse({ name: text, channel: 'ebay' });
    expect(account.error?.issues.map((i) => i.path.join('.'))).toEqual(['name']);
  });
});

describe('visible', () => {
  it('shows controls, bidi and lone surrogates as escapes, and leaves the rest alone', () => {
    expect(visible('Etsy\u001b[2K\r\u001b]8;;https://evil.example\u0007x')).toBe('Etsy\\u001b[2K\\u000d\\u001b]8;;https://evil.example\\u0007x');
    expect(visible('a\u202eb\ud83dc\u009b')).toBe('a\\u202eb\\ud83dc\\u009b');
    expect(visible('Café 😀 東京')).toBe('Café 😀 東京');
  });
});

describe('visibleJson', () => {
  it('prints JSON with no raw control or bidi character that parses back to the same value', () => {
    const value = { name: 'Etsy\u001b[2K\r\u009b\u202e\ud83d', list: [1, 'ok'] };
    const text = visibleJson(value);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(JSON.parse(text)).toEqual(value);
    expect(text.split('\n').length).toBeGreaterThan(3);
  });
});
