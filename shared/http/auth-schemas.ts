/**
 * The sign-up and sign-in schemas (and the seller's view), apart from the
 * account schemas so that the auth function holds no provider data; the web
 * app gets them through `schemas.ts`. Messages are written for sellers.
 */
import * as z from '../runtime/zod.js';
import { plainText } from '../domain/text.js';

const COMMON_PASSWORDS = new Set([
  'password', 'password1', 'password123', '12345678', '123456789', '1234567890', 'qwertyuiop', 'iloveyou',
  'letmein123', 'welcome123', 'passw0rd', 'admin12345', 'abcdefghij', 'onramp1234',
]);

export const emailSchema = z.pipe(
  z.string({ error: 'Enter your email address.' }).check(z.trim(), z.toLowerCase(), z.maxLength(254, { error: 'That email address is too long.' })),
  z.email({ error: 'Enter a valid email address, like name@example.com.' }),
);

export const passwordSchema = z.string({ error: 'Enter a password.' }).check(
  z.minLength(10, { error: 'Use at least 10 characters for your password.' }),
  z.maxLength(200, { error: 'Use at most 200 characters for your password.' }),
  z.refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), {
    error: 'That password is too easy to guess. Choose a less common one.',
  }),
  z.refine((p) => new Set(p).size >= 5, { error: 'Use a mix of at least 5 different characters.' }),
);

const personName = plainText(
  z.string({ error: 'Enter your name.' }).check(
    z.trim(),
    z.minLength(1, { error: 'Enter your name.' }),
    z.maxLength(100, { error: 'Use at most 100 characters for your name.' }),
  ),
  'your name',
);

export const signupRequest = z.strictObject({ name: personName, email: emailSchema, password: passwordSchema });
export type SignupRequest = z.infer<typeof signupRequest>;

export const loginRequest = z.strictObject({
  email: emailSchema,
  password: z.string({ error: 'Enter your password.' }).check(z.minLength(1, { error: 'Enter your password.' }), z.maxLength(200)),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const userView = z.object({ id: z.string(), name: z.string(), email: z.string() });
export type UserView = z.infer<typeof userView>;
export const meResponse = z.object({ user: userView });
