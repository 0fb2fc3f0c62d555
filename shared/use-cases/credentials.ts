/**
 * The one owner of connections' credentials: every create, replace,
 * refresh write, check and delete of a connection's secret goes through
 * here, under these rules.
 *
 * - **A new connection gets a new secret.** A consent (or keys) is written
 *   to a secret under a name never used before (`freshSecretName`), and only
 *   then does the account's conditional write name it, with the connection's
 *   record, in one transaction. Two submissions for one account each stage
 *   their own secret; the one whose transaction wins is what the account
 *   shows, and the loser deletes its own (`discardStaged`), so nothing of it
 *   is left behind. A crash between the two leaves a secret with no record:
 *   an orphan, which the sweep deletes after a grace period.
 * - **Every write to an existing secret is made under the connection's
 *   lease** (`health/lease.ts`) **and within the record's generation**: a
 *   replace (reconnect) reads the record under the lease, puts the new value
 *   into the existing secret (never creating one) and moves the record one
 *   generation on; a refresh confirms the lease and puts its tokens only into
 *   a secret that still exists; a refresher or check holding an older
 *   generation writes nothing.
 * - **A delete takes the lease and leaves a tombstone.** The account lets go
 *   of its connections in its own transaction (who holds a connection is kept
 *   on its record, so books shared by several accounts are deleted only when
 *   the last lets go); then, under the lease, the record becomes a tombstone
 *   (one generation on, out of the refresher's queue) and the secret is
 *   deleted. A late refresh, check or reconnect finds the tombstone, or no
 *   secret to put into, and writes nothing: deleted credentials never come back.
 * - **Orphans are found, not assumed away** (`sweepOrphans`): a secret with
 *   no live record, a live record with no secret, and a live record no
 *   account holds. The refresher's run deletes orphaned secrets after a grace
 *   period and releases unheld records; support sees the same report.
 */
import { randomBytes } from 'node:crypto';
import { SecretExistsError } from '../domain/errors.js';
import { nowOf, withLease, type Lease, type LeaseDeps } from './health/lease.js';
import type { ConnectionRecord, ConsentRecord } from '../domain/health.js';
import type { ConnectionRecordStore } from '../ports/health.js';
import { logger } from '../runtime/logger.js';
import type { SecretPort } from '../ports/index.js';

export interface CredentialDeps extends LeaseDeps {
  readonly secrets: SecretPort;
  readonly connections: ConnectionRecordStore;
}

/** Who a secret is tagged with. */
export interface SecretTags {
  readonly accountId: string;
  readonly sellerId: string;
}

/** The owner of a seller's books secrets (shared by reference between their accounts). */
export const booksOwner = (sellerId: string) => `books-${sellerId}`;

/**
 * A name no secret has had: the owner's prefix, what it is for, and 96
 * random bits. A consent's credentials are only ever created under such a
 * name, so no two writers ever create or delete the same secret by chance.
 */
export function freshSecretName(deps: Pick<CredentialDeps, 'secrets'>, ownerId: string, kind: string): string {
  return deps.secrets.nameFor(ownerId, `${kind}-${randomBytes(12).toString('hex')}`);
}

/** Writes a new connection's credentials under a fresh name (see `freshSecretName`), before any account names it. */
export async function stageCredentials(deps: Pick<CredentialDeps, 'secrets'>, name: string, value: Record<string, string>, tags: SecretTags): Promise<void> {
  try {
    await deps.secrets.create(name, value, tags);
  } catch (err) {
    // A timeout can hide a create that happened: the same name, asked again, finds it, which is ours.
    if (!(err instanceof SecretExistsError)) throw err;
  }
}

/** Deletes a staged secret no account came to name (the account's write was lost, or failed); a failure leaves it to the sweep. */
export async function discardStaged(deps: Pick<CredentialDeps, 'secrets'>, name: string): Promise<void> {
  await deps.secrets.remove(name).catch((err: unknown) => logger.warn('staged secret not discarded', { errorName: (err as Error)?.name }));
}

