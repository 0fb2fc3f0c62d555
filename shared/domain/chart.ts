/**
 * A bookkeeping platform's chart of accounts and tax rates, as Accounts &
 * Taxes needs them: each account of one of a few kinds, active or not.
 * Normalised from Xero's and QuickBooks' own shapes.
 */

export type AccountKind = 'revenue' | 'expense' | 'bank' | 'asset' | 'liability' | 'equity';

export interface ChartAccount {
  readonly id: string;
  readonly code: string | null;
  readonly name: string;
  readonly kind: AccountKind;
  /** The platform's own type name, shown to the seller. */
  readonly type: string;
  readonly active: boolean;
}

export interface ChartTaxRate {
  readonly id: string;
  readonly name: string;
  /** Percent, when the platform gives one. */
  readonly rate: number | null;
  readonly active: boolean;
}

export interface Chart {
  readonly accounts: readonly ChartAccount[];
  readonly taxRates: readonly ChartTaxRate[];
}

const XERO_KINDS: Record<string, AccountKind> = {
  REVENUE: 'revenue',
  SALES: 'revenue',
  OTHERINCOME: 'revenue',
  EXPENSE: 'expense',
  OVERHEADS: 'expense',
  DIRECTCOSTS: 'expense',
  DEPRECIATN: 'expense',
  BANK: 'bank',
  CURRENT: 'asset',
  FIXED: 'asset',
  INVENTORY: 'asset',
  NONCURRENT: 'asset',
  PREPAYMENT: 'asset',
  CURRLIAB: 'liability',
  LIABILITY: 'liability',
  TERMLIAB: 'liability',
  PAYG: 'liability',
  EQUITY: 'equity',
};

/** Xero's Accounts and TaxRates (as xero-node or the JSON API gives them). */
export function chartFromXero(accounts: readonly Record<string, any>[], taxRates: readonly Record<string, any>[]): Chart {
  return {
    accounts: accounts.flatMap((a) => {
      const type = String(a.type ?? a.Type ?? '').toUpperCase();
      const kind = XERO_KINDS[type];
      const id = a.accountID ?? a.AccountID;
      if (!kind || typeof id !== 'string') return [];
      const status = String(a.status ?? a.Status ?? 'ACTIVE').toUpperCase();
      if (status === 'DELETED') return [];
      return [{ id, code: (a.code ?? a.Code ?? null) as string | null, name: String(a.name ?? a.Name ?? ''), kind, type, active: status === 'ACTIVE' }];
    }),
    taxRates: taxRates.flatMap((t) => {
      const id = t.taxType ?? t.TaxType;
      if (typeof id !== 'string') return [];
      const rate = Number(t.effectiveRate ?? t.EffectiveRate ?? t.displayTaxRate ?? t.DisplayTaxRate);
      const status = String(t.status ?? t.Status ?? 'ACTIVE').toUpperCase();
      if (status === 'DELETED') return [];
      return [{ id, name: String(t.name ?? t.Name ?? id), rate: Number.isFinite(rate) ? rate : null, active: status === 'ACTIVE' }];
    }),
  };
}

function quickbooksKind(a: Record<string, any>): AccountKind | undefined {
  const type = String(a.AccountType ?? '');
  if (type === 'Bank') return 'bank';
  switch (String(a.Classification ?? '')) {
    case 'Revenue':
      return 'revenue';
    case 'Expense':
      return 'expense';
    case 'Asset':
      return 'asset';
    case 'Liability':
      return 'liability';
    case 'Equity':
      return 'equity';
  }
  return undefined;
}

/** QuickBooks' Account and TaxCode answers (tax codes are what a sale is tagged with; their rate is the sum of their sales rates). */
export function chartFromQuickbooks(accounts: readonly Record<string, any>[], taxCodes: readonly Record<string, any>[], taxRates: readonly Record<string, any>[]): Chart {
  const rateValue = new Map(taxRates.map((r) => [String(r.Id), Number(r.RateValue)]));
  return {
    accounts: accounts.flatMap((a) => {
      const kind = quickbooksKind(a);
      if (!kind || a.Id === undefined) return [];
      return [{ id: String(a.Id), code: typeof a.AcctNum === 'string' ? a.AcctNum : null, name: String(a.FullyQualifiedName ?? a.Name ?? ''), kind, type: String(a.AccountType ?? ''), active: a.Active !== false }];
    }),
    taxRates: taxCodes.flatMap((c) => {
      if (c.Id === undefined) return [];
      const details = (c.SalesTaxRateList?.TaxRateDetail ?? []) as Record<string, any>[];
      const total = details.reduce((sum, d) => sum + (rateValue.get(String(d.TaxRateRef?.value)) ?? 0), 0);
      return [{ id: String(c.Id), name: String(c.Name ?? c.Id), rate: details.length > 0 ? Math.round(total * 1000) / 1000 : 0, active: c.Active !== false }];
    }),
  };
}
