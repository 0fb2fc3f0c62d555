/**
 * The connected books, live: a connection's tokens (refreshed through the
 * provider's own refresh call when the access token has expired, the new
 * ones written to the secret before they are used) and its chart of accounts
 * and tax rates, through the platform's books calls (`providers/books.ts`).
 */
import { ConnectError } from '../domain/errors.js';
import { accessTokenNeeded, refreshConnection, type RefreshDeps } from './health/refresh.js';
import type { Chart } from '../domain/chart.js';
import type { RecommendedAccount } from '../domain/recommended.js';
import { booksOf, type CreateOutcome } from '../providers/books.js';

export interface BooksConnectionRef {
  readonly provider: string;
  /** Xero's tenant id, QuickBooks' realm id. */
  readonly identity: string;
  readonly secretName: string;
  /** The account asking, for a connection made before it had a record. */
  readonly sellerId?: string;
  readonly accountId?: string;
}

export interface BooksGatewayDeps extends RefreshDeps {
  /** Refresh when the access token has less than this left. */
  readonly refreshMarginMs?: number;
}

/**
 * A usable access token for the connection: refreshed under the connection's
 * lease when it has (nearly) expired, or when the books just refused
 * `refusedToken`; the new tokens are in the secret before it is returned.
 */
export async function accessTokenFor(deps: BooksGatewayDeps, ref: BooksConnectionRef, refusedToken?: string): Promise<string> {
  if (!booksOf(ref.provider)) throw new Error(`${ref.provider} is not a bookkeeping platform`);
  const result = await refreshConnection(deps, {
    secretName: ref.secretName,
    fallback: { provider: ref.provider, kind: 'books', sellerId: ref.sellerId ?? '', accountId: ref.accountId ?? '' },
    needed: accessTokenNeeded(deps.refreshMarginMs ?? 60_000, refusedToken),
    wait: true,
  });
  if (result.outcome === 'fresh' || result.outcome === 'refreshed') return result.accessToken;
  throw new ConnectError('expired', `refresh: ${result.outcome}`);
}

/** The connection's live chart of accounts and tax rates. */
export async function fetchChart(deps: BooksGatewayDeps, ref: BooksConnectionRef): Promise<Chart> {
  const chart = (token: string) => booksOf(ref.provider)!.chart(deps.http, ref, token);
  let token: string | undefined;
  try {
    token = await accessTokenFor(deps, ref);
    return await chart(token);
  } catch (err) {
    // The books refused a token we thought alive (revoked early, clocks apart): refresh once and try again.
    if (err instanceof ConnectError && err.code === 'expired' && err.reason?.startsWith('api:') && token) return chart(await accessTokenFor(deps, ref, token));
    throw err;
  }
}

/** Disconnects, at the platform, the organisations a consent covered that the seller did not choose (where it can). */
export async function disconnectOthers(deps: BooksGatewayDeps, provider: string, accessToken: string, connectionIds: readonly string[]): Promise<void> {
  await booksOf(provider)?.disconnect?.(deps.http, accessToken, connectionIds);
}

/**
 * Writes to the connection's chart, one account at a time, with one token
 * (refreshed once when the books refuse it, as for the chart). `canWrite`:
 * whether the token's grant covers writing, where the platform tells.
 */
export async function booksWriter(deps: BooksGatewayDeps, ref: BooksConnectionRef): Promise<{ canWrite: boolean; create(account: RecommendedAccount): Promise<CreateOutcome> }> {
  const books = booksOf(ref.provider)!;
  let token = await accessTokenFor(deps, ref);
  return {
    canWrite: books.canWrite?.(token) ?? true,
    async create(account) {
      try {
        return await books.create(deps.http, ref, token, account);
      } catch (err) {
        if (!(err instanceof ConnectError && err.code === 'expired' && err.reason?.startsWith('api:'))) throw err;
        token = await accessTokenFor(deps, ref, token);
        return books.create(deps.http, ref, token, account);
      }
    },
  };
}