/**
 * Replaces an existing connection's credentials (a reconnect) under its
 * lease: the record read under the lease must be live (and at
 * `expectedGeneration` when given); the value is put into the existing secret
 * only; the record moves one generation on with `record`'s calendar. Then
 * `andThen` runs, still under the lease (the account's own write of what it
 * shows). 'gone' when the connection was deleted or moved on meanwhile:
 * nothing was written.
 */
export async function replaceCredentials(
  deps: CredentialDeps,
  req: {
    readonly secretName: string;
    readonly value: Record<string, string>;
    readonly record: ConsentRecord;
    readonly expectedGeneration?: number;
    readonly andThen?: () => Promise<void>;
  },
): Promise<'replaced' | 'gone'> {
  const result = await withLease(deps, req.secretName, true, async (lease) => {
    const current = await deps.connections.get(req.secretName);
    if (current?.deletedAt) return 'gone' as const;
    if (current && req.expectedGeneration !== undefined && current.generation !== req.expectedGeneration) return 'gone' as const;
    if (!(await lease.confirm())) return 'gone' as const;
    if (!(await deps.secrets.put(req.secretName, req.value))) return 'gone' as const;
    if (current) {
      const after = await deps.connections.recordConsent({ ...req.record, secretName: req.secretName, ...(current.holders ? { holders: current.holders } : {}) }, current.generation);
      if (!after) logger.warn('connection record moved on during a reconnect', { provider: req.record.provider });
    } else {
      // A connection made before records were kept: its first record, held by the account that reconnected it.
      await deps.connections.put({ ...req.record, secretName: req.secretName, generation: 1, holders: [req.record.accountId] });
    }
    await req.andThen?.();
    return 'replaced' as const;
  });
  return result === 'busy' ? 'gone' : result;
}

/**
 * Puts refreshed tokens into the connection's secret, as the holder of its
 * lease who has just confirmed it: only into a secret that exists. The
 * provider may already have retired the old refresh token (QuickBooks at
 * once), so a failed write is tried once more, if the lease is still this
 * holder's. False when it wrote nothing because the connection was deleted.
 */
export async function writeRefreshed(deps: Pick<CredentialDeps, 'secrets'>, lease: Lease, secretName: string, value: Record<string, string>): Promise<boolean> {
  try {
    return await deps.secrets.put(secretName, value);
  } catch (err) {
    if ((await lease.confirm().catch(() => undefined)) === false) throw err;
    return deps.secrets.put(secretName, value);
  }
}

/** Whether a record is live: not deleted. */
export const isLive = (r: ConnectionRecord | undefined): r is ConnectionRecord => !!r && !r.deletedAt;

/**
 * Deletes a connection no account holds any more, under its lease: the
 * record becomes a tombstone (only if no account holds it, unless `force`),
 * then the secret goes. 'held' when an account still holds it (books reused
 * elsewhere): nothing was deleted.
 */
export async function releaseCredentials(deps: CredentialDeps, secretName: string, opts: { force?: boolean } = {}): Promise<'deleted' | 'held'> {
  const result = await withLease(deps, secretName, true, async () => {
    const marked = await deps.connections.tombstone(secretName, nowOf(deps).toISOString(), !opts.force);
    if (marked === 'held') return 'held' as const;
    await deps.secrets.remove(secretName);
    return 'deleted' as const;
  });
  return result === 'busy' ? 'held' : result;
}

/** Releases each connection an account let go of; one that failed is left to the sweep (its record is unheld). */
export async function releaseAll(deps: CredentialDeps, secretNames: readonly string[]): Promise<void> {
  for (const name of new Set(secretNames)) {
    await releaseCredentials(deps, name).catch((err: unknown) => logger.warn('connection not released', { errorName: (err as Error)?.name }));
  }
}

