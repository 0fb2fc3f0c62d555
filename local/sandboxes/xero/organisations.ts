/** The Xero sandbox's user and organisations: Demo Company (UK) and Second Shop Ltd, with their charts of accounts, tax rates and Organisation records. */
import { guid, msDate } from './common.js';

/* ------------------------------------------------------------------ */
/* The sandbox user and organisations                                  */
/* ------------------------------------------------------------------ */

export const XERO_SANDBOX_USER = {
  userId: '3f9a4c2e-7b1d-4e8a-9c55-2d6f0b8e1a47',
  email: 'sandbox.user@example.com',
  givenName: 'Sandy',
  familyName: 'Sandbox',
} as const;

export const XERO_SANDBOX_TENANTS = [
  { tenantId: 'a3c1f0de-58b2-4c6e-9d1f-7e24b5a90c11', tenantName: 'Demo Company (UK)', shortCode: '!q7Zt1' },
  { tenantId: 'b7e20f4a-16c9-4d3b-8a5e-c0f9d2e31b22', tenantName: 'Second Shop Ltd', shortCode: '!m2Kp8' },
] as const;

export const [DEMO, SECOND] = XERO_SANDBOX_TENANTS;
/* ------------------------------------------------------------------ */
/* Charts of accounts and tax rates                                    */
/* ------------------------------------------------------------------ */

export type AccountType =
  | 'BANK' | 'CURRENT' | 'CURRLIAB' | 'DEPRECIATN' | 'DIRECTCOSTS' | 'EQUITY' | 'EXPENSE' | 'FIXED' | 'INVENTORY'
  | 'LIABILITY' | 'NONCURRENT' | 'OTHERINCOME' | 'OVERHEADS' | 'PREPAYMENT' | 'REVENUE' | 'SALES' | 'TERMLIAB';

export interface AccountSeed {
  readonly code: string;
  readonly name: string;
  readonly type: AccountType;
  readonly tax: string;
  readonly archived?: boolean;
  readonly payments?: boolean;
  readonly expenseClaims?: boolean;
  readonly system?: string;
  readonly bank?: { readonly number: string; readonly kind: 'BANK' | 'CREDITCARD' | 'PAYPAL' };
  readonly description?: string;
}

export const CLASS: Record<AccountType, 'ASSET' | 'EQUITY' | 'EXPENSE' | 'LIABILITY' | 'REVENUE'> = {
  BANK: 'ASSET', CURRENT: 'ASSET', FIXED: 'ASSET', INVENTORY: 'ASSET', NONCURRENT: 'ASSET', PREPAYMENT: 'ASSET',
  CURRLIAB: 'LIABILITY', LIABILITY: 'LIABILITY', TERMLIAB: 'LIABILITY',
  EQUITY: 'EQUITY',
  DEPRECIATN: 'EXPENSE', DIRECTCOSTS: 'EXPENSE', EXPENSE: 'EXPENSE', OVERHEADS: 'EXPENSE',
  OTHERINCOME: 'REVENUE', REVENUE: 'REVENUE', SALES: 'REVENUE',
};

