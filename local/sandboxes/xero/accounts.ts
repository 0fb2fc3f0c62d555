/**
 * The Xero sandbox's account creation (docs/providers.md §9.9): reading a
 * `PUT /Accounts` body, Xero's checks on a new account, and the account as
 * `GET /Accounts` then lists it. The API (`api.ts`) and the seller adding an
 * account in Xero's own screens (`addAccount` in `controls.ts`) both come here.
 */
import { randomUUID } from 'node:crypto';
import { guid, msDate, type XeroState } from './common.js';
import { CLASS, ORGS, reportingCode, type AccountType } from './organisations.js';

type Row = Record<string, unknown>;

/** Xero's account types (`Type`) for a UK organisation. */
export const ACCOUNT_TYPES = new Set(Object.keys(CLASS));

const isRecord = (v: unknown): v is Row => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A body field, its name in any case (xero-node sends PascalCase). */
function field(row: Row, name: string): unknown {
  const key = Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : row[key];
}

/** A text field as sent: numbers become text (an account code of 4000), blanks and other values are absent. */
function text(row: Row, name: string): string | undefined {
  const v = field(row, name);
  const t = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
  return t ? t : undefined;
}

const flag = (row: Row, name: string): boolean | undefined => {
  const v = field(row, name);
  return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined;
};

const same = (a: unknown, b: string) => typeof a === 'string' && a.trim().toLowerCase() === b.toLowerCase();

/**
 * The account a `PUT /Accounts` body carries: the account itself, or the
 * first of `{ "Accounts": [ … ] }` (Xero takes one account a request and,
 * given a list, processes only the first); undefined when there is none.
 */
export function readAccountBody(body: string): Row | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const list = field(value, 'Accounts');
  if (list !== undefined) return Array.isArray(list) && isRecord(list[0]) ? list[0] : undefined;
  return Object.keys(value).length ? value : undefined;
}

/** The request's body as JSON, or its text when it is not JSON (for `createRequests`). */
export function bodyOf(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/**
 * Xero's validation messages for a new account in `chart`, none when it may
 * be created. Names and codes are unique among all the organisation's
 * accounts, archived ones included. Sourced: the unique Name and Code
 * messages, the code length, the bank account number. Not found in Xero's
 * sources, so chosen here: the messages for a missing Code, Name or Type, and
 * whether the comparison ignores case (it does here).
 */
export function accountErrors(chart: readonly Row[], tenantId: string, input: Row): string[] {
  const errors: string[] = [];
  const type = text(input, 'Type')?.toUpperCase();
  const code = text(input, 'Code');
  const name = text(input, 'Name');
  // Xero's own example creates a bank account without a Code.
  if (!code && type !== 'BANK') errors.push('Please enter a Code.');
  if (code && code.length > 10) errors.push('Account Code is too long. Maximum of 10 characters allowed');
  if (code && chart.some((a) => same(a.Code, code))) errors.push('Please enter a unique Code.');
  if (!name) errors.push('Please enter a Name.');
  if (name && chart.some((a) => same(a.Name, name))) errors.push('Please enter a unique Name.');
  if (!type || !ACCOUNT_TYPES.has(type)) errors.push('Please enter a valid Type.');
  if (type === 'BANK' && !text(input, 'BankAccountNumber')) errors.push('Please enter a valid Bank Account Number.');
  const taxType = text(input, 'TaxType');
  const rates = ORGS.get(tenantId)?.taxRates ?? [];
  if (taxType && !rates.some((r) => r.TaxType === taxType && r.Status === 'ACTIVE')) {
    // Xero's wording for a tax type it does not know on a line item.
    errors.push(`The TaxType code ${taxType} does not exist or cannot be used for this type of transaction.`);
  }
  return errors;
}

/** The tax type Xero gives an account created without one (assumed: the UK standard rates for income and costs, no VAT otherwise). */
function defaultTaxType(type: AccountType): string {
  if (type === 'REVENUE' || type === 'SALES') return 'OUTPUT2';
  if (type === 'DIRECTCOSTS' || type === 'EXPENSE' || type === 'OVERHEADS' || type === 'FIXED') return 'INPUT2';
  return 'NONE';
}

/** A checked account as Xero answers and lists it once created. */
export function newAccount(tenantId: string, input: Row, now: number): Row {
  const type = (text(input, 'Type') ?? '').toUpperCase() as AccountType;
  const code = text(input, 'Code');
  const description = text(input, 'Description');
  return {
    AccountID: guid(`${tenantId}:account:${randomUUID()}`),
    ...(code ? { Code: code } : {}),
    Name: text(input, 'Name'),
    Status: 'ACTIVE',
    Type: type,
    TaxType: text(input, 'TaxType') ?? defaultTaxType(type),
    ...(description && type !== 'BANK' ? { Description: description } : {}),
    Class: CLASS[type],
    EnablePaymentsToAccount: flag(input, 'EnablePaymentsToAccount') ?? false,
    ShowInExpenseClaims: flag(input, 'ShowInExpenseClaims') ?? false,
    ...(type === 'BANK'
      ? { BankAccountNumber: text(input, 'BankAccountNumber'), BankAccountType: text(input, 'BankAccountType') ?? 'BANK', CurrencyCode: text(input, 'CurrencyCode') ?? 'GBP' }
      : { BankAccountType: '' }),
    ReportingCode: reportingCode(type),
    HasAttachments: false,
    UpdatedDateUTC: msDate(now),
    // Xero honours AddToWatchlist on POST only, not on PUT.
    AddToWatchlist: false,
  };
}

const ECHOED = ['Code', 'Name', 'Type', 'BankAccountNumber', 'Status', 'Description', 'BankAccountType', 'CurrencyCode', 'TaxType', 'EnablePaymentsToAccount', 'ShowInExpenseClaims'];

/** The refused account as Xero echoes it in a ValidationException's `Elements`: an empty AccountID, the fields sent, the messages. */
export function validationElement(input: Row, errors: readonly string[]): Row {
  const echoed: Row = { AccountID: '00000000-0000-0000-0000-000000000000' };
  for (const name of ECHOED) {
    const v = field(input, name);
    if (v !== undefined) echoed[name] = v;
  }
  return { ...echoed, ValidationErrors: errors.map((Message) => ({ Message })) };
}

/** Creates an account in `tenantId`'s chart after Xero's checks: the new account, or the messages refusing it. */
export function addAccount(s: XeroState, tenantId: string, input: Row): { readonly account: Row } | { readonly errors: readonly string[] } {
  const chart = s.charts.get(tenantId);
  if (!chart) return { errors: ['Organisation not found'] };
  const errors = accountErrors(chart, tenantId, input);
  if (errors.length) return { errors };
  const account = newAccount(tenantId, input, s.ctx.now());
  chart.push(account);
  return { account };
}
