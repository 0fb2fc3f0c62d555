/**
 * QuickBooks Online sandbox (providers.md §10, §13): Intuit's OAuth 2.0 / OIDC
 * consent on `appcenter.intuit.com/connect/oauth2`, the token endpoint and
 * JWKS on `oauth.platform.intuit.com`, token revocation on
 * `developer.api.intuit.com`, the sandbox discovery document on
 * `developer.intuit.com`, and the Accounting API (`companyinfo` and the
 * SQL-like `query` endpoint for Account, TaxCode, TaxRate and CompanyInfo) on
 * both `sandbox-quickbooks.api.intuit.com` and `quickbooks.api.intuit.com`.
 *
 * The sandbox user has one company, **Sandbox Company US**
 * (`QUICKBOOKS_SANDBOX_COMPANY.realmId`).
 *
 * Test controls: the grant controls, and a token ledger (`TokenLedger`: a
 * grant minted as a consent's code exchange would answer, and whether a
 * refresh token is the one it would accept now). Expire every access token with
 * `server.advance(ms)` (1 hour, or `accessTokenTtlSeconds`); codes expire
 * after 5 minutes; a refresh token is rolling 100 days and is replaced on
 * every refresh (the previous value then fails with `invalid_grant`), within
 * a 5-year hard limit from the first authorization.
 */
