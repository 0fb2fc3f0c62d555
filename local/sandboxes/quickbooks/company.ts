/** The QuickBooks sandbox's company, Sandbox Company US: its CompanyInfo, chart of accounts, tax rates and tax codes. */
import { pacific } from './common.js';

export const QUICKBOOKS_SANDBOX_COMPANY = {
  realmId: '9341452345678901',
  companyName: 'Sandbox Company US',
  legalName: 'Sandbox Company US LLC',
} as const;

/* ------------------------------------------------------------------ */
/* Company data: CompanyInfo, chart of accounts, tax rates and codes     */
/* ------------------------------------------------------------------ */

export type Row = Record<string, unknown>;

export const CREATED = Date.UTC(2026, 0, 5, 18, 0, 0);
export const meta = (i: number) => ({ CreateTime: pacific(CREATED + i * 60_000), LastUpdatedTime: pacific(CREATED + i * 60_000 + 86_400_000) });
export const USD = { value: 'USD', name: 'United States Dollar' };

export const COMPANY_INFO: Row = {
  CompanyName: QUICKBOOKS_SANDBOX_COMPANY.companyName,
  LegalName: QUICKBOOKS_SANDBOX_COMPANY.legalName,
  CompanyAddr: { Id: '1', Line1: '123 Sierra Way', City: 'San Pablo', CountrySubDivisionCode: 'CA', PostalCode: '87999', Lat: '36.6788345', Long: '-5.4464622' },
  CustomerCommunicationAddr: { Id: '1', Line1: '123 Sierra Way', City: 'San Pablo', CountrySubDivisionCode: 'CA', PostalCode: '87999' },
  LegalAddr: { Id: '1', Line1: '123 Sierra Way', City: 'San Pablo', CountrySubDivisionCode: 'CA', PostalCode: '87999' },
  CustomerCommunicationEmailAddr: { Address: 'noreply@quickbooks.example' },
  PrimaryPhone: { FreeFormNumber: '(650) 555-0100' },
  CompanyStartDate: '2026-01-05',
  FiscalYearStartMonth: 'January',
  Country: 'US',
  Email: { Address: 'sandbox.owner@example.com' },
  WebAddr: {},
  SupportedLanguages: 'en',
  NameValue: [
    { Name: 'NeoEnabled', Value: 'true' },
    { Name: 'IndustryType', Value: 'Online retail' },
    { Name: 'CompanyType', Value: 'LLC' },
    { Name: 'SubscriptionStatus', Value: 'SUBSCRIBED' },
    { Name: 'OfferingSku', Value: 'QuickBooks Online Plus' },
    { Name: 'PayrollFeature', Value: 'false' },
    { Name: 'AccountantFeature', Value: 'false' },
    { Name: 'IsQbdtMigrated', Value: 'false' },
    { Name: 'ItemCategoriesFeature', Value: 'true' },
  ],
  DefaultTimeZone: 'America/Los_Angeles',
  domain: 'QBO',
  sparse: false,
  Id: '1',
  SyncToken: '4',
  MetaData: meta(0),
};

export type AccountType =
  | 'Bank' | 'Other Current Asset' | 'Fixed Asset' | 'Other Asset' | 'Accounts Receivable'
  | 'Equity' | 'Expense' | 'Other Expense' | 'Cost of Goods Sold'
  | 'Accounts Payable' | 'Credit Card' | 'Long Term Liability' | 'Other Current Liability'
  | 'Income' | 'Other Income';

export const CLASSIFICATION: Record<AccountType, string> = {
  Bank: 'Asset', 'Other Current Asset': 'Asset', 'Fixed Asset': 'Asset', 'Other Asset': 'Asset', 'Accounts Receivable': 'Asset',
  Equity: 'Equity',
  Expense: 'Expense', 'Other Expense': 'Expense', 'Cost of Goods Sold': 'Expense',
  'Accounts Payable': 'Liability', 'Credit Card': 'Liability', 'Long Term Liability': 'Liability', 'Other Current Liability': 'Liability',
  Income: 'Revenue', 'Other Income': 'Revenue',
};

export interface AccountSeed {
  readonly id: string;
  readonly num?: string;
  readonly name: string;
  readonly type: AccountType;
  readonly sub: string;
  readonly balance?: number;
  readonly inactive?: boolean;
  readonly parent?: string;
  readonly description?: string;
}

