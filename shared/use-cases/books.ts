/**
 * Connect Bookkeeping and Accounts & Taxes: reusing books another account
 * already connected (by reference to the one shared secret), picking one of
 * several organisations a consent covered, the live chart with suggestions,
 * and the mapping, checked against the live chart before it completes the wizard.
 */
import { disconnectOthers, fetchChart, accessTokenFor, type BooksConnectionRef } from './books-gateway.js';
import { CATEGORIES, checkMapping, marketplaceCountries, suggestMapping, type Mapping } from '../domain/mapping.js';
import type { Chart } from '../domain/chart.js';
import { withGoodMatches } from '../domain/recommended.js';
import { ConflictError, ConnectError, ConnectionGoneError, NotFoundError, ServiceUnavailableError, ValidationError, VersionConflictError } from '../domain/errors.js';
import { logger } from '../runtime/logger.js';
import type { Account, Connection, WizardRecord } from '../domain/model.js';
import { findProvider } from '../providers/index.js';
import type { AccountView } from '../http/schemas.js';
import { accountView } from '../http/views.js';
import { consentFacts, startConnect, type ConnectDeps } from './connect/start.js';
import { booksOwner, releaseAll } from './credentials.js';
import { withLease } from './health/lease.js';
import { consentRecord } from './health/record.js';
import { completeStep, loadAccount } from './wizard/steps.js';

const nowOf = (deps: Pick<ConnectDeps, 'now'>) => deps.now?.() ?? new Date();
export const platformName = (provider: string) => findProvider(provider)?.name ?? provider;
/** What a connection posts to, in the platform's words (Xero's organisation, QuickBooks' company). */
const organisationWord = (provider: string) => {
  const p = findProvider(provider);
  return (p && 'words' in p && p.words?.organisation) || 'organisation';
};

/** The account as this request already read it (with the session), or read now; a 404 when the seller has none. */
async function load(deps: ConnectDeps, sellerId: string, accountId: string, loaded?: WizardRecord | null): Promise<WizardRecord> {
  if (loaded !== undefined) return loadAccount(deps, sellerId, accountId, loaded);
  const rec = await deps.accounts.load(sellerId, accountId);
  if (!rec) throw new NotFoundError('We could not find that account. It may have been removed.');
  return rec;
}

/** The books connections the seller's other accounts hold, one per organisation. */
export function reusableBooks(accounts: readonly Account[], exceptAccountId: string): Connection[] {
  const seen = new Map<string, Connection>();
  for (const a of accounts) {
    if (a.id === exceptAccountId) continue;
    for (const c of a.connections) if (c.kind === 'books' && c.identity && !seen.has(c.secretName)) seen.set(c.secretName, c);
  }
  return [...seen.values()];
}

const GONE = 'Those books are no longer connected to another of your accounts. Connect to Xero or QuickBooks instead.';

/** `{provider}` starts a consent; `{reuse}` connects books another account already has, with no second consent. */
export async function connectBooks(
  deps: ConnectDeps,
  sellerId: string,
  accountId: string,
  req: { provider: string } | { reuse: string },
  loaded?: WizardRecord | null,
): Promise<{ authorizeUrl: string } | { account: AccountView }> {
  if ('provider' in req) return startConnect(deps, sellerId, accountId, 'books', req.provider, loaded);
  const rec = await load(deps, sellerId, accountId, loaded);
  const shared = reusableBooks(await deps.accounts.list(sellerId), accountId).find((c) => `${c.provider}:${c.identity}` === req.reuse);
  if (!shared) throw new ValidationError(GONE, { reuse: 'Choose books from the list, or connect new ones.' });
  try {
    const account = await completeStep(deps, sellerId, rec.id, 'connect_bookkeeping', {
      expectedVersion: rec.version,
      loaded: rec,
      // One connection, one secret, shared by reference: no refresh token is copied. The account holds it in the
      // same write, only while it is live (not deleted by the other account meanwhile).
      connection: { kind: 'books', provider: shared.provider, label: shared.label, secretName: shared.secretName, identity: shared.identity!, details: shared.details ?? [] },
    });
    return { account };
  } catch (err) {
    if (err instanceof ConnectionGoneError) throw new ValidationError(GONE, { reuse: 'Choose books from the list, or connect new ones.' });
    throw err;
  }
}

