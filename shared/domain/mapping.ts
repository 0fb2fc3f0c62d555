/**
 * Accounts & Taxes: what the seller maps, which accounts fit each category,
 * the suggestions (by name, code and type, so that accepting them finishes
 * the step in one click), and the check of a mapping against the live chart.
 * Pure: no I/O.
 */
import type { Account } from './model.js';
import { findProvider, findRegion } from '../providers/index.js';
import type { AccountKind, Chart, ChartAccount, ChartTaxRate } from './chart.js';

/** The categories of a channel's money, in the order the form shows them, with the accounts that fit. */
export const CATEGORIES = [
  { id: 'sales', label: 'Sales', group: 'Income', kinds: ['revenue'], words: [/^sales$/i, /sales/i, /revenue/i, /income/i] },
  { id: 'refunds', label: 'Refunds', group: 'Income', kinds: ['revenue', 'expense'], words: [/refund/i, /return/i] },
  { id: 'shipping', label: 'Shipping income', group: 'Income', kinds: ['revenue'], words: [/shipping income/i, /shipping/i, /postage/i, /delivery/i] },
  { id: 'promotions', label: 'Promotions and discounts', group: 'Income', kinds: ['revenue', 'expense'], words: [/promotion/i, /discount/i, /coupon/i] },
  { id: 'reimbursements', label: 'Reimbursements', group: 'Income', kinds: ['revenue'], words: [/reimburse/i, /other (revenue|income)/i] },
  { id: 'fees', label: 'Channel fees', group: 'Costs', kinds: ['expense'], words: [/selling fee/i, /marketplace.*fee/i, /merchant fee/i, /fee/i, /commission/i] },
  { id: 'advertising', label: 'Advertising', group: 'Costs', kinds: ['expense'], words: [/advertis/i, /marketing/i, /sponsored/i] },
  { id: 'collectedTax', label: 'Marketplace-collected tax', group: 'Tax and payouts', kinds: ['liability'], words: [/marketplace.*(tax|vat)/i, /collected/i, /facilitator/i, /sales tax/i, /vat/i, /tax/i] },
  { id: 'clearing', label: 'Payout clearing account', group: 'Tax and payouts', kinds: ['bank', 'asset'], words: [/clearing/i, /undeposited/i, /payout/i, /bank/i, /checking/i] },
] as const satisfies readonly { id: string; label: string; group: string; kinds: readonly AccountKind[]; words: readonly RegExp[] }[];

export type CategoryId = (typeof CATEGORIES)[number]['id'];

export interface Mapping {
  readonly accounts: Readonly<Record<string, string>>;
  /** Tax rate id per marketplace country code. */
  readonly taxRates: Readonly<Record<string, string>>;
  /** ISO date (YYYY-MM-DD) from which to import. */
  readonly startDate: string;
}

/** The marketplace countries of an account: Amazon's region's marketplaces, a market's country, or one entry. */
export function marketplaceCountries(account: Pick<Account, 'channel' | 'region'>): { code: string; name: string }[] {
  const provider = findProvider(account.channel);
  const region = provider ? findRegion(provider, account.region) : undefined;
  if (region?.marketplaces?.length) return region.marketplaces.map((m) => ({ code: m.countryCode, name: m.country }));
  const byMarket: Record<string, { code: string; name: string }> = {
    UK: { code: 'GB', name: 'United Kingdom' },
    US: { code: 'US', name: 'United States' },
    MX: { code: 'MX', name: 'Mexico' },
  };
  if (account.region && byMarket[account.region]) return [byMarket[account.region]!];
  return [{ code: 'ALL', name: 'All sales' }];
}

const fits = (kinds: readonly AccountKind[], a: ChartAccount) => a.active && kinds.includes(a.kind);

/** The accounts that fit a category (active, of a fitting kind). */
export function fittingAccounts(chart: Chart, category: CategoryId): ChartAccount[] {
  const c = CATEGORIES.find((x) => x.id === category)!;
  return chart.accounts.filter((a) => fits(c.kinds, a));
}