/** Demo Company (UK): Xero's UK default chart plus what an online seller adds (clearing, channel fees, shipping income…). */
export const DEMO_CHART: readonly AccountSeed[] = [
  { code: '090', name: 'Business Bank Account', type: 'BANK', tax: 'NONE', bank: { number: '20304012345678', kind: 'BANK' } },
  { code: '091', name: 'Business Savings Account', type: 'BANK', tax: 'NONE', bank: { number: '20304087654321', kind: 'BANK' } },
  { code: '092', name: 'Business Credit Card', type: 'BANK', tax: 'NONE', bank: { number: '5555444433331111', kind: 'CREDITCARD' } },
  { code: '093', name: 'PayPal (old)', type: 'BANK', tax: 'NONE', bank: { number: 'sales@demo-company.example', kind: 'PAYPAL' }, archived: true },
  { code: '200', name: 'Sales', type: 'REVENUE', tax: 'OUTPUT2', description: 'Income from any normal business activity' },
  { code: '210', name: 'Shipping Income', type: 'REVENUE', tax: 'OUTPUT2', description: 'Postage and delivery charged to customers' },
  { code: '215', name: 'Sales Refunds', type: 'REVENUE', tax: 'OUTPUT2', description: 'Refunds given to customers' },
  { code: '220', name: 'Discounts & Promotions', type: 'REVENUE', tax: 'OUTPUT2', description: 'Promotional discounts given on sales' },
  { code: '260', name: 'Other Revenue', type: 'REVENUE', tax: 'OUTPUT2', description: 'Any other income that does not relate to normal business activities' },
  { code: '265', name: 'Marketplace Reimbursements', type: 'OTHERINCOME', tax: 'NONE', description: 'Reimbursements from marketplaces for lost or damaged stock' },
  { code: '270', name: 'Interest Income', type: 'REVENUE', tax: 'NONE', description: 'Interest income' },
  { code: '310', name: 'Cost of Goods Sold', type: 'DIRECTCOSTS', tax: 'INPUT2', description: 'Cost of goods sold by the business' },
  { code: '315', name: 'Marketplace Selling Fees', type: 'DIRECTCOSTS', tax: 'INPUT2', description: 'Referral, commission and transaction fees charged by sales channels' },
  { code: '320', name: 'Fulfilment Fees', type: 'DIRECTCOSTS', tax: 'INPUT2' },
  { code: '400', name: 'Advertising & Marketing', type: 'OVERHEADS', tax: 'INPUT2', expenseClaims: true },
  { code: '401', name: 'Audit & Accountancy fees', type: 'OVERHEADS', tax: 'INPUT2' },
  { code: '404', name: 'Bank Fees', type: 'OVERHEADS', tax: 'EXEMPTINPUT', description: 'Fees charged by your bank for transactions' },
  { code: '408', name: 'Cleaning', type: 'OVERHEADS', tax: 'INPUT2', expenseClaims: true },
  { code: '412', name: 'Consulting', type: 'OVERHEADS', tax: 'INPUT2' },
  { code: '416', name: 'Depreciation Expense', type: 'DEPRECIATN', tax: 'NONE' },
  { code: '420', name: 'Entertainment-100% business', type: 'OVERHEADS', tax: 'INPUT2', expenseClaims: true },
  { code: '424', name: 'Entertainment - 0%', type: 'OVERHEADS', tax: 'NONE', archived: true },
  { code: '425', name: 'Postage, Freight & Courier', type: 'OVERHEADS', tax: 'INPUT2', expenseClaims: true },
  { code: '429', name: 'General Expenses', type: 'OVERHEADS', tax: 'INPUT2', expenseClaims: true },
  { code: '433', name: 'Insurance', type: 'OVERHEADS', tax: 'EXEMPTINPUT' },
  { code: '437', name: 'Interest Paid', type: 'OVERHEADS', tax: 'NONE' },
  { code: '461', name: 'Printing & Stationery', type: 'OVERHEADS', tax: 'INPUT2', expenseClaims: true },
  { code: '463', name: 'IT Software and Consumables', type: 'OVERHEADS', tax: 'INPUT2', expenseClaims: true },
  { code: '469', name: 'Rent', type: 'OVERHEADS', tax: 'EXEMPTINPUT' },
  { code: '477', name: 'Salaries', type: 'OVERHEADS', tax: 'NONE' },
  { code: '485', name: 'Subscriptions', type: 'OVERHEADS', tax: 'INPUT2', expenseClaims: true },
  { code: '489', name: 'Telephone & Internet', type: 'OVERHEADS', tax: 'INPUT2', expenseClaims: true },
  { code: '493', name: 'Travel - National', type: 'OVERHEADS', tax: 'INPUT2', expenseClaims: true },
  { code: '494', name: 'Travel - International', type: 'OVERHEADS', tax: 'NONE', archived: true },
  { code: '497', name: 'Bank Revaluations', type: 'OVERHEADS', tax: 'NONE', system: 'BANKCURRENCYGAIN' },
  { code: '498', name: 'Unrealised Currency Gains', type: 'OVERHEADS', tax: 'NONE', system: 'UNREALISEDCURRENCYGAIN' },
  { code: '499', name: 'Realised Currency Gains', type: 'OVERHEADS', tax: 'NONE', system: 'REALISEDCURRENCYGAIN' },
  { code: '500', name: 'Corporation Tax', type: 'OVERHEADS', tax: 'NONE' },
  { code: '610', name: 'Accounts Receivable', type: 'CURRENT', tax: 'NONE', system: 'DEBTORS' },
  { code: '615', name: 'Marketplace Clearing', type: 'CURRENT', tax: 'NONE', payments: true, description: 'Sales channel payouts before they reach the bank' },
  { code: '616', name: 'eBay Clearing', type: 'CURRENT', tax: 'NONE', payments: true, archived: true },
  { code: '620', name: 'Prepayments', type: 'PREPAYMENT', tax: 'NONE' },
  { code: '630', name: 'Inventory', type: 'INVENTORY', tax: 'NONE' },
  { code: '710', name: 'Office Equipment', type: 'FIXED', tax: 'INPUT2' },
  { code: '720', name: 'Computer Equipment', type: 'FIXED', tax: 'INPUT2' },
  { code: '800', name: 'Accounts Payable', type: 'CURRLIAB', tax: 'NONE', system: 'CREDITORS' },
  { code: '801', name: 'Unpaid Expense Claims', type: 'CURRLIAB', tax: 'NONE', system: 'UNPAIDEXPCLM' },
  { code: '805', name: 'Accrued Liabilities', type: 'CURRLIAB', tax: 'NONE' },
  { code: '820', name: 'VAT', type: 'CURRLIAB', tax: 'NONE', system: 'GST' },
  { code: '821', name: 'Marketplace Collected VAT', type: 'CURRLIAB', tax: 'NONE', description: 'VAT collected and remitted by marketplaces' },
  { code: '825', name: 'PAYE Payable', type: 'CURRLIAB', tax: 'NONE' },
  { code: '830', name: 'Provision for Corporation Tax', type: 'CURRLIAB', tax: 'NONE' },
  { code: '835', name: "Directors' Loan Account", type: 'CURRLIAB', tax: 'NONE', payments: true },
  { code: '840', name: 'Historical Adjustment', type: 'CURRLIAB', tax: 'NONE', system: 'HISTORICAL' },
  { code: '850', name: 'Suspense', type: 'CURRLIAB', tax: 'NONE' },
  { code: '860', name: 'Rounding', type: 'CURRLIAB', tax: 'NONE', system: 'ROUNDING' },
  { code: '900', name: 'Loan', type: 'TERMLIAB', tax: 'NONE' },
  { code: '950', name: 'Capital - Ordinary Shares', type: 'EQUITY', tax: 'NONE' },
  { code: '960', name: 'Retained Earnings', type: 'EQUITY', tax: 'NONE', system: 'RETAINEDEARNINGS' },
];

