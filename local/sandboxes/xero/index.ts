/**
 * Xero sandbox (providers.md §9, §13): the OAuth 2.0 / OIDC authorize and
 * consent page on `login.xero.com`, the token endpoint, discovery document and
 * JWKS on `identity.xero.com`, and on `api.xero.com` the Identity API
 * (`/connections`) plus the Accounting API calls the onboarding wizard makes
 * (`/api.xro/2.0/Accounts`, `/TaxRates`, `/Organisation`).
 *
 * The sandbox user has two organisations, **Demo Company (UK)** and **Second
 * Shop Ltd** (`XERO_SANDBOX_TENANTS`). The consent page ticks only the first;
 * a POST may name organisations as repeated `tenant` fields (a browser), as one
 * comma-separated `tenant` value (`consent()` sets one value per name), or not
 * at all, in which case the hidden `tenant_default` (the first organisation)
 * is used.
 *
 * As at Xero, connections belong to the user and the app, not to one consent:
 * `GET /connections` lists every organisation the sandbox user has connected
 * to the client (narrow it with `?authEventId=`, the access token's
 * `authentication_event_id` claim), and any live access token of that client
 * may call the Accounting API for any connected organisation.
 *
 * Test controls: none beyond the server's. Expire every access token with
 * `server.advance(ms)` (30 minutes, or `accessTokenTtlSeconds`); codes expire
 * after 5 minutes, a consumed refresh token after its 30-minute grace, an
 * unused one after 60 days.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { bearerToken, escapeHtml as esc, html, htmlDocument, json, redirect, sleep, withQuery } from '../http.js';
import type { ControlledSandbox, GrantControls, SandboxContext, SandboxFactory, SandboxRequest, SandboxResponse } from '../types.js';
import { refreshFaults } from '../controls.js';
import { XERO_FACTS } from './facts.js';

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

const [DEMO, SECOND] = XERO_SANDBOX_TENANTS;

const ISSUER = 'https://identity.xero.com';
const AUTHORIZE_URL = 'https://login.xero.com/identity/connect/authorize';
const TOKEN_URL = 'https://identity.xero.com/connect/token';
const JWKS_URL = 'https://identity.xero.com/.well-known/openid-configuration/jwks';
const APP_NAME = 'Onramp';

const CODE_TTL_MS = 5 * 60_000;
const ACCESS_TTL_S = 1800;
const ID_TOKEN_TTL_S = 300;
const REFRESH_IDLE_MS = 60 * 24 * 3600_000;
const REFRESH_GRACE_MS = 30 * 60_000;

const SCENARIOS = ['ok', 'token_error', 'token_slow'] as const;
type Scenario = (typeof SCENARIOS)[number];

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
/** Xero's API scope families (the granular list is longer than providers.md read; any scope of these families is accepted). */
const API_SCOPE = /^(accounting|payroll|files|assets|projects|bankfeeds|finance|paymentservices|app\.connections|marketplace\.billing)(\.[a-z0-9]+)*$/;
const SETTINGS_SCOPES = ['accounting.settings', 'accounting.settings.read'];

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');
const header = (req: SandboxRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
const isForm = (req: SandboxRequest) => (header(req, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
/** A stable GUID from a seed (the sandbox's ids survive restarts). */
const guid = (seed: string) => {
  const h = createHash('sha1').update(`xero-sandbox:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
/** Xero's JSON date: `\/Date(ms+0000)\/` (the escaping is restored in `xeroJson`). */
const msDate = (ms: number) => `/Date(${ms}+0000)/`;
/** `2019-07-09T23:40:30.1833130`: the Identity API's UTC dates, seven fractional digits and no zone. */
const identityDate = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}0000`;

/** The token endpoint's error answer (IdentityServer style: 400 for every OAuth error, invalid_client included). */
const oauthError = (error: string, description?: string): SandboxResponse =>
  json(400, description ? { error, error_description: description } : { error });

/** The API's problem answer, as Xero sends it: `{Type, Title, Status, Detail, Instance, Extensions}`. */
function problem(status: number, title: string, detail: string, headers: Record<string, string> = {}): SandboxResponse {
  return json(status, { Type: null, Title: title, Status: status, Detail: detail, Instance: randomUUID(), Extensions: {} }, headers);
}

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1a1d21; }
  main { max-width: 32rem; margin: 0 auto; padding: 1.5rem 1rem; box-sizing: border-box; }
  h1 { font-size: 1.4rem; line-height: 1.3; }
  fieldset { border: 1px solid #c9d1d9; border-radius: 6px; margin: 1rem 0; padding: 0.75rem; }
  legend { font-weight: 600; padding: 0 0.25rem; }
  .choice { display: flex; gap: 0.5rem; align-items: center; padding: 0.4rem 0; }
  .choice input { width: 1.25rem; height: 1.25rem; }
  select, button { font: inherit; min-height: 2.75rem; }
  select { width: 100%; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin-top: 1.25rem; }
  .actions button { flex: 1 1 10rem; border-radius: 6px; border: 1px solid #13b5ea; padding: 0.5rem 1rem; }
  .primary { background: #0b6b8f; color: #fff; }
  .secondary { background: #fff; color: #0b6e8f; }
  button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid #0b6e8f; outline-offset: 2px; }
  .error { color: #a4161a; }
`;

function page(status: number, title: string, main: string): SandboxResponse {
  return html(status, htmlDocument({ title, css: STYLE, body: main }));
}

const errorPage = (message: string) =>
  page(400, 'Xero: something went wrong', `<h1>Xero could not connect Onramp</h1>\n<p class="error" role="alert">${esc(message)}</p>`);

/* ------------------------------------------------------------------ */
/* Signing (RS256, one key per process, published at the JWKS URL)     */
/* ------------------------------------------------------------------ */

let signingKey: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;
function key() {
  if (!signingKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    signingKey = { privateKey, publicKey, kid: createHash('sha256').update(der).digest('hex').slice(0, 32).toUpperCase() };
  }
  return signingKey;
}
function signJwt(claims: Record<string, unknown>): string {
  const k = key();
  const input = `${b64url(JSON.stringify({ alg: 'RS256', kid: k.kid, typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(cryptoSign('sha256', Buffer.from(input), k.privateKey))}`;
}
function jwks() {
  const k = key();
  return { keys: [{ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, use: 'sig', alg: 'RS256' }] };
}

/* ------------------------------------------------------------------ */
/* Charts of accounts and tax rates                                    */
/* ------------------------------------------------------------------ */

type AccountType =
  | 'BANK' | 'CURRENT' | 'CURRLIAB' | 'DEPRECIATN' | 'DIRECTCOSTS' | 'EQUITY' | 'EXPENSE' | 'FIXED' | 'INVENTORY'
  | 'LIABILITY' | 'NONCURRENT' | 'OTHERINCOME' | 'OVERHEADS' | 'PREPAYMENT' | 'REVENUE' | 'SALES' | 'TERMLIAB';

interface AccountSeed {
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

const CLASS: Record<AccountType, 'ASSET' | 'EQUITY' | 'EXPENSE' | 'LIABILITY' | 'REVENUE'> = {
  BANK: 'ASSET', CURRENT: 'ASSET', FIXED: 'ASSET', INVENTORY: 'ASSET', NONCURRENT: 'ASSET', PREPAYMENT: 'ASSET',
  CURRLIAB: 'LIABILITY', LIABILITY: 'LIABILITY', TERMLIAB: 'LIABILITY',
  EQUITY: 'EQUITY',
  DEPRECIATN: 'EXPENSE', DIRECTCOSTS: 'EXPENSE', EXPENSE: 'EXPENSE', OVERHEADS: 'EXPENSE',
  OTHERINCOME: 'REVENUE', REVENUE: 'REVENUE', SALES: 'REVENUE',
};

/** Demo Company (UK): Xero's UK default chart plus what an online seller adds (clearing, channel fees, shipping income…). */
const DEMO_CHART: readonly AccountSeed[] = [
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
const SECOND_CHART: readonly AccountSeed[] = [
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

const CHART_UPDATED = Date.UTC(2026, 0, 12, 9, 30, 0);

function accounts(tenantId: string, seeds: readonly AccountSeed[]) {
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

function reportingCode(type: AccountType): string {
  switch (CLASS[type]) {
    case 'ASSET': return type === 'BANK' ? 'ASS.CUR.CAS.CAS' : type === 'FIXED' ? 'ASS.NCA.FIX' : 'ASS.CUR';
    case 'LIABILITY': return type === 'TERMLIAB' ? 'LIA.NCL' : 'LIA.CUR';
    case 'EQUITY': return 'EQU';
    case 'REVENUE': return type === 'OTHERINCOME' ? 'REV.OTH' : 'REV.TRA';
    case 'EXPENSE': return type === 'DIRECTCOSTS' ? 'EXP.COS' : type === 'DEPRECIATN' ? 'EXP.DEP' : 'EXP';
  }
}

interface RateSeed {
  readonly name: string;
  readonly type: string;
  readonly report: string;
  readonly rate: number;
  readonly side: 'income' | 'expense' | 'both';
  readonly status?: 'ACTIVE' | 'ARCHIVED';
  readonly component?: string;
}

/** Xero's UK VAT rates (system defined and the common user ones). */
const UK_RATES: readonly RateSeed[] = [
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

const SECOND_RATE_TYPES = new Set(['OUTPUT2', 'RROUTPUT', 'ZERORATEDOUTPUT', 'EXEMPTOUTPUT', 'NONE', 'INPUT2', 'RRINPUT', 'ZERORATEDINPUT', 'EXEMPTINPUT']);

function taxRates(seeds: readonly RateSeed[]) {
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

const ORGS = new Map<string, { accounts: ReturnType<typeof accounts>; taxRates: ReturnType<typeof taxRates>; organisation: Record<string, unknown> }>([
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

function organisation(id: string, name: string, shortCode: string, o: { legal: string; demo: boolean; taxNumber: string }) {
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

/* ------------------------------------------------------------------ */
/* `where` and `order` (the Accounting API's filter and sort)           */
/* ------------------------------------------------------------------ */

type Row = Record<string, unknown>;

/** Supports `Field=="text"`, `Field!="text"`, `Field==true|false`, joined by `AND` / `&&`. */
function whereFilter(where: string): ((row: Row) => boolean) | string {
  const clauses = where.split(/\s+AND\s+|\s*&&\s*/i).map((c) => c.trim()).filter(Boolean);
  const tests: ((row: Row) => boolean)[] = [];
  for (const clause of clauses) {
    const m = /^([A-Za-z]+)\s*(==|!=)\s*(?:"([^"]*)"|(true|false))$/.exec(clause);
    if (!m) return `Operator or expression not supported: '${clause}'`;
    const [, field = '', op, text, bool] = m;
    const want: unknown = text ?? bool === 'true';
    tests.push((row) => {
      const key = Object.keys(row).find((k) => k.toLowerCase() === field.toLowerCase());
      const value = key === undefined ? undefined : row[key];
      return op === '==' ? value === want : value !== want;
    });
  }
  return (row) => tests.every((t) => t(row));
}

function orderBy(rows: Row[], order: string): Row[] | string {
  const m = /^\s*([A-Za-z]+)(?:\s+(ASC|DESC))?\s*$/i.exec(order);
  if (!m) return `Invalid order: '${order}'`;
  const field = m[1] ?? '';
  const dir = (m[2] ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1;
  const val = (r: Row) => {
    const key = Object.keys(r).find((k) => k.toLowerCase() === field.toLowerCase());
    const v = key === undefined ? '' : r[key];
    return typeof v === 'string' ? v.toLowerCase() : String(v ?? '');
  };
  return [...rows].sort((a, b) => (val(a) < val(b) ? -dir : val(a) > val(b) ? dir : 0));
}

/* ------------------------------------------------------------------ */
/* Serialisation of Accounting API answers (JSON or Xero's XML)         */
/* ------------------------------------------------------------------ */

/** JSON with Xero's `"\/Date(…)\/"` escaping. */
const xeroJson = (body: unknown) => JSON.stringify(body).replace(/"\/Date\((\d+\+0000)\)\/"/g, '"\\/Date($1)\\/"');

const SINGULAR: Record<string, string> = { Accounts: 'Account', TaxRates: 'TaxRate', TaxComponents: 'TaxComponent', Organisations: 'Organisation' };
function xml(tag: string, value: unknown): string {
  if (Array.isArray(value)) return `<${tag}>${value.map((v) => xml(SINGULAR[tag] ?? tag.replace(/s$/, ''), v)).join('')}</${tag}>`;
  if (value !== null && typeof value === 'object') {
    return `<${tag}>${Object.entries(value as Row).map(([k, v]) => xml(k, v)).join('')}</${tag}>`;
  }
  let text = String(value ?? '');
  const date = /^\/Date\((\d+)\+0000\)\/$/.exec(text);
  if (date) text = new Date(Number(date[1])).toISOString().slice(0, 19);
  return `<${tag}>${esc(text)}</${tag}>`;
}

/* ------------------------------------------------------------------ */
/* The sandbox                                                         */
/* ------------------------------------------------------------------ */

interface AuthRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state?: string;
  readonly codeChallenge?: string;
  readonly nonce?: string;
}

interface CodeRecord extends AuthRequest {
  readonly expiresAt: number;
  readonly scenario: Scenario;
  readonly authEventId: string;
  readonly authTime: number;
  readonly sessionId: string;
  used: boolean;
}

interface Grant {
  readonly id: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly authEventId: string;
  readonly authTime: number;
  readonly sessionId: string;
}

interface Connection {
  readonly id: string;
  readonly clientId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  authEventId: string;
  readonly created: number;
  updated: number;
}

export const createXeroSandbox: SandboxFactory = (ctx: SandboxContext): ControlledSandbox => {
  const codes = new Map<string, CodeRecord>();
  const accessTokens = new Map<string, { grant: Grant; expiresAt: number }>();
  const refreshTokens = new Map<string, { grant: Grant; issuedAt: number; consumedAt?: number }>();
  /** Keyed `${clientId} ${tenantId}`: one connection per app and organisation for the sandbox user. */
  const connections = new Map<string, Connection>();
  const reg = () => ctx.registrations.xero;

  /* ---------------- authorize + consent ---------------- */

  function validate(p: URLSearchParams): AuthRequest | string {
    const clientId = p.get('client_id');
    if (!clientId) return 'unauthorized_client: client_id is missing';
    if (clientId !== reg().clientId) return 'unauthorized_client: Unknown client or client not enabled';
    const redirectUri = p.get('redirect_uri');
    if (!redirectUri) return 'invalid_request: redirect_uri is missing';
    if (!reg().redirectUris.includes(redirectUri)) return 'invalid_request: Invalid redirect_uri';
    const responseType = p.get('response_type');
    if (responseType !== 'code') return `unsupported_response_type: ${responseType ?? 'response_type is missing'}`;
    const scopes = (p.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (!scopes.length) return 'invalid_scope: scope is missing';
    const unknown = scopes.find((s) => !OIDC_SCOPES.has(s) && !API_SCOPE.test(s));
    if (unknown) return `invalid_scope: ${unknown}`;
    const codeChallenge = p.get('code_challenge') ?? undefined;
    if (codeChallenge !== undefined) {
      if ((p.get('code_challenge_method') ?? 'plain') !== 'S256') return 'invalid_request: code_challenge_method must be S256 (plain is not allowed)';
      if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) return 'invalid_request: code_challenge is not a base64url SHA-256 hash';
    }
    const state = p.get('state') ?? undefined;
    const nonce = p.get('nonce') ?? undefined;
    return { clientId, redirectUri, scopes, ...(state !== undefined ? { state } : {}), ...(codeChallenge ? { codeChallenge } : {}), ...(nonce !== undefined ? { nonce } : {}) };
  }

  const needsOrganisations = (scopes: readonly string[]) => scopes.some((s) => !OIDC_SCOPES.has(s));

  function consentPage(p: URLSearchParams, a: AuthRequest): SandboxResponse {
    const hidden = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce']
      .filter((n) => p.get(n) !== null)
      .map((n) => `<input type="hidden" name="${n}" value="${esc(p.get(n) ?? '')}">`);
    const orgs = needsOrganisations(a.scopes)
      ? `<input type="hidden" name="tenant_default" value="${esc(DEMO.tenantId)}">
<fieldset>
<legend>Organisations to connect</legend>
${XERO_SANDBOX_TENANTS.map(
  (t, i) => `<div class="choice"><input type="checkbox" id="tenant-${i}" name="tenant" value="${esc(t.tenantId)}"${i === 0 ? ' checked' : ''}><label for="tenant-${i}">${esc(t.tenantName)}</label></div>`,
).join('\n')}
</fieldset>`
      : '';
    const scopeList = a.scopes.map((s) => `<li>${esc(s)}</li>`).join('');
    return page(
      200,
      'Xero: Onramp wants access to your organisation',
      `<h1>Xero: allow Onramp to access your Xero data?</h1>
<p>Signed in as ${esc(XERO_SANDBOX_USER.givenName)} ${esc(XERO_SANDBOX_USER.familyName)} (${esc(XERO_SANDBOX_USER.email)}).</p>
<p>Onramp is asking for:</p>
<ul>${scopeList}</ul>
<form method="post" action="${esc(ctx.sandboxUrl(AUTHORIZE_URL))}">
${hidden.join('\n')}
${orgs}
<label for="scenario">Sandbox outcome</label>
<select id="scenario" name="scenario">
<option value="ok" selected>ok</option>
<option value="token_error">token_error</option>
<option value="token_slow">token_slow</option>
</select>
<div class="actions">
<button type="submit" name="decision" value="${XERO_FACTS.accept.decision}" class="primary">${esc(XERO_FACTS.accept.label)}</button>
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
    if (decision !== XERO_FACTS.accept.decision) return errorPage('The consent form was sent without a decision.');
    const scenario = (form.get('scenario') ?? 'ok') as Scenario;
    if (!SCENARIOS.includes(scenario)) return errorPage(`Unknown sandbox outcome: ${scenario}`);
    const authEventId = randomUUID();
    const now = ctx.now();
    if (needsOrganisations(a.scopes)) {
      const picked = form.getAll('tenant').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
      const chosen = picked.length ? picked : (form.get('tenant_default') ?? '').split(',').map((v) => v.trim()).filter(Boolean);
      if (!chosen.length) return errorPage('Select at least one organisation to connect.');
      const tenants = chosen.map((id) => XERO_SANDBOX_TENANTS.find((t) => t.tenantId === id));
      if (tenants.some((t) => !t)) return errorPage('You do not have access to one of the organisations selected.');
      for (const t of tenants) {
        if (!t) continue;
        const k = `${a.clientId} ${t.tenantId}`;
        const existing = connections.get(k);
        if (existing) {
          existing.authEventId = authEventId;
          existing.updated = now;
        } else {
          connections.set(k, { id: randomUUID(), clientId: a.clientId, tenantId: t.tenantId, tenantName: t.tenantName, authEventId, created: now, updated: now });
        }
      }
    }
    const code = randomHex(32);
    const sessionId = randomHex(16);
    codes.set(code, { ...a, expiresAt: now + CODE_TTL_MS, scenario, authEventId, authTime: now, sessionId, used: false });
    return redirect(withQuery(a.redirectUri, { code, scope: a.scopes.join(' '), state: a.state, session_state: `${randomHex(16)}.${randomHex(8)}` }, 'append'));
  }

  /* ---------------- tokens ---------------- */

  function authenticateClient(req: SandboxRequest, form: URLSearchParams): boolean {
    const auth = header(req, 'authorization');
    let id: string | null;
    let secret: string | null;
    if (auth && /^basic\s/i.test(auth)) {
      const decoded = Buffer.from(auth.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) return false;
      const unform = (s: string) => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          return s;
        }
      };
      id = unform(decoded.slice(0, i));
      secret = unform(decoded.slice(i + 1));
    } else {
      id = form.get('client_id');
      secret = form.get('client_secret');
    }
    return id === reg().clientId && secret === reg().clientSecret;
  }

  function issue(grant: Grant, nonce?: string): SandboxResponse {
    const now = ctx.now();
    const nowS = Math.floor(now / 1000);
    const ttl = ctx.accessTokenTtlSeconds ?? ACCESS_TTL_S;
    const accessToken = signJwt({
      nbf: nowS,
      exp: nowS + ttl,
      iss: ISSUER,
      aud: `${ISSUER}/resources`,
      client_id: grant.clientId,
      sub: XERO_SANDBOX_USER.userId.replace(/-/g, ''),
      auth_time: Math.floor(grant.authTime / 1000),
      xero_userid: XERO_SANDBOX_USER.userId,
      global_session_id: grant.sessionId,
      sid: grant.sessionId,
      jti: randomHex(16).toUpperCase(),
      authentication_event_id: grant.authEventId,
      scope: [...grant.scopes],
      amr: ['pwd'],
    });
    accessTokens.set(accessToken, { grant, expiresAt: now + ttl * 1000 });
    const body: Record<string, unknown> = {};
    if (grant.scopes.includes('openid')) {
      body.id_token = signJwt({
        nbf: nowS,
        exp: nowS + ID_TOKEN_TTL_S,
        iss: ISSUER,
        aud: grant.clientId,
        iat: nowS,
        at_hash: b64url(createHash('sha256').update(accessToken).digest().subarray(0, 16)),
        sid: grant.sessionId,
        sub: XERO_SANDBOX_USER.userId.replace(/-/g, ''),
        auth_time: Math.floor(grant.authTime / 1000),
        ...(nonce !== undefined ? { nonce } : {}),
        xero_userid: XERO_SANDBOX_USER.userId,
        global_session_id: grant.sessionId,
        ...(grant.scopes.includes('profile')
          ? {
              preferred_username: XERO_SANDBOX_USER.email,
              given_name: XERO_SANDBOX_USER.givenName,
              family_name: XERO_SANDBOX_USER.familyName,
              name: `${XERO_SANDBOX_USER.givenName} ${XERO_SANDBOX_USER.familyName}`,
            }
          : {}),
        ...(grant.scopes.includes('email') ? { email: XERO_SANDBOX_USER.email } : {}),
        amr: ['pwd'],
      });
    }
    body.access_token = accessToken;
    body.expires_in = ttl;
    body.token_type = 'Bearer';
    if (grant.scopes.includes('offline_access')) {
      const refreshToken = randomHex(32);
      refreshTokens.set(refreshToken, { grant, issuedAt: now });
      body.refresh_token = refreshToken;
    }
    body.scope = grant.scopes.join(' ');
    return json(200, body, { pragma: 'no-cache' });
  }

  async function token(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'POST') return { status: 405, headers: { allow: 'POST' } };
    if (!isForm(req)) return { status: 415 };
    const form = new URLSearchParams(req.body);
    if (!authenticateClient(req, form)) return oauthError('invalid_client');
    const grantType = form.get('grant_type');
    const now = ctx.now();
    if (grantType === 'authorization_code') {
      const code = form.get('code');
      const record = code ? codes.get(code) : undefined;
      if (!code || !record || record.used || record.expiresAt <= now || record.clientId !== reg().clientId) return oauthError('invalid_grant');
      if (form.get('redirect_uri') !== record.redirectUri) return oauthError('invalid_grant');
      if (record.codeChallenge) {
        const verifier = form.get('code_verifier');
        if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return oauthError('invalid_grant');
        if (b64url(createHash('sha256').update(verifier).digest()) !== record.codeChallenge) return oauthError('invalid_grant');
      }
      if (record.scenario === 'token_error') return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'An error occurred' };
      if (record.scenario === 'token_slow') await sleep(ctx.slowMs);
      record.used = true;
      const grant: Grant = {
        id: randomUUID(),
        clientId: record.clientId,
        scopes: record.scopes,
        authEventId: record.authEventId,
        authTime: record.authTime,
        sessionId: record.sessionId,
      };
      return issue(grant, record.nonce);
    }
    if (grantType === 'refresh_token') {
      const fault = await faults.answer({ status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'An error occurred' });
      if (fault) return fault;
      const rt = form.get('refresh_token');
      const record = rt ? refreshTokens.get(rt) : undefined;
      if (!rt || !record || record.grant.clientId !== reg().clientId) return oauthError('invalid_grant');
      if (record.consumedAt !== undefined ? now - record.consumedAt > REFRESH_GRACE_MS : now - record.issuedAt > REFRESH_IDLE_MS) {
        refreshTokens.delete(rt);
        return oauthError('invalid_grant');
      }
      record.consumedAt ??= now;
      return issue(record.grant);
    }
    if (!grantType) return oauthError('unsupported_grant_type');
    return oauthError(grantType === 'client_credentials' ? 'unauthorized_client' : 'unsupported_grant_type');
  }

  /* ---------------- API ---------------- */

  function authenticate(req: SandboxRequest): { grant: Grant } | SandboxResponse {
    const token = bearerToken(header(req, 'authorization'));
    const record = token ? accessTokens.get(token) : undefined;
    if (!record) return problem(401, 'Unauthorized', 'AuthenticationUnsuccessful', { 'www-authenticate': 'Bearer error="invalid_token"' });
    if (record.expiresAt <= ctx.now()) {
      const at = new Date(record.expiresAt);
      const p2 = (n: number) => String(n).padStart(2, '0');
      const when = `${p2(at.getUTCMonth() + 1)}/${p2(at.getUTCDate())}/${at.getUTCFullYear()} ${p2(at.getUTCHours())}:${p2(at.getUTCMinutes())}:${p2(at.getUTCSeconds())}`;
      return problem(401, 'Unauthorized', `TokenExpired: token expired at ${when}`, {
        'www-authenticate': `Bearer error="invalid_token", error_description="The token expired at '${when}'"`,
      });
    }
    return { grant: record.grant };
  }

  function connectionsApi(req: SandboxRequest): SandboxResponse {
    const who = authenticate(req);
    if ('status' in who) return who;
    const clientId = who.grant.clientId;
    const rest = req.path.replace(/^\/connections\/?/i, '');
    if (!rest) {
      if (req.method !== 'GET') return { status: 405, headers: { allow: 'GET' } };
      const filter = req.query.get('authEventId');
      const list = [...connections.values()]
        .filter((c) => c.clientId === clientId && (!filter || c.authEventId === filter))
        .map((c) => ({
          id: c.id,
          authEventId: c.authEventId,
          tenantId: c.tenantId,
          tenantType: 'ORGANISATION',
          tenantName: c.tenantName,
          createdDateUtc: identityDate(c.created),
          updatedDateUtc: identityDate(c.updated),
        }));
      return json(200, list);
    }
    if (req.method !== 'DELETE') return { status: 405, headers: { allow: 'DELETE' } };
    const entry = [...connections.entries()].find(([, c]) => c.clientId === clientId && c.id.toLowerCase() === rest.toLowerCase());
    if (!entry) return problem(404, 'Not Found', 'Connection not found');
    connections.delete(entry[0]);
    return { status: 204 };
  }

  function accountingApi(req: SandboxRequest): SandboxResponse | undefined {
    const m = /^\/api\.xro\/2\.0\/(accounts|taxrates|organisation)\/?$/i.exec(req.path);
    if (!m) return undefined;
    const resource = (m[1] ?? '').toLowerCase();
    if (req.method !== 'GET') return { status: 405, headers: { allow: 'GET' } };
    const who = authenticate(req);
    if ('status' in who) return who;
    if (!who.grant.scopes.some((s) => SETTINGS_SCOPES.includes(s))) return problem(401, 'Unauthorized', 'AuthorizationUnsuccessful');
    const tenantId = (header(req, 'xero-tenant-id') ?? '').trim().toLowerCase();
    const connected = tenantId && connections.has(`${who.grant.clientId} ${tenantId}`);
    const org = connected ? ORGS.get(tenantId) : undefined;
    if (!org) return problem(403, 'Forbidden', 'AuthenticationUnsuccessful');

    let key: string;
    let rows: Row[];
    if (resource === 'accounts') [key, rows] = ['Accounts', org.accounts];
    else if (resource === 'taxrates') [key, rows] = ['TaxRates', org.taxRates];
    else [key, rows] = ['Organisations', [org.organisation]];
    if (resource !== 'organisation') {
      const where = req.query.get('where');
      if (where) {
        const f = whereFilter(where);
        if (typeof f === 'string') return json(400, { ErrorNumber: 16, Type: 'QueryParseException', Message: f });
        rows = rows.filter(f);
      }
      const order = req.query.get('order');
      if (order) {
        const sorted = orderBy(rows, order);
        if (typeof sorted === 'string') return json(400, { ErrorNumber: 16, Type: 'QueryParseException', Message: sorted });
        rows = sorted;
      }
    }
    const envelope = { Id: randomUUID(), Status: 'OK', ProviderName: APP_NAME, DateTimeUTC: msDate(ctx.now()), [key]: rows };
    const headers = {
      'xero-correlation-id': randomUUID(),
      'x-appminlimit-remaining': '9999',
      'x-minlimit-remaining': '59',
      'x-daylimit-remaining': '4999',
    };
    if ((header(req, 'accept') ?? '').toLowerCase().includes('application/json')) {
      return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: xeroJson(envelope) };
    }
    const inner = Object.entries(envelope).map(([k, v]) => xml(k, v)).join('');
    return {
      status: 200,
      headers: { 'content-type': 'text/xml; charset=utf-8', ...headers },
      body: `<Response xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${inner}</Response>`,
    };
  }

  function discovery(): SandboxResponse {
    return json(200, {
      issuer: ISSUER,
      jwks_uri: ctx.sandboxUrl(JWKS_URL),
      authorization_endpoint: ctx.sandboxUrl(AUTHORIZE_URL),
      token_endpoint: ctx.sandboxUrl(TOKEN_URL),
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      claims_supported: ['sub', 'name', 'family_name', 'given_name', 'preferred_username', 'email', 'xero_userid', 'global_session_id'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types_supported: ['code'],
      response_modes_supported: ['form_post', 'query', 'fragment'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
    });
  }

  /* ---------------- test controls: revoke a grant, run out refresh tokens, fail refreshes (GrantControls) ---------------- */

  const faults = refreshFaults(ctx);
  const controls: GrantControls = {
    // The seller disconnects the app in Xero: its connections and every token go.
    revokeGrants() {
      const n = refreshTokens.size;
      refreshTokens.clear();
      accessTokens.clear();
      for (const [k, c] of connections) if (c.clientId === reg().clientId) connections.delete(k);
      return n;
    },
    // Unused for 60 days: the idle limit.
    expireRefreshTokens() {
      for (const record of refreshTokens.values()) {
        record.issuedAt = ctx.now() - REFRESH_IDLE_MS - 1;
        if (record.consumedAt !== undefined) record.consumedAt = ctx.now() - REFRESH_GRACE_MS - 1;
      }
      return refreshTokens.size;
    },
    failRefresh: (mode) => faults.set(mode),
  };

  return {
    id: 'xero',
    controls,
    hosts: (host) => host === 'login.xero.com' || host === 'identity.xero.com' || host === 'api.xero.com',
    async handle(req) {
      if (req.host === 'login.xero.com' && req.path === '/identity/connect/authorize') {
        if (req.method === 'GET') {
          const a = validate(req.query);
          return typeof a === 'string' ? errorPage(a) : consentPage(req.query, a);
        }
        if (req.method === 'POST') return decide(new URLSearchParams(req.body));
        return { status: 405, headers: { allow: 'GET, POST' } };
      }
      if (req.host === 'identity.xero.com') {
        if (req.path === '/connect/token') return token(req);
        if (req.path === '/.well-known/openid-configuration') return discovery();
        if (req.path === '/.well-known/openid-configuration/jwks') return json(200, jwks());
        return undefined;
      }
      if (req.host === 'api.xero.com') {
        if (/^\/connections(\/|$)/i.test(req.path)) return connectionsApi(req);
        return accountingApi(req);
      }
      return undefined;
    },
  };
};