function suggestAccount(chart: Chart, category: (typeof CATEGORIES)[number]): ChartAccount | undefined {
  const candidates = chart.accounts.filter((a) => fits(category.kinds, a));
  for (const word of category.words) {
    // Prefer the first kind listed (an income account for refunds), then the first match.
    for (const kind of category.kinds) {
      const hit = candidates.find((a) => a.kind === kind && word.test(a.name));
      if (hit) return hit;
    }
  }
  return candidates[0];
}

const EU = new Set(['DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'PL', 'IE', 'BE']);

function suggestTaxRate(chart: Chart, country: string, booksCountry: 'GB' | 'US' | string): ChartTaxRate | undefined {
  const rates = chart.taxRates.filter((r) => r.active);
  const find = (...tests: RegExp[]) => {
    for (const t of tests) {
      const hit = rates.find((r) => t.test(r.name));
      if (hit) return hit;
    }
    return undefined;
  };
  if (booksCountry === 'GB') {
    if (country === 'GB' || country === 'ALL') return find(/20%.*income/i, /standard.*income/i, /output/i) ?? rates[0];
    if (EU.has(country)) return find(/zero.?rated.*income/i, /ec.*income/i, /no vat/i) ?? rates[0];
    return find(/no vat/i, /exempt.*income/i, /zero.?rated.*income/i) ?? rates[0];
  }
  // Marketplaces collect and remit sales tax themselves: out of scope for the seller's books.
  return find(/out of scope/i, /exempt/i, /non/i) ?? rates[0];
}

/** The first day of the current month, as YYYY-MM-DD. */
export function firstOfMonth(now: Date): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** A suggestion for every field, so a seller who accepts them all finishes with one click. */
export function suggestMapping(chart: Chart, account: Pick<Account, 'channel' | 'region'>, booksCountry: string, now: Date): Mapping {
  const accounts: Record<string, string> = {};
  for (const c of CATEGORIES) {
    const hit = suggestAccount(chart, c);
    if (hit) accounts[c.id] = hit.id;
  }
  const taxRates: Record<string, string> = {};
  for (const { code } of marketplaceCountries(account)) {
    const hit = suggestTaxRate(chart, code, booksCountry);
    if (hit) taxRates[code] = hit.id;
  }
  return { accounts, taxRates, startDate: firstOfMonth(now) };
}

/**
 * Checks a mapping against the live chart: every category mapped to an
 * active account of a fitting kind, a rate for every country, a real start
 * date not in the future. The answer is `{ field: sentence }`, empty when valid.
 */
export function checkMapping(chart: Chart, account: Pick<Account, 'channel' | 'region'>, mapping: Mapping, platform: string, now: Date): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const c of CATEGORIES) {
    const id = mapping.accounts[c.id];
    const field = `accounts.${c.id}`;
    const found = id ? chart.accounts.find((a) => a.id === id) : undefined;
    if (!id) problems[field] = `Choose an account for ${c.label.toLowerCase()}.`;
    else if (!found) problems[field] = `That account is no longer in ${platform}. Choose another one for ${c.label.toLowerCase()}.`;
    else if (!found.active) problems[field] = `"${found.name}" is archived in ${platform}. Choose an active account for ${c.label.toLowerCase()}.`;
    else if (!(c.kinds as readonly string[]).includes(found.kind)) problems[field] = `"${found.name}" is a ${found.type.toLowerCase()} account, which does not fit ${c.label.toLowerCase()}. Choose one of the accounts listed.`;
  }
  for (const { code, name } of marketplaceCountries(account)) {
    const id = mapping.taxRates[code];
    const found = id ? chart.taxRates.find((r) => r.id === id) : undefined;
    const field = `taxRates.${code}`;
    if (!id) problems[field] = `Choose a tax rate for ${name}.`;
    else if (!found || !found.active) problems[field] = `That tax rate is no longer active in ${platform}. Choose another one for ${name}.`;
  }
  const date = /^\d{4}-\d{2}-\d{2}$/.test(mapping.startDate) ? new Date(`${mapping.startDate}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== mapping.startDate) problems.startDate = 'Enter the date to import from, like 2026-11-01.';
  else if (date.getTime() > now.getTime()) problems.startDate = 'Choose a date that is not in the future.';
  return problems;
}
