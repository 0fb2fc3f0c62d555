/**
 * The free text support types, checked the same way by onramp-support
 * (before it calls anything) and by the support function (whoever calls it).
 */
import * as z from '../runtime/zod.js';
import { plainText } from '../domain/text.js';

/** Why support resets an account: the seller reads it in their activity, so it is plain text. */
export const supportReason = plainText(
  z.string().check(z.trim(), z.minLength(3, { error: 'Give a reason of at least 3 characters.' }), z.maxLength(500, { error: 'Give a reason of at most 500 characters.' })),
  'the reason',
);

/** The operator's own label for the audit trail (who they say they are; the caller's identity is recorded apart). */
export const operatorLabel = plainText(
  z.string().check(z.trim(), z.minLength(1), z.maxLength(100, { error: 'Use at most 100 characters for the operator name.' })),
  'the operator name',
);

/**
 * Who invoked the support function, as the CLI learned it from STS
 * GetCallerIdentity (an ARN), or `local:<user>` on the local stack.
 */
export const callerIdentity = plainText(z.string().check(z.trim(), z.minLength(1), z.maxLength(2048)), 'the caller identity');