/** The seller picks one of the organisations a consent covered; only that one stays connected. */
export async function chooseOrganisation(deps: ConnectDeps, sellerId: string, accountId: string, organisationId: string, loaded?: WizardRecord | null): Promise<AccountView> {
  const rec = await load(deps, sellerId, accountId, loaded);
  const pending = rec.pendingBooks;
  if (rec.step !== 'connect_bookkeeping' || !pending) throw new ConflictError('There is no organisation to choose for this account now.', 'not_at_step', accountView(rec));
  const chosen = pending.choices.find((c) => c.id === organisationId);
  if (!chosen) throw new ValidationError('Choose one of the organisations listed.', { organisation: 'Choose one of the organisations listed.' });
  // Under the waiting consent's lease, so that no refresh rotates its tokens while they are copied to the
  // organisation's connection; its record is let go of with the step, and it is deleted once the lease is back.
  const account = await withLease(deps, pending.secretName, true, async () => {
    const tokens = await deps.secrets.read(pending.secretName);
    // The others are disconnected at the provider, so the app holds only the organisation the seller chose.
    const others = pending.choices.filter((c) => c.id !== chosen.id && c.connectionId).map((c) => c.connectionId!);
    if (others.length > 0 && tokens.accessToken) {
      await disconnectOthers(deps, pending.provider, tokens.accessToken, others).catch((err: unknown) => logger.warn('organisations not disconnected', { errorName: (err as Error)?.name }));
    }
    return completeStep(deps, sellerId, rec.id, 'connect_bookkeeping', {
      expectedVersion: rec.version,
      loaded: rec,
      connection: {
        kind: 'books',
        provider: pending.provider,
        label: chosen.name,
        credentials: { ...tokens, identity: chosen.id },
        secretOwner: booksOwner(sellerId),
        identity: chosen.id,
        details: [{ label: `${platformName(pending.provider)} ${organisationWord(pending.provider)}`, value: chosen.name }],
      },
      record: consentRecord(
        consentFacts(rec, pending.provider, 'books', { accessToken: tokens.accessToken ?? '', ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}), ...(tokens.accessTokenExpiresAt ? { accessTokenExpiresAt: tokens.accessTokenExpiresAt } : {}), ...(tokens.refreshTokenExpiresAt ? { refreshTokenExpiresAt: tokens.refreshTokenExpiresAt } : {}) }, nowOf(deps)),
      ),
      releases: [pending.secretName],
      removeFields: ['pendingBooks'],
    });
  });
  if (account === 'busy') throw new ServiceUnavailableError();
  await releaseAll(deps, [pending.secretName]);
  return account;
}
export function booksRef(rec: Account): BooksConnectionRef & { label: string } {
  const c = rec.connections.find((x) => x.kind === 'books');
  if (!c?.identity) throw new ConflictError('Connect your books first: Accounts & Taxes comes from them.', 'not_at_step', accountView(rec));
  return { provider: c.provider, identity: c.identity, secretName: c.secretName, label: c.label, sellerId: rec.sellerId, accountId: rec.id };
}

/** The books' country, for tax suggestions (Xero's UK sandbox and QuickBooks' US one; GB for Xero, US for QuickBooks). */
/** The books' home country, for tax suggestions, from the platform's definition. */
export const booksCountry = (provider: string) => {
  const p = findProvider(provider);
  return (p && 'taxCountry' in p ? p.taxCountry : undefined) ?? 'US';
};

export interface ChartView {
  readonly platform: string;
  readonly organisation: string;
  readonly chart: Chart;
  readonly categories: readonly { id: string; label: string; group: string; accountIds: string[] }[];
  readonly countries: readonly { code: string; name: string }[];
  readonly suggestions: Mapping;
  readonly saved: Mapping | null;
}

