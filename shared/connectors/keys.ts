/** What a key check yields, for every keys provider: what to show, and what only the secret store keeps. */
import { createHash } from 'node:crypto';
import type { KeyCheckCode } from '../domain/key-errors.js';
import type { KeyMessageContext } from '../domain/key-messages.js';
import type { Account, Connection } from '../domain/model.js';
import type { ProviderHttp, StoreHttp } from '../ports/index.js';
import type { KeyConnect, ProviderDefinition } from '../providers/types.js';

export interface KeyConnection {
  /** Shown on the account and in its activity, e.g. "Walmart: United States". */
  readonly label: string;
  /** Who connected (a store, or a hash of the key's id), to spot the same one twice; never a credential. */
  readonly identity: string;
  readonly details: readonly { readonly label: string; readonly value: string }[];
  /** For the channel secret only. */
  readonly credentials: Record<string, string>;
  /** Store fields the account takes with the keys (a store address first given with them). */
  readonly fields?: Readonly<Record<string, string>>;
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

/** What a key check may call: providers' APIs, and sellers' own stores behind the SSRF guard. */
export interface KeyCheckIo {
  readonly http: ProviderHttp;
  readonly stores: StoreHttp;
  /** The local stack only: plain http and loopback store addresses. */
  readonly allowLocalStores: boolean;
}

/** Where keys will be checked, decided before any key is sent: Walmart's market, WooCommerce's store. */
export interface KeyTarget {
  /** Facts for the seller's sentence when the check fails (the market, the store's address). */
  readonly context: Omit<KeyMessageContext, 'provider'>;
  /** Store fields the account takes when the keys pass (a store address first given with them). */
  readonly newFields?: Readonly<Record<string, string>>;
}

/** What asking for a target is given. */
export interface KeyTargetAsk {
  readonly account: Account;
  /** What the request says of the target (WooCommerce's `storeUrl`), untrusted. */
  readonly requested: Readonly<Record<string, string | undefined>>;
  readonly allowLocalStores: boolean;
}

/**
 * How a provider's keys are checked: the `keys` piece of its connector
 * (`shared/providers/connector.ts`). The use cases hold everything else
 * (reading the keys, the budget, storing, reconnecting).
 */
export interface KeysStrategy<P extends ProviderDefinition & { readonly keys: KeyConnect } = ProviderDefinition & { readonly keys: KeyConnect }, T extends KeyTarget = KeyTarget> {
  /** The code a check that runs out of time fails with (the provider, or the seller's store, too slow). */
  readonly timeout: KeyCheckCode;
  /** Where the keys go; throws `KeyCheckError` (the seller's sentence) or `ValidationError`. */
  target(p: P, ask: KeyTargetAsk): T;
  /**
   * Checks the keys at the target within the signal. For a reconnect, the
   * keys must be the connection's own (`connection.identity`). Throws
   * `KeyCheckError` when they do not work.
   */
  check(p: P, target: T, keys: Readonly<Record<string, string>>, io: KeyCheckIo, signal: AbortSignal, connection?: Pick<Connection, 'identity'>): Promise<KeyConnection>;
  /** One-click key creation, where the provider has it (`keys.automatic` in the definition). */
  readonly automatic?: AutomaticKeys<P, T>;
}

/** A provider that creates the keys itself and posts them to Onramp (WooCommerce's app authentication). */
export interface AutomaticKeys<P, T extends KeyTarget> {
  /** Finds the target (no key sent) and answers the approval page's URL with these parameters, and the target's base address. */
  approvalUrl(p: P, target: T, params: URLSearchParams, io: KeyCheckIo, signal: AbortSignal): Promise<{ readonly url: string; readonly base: string }>;
  /** Checks keys the provider posted (the body as the route's schema let it through) on the base the approval was started for; what the connection shows includes the permission granted. */
  checkPosted(p: P, base: string, posted: Readonly<Record<string, unknown>>, io: KeyCheckIo, signal: AbortSignal, connection?: Pick<Connection, 'identity'>): Promise<KeyConnection>;
  /** The fields the account takes with posted keys when the approval gave the store's address. */
  fieldsFor(base: string): Readonly<Record<string, string>>;
}
