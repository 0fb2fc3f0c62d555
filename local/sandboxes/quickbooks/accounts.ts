/**
 * The QuickBooks sandbox's account creation (docs/providers.md §10.9):
 * reading a `POST /v3/company/{realmId}/account` body, QuickBooks' checks on
 * a new account and their faults, and the account as `query` then lists it.
 * The API (`api.ts`) and the seller adding an account in QuickBooks' own
 * screens (`addAccount` in `controls.ts`) both come here.
 */
import { pacific, type QuickbooksState } from './common.js';
import { accountRows, CLASSIFICATION, CODE_SEEDS, USD, type AccountType } from './company.js';

type Row = Record<string, unknown>;

/** A QuickBooks fault: the HTTP status, the fault's type, and its one error. */
export interface QuickbooksFault {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly message: string;
  readonly detail: string;
  readonly element?: string;
}

const validation = (code: string, message: string, detail: string): QuickbooksFault => ({ status: 400, type: 'ValidationFault', code, message, detail, element: '' });
const unsupported = (detail: string) => validation('2010', 'Request has invalid or unsupported property', `Property Name:${detail} specified is unsupported or invalid`);
const missing = (name: string) => validation('2020', 'Required param missing, need to supply the required value for the API', `Required parameter ${name} is missing in the request`);
const business = (detail: string) => validation('6000', 'A business validation error has occurred while processing your request', `Business Validation Error: ${detail}`);
const badReference = (entity: string, id: string) => validation('2500', 'Invalid Reference Id', `Invalid Reference Id : ${entity} element id ${id} not found`);

/**
 * Each account type's detail types (`AccountSubType`) this sandbox knows,
 * the one it gives an account created without one first. The lists are a
 * part of Intuit's; which detail type QuickBooks gives by default is not
 * confirmed.
 */
export const SUB_TYPES: Readonly<Record<AccountType, readonly string[]>> = {
  Bank: ['Checking', 'Savings', 'MoneyMarket', 'CashOnHand', 'RentsHeldInTrust', 'TrustAccounts'],
  'Other Current Asset': ['OtherCurrentAssets', 'UndepositedFunds', 'Inventory', 'PrepaidExpenses', 'AllowanceForBadDebts', 'DevelopmentCosts', 'EmployeeCashAdvances', 'LoansToOfficers', 'LoansToOthers', 'LoansToStockholders', 'Retainage'],
  'Fixed Asset': ['OtherFixedAssets', 'FurnitureAndFixtures', 'MachineryAndEquipment', 'Buildings', 'Vehicles', 'LeaseholdImprovements', 'Land', 'AccumulatedDepreciation'],
  'Other Asset': ['OtherLongTermAssets', 'SecurityDeposits', 'Goodwill', 'LicensesAndPermits', 'OrganizationalCosts', 'AccumulatedAmortizationOfOtherAssets'],
  'Accounts Receivable': ['AccountsReceivable'],
  Equity: ['OwnersEquity', 'OpeningBalanceEquity', 'RetainedEarnings', 'PartnerContributions', 'PartnerDistributions', 'PartnersEquity', 'CommonStock', 'PaidInCapitalOrSurplus', 'PreferredStock', 'TreasuryStock', 'AccumulatedAdjustment'],
  Expense: [
    'OtherMiscellaneousServiceCost', 'AdvertisingPromotional', 'Auto', 'BadDebts', 'BankCharges', 'CharitableContributions', 'CostOfLabor', 'DuesSubscriptions',
    'Entertainment', 'EntertainmentMeals', 'EquipmentRental', 'Insurance', 'InterestPaid', 'LegalProfessionalFees', 'OfficeGeneralAdministrativeExpenses',
    'OtherBusinessExpenses', 'PayrollExpenses', 'PromotionalMeals', 'RentOrLeaseOfBuildings', 'RepairMaintenance', 'ShippingFreightDelivery', 'SuppliesMaterials',
    'TaxesPaid', 'Travel', 'TravelMeals', 'Utilities',
  ],
  'Other Expense': ['OtherMiscellaneousExpense', 'Depreciation', 'Amortization', 'ExchangeGainOrLoss', 'PenaltiesSettlements', 'HomeOffice', 'Vehicle'],
  'Cost of Goods Sold': ['SuppliesMaterialsCogs', 'CostOfLaborCos', 'EquipmentRentalCos', 'OtherCostsOfServiceCos', 'ShippingFreightDeliveryCos'],
  'Accounts Payable': ['AccountsPayable'],
  'Credit Card': ['CreditCard'],
  'Long Term Liability': ['OtherLongTermLiabilities', 'NotesPayable', 'ShareholderNotesPayable'],
  'Other Current Liability': [
    'OtherCurrentLiabilities', 'SalesTaxPayable', 'DirectDepositPayable', 'LineOfCredit', 'LoanPayable', 'InsurancePayable', 'PayrollClearing', 'PayrollTaxPayable',
    'PrepaidExpensesPayable', 'RentsInTrustLiability', 'TrustAccountsLiabilities', 'FederalIncomeTaxPayable',
  ],
  Income: ['OtherPrimaryIncome', 'SalesOfProductIncome', 'ServiceFeeIncome', 'DiscountsRefundsGiven', 'NonProfitIncome', 'UnappliedCashPaymentIncome'],
  'Other Income': ['OtherMiscellaneousIncome', 'DividendIncome', 'InterestEarned', 'OtherInvestmentIncome', 'TaxExemptInterest'],
};

