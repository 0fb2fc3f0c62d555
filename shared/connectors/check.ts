/**
 * The daily check of credentials that nothing refreshes: each checked
 * provider's cheapest authenticated call (the `check` piece of its
 * connector), made with the stored credentials, its answer sorted into three
 * outcomes, as a refresh's is: they work; a refusal only the seller can mend
 * (`CheckRefusedError`, with the reason); or the provider failing for now
 * (`ConnectError` `provider_error` / `provider_timeout`, retried on the next
 * run, changing nothing). Anything the provider does not document as a
 * refusal of the credentials (a 5xx, a timeout, a redirect, a refusal by
 * something else in front of it) is the provider failing for now.
 */
import { ConnectError } from '../domain/errors.js';
import type { ReconnectReason } from '../domain/health.js';
import type { ProviderHttp, StoreHttp } from '../ports/index.js';

/** The provider refused the stored credentials: the seller must give new ones (or install the app again). */
export class CheckRefusedError extends Error {
  override readonly name = 'CheckRefusedError';
  constructor(
    readonly reason: ReconnectReason,
    /** For logs: the provider's status and error code, never its free text or a credential. */
    readonly code: string,
  ) {
    super(`credentials refused: ${code}`);
  }
}

export interface CheckCall {
  /** The connection's secret, as stored: the credentials themselves. */
  readonly stored: Readonly<Record<string, string>>;
  /** The account's store fields (Shopify's shop). */
  readonly fields: Readonly<Record<string, string>>;
  readonly http: ProviderHttp;
  readonly stores: StoreHttp | undefined;
}

export const failing = (reason: string) => new ConnectError('provider_error', reason);
