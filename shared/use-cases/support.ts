/**
 * What support can do to any account, through the support function only:
 * show it, list stuck setups, and reset it (back to the first step, or
 * deleted). A reset is planned before it acts (a dry run returns the plan),
 * is idempotent (a second run reports nothing to do), and races a seller's
 * own actions through the same conditional writes as the wizard. Orphans
 * (secrets without a connection, connections without a secret, connections
 * no account holds) are reported from a dry run of the refresher's sweep:
 * support sees them, and the sweep alone mends them.
 */
import type { UserStore } from '../ports/index.js';
import { VersionConflictError } from '../domain/errors.js';
import { AppError, ConflictError } from '../domain/errors.js';
import type { WizardRecord } from '../domain/model.js';
import { eventView } from '../http/views.js';
import { HEALTH_LABELS, healthOf } from '../domain/health-status.js';
import { FIRST_STEP } from '../domain/wizard.js';
import { letGoOfAll, startOver, type WizardDeps } from './wizard/steps.js';
import { logger } from '../runtime/logger.js';
import { booksOwner, ORPHAN_GRACE_MS, sweepOrphans, type OrphanReport } from './credentials.js';

export interface SupportDeps extends WizardDeps {
  readonly users: Pick<UserStore, 'findByEmail'>;
}

/** A connection's health for support: the seller's words, and the calendar behind them (never a credential). */
export interface ConnectionHealthSummary {
  readonly state: string;
  readonly label: string;
  readonly message: string;
  readonly reason: string | null;
  readonly accessTokenExpiresAt: string | null;
  readonly refreshTokenExpiresAt: string | null;
  readonly consentExpiresAt: string | null;
  readonly refreshedAt: string | null;
  readonly refreshDueAt: string | null;
  /** Credentials that never expire (keys, Shopify's offline token): when the daily check last found them working, and its next run. */
  readonly checkedAt: string | null;
  readonly checkDueAt: string | null;
}

export type Target = { readonly accountId: string } | { readonly email: string };

export type Outcome = 'done' | 'nothing_to_do' | 'not_found' | 'failed';

export interface AccountSummary {
  readonly accountId: string;
  readonly sellerId: string;
  readonly name: string;
  readonly channel: string;
  readonly step: string;
  readonly status: string;
  readonly version: number;
  readonly updatedAt: string;
  readonly lastFailure: string | null;
  readonly connections: readonly { kind: string; provider: string; label: string; connectedAt: string }[];
  /** Secret names only: their values never leave the secret store. */
  readonly secrets: readonly string[];
  readonly execution: { readonly arn: string | null; readonly running: boolean | null };
}

export interface ResetPlan extends AccountSummary {
  readonly action: 'reset' | 'delete' | 'nothing';
}

export interface ResetResult {
  readonly outcome: Outcome;
  readonly dryRun: boolean;
  readonly message: string;
  readonly accounts: readonly (ResetPlan & { readonly result?: 'done' | 'failed'; readonly error?: string })[];
}

async function summarize(deps: SupportDeps, rec: WizardRecord): Promise<AccountSummary> {
  const [secrets, running] = await Promise.all([
    deps.secrets.listForAccount(rec.id),
    rec.executionArn ? deps.executions.isRunning(rec.executionArn).catch(() => null) : Promise.resolve(false),
  ]);
  return {
    accountId: rec.id,
    sellerId: rec.sellerId,
    name: rec.name,
    channel: rec.channel,
    step: rec.step,
    status: rec.status,
    version: rec.version,
    updatedAt: rec.updatedAt,
    lastFailure: rec.lastFailure,
    connections: rec.connections.map((c) => ({ kind: c.kind, provider: c.provider, label: c.label, connectedAt: c.connectedAt })),
    secrets,
    execution: { arn: rec.executionArn, running },
  };
}

/** Each of the account's connections' health and calendar, in order; empty when the records cannot be read. */
async function connectionHealth(deps: SupportDeps, rec: WizardRecord): Promise<(ConnectionHealthSummary | undefined)[]> {
  if (!deps.connections) return [];
  const records = await deps.connections.getMany(rec.connections.map((c) => c.secretName)).catch(() => undefined);
  if (!records) return [];
  const now = deps.now?.() ?? new Date();
  return rec.connections.map((c) => {
    const r = records.get(c.secretName);
    const h = healthOf(r, now);
    return {
      state: h.state,
      label: HEALTH_LABELS[h.state],
      message: h.message,
      reason: h.reason,
      accessTokenExpiresAt: r?.accessTokenExpiresAt ?? null,
      refreshTokenExpiresAt: r?.refreshTokenExpiresAt ?? null,
      consentExpiresAt: r?.consentExpiresAt ?? null,
      refreshedAt: r?.refreshedAt ?? null,
      refreshDueAt: r?.refreshDueAt ?? null,
      checkedAt: r?.checkedAt ?? null,
      checkDueAt: r?.checkDueAt ?? null,
    };
  });
}

