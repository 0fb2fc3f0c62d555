/**
 * Xero's account creation (docs/providers.md §9.9): `PUT /api.xro/2.0/Accounts`
 * with one account in Xero's own shape, its refusals read from the
 * ValidationException's messages, and whether a token's grant covers it.
 */
import { chartFromXero } from '../../domain/chart.js';
import { ConnectError } from '../../domain/errors.js';
import type { RecommendedAccount } from '../../domain/recommended.js';
import type { ProviderHttp } from '../../ports/index.js';
import type { BooksRef, CreateOutcome, PlatformAccountType } from '../books.js';
import { xero } from './definition.js';

/** The scope that lets an app change the chart (`accounting.settings.read` only reads). */
export const XERO_WRITE_SCOPE = 'accounting.settings';

/** Xero's own types: a clearing account is a current asset (as Xero's `Clearing - EFTPOS` example), fees an expense, collected tax a current liability. */
export function xeroAccountType(account: RecommendedAccount): PlatformAccountType {
  if (account.category === 'clearing') return { type: 'CURRENT', taxRateId: 'NONE' };
  if (account.category === 'fees') return { type: 'EXPENSE', taxRateId: 'INPUT2' };
  return { type: 'CURRLIAB', taxRateId: 'NONE' };
}

type Json = Record<string, any>;

async function body(res: Response): Promise<Json> {
  try {
    const v = (await res.json()) as unknown;
    return v && typeof v === 'object' ? (v as Json) : {};
  } catch {
    return {};
  }
}

export async function xeroCreate(http: ProviderHttp, ref: BooksRef, accessToken: string, account: RecommendedAccount): Promise<CreateOutcome> {
  const t = xeroAccountType(account);
  const res = await http.fetch(`${xero.apiUrl}/api.xro/2.0/Accounts`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${accessToken}`, 'xero-tenant-id': ref.identity, accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ Code: account.code, Name: account.name, Type: t.type, ...(t.taxRateId ? { TaxType: t.taxRateId } : {}) }),
  });
  const answer = await body(res);
  if (res.status === 200) {
    const created = chartFromXero((answer.Accounts ?? []) as Json[], []).accounts[0];
    if (!created) throw new ConnectError('provider_error', 'api: Xero answered 200 without the account');
    return { outcome: 'created', account: created };
  }
  // A grant without the write scope: 401 AuthorizationUnsuccessful; a token Xero no longer takes: 401 otherwise.
  if (res.status === 401 && answer.Detail === 'AuthorizationUnsuccessful') return { outcome: 'no_permission' };
  if (res.status === 401 || res.status === 403) throw new ConnectError('expired', `api: Xero accounting answered ${res.status}`);
  if (res.status === 400) {
    const messages = ((answer.Elements ?? []) as Json[]).flatMap((e) => ((e.ValidationErrors ?? []) as Json[]).map((v) => String(v.Message ?? '')));
    if (messages.some((m) => /unique name/i.test(m))) return { outcome: 'duplicate', field: 'name' };
    if (messages.some((m) => /unique code/i.test(m))) return { outcome: 'duplicate', field: 'code' };
    return { outcome: 'refused', message: messages.filter(Boolean).join(' ') || String(answer.Message ?? 'Xero refused the account.') };
  }
  throw new ConnectError('provider_error', `api: Xero accounting answered ${res.status}`);
}

/** Whether the access token (a JWT whose `scope` claim lists the grant's scopes) covers writing to the chart; true when it cannot tell. */
export function xeroCanWrite(accessToken: string): boolean {
  const payload = accessToken.split('.')[1];
  if (!payload) return true;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { scope?: unknown };
    const scope = Array.isArray(claims.scope) ? claims.scope : typeof claims.scope === 'string' ? claims.scope.split(' ') : undefined;
    return scope === undefined ? true : scope.includes(XERO_WRITE_SCOPE);
  } catch {
    return true;
  }
}
