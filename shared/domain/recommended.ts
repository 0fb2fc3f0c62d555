/**
 * Recommended accounts (issue 23): where the seller's chart has no good
 * account for a line (no clearing account for the channel's payouts, no
 * account for its fees, none for the tax marketplaces collect), the account
 * Onramp would create for it, with a code not in use. Which type each is in
 * a platform's own words is the platform's (`shared/providers/<id>/books.ts`).
 * Pure: no I/O.
 */
import type { AccountKind, Chart, ChartAccount } from './chart.js';
import type { CategoryId } from './mapping.js';

/** The lines Onramp can create an account for. */
export const RECOMMENDABLE = ['clearing', 'fees', 'collectedTax'] as const satisfies readonly CategoryId[];
export type RecommendedCategory = (typeof RECOMMENDABLE)[number];

/** One account Onramp would create. */
export interface RecommendedAccount {
  readonly category: RecommendedCategory;
  readonly name: string;
  /** A code not in use in the chart when proposed. */
  readonly code: string;
  readonly kind: Extract<AccountKind, 'asset' | 'expense' | 'liability'>;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const KIND: Record<RecommendedCategory, RecommendedAccount['kind']> = { clearing: 'asset', fees: 'expense', collectedTax: 'liability' };
/** Where a proposed code starts (the usual ranges of a chart: current assets, overheads, current liabilities). */
const FIRST_CODE: Record<RecommendedCategory, number> = { clearing: 615, fees: 405, collectedTax: 821 };
const KINDS_THAT_FIT: Record<RecommendedCategory, readonly AccountKind[]> = { clearing: ['bank', 'asset'], fees: ['expense'], collectedTax: ['liability'] };

/** The name Onramp gives the account for a line: the channel's own for clearing and fees, the tax's name in the books' country. */
export function recommendedName(category: RecommendedCategory, channelName: string, booksCountry: string): string {
  if (category === 'clearing') return `${channelName} Clearing`;
  if (category === 'fees') return `${channelName} Fees`;
  return booksCountry === 'GB' ? 'Marketplace Collected VAT' : 'Marketplace Facilitator Tax';
}

/** Whether an account is a good one for the line: active, of a fitting kind, and named for it (not merely of the right kind). */
function isGood(category: RecommendedCategory, channelName: string, a: ChartAccount): boolean {
  if (!a.active || !KINDS_THAT_FIT[category].includes(a.kind)) return false;
  const channel = new RegExp(`\\b${escape(channelName)}\\b`, 'i');
  if (category === 'clearing') return /clearing/i.test(a.name) && (channel.test(a.name) || /marketplace/i.test(a.name));
  // Another channel's fees ("Amazon Selling Fees" for an Etsy shop) or a bank's are no good match.
  if (category === 'fees') return (channel.test(a.name) && /fee|commission/i.test(a.name)) || /marketplace.*(fee|commission)/i.test(a.name);
  return /marketplace|facilitator|collected/i.test(a.name);
}

/** The chart's good account for a line, if it has one. */
export function goodMatch(chart: Chart, category: RecommendedCategory, channelName: string, booksCountry: string): ChartAccount | undefined {
  const name = recommendedName(category, channelName, booksCountry).toLowerCase();
  const fitting = chart.accounts.filter((a) => isGood(category, channelName, a));
  return fitting.find((a) => a.name.toLowerCase() === name) ?? fitting[0];
}

/** The account in the chart (active or not) that has the name, case aside: creating it again would be a duplicate. */
export function sameName(chart: Chart, name: string): ChartAccount | undefined {
  const n = name.trim().toLowerCase();
  return chart.accounts.find((a) => a.name.trim().toLowerCase() === n);
}

/** The first code from `first` up that no account uses and that is not in `taken`. */
function freeCode(chart: Chart, first: number, taken: ReadonlySet<string>): string {
  const used = new Set(chart.accounts.map((a) => (a.code ?? '').trim().toLowerCase()).filter(Boolean));
  for (let n = first; ; n++) {
    const code = String(n);
    if (!used.has(code) && !taken.has(code)) return code;
  }
}

/**
 * The account Onramp would create for each of `categories` (all it can
 * create for, by default), codes chosen not to clash with the chart or with
 * each other. `onlyMissing`: only the lines with no good match in the chart.
 */
export function planAccounts(
  chart: Chart,
  channelName: string,
  booksCountry: string,
  opts: { categories?: readonly RecommendedCategory[]; onlyMissing?: boolean } = {},
): RecommendedAccount[] {
  const taken = new Set<string>();
  const plan: RecommendedAccount[] = [];
  for (const category of RECOMMENDABLE) {
    if (opts.categories && !opts.categories.includes(category)) continue;
    if (opts.onlyMissing && goodMatch(chart, category, channelName, booksCountry)) continue;
    const name = recommendedName(category, channelName, booksCountry);
    const existing = sameName(chart, name);
    const code = existing?.code ?? freeCode(chart, FIRST_CODE[category], taken);
    taken.add(code);
    plan.push({ category, name, code, kind: KIND[category] });
  }
  return plan;
}

/** The lines with no good match in the chart: what Create recommended accounts offers. */
export const recommendAccounts = (chart: Chart, channelName: string, booksCountry: string) => planAccounts(chart, channelName, booksCountry, { onlyMissing: true });

/** The suggestions with each recommended line's good account (the one Onramp created, by its name, first) put in. */
export function withGoodMatches(accounts: Readonly<Record<string, string>>, chart: Chart, channelName: string, booksCountry: string): Record<string, string> {
  const out: Record<string, string> = { ...accounts };
  for (const category of RECOMMENDABLE) {
    const hit = goodMatch(chart, category, channelName, booksCountry);
    if (hit) out[category] = hit.id;
  }
  return out;
}