/** Second Shop Ltd: a small Etsy seller's chart. */
export const SECOND_CHART: readonly AccountSeed[] = [
  { code: '090', name: 'Starling Business Account', type: 'BANK', tax: 'NONE', bank: { number: '60837112345678', kind: 'BANK' } },
  { code: '200', name: 'Sales', type: 'REVENUE', tax: 'OUTPUT2' },
  { code: '210', name: 'Postage Income', type: 'REVENUE', tax: 'OUTPUT2' },
  { code: '310', name: 'Cost of Goods Sold', type: 'DIRECTCOSTS', tax: 'INPUT2' },
  { code: '315', name: 'Etsy Fees', type: 'DIRECTCOSTS', tax: 'INPUT2' },
  { code: '400', name: 'Etsy Ads', type: 'OVERHEADS', tax: 'INPUT2' },
  { code: '404', name: 'Bank Fees', type: 'OVERHEADS', tax: 'EXEMPTINPUT' },
  { code: '418', name: 'Market Stall Fees', type: 'OVERHEADS', tax: 'NONE', archived: true },
  { code: '425', name: 'Postage & Packaging', type: 'OVERHEADS', tax: 'INPUT2' },
  { code: '610', name: 'Accounts Receivable', type: 'CURRENT', tax: 'NONE', system: 'DEBTORS' },
  { code: '615', name: 'Etsy Payments Clearing', type: 'CURRENT', tax: 'NONE', payments: true },
  { code: '800', name: 'Accounts Payable', type: 'CURRLIAB', tax: 'NONE', system: 'CREDITORS' },
  { code: '820', name: 'VAT', type: 'CURRLIAB', tax: 'NONE', system: 'GST' },
  { code: '860', name: 'Rounding', type: 'CURRLIAB', tax: 'NONE', system: 'ROUNDING' },
  { code: '960', name: 'Retained Earnings', type: 'EQUITY', tax: 'NONE', system: 'RETAINEDEARNINGS' },
  { code: '970', name: 'Owner Funds Introduced', type: 'EQUITY', tax: 'NONE', payments: true },
];

