/**
 * Each bookkeeping platform's books calls, by its id: its chart of accounts
 * and tax rates, and (where a consent can cover several organisations)
 * letting go of those not chosen. Apart from the connectors because Xero's
 * carry its SDK: only the functions that read the books bundle them. The
 * mapped type over the platforms' ids makes a missing one fail to compile.
 */
import type { Chart, ChartAccount } from '../domain/chart.js';
import type { RecommendedAccount } from '../domain/recommended.js';
import type { ProviderHttp } from '../ports/index.js';
import type { BooksPlatformId } from './index.js';
import { quickbooksBooks } from './quickbooks/books.js';
import { xeroBooks } from './xero/books.js';

/** The connection a books call is for: Xero's tenant id, QuickBooks' realm id. */
export interface BooksRef {
  readonly identity: string;
}

/** A recommended account in the platform's own words: its type (and detail type) and the tax rate it gets, where one applies. */
export interface PlatformAccountType {
  /** The platform's type, as its chart shows it (Xero's `CURRENT`, QuickBooks' `Other Current Asset`). */
  readonly type: string;
  /** QuickBooks' detail type (`AccountSubType`). */
  readonly subType?: string;
  /** The tax rate's id in the chart (Xero's `TaxType`), where one applies. */
  readonly taxRateId?: string;
}

/**
 * What creating one account came to. `created`: the account as the chart
 * lists it. `duplicate`: the platform refused a name or code in use.
 * `no_permission`: the connection's grant does not cover writing to the
 * chart. `refused`: another refusal, with the platform's own message.
 * A refused token is a `ConnectError` `expired`, a server error a
 * `ConnectError` `provider_error`, as for the chart.
 */
export type CreateOutcome =
  | { readonly outcome: 'created'; readonly account: ChartAccount }
  | { readonly outcome: 'duplicate'; readonly field: 'name' | 'code' }
  | { readonly outcome: 'no_permission' }
  | { readonly outcome: 'refused'; readonly message: string };

export interface BooksConnector {
  /** The live chart of accounts and tax rates; `ConnectError` `expired` when the books refuse the token. */
  chart(http: ProviderHttp, ref: BooksRef, accessToken: string): Promise<Chart>;
  /** Disconnects, at the platform, the organisations a consent covered that the seller did not choose. */
  disconnect?(http: ProviderHttp, accessToken: string, connectionIds: readonly string[]): Promise<void>;
  /** The platform's own type (and tax rate) for a recommended account. */
  accountType(account: RecommendedAccount): PlatformAccountType;
  /** Creates one account in the chart, in the platform's own request shape (docs/providers.md §9.9, §10.9). */
  create(http: ProviderHttp, ref: BooksRef, accessToken: string, account: RecommendedAccount): Promise<CreateOutcome>;
  /**
   * Whether the token's grant covers creating accounts, where the platform
   * says so in the token (Xero's `scope` claim); absent: always (QuickBooks'
   * accounting scope reads and writes). A refusal still says `no_permission`.
   */
  canWrite?(accessToken: string): boolean;
}

export const BOOKS: { readonly [K in BooksPlatformId]: BooksConnector } = {
  xero: xeroBooks,
  quickbooks: quickbooksBooks,
};

/** A bookkeeping platform's books calls, or undefined for a provider that is not one. */
export const booksOf = (provider: string): BooksConnector | undefined => (BOOKS as Readonly<Record<string, BooksConnector>>)[provider];
