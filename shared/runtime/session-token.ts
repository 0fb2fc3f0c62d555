/**
 * A session token names the seller it was issued to: `<seller id>.<32 random
 * bytes>`. The session item is kept in that seller's partition, keyed by a
 * hash of the whole token, so the seller id proves nothing by itself
 * (another id makes another hash, which finds no session); it only lets a
 * request read the session with that seller's accounts in one request, and
 * they are used only once the session found is live and that seller's.
 * Tokens issued before they named their seller find no session.
 */
import { randomBytes } from 'node:crypto';

const SELLER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new session token for the seller. */
export function newSessionToken(sellerId: string): string {
  return `${sellerId}.${randomBytes(32).toString('base64url')}`;
}

/** The seller a token names, or undefined (an older token, or not a token of ours). */
export function sellerOfToken(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  const seller = token.slice(0, dot);
  return SELLER_ID.test(seller) ? seller : undefined;
}
