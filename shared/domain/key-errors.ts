/**
 * The outcomes of checking pasted or posted keys, as typed errors: what the
 * connectors and the store client throw (`KeyCheckError`,
 * `StoreRequestError`), and the one error the API renders from them
 * (`KeysNotConnectedError`: a status, a code, a sentence and the fields to mark).
 */
import { AppError, type FieldErrors } from './errors.js';
import type { StoreUrlRefusal } from './store-url.js';

/** Why keys were not accepted, or could not be checked. */
export type KeyCheckCode =
  // Walmart
  | 'keys_rejected'
  | 'keys_wrong_market'
  | 'keys_no_reports'
  // WooCommerce: the store
  | `store_url_${StoreUrlRefusal}`
  | 'store_url_private'
  | 'store_url_other'
  | 'store_not_found'
  | 'store_unreachable'
  | 'store_timeout'
  | 'store_tls'
  | 'store_not_wordpress'
  | 'store_rest_off'
  | 'store_no_woocommerce'
  | 'store_error'
  // WooCommerce: the keys
  | 'keys_unknown'
  | 'keys_wrong_secret'
  | 'keys_no_read'
  | 'keys_not_manager'
  // Any provider
  | 'provider_error'
  | 'provider_timeout';

/** A key check that did not pass. `reason` is for logs: never a key, never a provider's raw answer. */
export class KeyCheckError extends Error {
  override readonly name = 'KeyCheckError';
  constructor(
    readonly code: KeyCheckCode,
    readonly reason?: string,
    /** Facts for the seller's sentence (the market the keys are for, the store's address). */
    readonly context: Readonly<{ otherRegion?: string; region?: string; storeUrl?: string; accountStoreUrl?: string | undefined }> = {},
  ) {
    super(`key check failed: ${code}${reason ? ` (${reason})` : ''}`);
  }
}

/** Why a request to a seller's store was not sent, or got no answer. */
export type StoreFailure = 'refused' | 'private_address' | 'not_found' | 'unreachable' | 'tls' | 'timeout' | 'redirects' | 'too_large';

/** A request to a seller's store refused by the SSRF guard, or failed on the way. */
export class StoreRequestError extends Error {
  override readonly name = 'StoreRequestError';
  constructor(
    readonly failure: StoreFailure,
    /** For `refused`: which rule. */
    readonly refusal?: StoreUrlRefusal,
    /** For logs: an error code (`ECONNREFUSED`), never a URL's credentials or a key. */
    readonly detail?: string,
  ) {
    super(`store request failed: ${failure}${refusal ? ` (${refusal})` : ''}${detail ? ` [${detail}]` : ''}`);
  }
}

/** Keys not accepted (400) or not checked because the provider or store failed (502, 504); nothing was stored. */
export class KeysNotConnectedError extends AppError {
  readonly status: number;
  readonly code: KeyCheckCode;
  constructor(status: number, code: KeyCheckCode, message: string, fields?: FieldErrors) {
    super(message, fields);
    this.status = status;
    this.code = code;
  }
}