import { generateKeyPairSync, randomBytes, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { bearerToken, escapeHtml as esc, html, htmlDocument, jsonWith, redirect, sleep, withQuery } from '../http.js';
import type { ControlledSandbox, GrantControls, SandboxContext, SandboxFactory, SandboxRequest, SandboxResponse, TokenLedger } from '../types.js';
import { refreshFaults } from '../controls.js';
import { QUICKBOOKS_FACTS } from './facts.js';

export const QUICKBOOKS_SANDBOX_COMPANY = {
  realmId: '9341452345678901',
  companyName: 'Sandbox Company US',
  legalName: 'Sandbox Company US LLC',
} as const;

const USER_SUB = '5b7e9f4c-2a1d-4c3e-8f60-91d2a7b3c4e5';
const ISSUER = 'https://oauth.platform.intuit.com/op/v1';
const AUTHORIZE_URL = 'https://appcenter.intuit.com/connect/oauth2';
const TOKEN_URL = 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer';
const REVOKE_URL = 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke';
const JWKS_URL = 'https://oauth.platform.intuit.com/op/v1/jwks';
const API_HOSTS = new Set(['sandbox-quickbooks.api.intuit.com', 'quickbooks.api.intuit.com']);
const HOSTS = new Set(['appcenter.intuit.com', 'oauth.platform.intuit.com', 'developer.api.intuit.com', 'developer.intuit.com', ...API_HOSTS]);

const CODE_TTL_MS = 5 * 60_000;
const ACCESS_TTL_S = 3600;
const REFRESH_TTL_S = 8_640_000; // 100 days, rolling
const REFRESH_HARD_MS = 5 * 365 * 24 * 3600_000; // 5 years from the first authorization
const ID_TOKEN_TTL_S = 3600;

const SCENARIOS = ['ok', 'token_error', 'token_slow'] as const;
type Scenario = (typeof SCENARIOS)[number];

const KNOWN_SCOPES = new Set(['com.intuit.quickbooks.accounting', 'com.intuit.quickbooks.payment', 'openid', 'profile', 'email', 'phone', 'address']);
const COMPANY_SCOPES = ['com.intuit.quickbooks.accounting', 'com.intuit.quickbooks.payment'];
const ACCOUNTING = 'com.intuit.quickbooks.accounting';

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const base62 = (n: number) => [...randomBytes(n)].map((b) => BASE62[b % 62] ?? 'A').join('');
const header = (req: SandboxRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
const contentType = (req: SandboxRequest) => (header(req, 'content-type') ?? '').toLowerCase();
const wantsJson = (req: SandboxRequest) => (header(req, 'accept') ?? '').toLowerCase().includes('json');

/** Intuit's timestamps: Pacific time with its offset, e.g. `2026-01-15T10:12:31.123-08:00`. */
function pacific(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(ms));
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
  const offset = get('timeZoneName').replace('GMT', '') || '+00:00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}.${String(ms % 1000).padStart(3, '0')}${offset}`;
}

/** Intuit labels its JSON `application/json;charset=UTF-8`. */
const json = jsonWith({ 'content-type': 'application/json;charset=UTF-8' });

const oauthError = (status: number, error: string, description?: string): SandboxResponse =>
  json(status, description ? { error, error_description: description } : { error }, { intuit_tid: randomUUID() });

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f8; color: #21262a; }
  main { max-width: 32rem; margin: 0 auto; padding: 1.5rem 1rem; box-sizing: border-box; }
  h1 { font-size: 1.4rem; line-height: 1.3; }
  .company { border: 1px solid #c8ccd0; border-radius: 6px; padding: 0.75rem; background: #fff; }
  select, button { font: inherit; min-height: 2.75rem; }
  select { width: 100%; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin-top: 1.25rem; }
  .actions button { flex: 1 1 10rem; border-radius: 6px; border: 1px solid #2ca01c; padding: 0.5rem 1rem; }
  .primary { background: #1d7513; color: #fff; }
  .secondary { background: #fff; color: #1d6f13; }
  button:focus-visible, select:focus-visible { outline: 3px solid #1d6f13; outline-offset: 2px; }
  .error { color: #a4161a; }
`;

function page(status: number, title: string, main: string): SandboxResponse {
  return html(status, htmlDocument({ title, css: STYLE, body: main }));
}

const errorPage = (message: string) =>
  page(400, 'Intuit: something went wrong', `<h1>Intuit QuickBooks could not connect Onramp</h1>\n<p class="error" role="alert">${esc(message)}</p>`);

/* ------------------------------------------------------------------ */
/* Signing (RS256 id_token, key published at the JWKS URL)              */
/* ------------------------------------------------------------------ */

let signingKey: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;
function key() {
  if (!signingKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    signingKey = { privateKey, publicKey, kid: `r4p${randomBytes(3).toString('hex')}` };
  }
  return signingKey;
}
function signJwt(claims: Record<string, unknown>): string {
  const k = key();
  const input = `${b64url(JSON.stringify({ alg: 'RS256', kid: k.kid }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(cryptoSign('sha256', Buffer.from(input), k.privateKey))}`;
}

/* ------------------------------------------------------------------ */
/* Company data: CompanyInfo, chart of accounts, tax rates and codes     */
/* ------------------------------------------------------------------ */

type Row = Record<string, unknown>;

const CREATED = Date.UTC(2026, 0, 5, 18, 0, 0);
const meta = (i: number) => ({ CreateTime: pacific(CREATED + i * 60_000), LastUpdatedTime: pacific(CREATED + i * 60_000 + 86_400_000) });
const USD = { value: 'USD', name: 'United States Dollar' };

const COMPANY_INFO: Row = {
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

type AccountType =
  | 'Bank' | 'Other Current Asset' | 'Fixed Asset' | 'Other Asset' | 'Accounts Receivable'
  | 'Equity' | 'Expense' | 'Other Expense' | 'Cost of Goods Sold'
  | 'Accounts Payable' | 'Credit Card' | 'Long Term Liability' | 'Other Current Liability'
  | 'Income' | 'Other Income';

const CLASSIFICATION: Record<AccountType, string> = {
  Bank: 'Asset', 'Other Current Asset': 'Asset', 'Fixed Asset': 'Asset', 'Other Asset': 'Asset', 'Accounts Receivable': 'Asset',
  Equity: 'Equity',
  Expense: 'Expense', 'Other Expense': 'Expense', 'Cost of Goods Sold': 'Expense',
  'Accounts Payable': 'Liability', 'Credit Card': 'Liability', 'Long Term Liability': 'Liability', 'Other Current Liability': 'Liability',
  Income: 'Revenue', 'Other Income': 'Revenue',
};

interface AccountSeed {
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
const CHART: readonly AccountSeed[] = [
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

function accountRows(): Row[] {
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

const AGENCIES = { CA: { value: '1', name: 'California Department of Tax and Fee Administration' }, NY: { value: '2', name: 'New York State Department of Taxation and Finance' }, TX: { value: '3', name: 'Texas Comptroller of Public Accounts' } };

const RATE_SEEDS = [
  { id: '1', name: 'California', description: 'California state sales tax', rate: 7.25, agency: AGENCIES.CA },
  { id: '2', name: 'California District Tax', description: 'Local district sales tax', rate: 1, agency: AGENCIES.CA },
  { id: '3', name: 'New York State', description: 'New York State sales tax', rate: 4, agency: AGENCIES.NY },
  { id: '4', name: 'New York City', description: 'New York City local sales tax', rate: 4.5, agency: AGENCIES.NY },
  { id: '5', name: 'MCTD', description: 'Metropolitan Commuter Transportation District surcharge', rate: 0.375, agency: AGENCIES.NY },
  { id: '6', name: 'Texas', description: 'Texas state sales tax', rate: 6.25, agency: AGENCIES.TX, inactive: true },
] as const;

function taxRateRows(): Row[] {
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

const CODE_SEEDS = [
  { id: '2', name: 'California', description: 'California 8.25% (state 7.25% + district 1%)', rates: ['1', '2'] },
  { id: '3', name: 'New York City', description: 'New York City 8.875% (state 4% + city 4.5% + MCTD 0.375%)', rates: ['3', '4', '5'] },
  { id: '4', name: 'Out of scope', description: 'Sales outside the scope of sales tax (e.g. marketplace facilitator collected)', rates: [] },
  { id: '5', name: 'Exempt', description: 'Tax-exempt sales (resale certificate on file)', rates: [] },
  { id: '6', name: 'Texas', description: 'Texas 6.25% (no longer used)', rates: ['6'], inactive: true },
] as const;

function taxCodeRows(): Row[] {
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

const ENTITIES: Record<string, { name: string; rows: () => Row[]; activeByDefault: boolean }> = {
  account: { name: 'Account', rows: accountRows, activeByDefault: true },
  taxcode: { name: 'TaxCode', rows: taxCodeRows, activeByDefault: false },
  taxrate: { name: 'TaxRate', rows: taxRateRows, activeByDefault: false },
  companyinfo: { name: 'CompanyInfo', rows: () => [COMPANY_INFO], activeByDefault: false },
};

/* ------------------------------------------------------------------ */
/* The query language (a small, faithful subset)                       */
/* ------------------------------------------------------------------ */

type Value = string | number | boolean;
interface Clause {
  readonly field: string;
  readonly op: '=' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'like';
  readonly values: readonly Value[];
}
interface Query {
  readonly entity: string;
  readonly count: boolean;
  readonly fields?: readonly string[];
  readonly where: readonly Clause[];
  readonly order?: { readonly field: string; readonly desc: boolean };
  readonly start: number;
  readonly max: number;
}

class QueryError extends Error {
  constructor(
    readonly code: '4000' | '4001',
    message: string,
  ) {
    super(message);
  }
}

/** Splits on `sep` (a regex matching at the start of the rest) outside single-quoted strings. */
function splitOutsideQuotes(s: string, sep: RegExp): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\\' && quoted) {
      cur += ch + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === "'") quoted = !quoted;
    if (!quoted) {
      const m = sep.exec(s.slice(i));
      if (m && m.index === 0) {
        out.push(cur);
        cur = '';
        i += m[0].length - 1;
        continue;
      }
    }
    cur += ch;
  }
  if (quoted) throw new QueryError('4000', 'QueryParserError: Encountered unterminated string literal');
  out.push(cur);
  return out;
}

function parseValue(raw: string): Value {
  const v = raw.trim();
  const str = /^'((?:[^'\\]|\\.)*)'$/.exec(v);
  if (str) return (str[1] ?? '').replace(/\\(.)/g, '$1');
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  throw new QueryError('4000', `QueryParserError: Encountered " ${v} " at line 1`);
}

function parseQuery(text: string): Query {
  const m = /^\s*select\s+(.+?)\s+from\s+(\w+)\b(.*)$/is.exec(text);
  if (!m) throw new QueryError('4000', `QueryParserError: Encountered "<EOF>" in "${text.slice(0, 80)}"`);
  const [, projection = '', entityName = '', rest = ''] = m;
  const entity = ENTITIES[entityName.toLowerCase()];
  if (!entity) throw new QueryError('4001', `QueryValidationError: Invalid entity name: ${entityName}`);
  const count = /^count\s*\(\s*\*\s*\)$/i.test(projection.trim());
  const fields = count || projection.trim() === '*' ? undefined : projection.split(',').map((f) => f.trim()).filter(Boolean);
  if (fields?.some((f) => !/^[\w.]+$/.test(f))) throw new QueryError('4000', `QueryParserError: Encountered "${projection}"`);

  const tail = /^\s*(?:where\s+(.+?))?\s*(?:order\s*by\s+([\w.]+)(?:\s+(asc|desc))?)?\s*(?:startposition\s+(\d+))?\s*(?:maxresults\s+(\d+))?\s*$/is.exec(rest);
  if (!tail) throw new QueryError('4000', `QueryParserError: Encountered "${rest.trim().split(/\s+/)[0] ?? ''}"`);
  const [, whereText, orderField, orderDir, startText, maxText] = tail;
  const where: Clause[] = [];
  if (whereText) {
    for (const part of splitOutsideQuotes(whereText, /^\s+and\s+/i)) {
      const c = /^\s*([\w.]+)\s*(<=|>=|!=|<>|=|<|>|\bin\b|\blike\b)\s*(.+?)\s*$/is.exec(part);
      if (!c) throw new QueryError('4000', `QueryParserError: Encountered "${part.trim()}"`);
      const [, field = '', rawOp = '', rawValue = ''] = c;
      const op = rawOp.toLowerCase() === '<>' ? '!=' : (rawOp.toLowerCase() as Clause['op']);
      let values: Value[];
      if (op === 'in') {
        const list = /^\((.*)\)$/s.exec(rawValue.trim());
        if (!list) throw new QueryError('4000', `QueryParserError: IN needs a list: "${rawValue}"`);
        values = splitOutsideQuotes(list[1] ?? '', /^\s*,\s*/).map(parseValue);
      } else {
        values = [parseValue(rawValue)];
      }
      where.push({ field, op, values });
    }
  }
  const start = startText ? Number(startText) : 1;
  const max = maxText ? Number(maxText) : 100;
  if (start < 1) throw new QueryError('4001', 'QueryValidationError: STARTPOSITION must be at least 1');
  return {
    entity: entity.name,
    count,
    ...(fields ? { fields } : {}),
    where,
    ...(orderField ? { order: { field: orderField, desc: (orderDir ?? '').toLowerCase() === 'desc' } } : {}),
    start,
    max: Math.min(Math.max(max, 0), 1000),
  };
}

/** A (dotted) field, case-insensitive; `undefined` when the entity has no such property. */
function lookup(row: Row, path: string): unknown {
  let cur: unknown = row;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const obj = cur as Row;
    const k = Object.keys(obj).find((key) => key.toLowerCase() === part.toLowerCase());
    cur = k === undefined ? undefined : obj[k];
  }
  return cur;
}

function compare(a: unknown, b: Value): number {
  if (typeof b === 'number' || (typeof a === 'number' && !Number.isNaN(Number(b)))) return Number(a) - Number(b);
  if (typeof b === 'boolean') return a === b ? 0 : 1;
  const x = String(a ?? '').toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function matches(row: Row, c: Clause): boolean {
  const v = lookup(row, c.field);
  const first = c.values[0] ?? '';
  switch (c.op) {
    case '=': return compare(v, first) === 0;
    case '!=': return compare(v, first) !== 0;
    case '<': return compare(v, first) < 0;
    case '>': return compare(v, first) > 0;
    case '<=': return compare(v, first) <= 0;
    case '>=': return compare(v, first) >= 0;
    case 'in': return c.values.some((x) => compare(v, x) === 0);
    case 'like': {
      const re = new RegExp(`^${String(first).split('%').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'is');
      return re.test(String(v ?? ''));
    }
  }
}

function runQuery(q: Query): Row {
  const spec = ENTITIES[q.entity.toLowerCase()];
  if (!spec) throw new QueryError('4001', `QueryValidationError: Invalid entity name: ${q.entity}`);
  let rows = spec.rows();
  for (const c of [...q.where, ...(q.order ? [{ field: q.order.field }] : [])]) {
    if (!rows.some((r) => lookup(r, c.field) !== undefined)) {
      throw new QueryError('4001', `QueryValidationError: property '${c.field}' is not queryable`);
    }
  }
  if (spec.activeByDefault && !q.where.some((c) => c.field.toLowerCase() === 'active')) rows = rows.filter((r) => r.Active === true);
  rows = rows.filter((r) => q.where.every((c) => matches(r, c)));
  if (q.order) {
    const { field, desc } = q.order;
    rows = [...rows].sort((a, b) => {
      const x = lookup(a, field);
      const d = compare(x, (lookup(b, field) ?? '') as Value);
      return desc ? -d : d;
    });
  }
  if (q.count) return { totalCount: rows.length };
  const page = rows.slice(q.start - 1, q.start - 1 + q.max);
  if (!page.length) return {};
  const shaped = q.fields
    ? page.map((r) => {
        const out: Row = {};
        for (const f of q.fields ?? []) {
          const k = Object.keys(r).find((key) => key.toLowerCase() === f.split('.')[0]?.toLowerCase());
          if (k) out[k] = r[k];
        }
        return { ...out, domain: 'QBO', sparse: true, Id: r.Id };
      })
    : page;
  return { [spec.name]: shaped, startPosition: q.start, maxResults: shaped.length };
}

/* ------------------------------------------------------------------ */
/* XML (what the API answers without Accept: application/json)          */
/* ------------------------------------------------------------------ */

const ATTRIBUTES = new Set(['domain', 'sparse', 'startPosition', 'maxResults', 'totalCount']);
function xml(tag: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => xml(tag, v)).join('');
  if (value !== null && typeof value === 'object') {
    const obj = value as Row;
    const keys = Object.keys(obj);
    if (keys.includes('value') && keys.every((k) => k === 'value' || k === 'name' || k === 'type')) {
      const attrs = keys.filter((k) => k !== 'value').map((k) => ` ${k}="${esc(String(obj[k]))}"`).join('');
      return `<${tag}${attrs}>${esc(String(obj.value))}</${tag}>`;
    }
    const attrs = keys.filter((k) => ATTRIBUTES.has(k)).map((k) => ` ${k}="${esc(String(obj[k]))}"`).join('');
    const inner = keys.filter((k) => !ATTRIBUTES.has(k)).map((k) => xml(k, obj[k])).join('');
    return `<${tag}${attrs}>${inner}</${tag}>`;
  }
  return `<${tag}>${esc(String(value ?? ''))}</${tag}>`;
}

/* ------------------------------------------------------------------ */
/* The sandbox                                                         */
/* ------------------------------------------------------------------ */

interface AuthRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state: string;
}

interface CodeRecord extends AuthRequest {
  readonly realmId?: string;
  readonly expiresAt: number;
  readonly scenario: Scenario;
  readonly authTime: number;
  used: boolean;
}

interface Grant {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly realmId?: string;
  readonly authTime: number;
  readonly hardExpiresAt: number;
  revoked: boolean;
}

export const createQuickbooksSandbox: SandboxFactory = (ctx: SandboxContext): ControlledSandbox => {
  const codes = new Map<string, CodeRecord>();
  const accessTokens = new Map<string, { grant: Grant; expiresAt: number }>();
  const refreshTokens = new Map<string, { grant: Grant; expiresAt: number }>();
  const reg = () => ctx.registrations.quickbooks;

  /* ---------------- authorize + consent ---------------- */

  function validate(p: URLSearchParams): AuthRequest | string {
    const clientId = p.get('client_id');
    if (!clientId || clientId !== reg().clientId) return 'invalid_client: The client_id is missing or is not a registered app.';
    const redirectUri = p.get('redirect_uri');
    if (!redirectUri || !reg().redirectUris.includes(redirectUri)) return 'invalid_request: The redirect_uri is not one of the redirect URIs registered for this app.';
    if (p.get('response_type') !== 'code') return 'unsupported_response_type: response_type must be code.';
    const scopes = (p.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (!scopes.length) return 'invalid_scope: scope is missing.';
    const unknown = scopes.find((s) => !KNOWN_SCOPES.has(s));
    if (unknown) return `invalid_scope: ${unknown}`;
    const state = p.get('state');
    if (!state) return 'invalid_request: state is required.';
    return { clientId, redirectUri, scopes, state };
  }

  function consentPage(p: URLSearchParams, a: AuthRequest): SandboxResponse {
    const hidden = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state']
      .filter((n) => p.get(n) !== null)
      .map((n) => `<input type="hidden" name="${n}" value="${esc(p.get(n) ?? '')}">`);
    const company = a.scopes.some((s) => COMPANY_SCOPES.includes(s))
      ? `<p class="company">Company: <strong>${esc(QUICKBOOKS_SANDBOX_COMPANY.companyName)}</strong> (realm ${esc(QUICKBOOKS_SANDBOX_COMPANY.realmId)})</p>`
      : '';
    return page(
      200,
      'Intuit: connect Onramp to QuickBooks',
      `<h1>Intuit QuickBooks: connect Onramp to your company</h1>
${company}
<p>Onramp will be able to access:</p>
<ul>${a.scopes.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>
<form method="post" action="${esc(ctx.sandboxUrl(AUTHORIZE_URL))}">
${hidden.join('\n')}
<label for="scenario">Sandbox outcome</label>
<select id="scenario" name="scenario">
<option value="ok" selected>ok</option>
<option value="token_error">token_error</option>
<option value="token_slow">token_slow</option>
</select>
<div class="actions">
<button type="submit" name="decision" value="${QUICKBOOKS_FACTS.accept.decision}" class="primary">${esc(QUICKBOOKS_FACTS.accept.label)}</button>
<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
</div>
</form>`,
    );
  }

  function decide(form: URLSearchParams): SandboxResponse {
    const a = validate(form);
    if (typeof a === 'string') return errorPage(a);
    const decision = form.get('decision');
    if (decision === 'cancel') return redirect(withQuery(a.redirectUri, { error: 'access_denied', state: a.state }, 'append'));
    if (decision !== QUICKBOOKS_FACTS.accept.decision) return errorPage('The consent form was sent without a decision.');
    const scenario = (form.get('scenario') ?? 'ok') as Scenario;
    if (!SCENARIOS.includes(scenario)) return errorPage(`Unknown sandbox outcome: ${scenario}`);
    const now = ctx.now();
    const realmId = a.scopes.some((s) => COMPANY_SCOPES.includes(s)) ? QUICKBOOKS_SANDBOX_COMPANY.realmId : undefined;
    const code = `AB11${Math.floor(now / 1000)}${base62(36)}`;
    codes.set(code, { ...a, ...(realmId ? { realmId } : {}), expiresAt: now + CODE_TTL_MS, scenario, authTime: now, used: false });
    return redirect(withQuery(a.redirectUri, { code, state: a.state, realmId }, 'append'));
  }

  /* ---------------- tokens ---------------- */

  function clientOk(req: SandboxRequest, form: URLSearchParams): boolean {
    const auth = header(req, 'authorization');
    let id: string | null;
    let secret: string | null;
    if (auth && /^basic\s/i.test(auth)) {
      const decoded = Buffer.from(auth.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) return false;
      id = decoded.slice(0, i);
      secret = decoded.slice(i + 1);
    } else {
      id = form.get('client_id');
      secret = form.get('client_secret');
    }
    return id === reg().clientId && secret === reg().clientSecret;
  }

  function issue(req: SandboxRequest, grant: Grant, idToken: boolean): SandboxResponse {
    const now = ctx.now();
    const ttl = ctx.accessTokenTtlSeconds ?? ACCESS_TTL_S;
    const accessToken = [
      b64url(JSON.stringify({ enc: 'A128CBC-HS256', alg: 'dir' })),
      '',
      b64url(randomBytes(16)),
      b64url(randomBytes(480)),
      b64url(randomBytes(16)),
    ].join('.');
    accessTokens.set(accessToken, { grant, expiresAt: now + ttl * 1000 });
    const hardRemaining = Math.max(0, Math.floor((grant.hardExpiresAt - now) / 1000));
    const refreshTtl = Math.min(REFRESH_TTL_S, hardRemaining);
    const refreshToken = `RT1-${base62(3)}-H0-${Math.floor((now + refreshTtl * 1000) / 1000)}-${base62(24)}`;
    refreshTokens.set(refreshToken, { grant, expiresAt: now + refreshTtl * 1000 });
    const nowS = Math.floor(now / 1000);
    const body: Record<string, unknown> = {
      ...(idToken && grant.scopes.includes('openid')
        ? {
            id_token: signJwt({
              sub: USER_SUB,
              aud: [grant.clientId],
              ...(grant.realmId ? { realmid: grant.realmId } : {}),
              auth_time: Math.floor(grant.authTime / 1000),
              iss: ISSUER,
              exp: nowS + ID_TOKEN_TTL_S,
              iat: nowS,
            }),
          }
        : {}),
      x_refresh_token_expires_in: refreshTtl,
      refresh_token: refreshToken,
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ttl,
    };
    if ((header(req, 'x-include-refresh-token-hard-expires-in') ?? '').toLowerCase() === 'true') body.x_refresh_token_hard_expires_in = hardRemaining;
    return json(200, body, { intuit_tid: randomUUID() });
  }

  async function token(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'POST') return oauthError(405, 'invalid_request', 'The token endpoint only accepts POST');
    if (!contentType(req).startsWith('application/x-www-form-urlencoded')) return oauthError(400, 'invalid_request');
    const form = new URLSearchParams(req.body);
    if (!clientOk(req, form)) return oauthError(401, 'invalid_client');
    const now = ctx.now();
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = form.get('code');
      const record = code ? codes.get(code) : undefined;
      if (!code || !record || record.used || record.expiresAt <= now || record.clientId !== reg().clientId) return oauthError(400, 'invalid_grant');
      if (form.get('redirect_uri') !== record.redirectUri) return oauthError(400, 'invalid_grant');
      if (record.scenario === 'token_error') return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Internal Server Error' };
      if (record.scenario === 'token_slow') await sleep(ctx.slowMs);
      record.used = true;
      const grant: Grant = {
        clientId: record.clientId,
        scopes: record.scopes,
        ...(record.realmId ? { realmId: record.realmId } : {}),
        authTime: record.authTime,
        hardExpiresAt: record.authTime + REFRESH_HARD_MS,
        revoked: false,
      };
      return issue(req, grant, true);
    }
    if (grantType === 'refresh_token') {
      const fault = await faults.answer({ status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Internal Server Error' });
      if (fault) return fault;
      const rt = form.get('refresh_token');
      const record = rt ? refreshTokens.get(rt) : undefined;
      if (!rt || !record || record.grant.revoked || record.expiresAt <= now || record.grant.hardExpiresAt <= now || record.grant.clientId !== reg().clientId) {
        return oauthError(400, 'invalid_grant', 'Incorrect Token type or clientID');
      }
      refreshTokens.delete(rt);
      return issue(req, record.grant, false);
    }
    return oauthError(400, 'unsupported_grant_type');
  }

  function revoke(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST') return oauthError(405, 'invalid_request');
    let tokenValue: string | null = null;
    if (contentType(req).includes('json')) {
      try {
        const parsed = JSON.parse(req.body) as { token?: unknown };
        tokenValue = typeof parsed.token === 'string' ? parsed.token : null;
      } catch {
        return oauthError(400, 'invalid_request');
      }
    } else {
      tokenValue = new URLSearchParams(req.body).get('token');
    }
    if (!clientOk(req, new URLSearchParams())) return oauthError(401, 'invalid_client');
    if (!tokenValue) return oauthError(400, 'invalid_request');
    const record = refreshTokens.get(tokenValue) ?? accessTokens.get(tokenValue);
    if (record) record.grant.revoked = true;
    return { status: 200, headers: { intuit_tid: randomUUID() } };
  }

  /* ---------------- Accounting API ---------------- */

  const time = () => pacific(ctx.now());

  function fault(req: SandboxRequest, status: number, type: string, code: string, message: string, detail: string): SandboxResponse {
    const headers = { intuit_tid: randomUUID() };
    if (!wantsJson(req)) {
      return {
        status,
        headers: { 'content-type': 'application/xml;charset=UTF-8', ...headers },
        body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time()}"><Fault type="${esc(type)}"><Error code="${esc(code)}"><Message>${esc(message)}</Message><Detail>${esc(detail)}</Detail></Error></Fault></IntuitResponse>`,
      };
    }
    return json(status, { Fault: { Error: [{ Message: message, Detail: detail, code }], type }, time: time() }, headers);
  }

  /** The gateway's 401: a lower-case `fault` envelope (not the API's `Fault`). */
  function unauthorized(req: SandboxRequest, detail: string): SandboxResponse {
    const message = 'message=AuthenticationFailed; errorCode=003200; statusCode=401';
    if (!wantsJson(req)) return fault(req, 401, 'AUTHENTICATION', '3200', message, detail);
    return json(
      401,
      {
        warnings: null,
        intuitObject: null,
        fault: { error: [{ message, detail, code: '3200', element: null }], type: 'AUTHENTICATION' },
        report: null,
        queryResponse: null,
        batchItemResponse: [],
        attachableResponse: [],
        syncErrorResponse: null,
        requestId: null,
        time: ctx.now(),
        status: null,
        cdcresponse: [],
      },
      { intuit_tid: randomUUID(), 'www-authenticate': 'Bearer realm="Intuit", error="invalid_token"' },
    );
  }

  function answer(req: SandboxRequest, body: Row): SandboxResponse {
    const headers = { intuit_tid: randomUUID() };
    if (wantsJson(req)) return json(200, { ...body, time: time() }, headers);
    const inner = Object.entries(body).map(([k, v]) => xml(k, v)).join('');
    return {
      status: 200,
      headers: { 'content-type': 'application/xml;charset=UTF-8', ...headers },
      body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time()}">${inner}</IntuitResponse>`,
    };
  }

  function api(req: SandboxRequest): SandboxResponse | undefined {
    const m = /^\/v3\/company\/([^/]+)\/(companyinfo\/([^/]+)|query)\/?$/i.exec(req.path);
    if (!m) return undefined;
    const [, realmId = '', what = '', infoId] = m;
    const isQuery = what.toLowerCase() === 'query';
    if (isQuery ? req.method !== 'GET' && req.method !== 'POST' : req.method !== 'GET') return { status: 405, headers: { allow: isQuery ? 'GET, POST' : 'GET' } };

    const bearer = bearerToken(header(req, 'authorization'));
    const record = bearer ? accessTokens.get(bearer) : undefined;
    if (!record || record.grant.revoked) return unauthorized(req, bearer ? 'Token revoked or invalid' : 'Authorization header is missing');
    if (record.expiresAt <= ctx.now()) return unauthorized(req, 'Token expired');
    if (record.grant.realmId !== realmId || !record.grant.scopes.includes(ACCOUNTING)) {
      return fault(req, 403, 'AuthorizationFault', '003100', 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', `The token is not authorized for company ${realmId}`);
    }
    const minor = req.query.get('minorversion');
    if (minor !== null && !/^\d+$/.test(minor)) return fault(req, 400, 'ValidationFault', '2010', 'Request has invalid or unsupported property', `Invalid minorversion: ${minor}`);

    if (!isQuery) {
      if (infoId !== realmId) return fault(req, 400, 'ValidationFault', '610', 'Object Not Found', `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.`);
      return answer(req, { CompanyInfo: COMPANY_INFO });
    }
    const text = req.method === 'POST' ? req.body : req.query.get('query');
    if (!text) return fault(req, 400, 'ValidationFault', '4000', 'Error parsing query', 'QueryParserError: query is missing');
    try {
      return answer(req, { QueryResponse: runQuery(parseQuery(text)) });
    } catch (e) {
      if (e instanceof QueryError) return fault(req, 400, 'ValidationFault', e.code, e.code === '4000' ? 'Error parsing query' : 'Invalid query', e.message);
      throw e;
    }
  }

  function discovery(): SandboxResponse {
    return json(200, {
      issuer: ISSUER,
      authorization_endpoint: ctx.sandboxUrl(AUTHORIZE_URL),
      token_endpoint: ctx.sandboxUrl(TOKEN_URL),
      revocation_endpoint: ctx.sandboxUrl(REVOKE_URL),
      jwks_uri: ctx.sandboxUrl(JWKS_URL),
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile', 'address', 'phone'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['aud', 'exp', 'iat', 'iss', 'realmid', 'sub'],
    });
  }

  /* ---------------- test controls: revoke a grant, run out refresh tokens, fail refreshes (GrantControls) ---------------- */

  const faults = refreshFaults(ctx);
  const controls: GrantControls = {
    revokeGrants() {
      for (const { grant } of [...refreshTokens.values(), ...accessTokens.values()]) grant.revoked = true;
      return refreshTokens.size;
    },
    expireRefreshTokens() {
      for (const [token, record] of refreshTokens) refreshTokens.set(token, { ...record, expiresAt: ctx.now() });
      return refreshTokens.size;
    },
    failRefresh: (mode) => faults.set(mode),
  };
  const ledger: TokenLedger = {
    mintGrant() {
      const now = ctx.now();
      const grant: Grant = { clientId: reg().clientId, scopes: ['com.intuit.quickbooks.accounting'], realmId: QUICKBOOKS_SANDBOX_COMPANY.realmId, authTime: now, hardExpiresAt: now + REFRESH_HARD_MS, revoked: false };
      return JSON.parse(issue({ method: 'POST', host: 'oauth.platform.intuit.com', path: '/oauth2/v1/tokens/bearer', query: new URLSearchParams(), headers: {}, body: '' }, grant, false).body as string) as Record<string, unknown>;
    },
    isCurrentRefreshToken(token) {
      const record = refreshTokens.get(token);
      return !!record && !record.grant.revoked && record.expiresAt > ctx.now();
    },
  };

  return {
    id: 'quickbooks',
    controls,
    ledger,
    hosts: (host) => HOSTS.has(host),
    async handle(req) {
      if (req.host === 'appcenter.intuit.com' && req.path === '/connect/oauth2') {
        if (req.method === 'GET') {
          const a = validate(req.query);
          return typeof a === 'string' ? errorPage(a) : consentPage(req.query, a);
        }
        if (req.method === 'POST') return decide(new URLSearchParams(req.body));
        return { status: 405, headers: { allow: 'GET, POST' } };
      }
      if (req.host === 'oauth.platform.intuit.com') {
        if (req.path === '/oauth2/v1/tokens/bearer') return token(req);
        if (req.path === '/op/v1/jwks') {
          const k = key();
          return json(200, { keys: [{ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, use: 'sig', alg: 'RS256' }] });
        }
        return undefined;
      }
      if (req.host === 'developer.api.intuit.com' && req.path === '/v2/oauth2/tokens/revoke') return revoke(req);
      if (req.host === 'developer.intuit.com' && req.path === '/.well-known/openid-sandbox-configuration') return discovery();
      if (req.host === 'developer.api.intuit.com' && req.path === '/.well-known/openid_configuration') return discovery();
      if (API_HOSTS.has(req.host)) return api(req);
      return undefined;
    },
  };
};