/**
 * Orphans as support sees them: names only (a secret's value never leaves the
 * store). `young`: a secret less than the sweep's grace period old, which a
 * connection still being made may yet name.
 */
export interface Orphans {
  readonly secretsWithoutConnection: readonly { readonly name: string; readonly createdAt: string; readonly young: boolean }[];
  readonly connectionsWithoutSecret: readonly { readonly secretName: string; readonly provider: string; readonly accountId: string }[];
  readonly unheldConnections: readonly { readonly secretName: string; readonly provider: string }[];
}

/** Every orphan, from a dry run of the refresher's sweep: nothing is deleted or released here. */
async function findOrphans(deps: SupportDeps): Promise<Orphans> {
  const report: OrphanReport = await sweepOrphans(deps, { dryRun: true });
  const now = (deps.now?.() ?? new Date()).getTime();
  return {
    secretsWithoutConnection: report.secretsWithoutConnection.map((s) => ({ name: s.name, createdAt: s.createdAt, young: now - Date.parse(s.createdAt) < ORPHAN_GRACE_MS })),
    connectionsWithoutSecret: report.connectionsWithoutSecret.map((c) => ({ secretName: c.secretName, provider: c.provider, accountId: c.accountId })),
    unheldConnections: report.unheldConnections.map((c) => ({ secretName: c.secretName, provider: c.provider })),
  };
}

/**
 * An account's share of the orphans: secrets under its own name or its
 * seller's books (shared by the seller's accounts) that no live connection
 * names, live connections it made or shows whose secret is missing, and
 * connections under those names that no account holds.
 */
function orphansOf(deps: SupportDeps, all: Orphans, rec: WizardRecord): Orphans {
  const prefixes = [deps.secrets.nameFor(rec.id, ''), deps.secrets.nameFor(booksOwner(rec.sellerId), '')];
  const own = (name: string) => prefixes.some((p) => name.startsWith(p));
  const shown = new Set(rec.connections.map((c) => c.secretName));
  return {
    secretsWithoutConnection: all.secretsWithoutConnection.filter((s) => own(s.name)),
    connectionsWithoutSecret: all.connectionsWithoutSecret.filter((c) => c.accountId === rec.id || shown.has(c.secretName)),
    unheldConnections: all.unheldConnections.filter((c) => own(c.secretName) || shown.has(c.secretName)),
  };
}

/** Orphans across every account (a dry run: the refresher's hourly sweep deletes and releases them, not support). */
export async function listOrphans(deps: SupportDeps) {
  return { outcome: 'done' as const, dryRun: true as const, graceMinutes: ORPHAN_GRACE_MS / 60_000, ...(await findOrphans(deps)) };
}

/** The accounts a target names: one account, or every account of a seller found by email. */
async function resolve(deps: SupportDeps, target: Target): Promise<{ accounts: WizardRecord[]; known: boolean }> {
  if ('accountId' in target) {
    const rec = await deps.accounts.findById(target.accountId);
    if (rec) return { accounts: [rec], known: true };
    // A deleted account leaves its audit trail: "nothing to do" rather than "not found".
    return { accounts: [], known: (await deps.accounts.ownerOf(target.accountId)) !== undefined };
  }
  const user = await deps.users.findByEmail(target.email.trim().toLowerCase());
  if (!user) return { accounts: [], known: false };
  const accounts = await deps.accounts.list(user.id);
  const records = await Promise.all(accounts.map((a) => deps.accounts.load(a.sellerId, a.id)));
  return { accounts: records.filter((r): r is WizardRecord => r !== undefined), known: true };
}

/** Show: setup, connections (no secrets), orphans (null when they could not be looked for), execution status and the last audit events. */
export async function show(deps: SupportDeps, target: Target) {
  const { accounts, known } = await resolve(deps, target);
  if (!known) return { outcome: 'not_found' as const, accounts: [] };
  const orphans =
    accounts.length > 0
      ? await findOrphans(deps).catch((err: unknown) => {
          logger.warn('orphans not looked for', { errorName: (err as Error)?.name });
          return undefined;
        })
      : undefined;
  const out = [];
  for (const rec of accounts) {
    const events = (await deps.accounts.listEvents(rec.sellerId, rec.id)).slice(0, 10);
    const summary = await summarize(deps, rec);
    const health = await connectionHealth(deps, rec);
    out.push({
      ...summary,
      connections: summary.connections.map((c, i) => ({ ...c, ...(health[i] ? { health: health[i] } : {}) })),
      orphans: orphans ? orphansOf(deps, orphans, rec) : null,
      // The caller is what the CLI said (AWS does not tell a Lambda who invoked it): a claim, shown as one; CloudTrail holds the record.
      events: events.map((e) => ({ ...eventView(e), actor: e.actor, ...(e.caller ? { claimedCaller: e.caller } : {}) })),
    });
  }
  return { outcome: 'done' as const, accounts: out };
}

