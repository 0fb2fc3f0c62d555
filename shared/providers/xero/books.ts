/**
 * Xero's books calls (docs/providers.md §9): the chart of accounts and tax
 * rates through xero-node's Accounting API (its `basePath` points at the
 * sandbox locally), and letting go of the organisations not chosen.
 */
// Only the Accounting API: the package's entry point also loads its OAuth client (openid-client),
// doubling the bundle (1.7 MB against 0.8 MB) for code Onramp does not use.
import { AccountingApi } from 'xero-node/dist/gen/api/accountingApi.js';
import { chartFromXero, type Chart } from '../../domain/chart.js';
import { ConnectError } from '../../domain/errors.js';
import type { ProviderHttp } from '../../ports/index.js';
import type { BooksConnector, BooksRef } from '../books.js';
import { xeroAccountType, xeroCanWrite, xeroCreate } from './create.js';
import { xero } from './definition.js';

async function chart(http: ProviderHttp, ref: BooksRef, accessToken: string): Promise<Chart> {
  const api = new AccountingApi(http.locate(`${xero.apiUrl}/api.xro/2.0`));
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

/** Removes the connections to organisations the seller did not pick (only the chosen tenant is kept). */
async function disconnect(http: ProviderHttp, accessToken: string, connectionIds: readonly string[]): Promise<void> {
  for (const id of connectionIds) {
    const res = await http.fetch(`${xero.apiUrl}/connections/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${accessToken}` } });
    await res.body?.cancel();
  }
}

export const xeroBooks: BooksConnector = { chart, disconnect, accountType: xeroAccountType, create: xeroCreate, canWrite: xeroCanWrite };
