/**
 * Free text that cannot be turned against a reader: no control characters
 * (which rewrite a terminal or a log line), no bidirectional overrides (which
 * make text read differently from what it is) and no lone surrogates (which
 * are not text at all). Input is refused with `plainText`; output that may
 * hold such characters anyway (older data, a write that bypassed validation)
 * is shown with `visible`, which turns each into an escape like `\u001b`.
 */
import * as z from '../runtime/zod.js';

/**
 * C0 and C1 controls (tab and newline included: every field this guards is
 * one line), the bidi marks, embeddings, overrides and isolates, the line and
 * paragraph separators, and a surrogate half without its other half.
 * Written without the `u` flag so that surrogates are matched one code unit
 * at a time.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
/** The same, sparing the newline: JSON text uses it between lines, never inside a string. */
const UNSAFE_BUT_NEWLINE = new RegExp(UNSAFE.source.replace('\\u0000-\\u001f', '\\u0000-\\u0009\\u000b-\\u001f'), 'g');

/** Whether `text` holds nothing but printable characters. */
export function isPlainText(text: string): boolean {
  return !UNSAFE.test(text);
}

/** The message a seller (or an operator) sees when a field holds a character we refuse. */
export function plainTextMessage(fieldLabel: string): string {
  return `Use letters, numbers and punctuation only in ${fieldLabel}: it contains a hidden or control character (often pasted by accident). Type it again and try once more.`;
}

/**
 * Refines a string schema so that it refuses control characters, bidi
 * overrides and lone surrogates, with a message naming `fieldLabel`
 * (e.g. "your name"). Apply it after `z.trim()` so that surrounding
 * whitespace is dropped rather than refused.
 */
export function plainText<S extends z.ZodMiniType<string>>(schema: S, fieldLabel: string): S {
  return schema.check(z.refine(isPlainText, { error: plainTextMessage(fieldLabel) }));
}

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with every unsafe character shown as a visible escape (`\u001b`), safe to print anywhere. */
export function visible(text: string): string {
  return text.replace(UNSAFE_ALL, escape);
}

/**
 * `value` as indented JSON that is safe to print: JSON already escapes C0
 * controls inside strings, and this escapes the rest (C1 controls, bidi,
 * separators, lone surrogates) the JSON way, so the output still parses to
 * exactly `value`.
 */
export function visibleJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_BUT_NEWLINE, escape);
}
