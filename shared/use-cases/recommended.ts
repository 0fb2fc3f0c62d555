/**
 * Create recommended accounts (issue 23): on Accounts & Taxes, where a line
 * has no good account in the seller's chart, the accounts Onramp would
 * create (`shared/domain/recommended.ts`), in the platform's own types; and,
 * on the seller's click only, creating them. Idempotent: the live chart is
 * read again first and an account of the same name (case aside) is reported
 * as already there, never created twice; a code taken meanwhile is replaced
 * by a free one. Each account's outcome is reported, so a partial failure
 * says what was and was not created, and running it again finishes the rest.
 * A connection that may only read the chart (Xero's `accounting.settings.read`)
 * is told to reconnect with permission to add accounts; nothing is sent.
 */
import { CATEGORIES } from '../domain/mapping.js';
import type { Chart } from '../domain/chart.js';
import { ConflictError, ConnectError, NotFoundError } from '../domain/errors.js';
import type { Account, WizardRecord } from '../domain/model.js';
import { planAccounts, recommendAccounts, sameName, type RecommendedAccount, type RecommendedCategory } from '../domain/recommended.js';
import { visible } from '../domain/text.js';
import { accountView } from '../http/views.js';
import { booksOf } from '../providers/books.js';
import { logger } from '../runtime/logger.js';
import { booksChart, booksCountry, channelName, liveChart, platformName, type ChartView } from './books.js';
import { booksWriter } from './books-gateway.js';
import type { ConnectDeps } from './connect/start.js';
import { loadAccount } from './wizard/steps.js';

/** One account Onramp would create, as the seller sees it before confirming. */
export interface RecommendedItem {
  readonly category: RecommendedCategory;
  /** The line it is for, e.g. "Payout clearing account". */
  readonly line: string;
  readonly name: string;
  readonly code: string;
  /** The platform's own type (and detail type), e.g. Xero's `CURRENT`, QuickBooks' `Other Current Asset (OtherCurrentAssets)`. */
  readonly type: string;
  /** The tax rate's name in the chart, where one applies. */
  readonly taxRate: string | null;
}

export interface RecommendedView {
  readonly platform: string;
  readonly organisation: string;
  /** False when the connection may only read the chart: the seller must reconnect with permission to add accounts first. */
  readonly canWrite: boolean;
  /** Why Onramp cannot add accounts yet, as a sentence; null when it can. */
  readonly permission: string | null;
  readonly accounts: readonly RecommendedItem[];
}

export interface CreatedItem extends RecommendedItem {
  readonly status: 'created' | 'already_present' | 'failed';
  /** The account in the chart (created or already there); null when it failed. */
  readonly accountId: string | null;
  readonly message: string;
}

export interface CreateRecommendedResult {
  readonly results: readonly CreatedItem[];
  /** The chart as it is now, with the new accounts suggested for their lines. */
  readonly chart: ChartView;
}

const lineOf = (category: RecommendedCategory) => CATEGORIES.find((c) => c.id === category)!.label;

const readOnlySentence = (platform: string) =>
  `Onramp needs your permission to add accounts to ${platform}. Press Reconnect with permission to add accounts: you sign in to ${platform} again, and your connection and choices are kept.`;

async function atAccountsAndTaxes(deps: ConnectDeps, sellerId: string, accountId: string, loaded?: WizardRecord | null): Promise<WizardRecord> {
  const rec = loaded !== undefined ? await loadAccount(deps, sellerId, accountId, loaded) : await deps.accounts.load(sellerId, accountId);
  if (!rec) throw new NotFoundError('We could not find that account. It may have been removed.');
  if (rec.step !== 'accounts_and_taxes' && rec.step !== 'complete') {
    throw new ConflictError('Connect your books first: Accounts & Taxes comes from them.', 'not_at_step', accountView(rec));
  }
  return rec;
}

function item(rec: Account, chart: Chart, account: RecommendedAccount): RecommendedItem {
  const t = booksOf(rec.connections.find((c) => c.kind === 'books')!.provider)!.accountType(account);
  const rate = t.taxRateId ? chart.taxRates.find((r) => r.id === t.taxRateId) : undefined;
  return {
    category: account.category,
    line: lineOf(account.category),
    name: account.name,
    code: account.code,
    type: t.subType ? `${t.type} (${t.subType})` : t.type,
    taxRate: t.taxRateId ? (rate?.name ?? t.taxRateId) : null,
  };
}

