/**
 * Walmart's seller-issued keys (Delegated Access, docs/providers.md §7.1, §7.3):
 * a `client_credentials` token with the keys as Basic auth and Walmart's
 * required `WM_SVC.NAME` and `WM_QOS.CORRELATION_ID` headers (`WM_MARKET`
 * outside the US), then the token detail call to check the key may read
 * Reports. Keys refused in the chosen market are tried in the other, so a
 * seller who picked the wrong one is told which.
 */
import { randomUUID } from 'node:crypto';
import { ConnectError } from '../../domain/errors.js';
import { KeyCheckError } from '../../domain/key-errors.js';
import type { ProviderHttp } from '../../ports/index.js';
import type { walmart } from './definition.js';
import type { Region } from '../types.js';
import { basic, jsonObject, keyIdentity, lastFour, type KeyConnection } from '../../connectors/keys.js';

type Walmart = typeof walmart;
export interface WalmartKeys {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Access levels Walmart reports per API area that let Onramp read reports. */
const CAN_READ_REPORTS = new Set(['view_only', 'full_access']);
const ACCESS_TEXT: Record<string, string> = { view_only: 'View only', full_access: 'Full access' };

const marketOf = (region: Region) => region.urls?.market ?? 'us';

function commonHeaders(p: Walmart, market: string): Record<string, string> {
  return {
    accept: 'application/json',
    'WM_SVC.NAME': p.keys.endpoints.serviceName,
    'WM_QOS.CORRELATION_ID': randomUUID(),
    // The US is Walmart's default market; the header names any other.
    ...(market !== 'us' ? { WM_MARKET: market } : {}),
  };
}

/** Calls Walmart; a timeout or a refused connection is Walmart failing, in the key check's terms. */
async function call(http: ProviderHttp, url: string, init: RequestInit): Promise<Response> {
  try {
    return await http.fetch(url, init);
  } catch (err) {
    if (err instanceof ConnectError) throw new KeyCheckError(err.code === 'provider_timeout' ? 'provider_timeout' : 'provider_error', err.reason);
    throw err;
  }
}

/** A token for the keys in `market`, or `rejected` when Walmart refuses them there (also the daily check of stored keys). */
export async function mintToken(p: Walmart, http: ProviderHttp, market: string, keys: WalmartKeys): Promise<string | 'rejected'> {
  const res = await call(http, p.keys.endpoints.token, {
    method: 'POST',
    headers: {
      ...commonHeaders(p, market),
      authorization: basic(keys.clientId, keys.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  const text = await res.text();
  if (res.status === 401 || res.status === 403) return 'rejected';
  if (!res.ok) throw new KeyCheckError('provider_error', `token call answered ${res.status}`);
  const token = jsonObject(text)?.access_token;
  if (typeof token !== 'string' || !token) throw new KeyCheckError('provider_error', 'token answer without access_token');
  return token;
}

/** What a token's detail (§7.3) says of Reports: the access level, whether Onramp may read them, and the level in words. */
export function reportsAccess(detail: Record<string, any>): { readonly level: string; readonly canRead: boolean; readonly text: string } {
  const scopes = detail.scopes && typeof detail.scopes === 'object' ? (detail.scopes as Record<string, unknown>) : {};
  const level = String(Object.entries(scopes).find(([area]) => area.toLowerCase() === 'reports')?.[1] ?? 'no_access').toLowerCase();
  return { level, canRead: CAN_READ_REPORTS.has(level), text: ACCESS_TEXT[level] ?? level };
}

/** Checks the keys with Walmart for the account's market; what to keep and show when they may read Reports. */
export async function checkWalmartKeys(p: Walmart, region: Region, keys: WalmartKeys, http: ProviderHttp): Promise<KeyConnection> {
  const market = marketOf(region);
  const token = await mintToken(p, http, market, keys);
  if (token === 'rejected') {
    // Keys that work in another market we offer were made for that market.
    for (const other of p.regions.filter((r) => marketOf(r) !== market)) {
      if ((await mintToken(p, http, marketOf(other), keys)) !== 'rejected') throw new KeyCheckError('keys_wrong_market', `keys for ${other.id}`, { otherRegion: other.name });
    }
    throw new KeyCheckError('keys_rejected', 'token call answered 401');
  }

  const res = await call(http, p.keys.endpoints.tokenDetail, { headers: { ...commonHeaders(p, market), 'WM_SEC.ACCESS_TOKEN': token } });
  const text = await res.text();
  if (!res.ok) throw new KeyCheckError('provider_error', `token detail answered ${res.status}`);
  const detail = jsonObject(text);
  if (!detail) throw new KeyCheckError('provider_error', 'token detail not JSON');
  if (detail.isValid === false) throw new KeyCheckError('keys_rejected', 'token detail says not valid');
  const reports = reportsAccess(detail);
  if (!reports.canRead) throw new KeyCheckError('keys_no_reports', `reports ${reports.level}`);

  return {
    label: `${p.name}: ${region.name}`,
    identity: keyIdentity(p.id, keys.clientId),
    details: [
      { label: 'Market', value: region.name },
      { label: 'Client ID', value: lastFour(keys.clientId) },
      { label: 'Reports', value: reports.text },
    ],
    credentials: { clientId: keys.clientId, clientSecret: keys.clientSecret, market },
  };
}
