/**
 * QuickBooks Online's account creation (docs/providers.md §10.9):
 * `POST /v3/company/{realmId}/account` with one account in QuickBooks' own
 * shape (AccountType and its detail type, AcctNum), its refusals read from
 * the ValidationFault's codes. Its accounting scope reads and writes, so a
 * connection can always add accounts.
 */
import { chartFromQuickbooks } from '../../domain/chart.js';
import { ConnectError } from '../../domain/errors.js';
import type { RecommendedAccount } from '../../domain/recommended.js';
import type { ProviderHttp } from '../../ports/index.js';
import type { BooksRef, CreateOutcome, PlatformAccountType } from '../books.js';
import { quickbooks } from './definition.js';

/** QuickBooks' own types: a clearing account is another current asset, fees an expense, collected tax another current liability (as QuickBooks' own "Marketplace Facilitator Tax"). No tax code: US accounts carry none. */
export function quickbooksAccountType(account: RecommendedAccount): PlatformAccountType {
  if (account.category === 'clearing') return { type: 'Other Current Asset', subType: 'OtherCurrentAssets' };
  if (account.category === 'fees') return { type: 'Expense', subType: 'OtherBusinessExpenses' };
  return { type: 'Other Current Liability', subType: 'OtherCurrentLiabilities' };
}

type Json = Record<string, any>;

export async function quickbooksCreate(http: ProviderHttp, ref: BooksRef, accessToken: string, account: RecommendedAccount): Promise<CreateOutcome> {
  const t = quickbooksAccountType(account);
  const url = `${quickbooks.apiUrl}/v3/company/${encodeURIComponent(ref.identity)}/account?minorversion=75`;
  const res = await http.fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ Name: account.name, AcctNum: account.code, AccountType: t.type, ...(t.subType ? { AccountSubType: t.subType } : {}) }),
  });
  let answer: Json = {};
  try {
    const v = (await res.json()) as unknown;
    if (v && typeof v === 'object') answer = v as Json;
  } catch {
    // an answer without JSON: judged by its status alone
  }
  if (res.status === 200) {
    const created = answer.Account ? chartFromQuickbooks([answer.Account as Json], [], []).accounts[0] : undefined;
    if (!created) throw new ConnectError('provider_error', 'api: QuickBooks answered 200 without the account');
    return { outcome: 'created', account: created };
  }
  if (res.status === 401) throw new ConnectError('expired', 'api: QuickBooks answered 401');
  // A grant that does not cover the company's accounting (the sandbox's AuthorizationFault).
  if (res.status === 403) return { outcome: 'no_permission' };
  if (res.status === 400) {
    const errors = ((answer.Fault?.Error ?? []) as Json[]).map((e) => ({ code: String(e.code ?? ''), detail: String(e.Detail ?? e.Message ?? '') }));
    if (errors.some((e) => e.code === '6240')) return { outcome: 'duplicate', field: 'name' };
    if (errors.some((e) => e.code === '6000' && /account number/i.test(e.detail))) return { outcome: 'duplicate', field: 'code' };
    return { outcome: 'refused', message: errors.map((e) => e.detail).filter(Boolean).join(' ') || 'QuickBooks refused the account.' };
  }
  throw new ConnectError('provider_error', `api: QuickBooks answered ${res.status}`);
}