function isClean(s: AccountSummary): boolean {
  return s.step === FIRST_STEP && s.status === 'active' && s.connections.length === 0 && s.secrets.length === 0 && s.execution.running === true;
}

export interface ResetOptions {
  readonly reason: string;
  /** The operator's own label (free text, shown as a label only). */
  readonly operator: string;
  /** The AWS identity that invoked the support function, as the CLI got it from STS. */
  readonly caller: string;
  readonly delete?: boolean;
  readonly dryRun?: boolean;
}

const RETRIES = 3;

async function resetOne(deps: SupportDeps, plan: ResetPlan, options: ResetOptions): Promise<void> {
  const actor = `support:${options.operator}`;
  if (plan.action === 'reset') {
    for (let attempt = 1; ; attempt++) {
      try {
        await startOver(deps, plan.sellerId, plan.accountId, actor, options.reason, options.caller);
        return;
      } catch (err) {
        // The seller moved the account meanwhile: read it again and reset from there.
        if (err instanceof ConflictError && attempt < RETRIES) continue;
        throw err;
      }
    }
  }
  // Delete: let go of the connections (in the account's own write), delete the ones no other account holds
  // (under their leases, leaving tombstones), then the item, so that no connection outlives its secret and no
  // secret its connections. What a failure leaves is found by the refresher's sweep.
  for (let attempt = 1; ; attempt++) {
    const rec = await deps.accounts.load(plan.sellerId, plan.accountId);
    // Deleted meanwhile (a concurrent run).
    if (!rec) break;
    if (rec.executionArn) await deps.executions.stop(rec.executionArn);
    try {
      await letGoOfAll(deps, rec, { connections: [], status: 'paused', pendingBooks: null }, ['taskToken', 'tokenStep']);
      await deps.accounts.remove(rec, rec.version + 1);
      break;
    } catch (err) {
      if (err instanceof VersionConflictError && attempt < RETRIES) continue;
      throw err;
    }
  }
  await deps.accounts.addEvent(plan.sellerId, {
    accountId: plan.accountId,
    type: 'reset',
    at: (deps.now?.() ?? new Date()).toISOString(),
    actor,
    detail: `account deleted: ${options.reason}`,
    caller: options.caller,
  });
}

/** Plans and (unless a dry run) carries out a reset of every account the target names. */
export async function reset(deps: SupportDeps, target: Target, options: ResetOptions): Promise<ResetResult> {
  const dryRun = options.dryRun ?? false;
  const { accounts, known } = await resolve(deps, target);
  if (!known) return { outcome: 'not_found', dryRun, message: 'No account or seller matches that.', accounts: [] };
  const plans: ResetPlan[] = [];
  for (const rec of accounts) {
    const summary = await summarize(deps, rec);
    const action = options.delete ? 'delete' : isClean(summary) ? 'nothing' : 'reset';
    plans.push({ ...summary, action });
  }
  const todo = plans.filter((p) => p.action !== 'nothing');
  if (todo.length === 0) {
    return { outcome: 'nothing_to_do', dryRun, message: 'Nothing to do: already at the first step with nothing connected.', accounts: plans };
  }
  if (dryRun) return { outcome: 'done', dryRun, message: `Would ${options.delete ? 'delete' : 'reset'} ${todo.length} account(s).`, accounts: plans };

  const results: ResetResult['accounts'][number][] = [];
  for (const plan of plans) {
    if (plan.action === 'nothing') {
      results.push(plan);
      continue;
    }
    try {
      await resetOne(deps, plan, options);
      results.push({ ...plan, result: 'done' });
    } catch (err) {
      const error = err instanceof AppError ? err.message : `${(err as Error)?.name ?? 'Error'}: the reset stopped part-way; run it again to finish.`;
      results.push({ ...plan, result: 'failed', error });
    }
  }
  const failed = results.filter((r) => r.result === 'failed').length;
  return {
    outcome: failed > 0 ? 'failed' : 'done',
    dryRun,
    message: failed > 0 ? `${failed} account(s) could not be fully reset; run the same command again to finish.` : `${options.delete ? 'Deleted' : 'Reset'} ${todo.length} account(s).`,
    accounts: results,
  };
}

/** Setups paused, or waiting, for longer than `olderThanSeconds`. */
export async function listStuck(deps: SupportDeps, olderThanSeconds: number) {
  const cutoff = (deps.now?.() ?? new Date()).getTime() - olderThanSeconds * 1000;
  const all = await deps.accounts.scanAccounts();
  const stuck = all
    .filter((a) => a.status !== 'complete' && Date.parse(a.updatedAt) <= cutoff)
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  return {
    outcome: 'done' as const,
    accounts: stuck.map((a) => ({ accountId: a.id, sellerId: a.sellerId, name: a.name, channel: a.channel, step: a.step, status: a.status, updatedAt: a.updatedAt, lastFailure: a.lastFailure })),
  };
}