export async function liveChart(deps: ConnectDeps, rec: Account): Promise<{ chart: Chart; ref: ReturnType<typeof booksRef> }> {
  const ref = booksRef(rec);
  try {
    return { chart: await fetchChart(deps, ref), ref };
  } catch (err) {
    if (err instanceof ConnectError) {
      logger.warn('chart not fetched', { provider: ref.provider, code: err.code, reason: err.reason });
      throw new ConflictError(
        err.code === 'expired'
          ? `${platformName(ref.provider)} no longer accepts Onramp's connection. Press Reconnect on the account page to sign in to ${platformName(ref.provider)} again.`
          : `${platformName(ref.provider)} did not answer just now. Nothing was lost; please try again in a moment.`,
        err.code === 'expired' ? 'books_disconnected' : 'books_unavailable',
      );
    }
    throw err;
  }
}

/** The suggestions, with the good account for each line Onramp can create one for (the one it created, by its name, first). */
function suggestions(chart: Chart, rec: Account, country: string, now: Date): Mapping {
  const s = suggestMapping(chart, rec, country, now);
  return { ...s, accounts: withGoodMatches(s.accounts, chart, channelName(rec), country) };
}

/** The channel's name, as recommended accounts are named for it. */
export const channelName = (rec: Pick<Account, 'channel'>) => findProvider(rec.channel)?.name ?? rec.channel;

/** The live chart of accounts and tax rates, with the accounts that fit each category and a suggestion for every field. */
export async function booksChart(deps: ConnectDeps, sellerId: string, accountId: string, loaded?: WizardRecord | null): Promise<ChartView> {
  const rec = await load(deps, sellerId, accountId, loaded);
  const { chart, ref } = await liveChart(deps, rec);
  return {
    platform: platformName(ref.provider),
    organisation: ref.label,
    chart,
    categories: CATEGORIES.map((c) => ({
      id: c.id,
      label: c.label,
      group: c.group,
      accountIds: chart.accounts.filter((a) => a.active && (c.kinds as readonly string[]).includes(a.kind)).map((a) => a.id),
    })),
    countries: marketplaceCountries(rec),
    suggestions: suggestions(chart, rec, booksCountry(ref.provider), nowOf(deps)),
    saved: rec.mapping ?? null,
  };
}

/**
 * Saves the mapping after checking it against the live chart again; at
 * Accounts & Taxes it completes the wizard, later it replaces the mapping.
 * Nothing is ever written to the books.
 */
export async function saveMapping(deps: ConnectDeps, sellerId: string, accountId: string, mapping: Mapping, loaded?: WizardRecord | null): Promise<AccountView> {
  const rec = await load(deps, sellerId, accountId, loaded);
  if (rec.step !== 'accounts_and_taxes' && rec.step !== 'complete') {
    throw new ConflictError('Connect your books first: Accounts & Taxes comes from them.', 'not_at_step', accountView(rec));
  }
  const { chart, ref } = await liveChart(deps, rec);
  const problems = checkMapping(chart, rec, mapping, platformName(ref.provider), nowOf(deps));
  if (Object.keys(problems).length > 0) throw new ValidationError(Object.values(problems)[0]!, problems);
  const saved = { accounts: { ...mapping.accounts }, taxRates: { ...mapping.taxRates }, startDate: mapping.startDate };
  if (rec.step === 'accounts_and_taxes') return completeStep(deps, sellerId, rec.id, 'accounts_and_taxes', { expectedVersion: rec.version, loaded: rec, result: saved });
  try {
    await deps.accounts.apply(rec, rec.version, { set: { result_accounts_and_taxes: saved } }, nowOf(deps).toISOString());
  } catch (err) {
    if (err instanceof VersionConflictError) throw new ConflictError('This account changed in another tab. Reload to see where it stands.', 'stale');
    throw err;
  }
  return accountView({ ...rec, mapping: saved, version: rec.version + 1 });
}

export { accessTokenFor };