/** A US online seller's chart: QuickBooks' defaults plus clearing, channel fee and shipping accounts. */
export const CHART: readonly AccountSeed[] = [
  { id: '35', num: '1000', name: 'Checking', type: 'Bank', sub: 'Checking', balance: 12450.33 },
  { id: '36', num: '1010', name: 'Savings', type: 'Bank', sub: 'Savings', balance: 25000 },
  { id: '93', name: 'PayPal', type: 'Bank', sub: 'Checking', balance: 0, inactive: true },
  { id: '4', num: '1050', name: 'Undeposited Funds', type: 'Other Current Asset', sub: 'UndepositedFunds', balance: 2062.52 },
  { id: '84', num: '1100', name: 'Accounts Receivable (A/R)', type: 'Accounts Receivable', sub: 'AccountsReceivable', balance: 3150 },
  { id: '81', num: '1300', name: 'Inventory Asset', type: 'Other Current Asset', sub: 'Inventory', balance: 8200 },
  { id: '90', num: '1400', name: 'Amazon Clearing', type: 'Other Current Asset', sub: 'OtherCurrentAssets', balance: 1832.1, description: 'Amazon settlements before they reach Checking' },
  { id: '91', num: '1410', name: 'Shopify Payouts Clearing', type: 'Other Current Asset', sub: 'OtherCurrentAssets', balance: 640 },
  { id: '92', num: '1420', name: 'eBay Clearing', type: 'Other Current Asset', sub: 'OtherCurrentAssets', balance: 0, inactive: true },
  { id: '37', num: '1500', name: 'Office Equipment', type: 'Fixed Asset', sub: 'FurnitureAndFixtures', balance: 2400 },
  { id: '33', num: '2000', name: 'Accounts Payable (A/P)', type: 'Accounts Payable', sub: 'AccountsPayable', balance: 1602.67 },
  { id: '41', num: '2100', name: 'Mastercard', type: 'Credit Card', sub: 'CreditCard', balance: 157.72 },
  { id: '89', num: '2200', name: 'Sales Tax Payable', type: 'Other Current Liability', sub: 'SalesTaxPayable', balance: 870.25 },
  { id: '94', num: '2210', name: 'Marketplace Facilitator Tax', type: 'Other Current Liability', sub: 'OtherCurrentLiabilities', balance: 0, description: 'Sales tax collected and remitted by marketplaces' },
  { id: '43', num: '2500', name: 'Notes Payable', type: 'Long Term Liability', sub: 'NotesPayable', balance: 4000 },
  { id: '34', num: '3000', name: 'Opening Balance Equity', type: 'Equity', sub: 'OpeningBalanceEquity', balance: -9337.5 },
  { id: '2', num: '3100', name: 'Retained Earnings', type: 'Equity', sub: 'RetainedEarnings', balance: 0 },
  { id: '79', num: '4000', name: 'Sales of Product Income', type: 'Income', sub: 'SalesOfProductIncome' },
  { id: '1', num: '4100', name: 'Services', type: 'Income', sub: 'ServiceFeeIncome' },
  { id: '80', num: '4200', name: 'Shipping Income', type: 'Income', sub: 'OtherPrimaryIncome' },
  { id: '86', num: '4300', name: 'Discounts given', type: 'Income', sub: 'DiscountsRefundsGiven' },
  { id: '87', num: '4310', name: 'Refunds & Returns', type: 'Income', sub: 'DiscountsRefundsGiven' },
  { id: '96', num: '4320', name: 'Coupons', type: 'Income', sub: 'DiscountsRefundsGiven', inactive: true },
  { id: '95', num: '4400', name: 'Marketplace Reimbursements', type: 'Other Income', sub: 'OtherMiscellaneousIncome' },
  { id: '82', num: '5000', name: 'Cost of Goods Sold', type: 'Cost of Goods Sold', sub: 'SuppliesMaterialsCogs' },
  { id: '97', num: '5100', name: 'Fulfillment Fees', type: 'Cost of Goods Sold', sub: 'ShippingFreightDeliveryCos' },
  { id: '7', num: '6000', name: 'Advertising & Marketing', type: 'Expense', sub: 'AdvertisingPromotional' },
  { id: '98', num: '6010', name: 'Amazon Sponsored Ads', type: 'Expense', sub: 'AdvertisingPromotional', parent: '7' },
  { id: '8', num: '6100', name: 'Bank Charges & Fees', type: 'Expense', sub: 'BankCharges' },
  { id: '99', num: '6110', name: 'Merchant Fees', type: 'Expense', sub: 'BankCharges' },
  { id: '106', num: '6111', name: 'Amazon Selling Fees', type: 'Expense', sub: 'BankCharges', parent: '99' },
  { id: '107', num: '6112', name: 'Shopify Fees', type: 'Expense', sub: 'BankCharges', parent: '99' },
  { id: '100', num: '6200', name: 'Shipping & Postage', type: 'Expense', sub: 'ShippingFreightDelivery' },
  { id: '105', num: '6210', name: 'Stamps.com', type: 'Expense', sub: 'ShippingFreightDelivery', inactive: true },
  { id: '101', num: '6300', name: 'Office Supplies & Software', type: 'Expense', sub: 'OfficeGeneralAdministrativeExpenses' },
  { id: '102', num: '6400', name: 'Rent & Lease', type: 'Expense', sub: 'RentOrLeaseOfBuildings' },
  { id: '103', num: '6500', name: 'Insurance', type: 'Expense', sub: 'Insurance' },
  { id: '104', name: 'Uncategorized Expense', type: 'Expense', sub: 'OtherMiscellaneousServiceCost' },
];

