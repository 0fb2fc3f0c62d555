/**
 * The connected books, live: a connection's tokens (refreshed through the
 * provider's own refresh call when the access token has expired, the new
 * ones written to the secret before they are used) and its chart of accounts
 * and tax rates. Xero's Accounting API through xero-node (its `basePath`
 * points at the sandbox locally); QuickBooks' query endpoint directly.
 */
// Only the Accounting API: the package's entry point also loads its OAuth client (openid-client),
// doubling the bundle (1.7 MB against 0.8 MB) for code Onramp does not use.
import { AccountingApi } from 'xero-node/dist/gen/api/accountingApi.js';
import { ConnectError } from '../domain/errors.js';
import { jsonFrom } from '../connectors/http.js';
import { accessTokenNeeded, refreshConnection, type RefreshDeps } from './health/refresh.js';
import { quickbooks } from '../providers/quickbooks/definition.js';
import { xero } from '../providers/xero/definition.js';
import { chartFromQuickbooks, chartFromXero, type Chart } from '../domain/chart.js';

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
  if (!(ref.provider in CHARTS)) throw new Error(`${ref.provider} is not a bookkeeping platform`);
  const result = await refreshConnection(deps, {
    secretName: ref.secretName,
    fallback: { provider: ref.provider, kind: 'books', sellerId: ref.sellerId ?? '', accountId: ref.accountId ?? '' },
    needed: accessTokenNeeded(deps.refreshMarginMs ?? 60_000, refusedToken),
    wait: true,
  });
  if (result.outcome === 'fresh' || result.outcome === 'refreshed') return result.accessToken;
  throw new ConnectError('expired', `refresh: ${result.outcome}`);
}

async function xeroChart(deps: BooksGatewayDeps, ref: BooksConnectionRef, accessToken: string): Promise<Chart> {
  const api = new AccountingApi(deps.http.locate(`${xero.apiUrl}/api.xro/2.0`));
  api.accessToken = accessToken;
  try {
    const [accounts, rates] = await Promise.all([api.getAccounts(ref.identity), api.getTaxRates(ref.identity)]);
    return chartFromXero((accounts.body.accounts ?? []) as Record<string, any>[], (rates.body.taxRates ?? []) as Record<string, any>[]);
  } catch (err) {
    // xero-node rejects with the HTTP response, or with it serialised as a JSON string; say which kind of failure, never its body.
    const status = xeroStatus(err);
    throw new ConnectError(status === 401 || status === 403 ? 'expired' : 'provider_error', `api: Xero accounting answered ${Number.isFinite(status) ? status : 'nothing'}`);
  }
}

function xeroStatus(err: unknown): number {
  let e: unknown = err;
  if (typeof e === 'string') {
    try {
      e = JSON.parse(e) as unknown;
    } catch {
      return NaN;
    }
  }
  const response = (e as { response?: { statusCode?: number; status?: number } } | undefined)?.response;
  return Number(response?.statusCode ?? response?.status);
}

async function quickbooksChart(deps: BooksGatewayDeps, ref: BooksConnectionRef, accessToken: string): Promise<Chart> {
  const query = async (q: string, entity: string) => {
    const url = `${quickbooks.apiUrl}/v3/company/${encodeURIComponent(ref.identity)}/query?query=${encodeURIComponent(q)}&minorversion=75`;
    const res = await deps.http.fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new ConnectError('expired', `api: QuickBooks answered ${res.status}`);
    }
    const body = await jsonFrom(res, `QuickBooks ${entity} query`);
    return ((body.QueryResponse ?? {})[entity] ?? []) as Record<string, any>[];
  };
  const [accounts, codes, rates] = await Promise.all([
    query('select * from Account where Active IN (true, false) MAXRESULTS 1000', 'Account'),
    query('select * from TaxCode MAXRESULTS 1000', 'TaxCode'),
    query('select * from TaxRate MAXRESULTS 1000', 'TaxRate'),
  ]);
  return chartFromQuickbooks(accounts, codes, rates);
}

/** Each bookkeeping platform's chart call. */
const CHARTS: Readonly<Record<string, (deps: BooksGatewayDeps, ref: BooksConnectionRef, accessToken: string) => Promise<Chart>>> = {
  [xero.id]: xeroChart,
  [quickbooks.id]: quickbooksChart,
};

/** The connection's live chart of accounts and tax rates. */
export async function fetchChart(deps: BooksGatewayDeps, ref: BooksConnectionRef): Promise<Chart> {
  const chart = (token: string) => CHARTS[ref.provider]!(deps, ref, token);
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

/** Removes Xero connections to organisations the seller did not pick (only the chosen tenant is kept). */
export async function disconnectXeroTenants(deps: BooksGatewayDeps, accessToken: string, connectionIds: readonly string[]): Promise<void> {
  for (const id of connectionIds) {
    const res = await deps.http.fetch(`${xero.apiUrl}/connections/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${accessToken}` } });
    await res.body?.cancel();
  }
}