export const CHART_UPDATED = Date.UTC(2026, 0, 12, 9, 30, 0);

export function accounts(tenantId: string, seeds: readonly AccountSeed[]) {
  return seeds.map((s, i) => ({
    AccountID: guid(`${tenantId}:account:${s.code}`),
    Code: s.code,
    Name: s.name,
    Status: s.archived ? 'ARCHIVED' : 'ACTIVE',
    Type: s.type,
    TaxType: s.tax,
    ...(s.description ? { Description: s.description } : {}),
    Class: CLASS[s.type],
    ...(s.system ? { SystemAccount: s.system } : {}),
    EnablePaymentsToAccount: s.payments ?? false,
    ShowInExpenseClaims: s.expenseClaims ?? false,
    ...(s.bank ? { BankAccountNumber: s.bank.number, BankAccountType: s.bank.kind, CurrencyCode: 'GBP' } : { BankAccountType: '' }),
    ReportingCode: reportingCode(s.type),
    HasAttachments: false,
    UpdatedDateUTC: msDate(CHART_UPDATED + i * 1000),
    AddToWatchlist: s.type === 'BANK' && !s.archived,
  }));
}

export function reportingCode(type: AccountType): string {
  switch (CLASS[type]) {
    case 'ASSET': return type === 'BANK' ? 'ASS.CUR.CAS.CAS' : type === 'FIXED' ? 'ASS.NCA.FIX' : 'ASS.CUR';
    case 'LIABILITY': return type === 'TERMLIAB' ? 'LIA.NCL' : 'LIA.CUR';
    case 'EQUITY': return 'EQU';
    case 'REVENUE': return type === 'OTHERINCOME' ? 'REV.OTH' : 'REV.TRA';
    case 'EXPENSE': return type === 'DIRECTCOSTS' ? 'EXP.COS' : type === 'DEPRECIATN' ? 'EXP.DEP' : 'EXP';
  }
}

export interface RateSeed {
  readonly name: string;
  readonly type: string;
  readonly report: string;
  readonly rate: number;
  readonly side: 'income' | 'expense' | 'both';
  readonly status?: 'ACTIVE' | 'ARCHIVED';
  readonly component?: string;
}

/** Xero's UK VAT rates (system defined and the common user ones). */
export const UK_RATES: readonly RateSeed[] = [
  { name: '20% (VAT on Income)', type: 'OUTPUT2', report: 'OUTPUT', rate: 20, side: 'income' },
  { name: '5% (VAT on Income)', type: 'RROUTPUT', report: 'OUTPUT', rate: 5, side: 'income' },
  { name: 'Zero Rated Income', type: 'ZERORATEDOUTPUT', report: 'OUTPUT', rate: 0, side: 'income' },
  { name: 'Exempt Income', type: 'EXEMPTOUTPUT', report: 'EXEMPTOUTPUT', rate: 0, side: 'income' },
  { name: 'Zero Rated EC Goods Income', type: 'ECZROUTPUT', report: 'ECOUTPUT', rate: 0, side: 'income' },
  { name: 'Zero Rated EC Services', type: 'ECZROUTPUTSERVICES', report: 'ECOUTPUTSERVICES', rate: 0, side: 'income' },
  { name: '20% (VAT on Capital Sales)', type: 'CAPEXOUTPUT2', report: 'OUTPUT', rate: 20, side: 'income' },
  { name: 'No VAT', type: 'NONE', report: 'NONE', rate: 0, side: 'both' },
  { name: '20% (VAT on Expenses)', type: 'INPUT2', report: 'INPUT', rate: 20, side: 'expense' },
  { name: '5% (VAT on Expenses)', type: 'RRINPUT', report: 'INPUT', rate: 5, side: 'expense' },
  { name: 'Zero Rated Expenses', type: 'ZERORATEDINPUT', report: 'INPUT', rate: 0, side: 'expense' },
  { name: 'Exempt Expenses', type: 'EXEMPTINPUT', report: 'EXEMPTINPUT', rate: 0, side: 'expense' },
  { name: '20% (VAT on Capital Purchases)', type: 'CAPEXINPUT2', report: 'INPUT', rate: 20, side: 'expense' },
  { name: 'Zero Rated EC Expenses', type: 'ECZRINPUT', report: 'ECINPUT', rate: 0, side: 'expense' },
  { name: 'EC Acquisitions (20%)', type: 'ECACQUISITIONS', report: 'ECACQUISITIONS', rate: 20, side: 'expense' },
  { name: 'Reverse Charge Expenses (20%)', type: 'REVERSECHARGES', report: 'REVERSECHARGES', rate: 20, side: 'expense' },
  { name: 'Domestic Reverse Charge @ 20% (VAT on Income)', type: 'DRCHARGESUPPLY20', report: 'DRCHARGESUPPLY', rate: 0, side: 'income' },
  { name: 'Domestic Reverse Charge @ 20% (VAT on Expenses)', type: 'DRCHARGE20', report: 'DRCHARGE', rate: 20, side: 'expense' },
  { name: 'Marketplace Collected VAT (0%)', type: 'TAX001', report: 'OUTPUT', rate: 0, side: 'income' },
  { name: '17.5% (VAT on Income)', type: 'OUTPUT', report: 'OUTPUT', rate: 17.5, side: 'income', status: 'ARCHIVED' },
  { name: '15% (VAT on Expenses)', type: 'SRINPUT', report: 'INPUT', rate: 15, side: 'expense', status: 'ARCHIVED' },
];

