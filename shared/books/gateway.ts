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
import { ConnectError } from '../errors.js';
import { jsonFrom } from '../connectors/http.js';
import { refreshTokens } from '../connectors/token.js';
import type { AppCredentialStore, ProviderHttp, SecretPort } from '../ports.js';
import { quickbooks } from '../providers/quickbooks.js';
import { xero } from '../providers/xero.js';
import { chartFromQuickbooks, chartFromXero, type Chart } from './chart.js';

export interface BooksConnectionRef {
  readonly provider: string;
  /** Xero's tenant id, QuickBooks' realm id. */
  readonly identity: string;
  readonly secretName: string;
}

export interface BooksGatewayDeps {
  readonly secrets: SecretPort;
  readonly apps: AppCredentialStore;
  readonly http: ProviderHttp;
  readonly now?: () => Date;
  /** Refresh when the access token has less than this left. */
  readonly refreshMarginMs?: number;
}

const PROVIDERS = { [xero.id]: xero, [quickbooks.id]: quickbooks } as const;

/** A usable access token for the connection, refreshed (and the secret updated) when it has expired. */
export async function accessTokenFor(deps: BooksGatewayDeps, ref: BooksConnectionRef, force = false): Promise<string> {
  const provider = PROVIDERS[ref.provider as keyof typeof PROVIDERS];
  if (!provider) throw new Error(`${ref.provider} is not a bookkeeping platform`);
  const stored = await deps.secrets.read(ref.secretName);
  const now = deps.now?.() ?? new Date();
  const expiresAt = stored.accessTokenExpiresAt ? Date.parse(stored.accessTokenExpiresAt) : 0;
  if (!force && stored.accessToken && expiresAt - (deps.refreshMarginMs ?? 60_000) > now.getTime()) return stored.accessToken;
  if (!stored.refreshToken) throw new ConnectError('expired', 'no refresh token');
  const app = await deps.apps.get(provider.id);
  const tokens = await refreshTokens({ tokenUrl: provider.tokenUrl, style: provider.tokenRequest, app, refreshToken: stored.refreshToken, http: deps.http, now });
  // The rotated refresh token is kept before anything uses the new access token.
  const refreshToken = tokens.refreshToken ?? stored.refreshToken;
  const save = () =>
    deps.secrets.save(
      ref.secretName,
      {
        ...stored,
        accessToken: tokens.accessToken,
        refreshToken,
        ...(tokens.accessTokenExpiresAt ? { accessTokenExpiresAt: tokens.accessTokenExpiresAt } : {}),
        ...(tokens.refreshTokenExpiresAt ? { refreshTokenExpiresAt: tokens.refreshTokenExpiresAt } : {}),
      },
      { accountId: stored.accountId ?? '', sellerId: stored.sellerId ?? '' },
    );
  // The provider has already retired the old refresh token (QuickBooks at once): this answer holds the
  // only live one, so a failed write is tried once more before the connection would be lost.
  await save().catch(save);
  return tokens.accessToken;
}

async function xeroChart(deps: BooksGatewayDeps, ref: BooksConnectionRef, accessToken: string): Promise<Chart> {
  const api = new AccountingApi(deps.http.locate(`${xero.apiUrl}/api.xro/2.0`));
  api.accessToken = accessToken;
  try {
    const [accounts, rates] = await Promise.all([api.getAccounts(ref.identity), api.getTaxRates(ref.identity)]);
    return chartFromXero((accounts.body.accounts ?? []) as Record<string, any>[], (rates.body.taxRates ?? []) as Record<string, any>[]);
  } catch (err) {
    // xero-node rejects with the HTTP response; say which kind of failure, never its body.
    const status = Number((err as { response?: { statusCode?: number; status?: number } })?.response?.statusCode ?? (err as { response?: { status?: number } })?.response?.status);
    throw new ConnectError(status === 401 || status === 403 ? 'expired' : 'provider_error', `api: Xero accounting answered ${Number.isFinite(status) ? status : 'nothing'}`);
  }
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

/** The connection's live chart of accounts and tax rates. */
export async function fetchChart(deps: BooksGatewayDeps, ref: BooksConnectionRef): Promise<Chart> {
  const chart = (token: string) => (ref.provider === xero.id ? xeroChart(deps, ref, token) : quickbooksChart(deps, ref, token));
  try {
    return await chart(await accessTokenFor(deps, ref));
  } catch (err) {
    // The books refused a token we thought alive (revoked early, clocks apart): refresh once and try again.
    if (err instanceof ConnectError && err.code === 'expired' && err.reason?.startsWith('api:')) return chart(await accessTokenFor(deps, ref, true));
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