/**
 * Releases what an account let go of (start over, reset, delete), and what
 * an earlier run of it left half-way: the account's own secrets whose
 * records are deleted or unheld. A secret of the account with no record is
 * left alone (a connect may be staging it right now): the sweep deletes it
 * after its grace period. Throws when any could not be released, once all
 * were tried; running it again finishes the job.
 */
export async function releaseForAccount(deps: CredentialDeps, accountId: string, letGo: readonly string[]): Promise<void> {
  const own = await deps.secrets.listForAccount(accountId);
  const records = own.length > 0 ? await deps.connections.getMany(own) : new Map<string, ConnectionRecord>();
  const leftovers = own.filter((n) => {
    const r = records.get(n);
    return !!r && (!!r.deletedAt || !r.holders || r.holders.length === 0);
  });
  let failure: unknown;
  for (const name of new Set([...letGo, ...leftovers])) {
    try {
      await releaseCredentials(deps, name, { force: !!records.get(name)?.deletedAt });
    } catch (err) {
      failure = err;
    }
  }
  if (failure) throw failure;
}

/** What the sweep finds. Secret names only: values never leave the store. */
export interface OrphanReport {
  /** Secrets no live record names: staged by a request that never finished, or left by a delete that failed half-way. */
  readonly secretsWithoutConnection: readonly { name: string; createdAt: string; deleted: boolean }[];
  /** Live records whose secret is missing. */
  readonly connectionsWithoutSecret: readonly { secretName: string; provider: string; accountId: string }[];
  /** Live records no account holds (an account let go of them and the delete did not finish). */
  readonly unheldConnections: readonly { secretName: string; provider: string; released: boolean }[];
}

/** How long a secret with no record is left alone: longer than any request that stages one could take. */
export const ORPHAN_GRACE_MS = 60 * 60_000;

/**
 * Finds orphans and (unless `dryRun`) mends them: an orphaned secret older
 * than the grace period is deleted under its lease (a tombstone first, so
 * a late writer never brings it back); an unheld live record is released.
 * A live record with no secret is reported: the account shows it, and its
 * seller reconnects it (the refresher finds it gone).
 */
export async function sweepOrphans(deps: CredentialDeps, opts: { dryRun: boolean; graceMs?: number }): Promise<OrphanReport> {
  const now = nowOf(deps).getTime();
  const grace = opts.graceMs ?? ORPHAN_GRACE_MS;
  const [secrets, records] = await Promise.all([deps.secrets.listAll(), deps.connections.listAll()]);
  const byName = new Map(records.map((r) => [r.secretName, r]));
  const secretNames = new Set(secrets.map((s) => s.name));
  const secretsWithoutConnection: OrphanReport['secretsWithoutConnection'][number][] = [];
  for (const s of secrets) {
    if (isLive(byName.get(s.name))) continue;
    const old = now - Date.parse(s.createdAt) >= grace || !!byName.get(s.name)?.deletedAt;
    let deleted = false;
    if (!opts.dryRun && old) {
      // Held by nobody: a staged secret has no record, a deleted one a tombstone.
      deleted = (await releaseCredentials(deps, s.name, { force: true }).catch(() => 'held' as const)) === 'deleted';
    }
    secretsWithoutConnection.push({ name: s.name, createdAt: s.createdAt, deleted });
  }
  const live = records.filter(isLive);
  const connectionsWithoutSecret = live.filter((r) => !secretNames.has(r.secretName)).map((r) => ({ secretName: r.secretName, provider: r.provider, accountId: r.accountId }));
  const unheldConnections: OrphanReport['unheldConnections'][number][] = [];
  for (const r of live) {
    if (r.holders && r.holders.length > 0) continue;
    const released = !opts.dryRun && (await releaseCredentials(deps, r.secretName).catch(() => 'held' as const)) === 'deleted';
    unheldConnections.push({ secretName: r.secretName, provider: r.provider, released });
  }
  return { secretsWithoutConnection, connectionsWithoutSecret, unheldConnections };
}
