/**
 * Refreshing a connection's tokens, one refresher at a time. Whoever
 * refreshes (the scheduled job, or a page that needs a live token) first
 * takes the connection's lease, a DynamoDB item written conditionally; then
 * reads the secret again (another may just have refreshed), calls the
 * provider, and writes the new tokens to the secret *before* giving the lease
 * back, so a rotated refresh token is never used by two refreshers nor lost
 * between them. A holder that dies leaves a lease that runs out, and the next
 * refresher takes over. A holder that only stalled (it got the new tokens,
 * then paused past its lease) confirms it still holds the lease before it
 * writes them; if another took over meanwhile, it takes the lease again and
 * writes them only if the secret still holds the refresh token it used (the
 * other holder let go of the connection, or wrote no tokens): the provider
 * has retired that one, so these are the only live ones. If the other holder
 * wrote tokens, theirs stand and these are dropped. A refusal marks the connection Needs
 * reconnecting, with its reason; a provider failing for now changes nothing
 * (retried later).
 */
import { ConnectError, DependencyError } from '../../domain/errors.js';
import { logger } from '../../runtime/logger.js';
import type { AppCredentialStore, ProviderHttp, SecretPort, StoreHttp } from '../../ports/index.js';
import { findProvider, type OAuthProviderDefinition } from '../../providers/index.js';
import { expiryAfterRefresh, refreshDueAt } from '../../domain/calendar.js';
import type { ConnectionRecord, ReconnectReason } from '../../domain/health.js';
import { nowOf, withLease, type Lease, type LeaseDeps } from './lease.js';
import type { ConnectionRecordStore } from '../../ports/health.js';
import { RefreshRefusedError } from '../../connectors/refresh.js';
import type { TokenSet } from '../../connectors/types.js';
import { providerRefresh } from '../../providers/registry.js';
import type { Connectors } from '../../providers/registry.js';
import { writeRefreshed } from '../credentials.js';

export interface RefreshDeps extends LeaseDeps {
  readonly secrets: SecretPort;
  readonly apps: AppCredentialStore;
  readonly http: ProviderHttp;
  /** Sellers' own stores (WooCommerce), behind the SSRF guard: for the daily check of their keys. */
  readonly stores?: StoreHttp;
  readonly connections: ConnectionRecordStore;
  /** The providers' calls this function carries (refreshes, checks). */
  readonly connectors: Connectors;
}

export type RefreshResult =
  | { readonly outcome: 'refreshed' | 'fresh'; readonly accessToken: string }
  | { readonly outcome: 'busy' | 'gone' }
  | { readonly outcome: 'refused'; readonly reason: ReconnectReason };

/**
 * Whether the tokens need refreshing, judged on the latest secret and record.
 * `fromSecretAlone`: the judgement never looks at the record, so the first
 * look (without the lease) reads the secret only.
 */
export type Needed = ((stored: Readonly<Record<string, string>>, record: ConnectionRecord | undefined, now: Date) => boolean) & { readonly fromSecretAlone?: boolean };

export interface RefreshRequest {
  readonly secretName: string;
  /** For a connection made before it had a record: what the record would say. */
  readonly fallback?: Pick<ConnectionRecord, 'provider' | 'kind' | 'sellerId' | 'accountId'>;
  readonly needed: Needed;
  /** Wait for another holder to finish (a page needing a token), or leave it to them (the scheduled job). */
  readonly wait: boolean;
}

/** On demand: the access token has less than `marginMs` left, or it is the one the provider just refused. */
export const accessTokenNeeded = (marginMs: number, refusedToken?: string): Needed =>
  Object.assign(
    (stored: Readonly<Record<string, string>>, _record: ConnectionRecord | undefined, now: Date) => {
      if (refusedToken !== undefined) return stored.accessToken === refusedToken;
      const expiresAt = stored.accessTokenExpiresAt ? Date.parse(stored.accessTokenExpiresAt) : 0;
      return !stored.accessToken || expiresAt - marginMs <= now.getTime();
    },
    { fromSecretAlone: true },
  );

/** Scheduled: the record's refresh time has come. */
export const refreshIsDue: Needed = (_stored, record, now) => !!record?.refreshDueAt && Date.parse(record.refreshDueAt) <= now.getTime();