export const SECOND_RATE_TYPES = new Set(['OUTPUT2', 'RROUTPUT', 'ZERORATEDOUTPUT', 'EXEMPTOUTPUT', 'NONE', 'INPUT2', 'RRINPUT', 'ZERORATEDINPUT', 'EXEMPTINPUT']);

export function taxRates(seeds: readonly RateSeed[]) {
  return seeds.map((r) => ({
    Name: r.name,
    TaxType: r.type,
    TaxComponents: [{ Name: r.component ?? 'VAT', Rate: r.rate, IsCompound: false, IsNonRecoverable: false }],
    Status: r.status ?? 'ACTIVE',
    ReportTaxType: r.report,
    CanApplyToAssets: true,
    CanApplyToEquity: true,
    CanApplyToExpenses: r.side !== 'income',
    CanApplyToLiabilities: true,
    CanApplyToRevenue: r.side !== 'expense',
    DisplayTaxRate: r.rate,
    EffectiveRate: r.rate,
  }));
}

export const ORGS = new Map<string, { accounts: ReturnType<typeof accounts>; taxRates: ReturnType<typeof taxRates>; organisation: Record<string, unknown> }>([
  [
    DEMO.tenantId,
    {
      accounts: accounts(DEMO.tenantId, DEMO_CHART),
      taxRates: taxRates(UK_RATES),
      organisation: organisation(DEMO.tenantId, DEMO.tenantName, DEMO.shortCode, { legal: 'Demo Company (UK) Limited', demo: true, taxNumber: 'GB123456789' }),
    },
  ],
  [
    SECOND.tenantId,
    {
      accounts: accounts(SECOND.tenantId, SECOND_CHART),
      taxRates: taxRates(UK_RATES.filter((r) => SECOND_RATE_TYPES.has(r.type))),
      organisation: organisation(SECOND.tenantId, SECOND.tenantName, SECOND.shortCode, { legal: 'Second Shop Ltd', demo: false, taxNumber: 'GB987654321' }),
    },
  ],
]);

export function organisation(id: string, name: string, shortCode: string, o: { legal: string; demo: boolean; taxNumber: string }) {
  return {
    OrganisationID: id,
    Name: name,
    LegalName: o.legal,
    PaysTax: true,
    Version: 'UK',
    OrganisationType: 'COMPANY',
    BaseCurrency: 'GBP',
    CountryCode: 'GB',
    IsDemoCompany: o.demo,
    OrganisationStatus: 'ACTIVE',
    TaxNumber: o.taxNumber,
    FinancialYearEndDay: 31,
    FinancialYearEndMonth: 3,
    SalesTaxBasis: 'ACCRUALS',
    SalesTaxPeriod: 'QUARTERLY1',
    DefaultSalesTax: 'Tax Exclusive',
    DefaultPurchasesTax: 'Tax Inclusive',
    CreatedDateUTC: msDate(Date.UTC(2025, 3, 1, 8, 0, 0)),
    OrganisationEntityType: 'COMPANY',
    Timezone: 'GMTSTANDARDTIME',
    ShortCode: shortCode,
    Edition: 'BUSINESS',
    Class: 'STANDARD',
    LineOfBusiness: 'Online retail',
  };
}