const TYPES = Object.keys(SUB_TYPES) as AccountType[];
const typeOfSubType = (sub: string) => TYPES.find((t) => SUB_TYPES[t].includes(sub));

/** The Account entity's properties (its read-only ones included, as a read-then-write body carries them); any other is refused as QuickBooks refuses an unknown property. */
const PROPERTIES = new Set([
  'Id', 'SyncToken', 'MetaData', 'Name', 'SubAccount', 'ParentRef', 'FullyQualifiedName', 'Description', 'Active', 'Classification', 'AccountType', 'AccountSubType',
  'AcctNum', 'AcctNumExtn', 'BankNum', 'OpeningBalance', 'OpeningBalanceDate', 'CurrentBalance', 'CurrentBalanceWithSubAccounts', 'CurrencyRef', 'TaxCodeRef',
  'TxnLocationType', 'AccountAlias', 'AccountEx', 'JournalCode', 'TaxAccount', 'OnlineBankingEnabled', 'FIName', 'CustomField', 'AttachableRef', 'domain', 'sparse', 'status',
]);

const isRecord = (v: unknown): v is Row => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string | undefined => {
  const t = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
  return t ? t : undefined;
};
const refValue = (v: unknown): string | undefined => (isRecord(v) ? text(v.value) : undefined);
const same = (a: unknown, b: string) => typeof a === 'string' && a.trim().toLowerCase() === b.toLowerCase();

/** The account a create body carries (the entity itself, as JSON), or the fault QuickBooks answers a body it cannot read. */
export function readAccountBody(body: string): { readonly account: Row } | { readonly fault: QuickbooksFault } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { fault: unsupported('Unexpected character in the request body') };
  }
  if (!isRecord(value)) return { fault: unsupported('Unexpected character in the request body') };
  // Property names are matched as sent, case included (QuickBooks' JSON is PascalCase).
  const unknown = Object.keys(value).find((k) => !PROPERTIES.has(k));
  if (unknown) return { fault: unsupported(`Unrecognized field "${unknown}" (class com.intuit.schema.finance.v3.Account), not marked as ignorable`) };
  return { account: value };
}