/** The connection's secret, or undefined when it is gone (the account started over, or was reset). */
export async function readSecret(deps: Pick<RefreshDeps, 'secrets'>, name: string): Promise<Record<string, string> | undefined> {
  try {
    return await deps.secrets.read(name);
  } catch (err) {
    const cause = err instanceof DependencyError ? err.causeName : (err as Error)?.name;
    if (cause === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

function oauthProvider(id: string): OAuthProviderDefinition | undefined {
  const p = findProvider(id);
  return p && p.kind !== 'api-keys' ? p : undefined;
}

/** The reason a refusal means, read with the calendar: a lifetime that ran out says so rather than "revoked". */
function refusalReason(record: ConnectionRecord, said: ReconnectReason, now: Date): ReconnectReason {
  if (record.consentExpiresAt && Date.parse(record.consentExpiresAt) <= now.getTime()) return 'consent_expired';
  if (record.refreshTokenExpiresAt && Date.parse(record.refreshTokenExpiresAt) <= now.getTime()) return 'refresh_token_expired';
  return said;
}

function recordFor(req: RefreshRequest, record: ConnectionRecord | undefined, now: Date): ConnectionRecord | undefined {
  if (record) return record;
  if (!req.fallback) return undefined;
  const at = now.toISOString();
  return { ...req.fallback, secretName: req.secretName, region: null, fields: {}, status: 'connected', generation: 0, connectedAt: at, updatedAt: at };
}

/**
 * The connection as a holder of its lease reads it: its record (or the caller's fallback for one written before
 * records existed; undefined with neither) and its secret. Deleted (Start over, a reset: its tombstone, or no
 * secret) is gone, and nothing is written; a live record with no secret is left for the sweep to report.
 */
async function readHeld(
  deps: RefreshDeps,
  req: RefreshRequest,
  now: Date,
): Promise<{ outcome: 'gone' } | { found: ConnectionRecord | undefined; record: ConnectionRecord | undefined; stored: Record<string, string> }> {
  const [found, stored] = await Promise.all([deps.connections.get(req.secretName), readSecret(deps, req.secretName)]);
  return stored && !found?.deletedAt ? { found, record: recordFor(req, found, now), stored } : { outcome: 'gone' };
}

async function write(deps: RefreshDeps, next: ConnectionRecord, existed: boolean, generation: number): Promise<void> {
  const written = existed ? await deps.connections.replace(next, generation) : await deps.connections.put(next);
  if (!written) logger.info('connection record moved on during refresh', { provider: next.provider });
}

/**
 * Refreshes the connection's tokens if `needed` says so, under its lease.
 * Throws `ConnectError` when the provider cannot be reached or fails (nothing changes).
 */
export async function refreshConnection(deps: RefreshDeps, req: RefreshRequest, superseded = false): Promise<RefreshResult> {
  // A look without the lease first: most callers find a live token and take no lease at all
  // (and a page needing a token judges by the secret alone, so reads only that).
  const [firstRecord, firstStored] = await Promise.all([req.needed.fromSecretAlone ? undefined : deps.connections.get(req.secretName), readSecret(deps, req.secretName)]);
  if (!firstStored) return { outcome: 'gone' };
  if (!req.needed(firstStored, firstRecord, nowOf(deps)) && firstStored.accessToken) return { outcome: 'fresh', accessToken: firstStored.accessToken };

  const result = await withLease(deps, req.secretName, req.wait, async (lease): Promise<RefreshResult | Superseded> => {
    const now = nowOf(deps);
    const read = await readHeld(deps, req, now);
    if (!('stored' in read)) return read;
    const { found, record, stored } = read;
    if (!record) return { outcome: 'gone' };
    if (record.status === 'needs_reconnecting') return { outcome: 'refused', reason: record.reason ?? 'consent_revoked' };
    if (!req.needed(stored, found, now) && stored.accessToken) return { outcome: 'fresh', accessToken: stored.accessToken };
    const provider = oauthProvider(record.provider);
    // Nothing to refresh with (a permanent token): the stored one is what there is.
    if (!provider || !stored.refreshToken) return stored.accessToken ? { outcome: 'fresh', accessToken: stored.accessToken } : { outcome: 'gone' };

    const app = await deps.apps.get(provider.id);
    let tokens;
    try {
      tokens = await providerRefresh(deps.connectors, provider, { app, http: deps.http, now, refreshToken: stored.refreshToken, fields: record.fields, stored });
    } catch (err) {
      if (!(err instanceof RefreshRefusedError)) throw err;
      const reason = refusalReason(record, err.reason, now);
      logger.warn('refresh refused', { provider: provider.id, code: err.code, reason });
      const { refreshDueAt: _due, ...rest } = record;
      await write(deps, { ...rest, status: 'needs_reconnecting', reason, updatedAt: now.toISOString() }, !!found, record.generation);
      return { outcome: 'refused', reason };
    }
    // The new tokens reach the secret before the lease is given back, and only while this holder still has the
    // lease: one that stalled past it (after the provider answered, before this write) may have been taken over.
    // If the new holder has refreshed and written since, its tokens stand and these are dropped; if it wrote no
    // tokens (it let go of the connection, or is still waiting), these are written under a new lease
    // (`keepUnlessSuperseded`), since the provider has retired the one the secret holds. The
    // confirmation is a conditional update that also extends the lease, so the write that follows has a whole
    // lease to land in. What remains: a secret write that itself takes longer than a whole lease (Secrets
    // Manager has no conditional write) could still land after a new holder's; and if the provider retires the
    // old refresh token at once, the new holder's refresh with it is refused (Xero keeps it for 30 minutes,
    // Shopify until the new one is used).
    // A confirmation the table failed to answer (twice) says nothing of who holds the lease, most likely still
    // this holder: the rotated tokens are then written rather than lost.
    const held = await lease
      .confirm()
      .catch(() => lease.confirm())
      .catch((err: unknown) => logger.warn('refresh lease not confirmed', { provider: provider.id, errorName: (err as Error)?.name }));
    if (held === false) {
      logger.warn('refresh lease lost before the tokens were written', { provider: provider.id });
      return { superseded: true, used: stored.refreshToken, seen: stored.accessToken, tokens, provider, now };
    }
    return keep(deps, lease, req, { found, record, stored, tokens, provider, now });
  });
  if (result === 'busy') return { outcome: 'busy' };
  if ('superseded' in result) {
    const kept = await keepUnlessSuperseded(deps, req, result);
    if (kept !== 'superseded') return kept;
    // Another holder refreshed meanwhile: its tokens are in the secret (or about to be, under its lease).
    return superseded ? { outcome: 'busy' } : refreshConnection(deps, req, true);
  }
  return result;
}

/** A holder that lost its lease after the provider answered: the tokens it got, and the secret's tokens they replace. */
interface Superseded {
  readonly superseded: true;
  readonly used: string;
  readonly seen: string | undefined;
  readonly tokens: TokenSet;
  readonly provider: OAuthProviderDefinition;
  readonly now: Date;
}

/**
 * The new tokens of a holder that stalled past its lease after the provider
 * answered and rotated the refresh token, written under a new lease if no
 * other holder wrote tokens meanwhile: the secret still holds the tokens
 * these replace, whose refresh token the provider has retired (a Start over
 * that let go of a shared books connection took the lease, not a refresher).
 * 'superseded' otherwise, and nothing is written: another holder's tokens
 * stand; a provider that did not rotate left the stored refresh token
 * working; a refusal another holder recorded meanwhile is not undone (its
 * connection says Needs reconnecting, as before); and if the lease cannot be
 * had in time, these are lost as a crash would lose them, and the next
 * refresh finds it.
 */
async function keepUnlessSuperseded(deps: RefreshDeps, req: RefreshRequest, lost: Superseded): Promise<RefreshResult | 'superseded'> {
  if (!lost.tokens.refreshToken || lost.tokens.refreshToken === lost.used) return 'superseded';
  try {
    const result = await withLease(deps, req.secretName, true, async (lease): Promise<RefreshResult | 'superseded'> => {
      const read = await readHeld(deps, req, lost.now);
      if (!('stored' in read)) return read;
      const { found, record, stored } = read;
      if (stored.refreshToken !== lost.used || stored.accessToken !== lost.seen) return 'superseded';
      if (!record) return { outcome: 'gone' };
      if (record.status !== 'connected') return 'superseded';
      logger.info('refreshed tokens kept after the lease was taken over', { provider: lost.provider.id });
      return keep(deps, lease, req, { found, record, stored, tokens: lost.tokens, provider: lost.provider, now: lost.now });
    });
    // Waiting, `withLease` takes the lease or throws; it never answers busy.
    return result === 'busy' ? 'superseded' : result;
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    logger.warn('refreshed tokens not kept: the lease stayed taken', { provider: lost.provider.id });
    return 'superseded';
  }
}

/**
 * Writes new tokens into the existing secret (never created: a deleted connection stays deleted), through the
 * credentials' owner, under the lease; then the record's expiry and next refresh.
 */
async function keep(
  deps: RefreshDeps,
  lease: Lease,
  req: RefreshRequest,
  x: { found: ConnectionRecord | undefined; record: ConnectionRecord; stored: Record<string, string>; tokens: TokenSet; provider: OAuthProviderDefinition; now: Date },
): Promise<RefreshResult> {
  const { found, record, stored, tokens, provider, now } = x;
  const value = {
    ...stored,
    accessToken: tokens.accessToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(tokens.accessTokenExpiresAt ? { accessTokenExpiresAt: tokens.accessTokenExpiresAt } : {}),
    ...(tokens.refreshTokenExpiresAt ? { refreshTokenExpiresAt: tokens.refreshTokenExpiresAt } : {}),
  };
  if (!(await writeRefreshed(deps, lease, req.secretName, value))) {
    logger.info('connection deleted during refresh', { provider: provider.id });
    return { outcome: 'gone' };
  }
  const expiry = expiryAfterRefresh(provider.id, tokens, now, record);
  const { refreshDueAt: _old, ...base } = record;
  const due = refreshDueAt(provider.id, { ...expiry, status: 'connected', canRefresh: true }, now);
  await write(deps, { ...base, ...expiry, ...(due ? { refreshDueAt: due } : {}), refreshedAt: now.toISOString(), updatedAt: now.toISOString() }, !!found, record.generation);
  return { outcome: 'refreshed', accessToken: tokens.accessToken };
}
