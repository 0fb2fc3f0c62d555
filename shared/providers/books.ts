/**
 * Each bookkeeping platform's books calls, by its id: its chart of accounts
 * and tax rates, and (where a consent can cover several organisations)
 * letting go of those not chosen. Apart from the connectors because Xero's
 * carry its SDK: only the functions that read the books bundle them. The
 * mapped type over the platforms' ids makes a missing one fail to compile.
 */
import type { Chart } from '../domain/chart.js';
import type { ProviderHttp } from '../ports/index.js';
import type { BooksPlatformId } from './index.js';
import { quickbooksBooks } from './quickbooks/books.js';
import { xeroBooks } from './xero/books.js';

/** The connection a books call is for: Xero's tenant id, QuickBooks' realm id. */
export interface BooksRef {
  readonly identity: string;
}

export interface BooksConnector {
  /** The live chart of accounts and tax rates; `ConnectError` `expired` when the books refuse the token. */
  chart(http: ProviderHttp, ref: BooksRef, accessToken: string): Promise<Chart>;
  /** Disconnects, at the platform, the organisations a consent covered that the seller did not choose. */
  disconnect?(http: ProviderHttp, accessToken: string, connectionIds: readonly string[]): Promise<void>;
}

export const BOOKS: { readonly [K in BooksPlatformId]: BooksConnector } = {
  xero: xeroBooks,
  quickbooks: quickbooksBooks,
};

/** A bookkeeping platform's books calls, or undefined for a provider that is not one. */
export const booksOf = (provider: string): BooksConnector | undefined => (BOOKS as Readonly<Record<string, BooksConnector>>)[provider];