/** The request's body as JSON, or its text when it is not JSON (for `createRequests`). */
export function bodyOf(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/** Every account of the company: its chart, then those created since. */
export const allAccounts = (s: QuickbooksState, realmId: string): Row[] => [...accountRows(), ...(s.addedAccounts.get(realmId) ?? [])];

/**
 * The fault QuickBooks answers for a new account, or undefined when it may be
 * created. Sourced: Duplicate Name Exists Error (6240) and its detail, the
 * missing-parameter fault (2020), the business-validation fault (6000) and
 * invalid-enumeration fault (2170) as Intuit words them. Not confirmed, so
 * chosen here: the detail for a missing AccountType, an unknown type or a
 * reference not found, the duplicate account number's wording, the name
 * rule's fault, and that names compare without regard to case.
 */
export function accountFault(accounts: readonly Row[], input: Row): QuickbooksFault | undefined {
  // A body with an Id is an update at QuickBooks; this sandbox only creates, and says so in its own words.
  if (input.Id !== undefined) return validation('500', 'Unsupported Operation', 'The sandbox creates accounts only: an Account with an Id is an update');
  const name = text(input.Name);
  if (!name) return missing('Name');
  const type = text(input.AccountType);
  const sub = text(input.AccountSubType);
  if (!type && !sub) return missing('AccountType');
  if (type && !TYPES.includes(type as AccountType)) {
    return unsupported(`Can not construct instance of com.intuit.schema.finance.v3.AccountTypeEnum from String value '${type}': value not one of declared Enum instance names`);
  }
  if (sub) {
    const owner = typeOfSubType(sub);
    // An unknown detail type passes with a type given: this sandbox knows only part of Intuit's list.
    if (owner ? type !== undefined && owner !== type : type === undefined) return validation('2170', 'Invalid Enumeration', `Invalid Enumeration : ${sub}`);
  }
  // Intuit's reference: an account name must not contain a double quote or a colon.
  if (/[":]/.test(name)) return business('The account name cannot contain a double quote (") or a colon (:).');
  const parentId = refValue(input.ParentRef);
  if (input.ParentRef !== undefined && (!parentId || !accounts.some((a) => a.Id === parentId && a.Active === true))) return badReference('Account', parentId ?? '');
  const taxCode = refValue(input.TaxCodeRef);
  if (input.TaxCodeRef !== undefined && (!taxCode || !CODE_SEEDS.some((c) => c.id === taxCode))) return badReference('TaxCode', taxCode ?? '');
  const sibling = accounts.find((a) => refValue(a.ParentRef) === parentId && same(a.Name, name));
  if (sibling) return validation('6240', 'Duplicate Name Exists Error', `The name supplied already exists. : Id=${String(sibling.Id)}`);
  const number = text(input.AcctNum);
  if (number && accounts.some((a) => same(a.AcctNum, number))) return business('Another account is already using this account number. Please use another account number.');
  return undefined;
}

/** A checked account as QuickBooks answers it and `query` lists it once created. */
export function newAccount(accounts: readonly Row[], input: Row, now: number): Row {
  const name = text(input.Name) ?? '';
  const sub = text(input.AccountSubType);
  const type = (text(input.AccountType) ?? (sub ? typeOfSubType(sub) : undefined)) as AccountType;
  const parentId = refValue(input.ParentRef);
  const parent = parentId ? accounts.find((a) => a.Id === parentId) : undefined;
  const description = text(input.Description);
  const number = text(input.AcctNum);
  const taxCode = refValue(input.TaxCodeRef);
  const id = String(Math.max(0, ...accounts.map((a) => Number(a.Id) || 0)) + 1);
  return {
    Name: name,
    SubAccount: Boolean(parent),
    ...(parent ? { ParentRef: { value: String(parent.Id) } } : {}),
    FullyQualifiedName: parent ? `${String(parent.FullyQualifiedName)}:${name}` : name,
    ...(description ? { Description: description } : {}),
    Active: true,
    Classification: CLASSIFICATION[type],
    AccountType: type,
    AccountSubType: sub ?? SUB_TYPES[type][0],
    ...(number ? { AcctNum: number } : {}),
    ...(taxCode ? { TaxCodeRef: { value: taxCode } } : {}),
    CurrentBalance: 0,
    CurrentBalanceWithSubAccounts: 0,
    CurrencyRef: USD,
    domain: 'QBO',
    sparse: false,
    Id: id,
    SyncToken: '0',
    MetaData: { CreateTime: pacific(now), LastUpdatedTime: pacific(now) },
  };
}

/** Creates an account in `realmId`'s company after QuickBooks' checks: the new account, or the fault refusing it. */
export function addAccount(s: QuickbooksState, realmId: string, input: Row): { readonly account: Row } | { readonly fault: QuickbooksFault } {
  const added = s.addedAccounts.get(realmId);
  if (!added) return { fault: validation('610', 'Object Not Found', `Company ${realmId} not found`) };
  const accounts = allAccounts(s, realmId);
  const fault = accountFault(accounts, input);
  if (fault) return { fault };
  const account = newAccount(accounts, input, s.ctx.now());
  added.push(account);
  return { account };
}