export function accountRows(): Row[] {
  const byId = new Map(CHART.map((a) => [a.id, a]));
  const fqn = (a: AccountSeed): string => {
    const parent = a.parent ? byId.get(a.parent) : undefined;
    return parent ? `${fqn(parent)}:${a.name}` : a.name;
  };
  const balance = (a: AccountSeed) => a.balance ?? 0;
  return CHART.map((a, i) => {
    const children = CHART.filter((c) => c.parent === a.id);
    const name = a.inactive ? `${a.name} (deleted)` : a.name;
    const parent = a.parent ? byId.get(a.parent) : undefined;
    return {
      Name: name,
      SubAccount: Boolean(a.parent),
      ...(parent ? { ParentRef: { value: parent.id } } : {}),
      FullyQualifiedName: a.inactive ? `${fqn(a)} (deleted)` : fqn(a),
      ...(a.description ? { Description: a.description } : {}),
      Active: !a.inactive,
      Classification: CLASSIFICATION[a.type],
      AccountType: a.type,
      AccountSubType: a.sub,
      ...(a.num ? { AcctNum: a.num } : {}),
      CurrentBalance: balance(a),
      CurrentBalanceWithSubAccounts: balance(a) + children.reduce((s, c) => s + balance(c), 0),
      CurrencyRef: USD,
      domain: 'QBO',
      sparse: false,
      Id: a.id,
      SyncToken: a.inactive ? '1' : '0',
      MetaData: meta(i + 1),
    };
  });
}

export const AGENCIES = { CA: { value: '1', name: 'California Department of Tax and Fee Administration' }, NY: { value: '2', name: 'New York State Department of Taxation and Finance' }, TX: { value: '3', name: 'Texas Comptroller of Public Accounts' } };

export const RATE_SEEDS = [
  { id: '1', name: 'California', description: 'California state sales tax', rate: 7.25, agency: AGENCIES.CA },
  { id: '2', name: 'California District Tax', description: 'Local district sales tax', rate: 1, agency: AGENCIES.CA },
  { id: '3', name: 'New York State', description: 'New York State sales tax', rate: 4, agency: AGENCIES.NY },
  { id: '4', name: 'New York City', description: 'New York City local sales tax', rate: 4.5, agency: AGENCIES.NY },
  { id: '5', name: 'MCTD', description: 'Metropolitan Commuter Transportation District surcharge', rate: 0.375, agency: AGENCIES.NY },
  { id: '6', name: 'Texas', description: 'Texas state sales tax', rate: 6.25, agency: AGENCIES.TX, inactive: true },
] as const;

export function taxRateRows(): Row[] {
  return RATE_SEEDS.map((r, i) => ({
    Name: r.name,
    Description: r.description,
    Active: !('inactive' in r && r.inactive),
    RateValue: r.rate,
    AgencyRef: { value: r.agency.value },
    SpecialTaxType: 'NONE',
    EffectiveTaxRate: [{ RateValue: r.rate, EffectiveDate: '2017-01-01T00:00:00-08:00' }],
    DisplayType: 'ReadOnly',
    domain: 'QBO',
    sparse: false,
    Id: r.id,
    SyncToken: '0',
    MetaData: meta(100 + i),
  }));
}

export const CODE_SEEDS = [
  { id: '2', name: 'California', description: 'California 8.25% (state 7.25% + district 1%)', rates: ['1', '2'] },
  { id: '3', name: 'New York City', description: 'New York City 8.875% (state 4% + city 4.5% + MCTD 0.375%)', rates: ['3', '4', '5'] },
  { id: '4', name: 'Out of scope', description: 'Sales outside the scope of sales tax (e.g. marketplace facilitator collected)', rates: [] },
  { id: '5', name: 'Exempt', description: 'Tax-exempt sales (resale certificate on file)', rates: [] },
  { id: '6', name: 'Texas', description: 'Texas 6.25% (no longer used)', rates: ['6'], inactive: true },
] as const;

export function taxCodeRows(): Row[] {
  return CODE_SEEDS.map((c, i) => ({
    Name: c.name,
    Description: c.description,
    Active: !('inactive' in c && c.inactive),
    Hidden: false,
    Taxable: c.rates.length > 0,
    TaxGroup: c.rates.length > 1,
    SalesTaxRateList: {
      TaxRateDetail: c.rates.map((id) => ({
        TaxRateRef: { value: id, name: RATE_SEEDS.find((r) => r.id === id)?.name ?? '' },
        TaxTypeApplicable: 'TaxOnAmount',
        TaxOrder: 0,
      })),
    },
    PurchaseTaxRateList: { TaxRateDetail: [] },
    domain: 'QBO',
    sparse: false,
    Id: c.id,
    SyncToken: '0',
    MetaData: meta(200 + i),
  }));
}

export const ENTITIES: Record<string, { name: string; rows: () => Row[]; activeByDefault: boolean }> = {
  account: { name: 'Account', rows: accountRows, activeByDefault: true },
  taxcode: { name: 'TaxCode', rows: taxCodeRows, activeByDefault: false },
  taxrate: { name: 'TaxRate', rows: taxRateRows, activeByDefault: false },
  companyinfo: { name: 'CompanyInfo', rows: () => [COMPANY_INFO], activeByDefault: false },
};
