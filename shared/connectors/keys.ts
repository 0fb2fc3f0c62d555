/** What a key check yields, for every keys provider: what to show, and what only the secret store keeps. */
import { createHash } from 'node:crypto';

export interface KeyConnection {
  /** Shown on the account and in its activity, e.g. "Walmart: United States". */
  readonly label: string;
  /** Who connected (a store, or a hash of the key's id), to spot the same one twice; never a credential. */
  readonly identity: string;
  readonly details: readonly { readonly label: string; readonly value: string }[];
  /** For the channel secret only. */
  readonly credentials: Record<string, string>;
}

/** The last four characters of a key's id half, as the account page shows it. */
export const lastFour = (value: string) => `ending in ${value.slice(-4)}`;

/** An identity derived from a key's id without keeping it. */
export const keyIdentity = (provider: string, id: string) => `${provider}:${createHash('sha256').update(id).digest('base64url')}`;

/** Basic credentials, as RFC 7617 and both providers spell them. */
export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A JSON object from a body, or undefined. */
export function jsonObject(text: string): Record<string, any> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : undefined;
  } catch {
    return undefined;
  }
}