/** The accounts Onramp would create for the lines with no good match (`GET …/books/recommended`); nothing is written. */
export async function recommendedAccounts(deps: ConnectDeps, sellerId: string, accountId: string, loaded?: WizardRecord | null): Promise<RecommendedView> {
  const rec = await atAccountsAndTaxes(deps, sellerId, accountId, loaded);
  const { chart, ref } = await liveChart(deps, rec);
  const platform = platformName(ref.provider);
  const writer = await booksWriter(deps, ref);
  return {
    platform,
    organisation: ref.label,
    canWrite: writer.canWrite,
    permission: writer.canWrite ? null : readOnlySentence(platform),
    accounts: recommendAccounts(chart, channelName(rec), booksCountry(ref.provider)).map((a) => item(rec, chart, a)),
  };
}

/** What went wrong with one account, as a sentence. */
function failure(platform: string, err: unknown): string {
  if (err instanceof ConnectError && err.code === 'expired') return `${platform} no longer accepts Onramp's connection. Press Reconnect on the account page, then try again.`;
  return `${platform} did not create it just now. Try again to finish.`;
}

/**
 * Creates the accounts the seller confirmed (`POST …/books/recommended`),
 * one at a time, after reading the live chart again: an account of the same
 * name is already there and is not created again. Answers each account's
 * outcome and the chart as it is now.
 */
export async function createRecommended(
  deps: ConnectDeps,
  sellerId: string,
  accountId: string,
  categories: readonly RecommendedCategory[],
  loaded?: WizardRecord | null,
): Promise<CreateRecommendedResult> {
  const rec = await atAccountsAndTaxes(deps, sellerId, accountId, loaded);
  const { chart, ref } = await liveChart(deps, rec);
  const platform = platformName(ref.provider);
  const writer = await booksWriter(deps, ref);
  if (!writer.canWrite) throw new ConflictError(readOnlySentence(platform), 'books_read_only');
  const plan = planAccounts(chart, channelName(rec), booksCountry(ref.provider), { categories });
  const results: CreatedItem[] = [];
  let refusedWrite = false;
  for (const account of plan) {
    const shown = item(rec, chart, account);
    const existing = sameName(chart, account.name);
    if (existing) {
      const state = existing.active ? '' : ' (archived: restore it there to use it)';
      results.push({ ...shown, code: existing.code ?? shown.code, status: 'already_present', accountId: existing.id, message: `${platform} already has "${existing.name}"${state}; nothing was added.` });
      continue;
    }
    if (refusedWrite) {
      results.push({ ...shown, status: 'failed', accountId: null, message: readOnlySentence(platform) });
      continue;
    }
    try {
      const outcome = await writer.create(account);
      if (outcome.outcome === 'created') {
        results.push({ ...shown, code: outcome.account.code ?? shown.code, status: 'created', accountId: outcome.account.id, message: `Created "${account.name}" in ${platform}.` });
      } else if (outcome.outcome === 'no_permission') {
        refusedWrite = true;
        results.push({ ...shown, status: 'failed', accountId: null, message: readOnlySentence(platform) });
      } else if (outcome.outcome === 'duplicate') {
        const message =
          outcome.field === 'name'
            ? `${platform} already has an account named "${account.name}", perhaps archived or added just now. Restore or rename it there, then try again.`
            : `Code ${account.code} was taken in ${platform} just now. Try again: Onramp picks a free code.`;
        results.push({ ...shown, status: 'failed', accountId: null, message });
      } else {
        results.push({ ...shown, status: 'failed', accountId: null, message: `${platform} refused it: ${visible(outcome.message).slice(0, 300)}` });
      }
    } catch (err) {
      logger.warn('recommended account not created', { provider: ref.provider, category: account.category, errorName: (err as Error)?.name, code: (err as ConnectError)?.code });
      results.push({ ...shown, status: 'failed', accountId: null, message: failure(platform, err) });
    }
  }
  // Refused for want of permission before anything was written: the seller must reconnect first.
  if (refusedWrite && !results.some((r) => r.status === 'created')) throw new ConflictError(readOnlySentence(platform), 'books_read_only');
  return { results, chart: await booksChart(deps, sellerId, accountId, rec) };
}
