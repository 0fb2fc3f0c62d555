/**
 * The wizard engine: step completion, resume and start over. The account
 * item in DynamoDB is the source of truth; the state machine only sequences.
 * Every state change is one conditional write decided by the pure model
 * (`transition`), and every AWS call after it is ordered so that a failure
 * leaves a state the model allows and a retry finishes the job.
 */
import type { ExecutionPort, RecordChange, WizardStore } from '../../ports/index.js';
import { ConflictError, ConnectionGoneError, NotFoundError, ServiceUnavailableError, VersionConflictError } from '../../domain/errors.js';
import { logger } from '../../runtime/logger.js';
import type { ConsentRecord } from '../../domain/health.js';
import { discardStaged, freshSecretName, releaseAll, releaseForAccount, stageCredentials, type CredentialDeps } from '../credentials.js';
import type { AccountEvent, Connection, WizardRecord } from '../../domain/model.js';
import type { AccountView } from '../../http/schemas.js';
import { accountView } from '../../http/views.js';
import { FIRST_STEP, transition, type SetupStep, type WaitingStep, type WizardAction } from '../../domain/wizard.js';

export interface WizardDeps extends CredentialDeps {
  readonly accounts: WizardStore;
  readonly executions: ExecutionPort;
  readonly now?: () => Date;
}

/** A connection made by a connector: what to show, and the credential to keep in the secret store only. */
export interface NewConnection {
  readonly kind: Connection['kind'];
  readonly provider: string;
  readonly label: string;
  /**
   * Staged in the secret store under a new name first (`credentials.ts`);
   * absent when the connection reuses an existing secret (books shared by accounts).
   */
  readonly credentials?: Record<string, string>;
  /**
   * Credentials already staged under a fresh name (`freshSecretName`) by an
   * earlier request (WooCommerce's posted keys, kept until the seller comes
   * back): the account names it if its write wins, and it is discarded if not.
   */
  readonly staged?: string;
  /** With credentials: whose secret it is (default the account's own; books are the seller's). Without: the existing connection's secret, held by reference. */
  readonly secretOwner?: string;
  readonly secretName?: string;
  /** Who connected (seller id, shop, organisation), to spot the same identity twice; never a credential. */
  readonly identity?: string;
  readonly details?: Connection['details'];
  readonly alsoConnectedTo?: string | null;
}

export interface StepResult {
  /** The version the seller's page was showing; a different one means a stale tab. */
  readonly expectedVersion?: number;
  readonly connection?: NewConnection;
  /** What the step decided (for example the Accounts & Taxes mapping); never a credential. */
  readonly result?: Record<string, unknown>;
  /** The connection's record (health and expiry calendar) its consent made, written with the step (its secret's name is filled in). */
  readonly record?: Omit<ConsentRecord, 'secretName'>;
  /** Connections the step ends (a pending books consent an organisation was chosen from): let go of in the same write; the caller releases them. */
  readonly releases?: readonly string[];
  /** Fields to remove from the account with the step. */
  readonly removeFields?: readonly string[];
  /** The account's store fields as the connection settled them (a WooCommerce store's address given on the connect step), saved with the step. */
  readonly fields?: Readonly<Record<string, string>>;
  /** The connection came through a connect link: the events say so ("connected via invitation"), with the link as their actor. */
  readonly viaInvitation?: boolean;
  /**
   * The account as this same request already read it (consistently), so it is
   * not read twice: the write is conditional on its version, so a change since
   * is refused as stale, exactly as a second read would have refused it.
   */
  readonly loaded?: WizardRecord;
}

const nowIso = (deps: Pick<WizardDeps, 'now'>) => (deps.now?.() ?? new Date()).toISOString();
export const executionName = (accountId: string, seq: number) => `${accountId}-${seq}`;

/** Runs an AWS call; a failure becomes a 503 the seller can retry. */
async function aws<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof VersionConflictError) throw err;
    logger.warn('aws call failed', { what, errorName: (err as Error)?.name });
    throw new ServiceUnavailableError();
  }
}

/** An audit event of the account, to be written with the change it records. */
const eventOf = (deps: Pick<WizardDeps, 'now'>, rec: Pick<WizardRecord, 'id'>, type: AccountEvent['type'], actor: string, detail: string | null, caller?: string): AccountEvent => ({
  accountId: rec.id,
  type,
  at: nowIso(deps),
  actor,
  detail,
  ...(caller ? { caller } : {}),
});

async function event(deps: WizardDeps, rec: Pick<WizardRecord, 'sellerId' | 'id'>, type: AccountEvent['type'], actor: string, detail: string | null, caller?: string) {
  try {
    await deps.accounts.addEvent(rec.sellerId, eventOf(deps, rec, type, actor, detail, caller));
  } catch (err) {
    // The state change stands; a lost audit line is logged rather than failing the seller's action.
    logger.warn('audit event not written', { accountId: rec.id, type, errorName: (err as Error)?.name });
  }
}

/**
 * The seller's account: as this request already read it (with the session,
 * in one round trip), or read now. `null` means it was read and the seller
 * has no such account. A 404 either way when there is none.
 */
export async function loadAccount(deps: Pick<WizardDeps, 'accounts'>, sellerId: string, accountId: string, loaded?: WizardRecord | null): Promise<WizardRecord> {
  const rec = loaded === undefined || (loaded && (loaded.id !== accountId || loaded.sellerId !== sellerId)) ? await aws('load account', () => deps.accounts.load(sellerId, accountId)) : loaded;
  if (!rec) throw new NotFoundError('We could not find that account. It may have been removed.');
  return rec;
}

const load = loadAccount;

function decide(rec: WizardRecord, action: WizardAction) {
  const t = transition(rec, action);
  if (!t.ok) throw new ConflictError(t.message, t.code, accountView(rec));
  return t.next;
}

async function conflict(deps: WizardDeps, rec: WizardRecord): Promise<never> {
  const current = await deps.accounts.load(rec.sellerId, rec.id).catch(() => undefined);
  throw new ConflictError(
    'This account changed while you were working on it. Here is where it stands now.',
    'stale',
    current ? accountView(current) : undefined,
  );
}

/**
 * Starts a fresh execution at the account's saved step, after stopping the
 * one it had (so there is never more than one). If the start fails, the
 * account is marked paused so the seller sees Resume.
 */
async function restart(deps: WizardDeps, rec: WizardRecord, set: Record<string, unknown> = {}, events: readonly AccountEvent[] = [], records: readonly RecordChange[] = []): Promise<WizardRecord> {
  if (rec.executionArn) {
    const arn = rec.executionArn;
    await aws('stop execution', () => deps.executions.stop(arn));
  }
  const seq = rec.execSeq + 1;
  const name = executionName(rec.id, seq);
  const executionArn = deps.executions.arnFor(name);
  const step = (set.step as SetupStep | undefined) ?? rec.step;
  const status = step === 'complete' ? 'complete' : 'active';
  try {
    await deps.accounts.apply(rec, rec.version, { set: { ...set, status, executionArn, execSeq: seq }, remove: ['taskToken', 'tokenStep', 'lastFailure'], events, ...(records.length > 0 ? { records } : {}) }, nowIso(deps));
  } catch (err) {
    if (err instanceof VersionConflictError || err instanceof ConnectionGoneError) return conflict(deps, rec);
    throw new ServiceUnavailableError();
  }
  let after: WizardRecord = { ...rec, ...(set as Partial<WizardRecord>), step, status, executionArn, execSeq: seq, version: rec.version + 1, taskToken: null, tokenStep: null, lastFailure: null };
  if (step !== 'complete') {
    try {
      await deps.executions.start(name, { accountId: rec.id, sellerId: rec.sellerId, startAt: step as WaitingStep });
    } catch (err) {
      logger.warn('execution did not start', { accountId: rec.id, errorName: (err as Error)?.name });
      try {
        await deps.accounts.apply(after, after.version, { set: { status: 'paused', lastFailure: 'The setup could not be started.' } }, nowIso(deps));
        after = { ...after, status: 'paused', version: after.version + 1, lastFailure: 'The setup could not be started.' };
      } catch {
        // The account names an execution that does not run: Resume finds that out and starts one.
      }
    }
  }
  return after;
}

/** Creates the account's first execution; used right after the account item is written. */
export async function startFirstExecution(deps: Pick<WizardDeps, 'accounts' | 'executions' | 'now'>, rec: WizardRecord): Promise<WizardRecord> {
  try {
    await deps.executions.start(executionName(rec.id, rec.execSeq), { accountId: rec.id, sellerId: rec.sellerId, startAt: rec.step as WaitingStep });
    return rec;
  } catch (err) {
    logger.warn('execution did not start', { accountId: rec.id, errorName: (err as Error)?.name });
    try {
      await deps.accounts.apply(rec, rec.version, { set: { status: 'paused', lastFailure: 'The setup could not be started.' } }, nowIso(deps));
      return { ...rec, status: 'paused', version: rec.version + 1 };
    } catch {
      return rec;
    }
  }
}

/**
 * Completes a step: stores its result (credentials in the secret store, first)
 * and moves to the next step in one conditional write, then lets the state
 * machine go on. Whichever of "token recorded" and "step completed" comes
 * second sends the task success, so neither order stalls.
 */
export async function completeStep(deps: WizardDeps, sellerId: string, accountId: string, step: SetupStep, input: StepResult = {}): Promise<AccountView> {
  const rec = await load(deps, sellerId, accountId, input.loaded);
  const next = decide(rec, { type: 'complete_step', step, ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}) });
  const at = nowIso(deps);
  let connections = rec.connections;
  const records: RecordChange[] = [];
  let staged: string | undefined;
  let replaced: string[] = [];
  if (input.connection) {
    const c = input.connection;
    const credentials = c.credentials;
    // New credentials go to a secret of their own, named afresh; the write below decides whether the account names it.
    const secretName = c.staged ?? (credentials ? freshSecretName(deps, c.secretOwner ?? accountId, c.kind) : c.secretName);
    if (!secretName) throw new Error('a connection needs credentials or an existing secret');
    if (c.staged) staged = c.staged;
    else if (credentials) {
      await aws('save credentials', () => stageCredentials(deps, secretName, credentials, { accountId, sellerId }));
      staged = secretName;
    }
    const made: Connection = {
      kind: c.kind,
      provider: c.provider,
      label: c.label,
      secretName,
      connectedAt: at,
      ...(c.identity ? { identity: c.identity } : {}),
      ...(c.details ? { details: c.details } : {}),
      ...(c.alsoConnectedTo ? { alsoConnectedTo: c.alsoConnectedTo } : {}),
    };
    replaced = rec.connections.filter((x) => x.kind === c.kind && x.secretName !== secretName).map((x) => x.secretName);
    connections = [...rec.connections.filter((x) => x.kind !== c.kind), made];
    // Every secret has its record (who holds it, its generation); a connection with no calendar gets a plain one.
    const record = input.record ?? { provider: c.provider, kind: c.kind, sellerId, accountId, region: rec.region, fields: rec.fields, status: 'connected' as const, connectedAt: at, updatedAt: at };
    if (staged) records.push({ create: { ...record, secretName } });
    else records.push({ hold: secretName, accountId });
  }
  records.push(...(await heldRecords(deps, [...replaced, ...(input.releases ?? [])])).map((name) => ({ letGo: name, accountId })));
  // The step, its audit events and the connection's records: one write, all or nothing.
  const actor = input.viaInvitation ? 'invitation' : 'seller';
  const made = input.connection ? (input.viaInvitation ? `${input.connection.label} (connected via invitation)` : input.connection.label) : null;
  const events = [eventOf(deps, rec, 'step_completed', actor, step), ...(made ? [eventOf(deps, rec, 'connection_made', actor, made)] : [])];
  let before: WizardRecord;
  try {
    before = await deps.accounts.apply(
      rec,
      rec.version,
      {
        set: { step: next.step, status: next.status, connections, [`result_${step}`]: input.result ?? {}, ...(input.fields ? { fields: input.fields } : {}) },
        ...(input.removeFields ? { remove: input.removeFields } : {}),
        events,
        ...(records.length > 0 ? { records } : {}),
      },
      at,
    );
  } catch (err) {
    // Lost: the credentials this request staged are no one's, and go now. Failed: the write may still have landed
    // (a timeout after it did), so they go only if the account does not name them; else the sweep decides.
    if (staged) {
      const lost = err instanceof VersionConflictError || err instanceof ConnectionGoneError;
      const named = !lost && (await deps.accounts.load(sellerId, accountId).then((a) => a?.connections.some((c) => c.secretName === staged), () => true));
      if (!named) await discardStaged(deps, staged);
    }
    if (err instanceof VersionConflictError) return conflict(deps, rec);
    if (err instanceof ConnectionGoneError) throw err;
    throw new ServiceUnavailableError();
  }
  await releaseAll(deps, replaced);
  let after: WizardRecord = { ...rec, step: next.step, status: next.status, version: rec.version + 1, connections, ...(input.fields ? { fields: input.fields } : {}) };
  for (const f of input.removeFields ?? []) delete (after as unknown as Record<string, unknown>)[f];

  const tokenForThisStep = before.status === 'active' && before.taskToken && before.tokenStep === step && before.executionArn === rec.executionArn;
  if (tokenForThisStep) {
    try {
      await deps.executions.sendSuccess(before.taskToken!, { step });
    } catch (err) {
      // The execution cannot be moved on (it timed out, or the call failed): replace it.
      logger.warn('task success not delivered', { accountId, errorName: (err as Error)?.name });
      after = await restart(deps, { ...after, taskToken: null, tokenStep: null }).catch(() => after);
    }
  } else if (before.status === 'paused' && next.step !== 'complete') {
    // Nothing was running: continuing the step resumes the setup.
    after = await restart(deps, after).catch(() => after);
  } else if (next.step !== 'complete' && before.executionArn && !(await deps.executions.isRunning(before.executionArn).catch(() => true))) {
    // No token yet and no run to record one (it ended early): start one at the next step.
    after = await restart(deps, after).catch(() => after);
  }
  return accountView(after);
}

/** What a reconnect brings: new credentials for the same connection, and what the account shows of them. */
export interface Reconnection {
  /** The new credentials, staged here under a fresh name; or `staged`, already staged by an earlier request. */
  readonly credentials?: Record<string, string>;
  readonly staged?: string;
  readonly label: string;
  readonly identity?: string;
  readonly details?: Connection['details'];
  /** The connection's new record (its health and calendar start afresh). */
  readonly record: Omit<ConsentRecord, 'secretName'>;
}

/**
 * Reconnects a channel the way a connect makes one: the new credentials go to
 * a secret of their own under a fresh name, then one conditional write of the
 * account switches its connection to that secret, creates its record, lets
 * go of the old one and records "Reconnected"; then the old connection is
 * released (deleted under its lease). So the account shows exactly the
 * credentials its secret holds at every moment, whatever crashes between two
 * steps: before the write, the new secret is an orphan the sweep deletes;
 * after it, the old one is an unheld record the sweep releases.
 *
 * The account moved on meanwhile (a stale tab, a step completed) is written
 * again as it is now, while it still shows `from`. 'gone' when it no longer
 * does (Start over, another reconnect won): nothing of this one is kept.
 */
export async function reconnectChannel(deps: WizardDeps, account: WizardRecord, from: Connection, to: Reconnection): Promise<'replaced' | 'gone'> {
  const secretName = to.staged ?? freshSecretName(deps, account.id, from.kind);
  if (!to.staged) {
    if (!to.credentials) throw new Error('a reconnect needs credentials');
    const credentials = to.credentials;
    await aws('save credentials', () => stageCredentials(deps, secretName, credentials, { accountId: account.id, sellerId: account.sellerId }));
  }
  const at = nowIso(deps);
  const made: Connection = {
    ...from,
    label: to.label,
    secretName,
    connectedAt: at,
    ...(to.identity ? { identity: to.identity } : {}),
    ...(to.details ? { details: to.details } : {}),
  };
  const letGo = await heldRecords(deps, [from.secretName]).catch(async (err: unknown) => {
    await discardStaged(deps, secretName);
    throw err;
  });
  let current: WizardRecord | undefined = account;
  for (let attempt = 0; ; attempt++) {
    if (!current || !current.connections.some((c) => c.secretName === from.secretName) || attempt === 5) {
      await discardStaged(deps, secretName);
      return 'gone';
    }
    try {
      await deps.accounts.apply(
        current,
        current.version,
        {
          set: { connections: current.connections.map((c) => (c.secretName === from.secretName ? made : c)) },
          events: [eventOf(deps, current, 'reconnected', 'seller', to.label)],
          records: [{ create: { ...to.record, secretName } }, ...letGo.map((name) => ({ letGo: name, accountId: account.id }))],
        },
        at,
      );
      break;
    } catch (err) {
      if (err instanceof VersionConflictError) {
        current = await aws('load account', () => deps.accounts.load(account.sellerId, account.id));
        continue;
      }
      // Failed: the write may still have landed (a timeout after it did); the staged secret goes only if the account does not name it.
      const named =
        !(err instanceof ConnectionGoneError) &&
        (await deps.accounts.load(account.sellerId, account.id).then((a) => a?.connections.some((c) => c.secretName === secretName), () => true));
      if (!named) await discardStaged(deps, secretName);
      if (err instanceof ConnectionGoneError) return 'gone';
      throw new ServiceUnavailableError();
    }
  }
  await releaseAll(deps, [from.secretName]);
  return 'replaced';
}

/**
 * Of these connections' secrets, the ones with a record (all but
 * connections made before records were kept): an account lets go of those in
 * its own write, and a record that does not exist is not made by it.
 */
async function heldRecords(deps: WizardDeps, secretNames: readonly string[]): Promise<string[]> {
  if (secretNames.length === 0) return [];
  const found = await aws('read connection records', () => deps.connections.getMany(secretNames));
  return [...new Set(secretNames)].filter((n) => found.has(n) && !found.get(n)!.deletedAt);
}

/**
 * Resume: a paused or stalled setup gets a new execution at its saved step;
 * nothing already connected is asked for again. On a setup that is running
 * well it changes nothing.
 */
export async function resume(deps: WizardDeps, sellerId: string, accountId: string, actor = 'seller', loaded?: WizardRecord | null): Promise<AccountView> {
  const rec = await load(deps, sellerId, accountId, loaded);
  decide(rec, { type: 'resume' });
  if (rec.status === 'active' && rec.executionArn && rec.tokenStep === rec.step) {
    const arn = rec.executionArn;
    if (await aws('describe execution', () => deps.executions.isRunning(arn))) return accountView(rec);
  }
  // Resumed, and recorded so, in one write.
  const after = await restart(deps, rec, {}, [eventOf(deps, rec, 'resumed', actor, null)]);
  return accountView(after);
}

/**
 * Start over: stop the execution, return the account to its first step with a
 * new execution, and delete the connection secrets. Each part is
 * idempotent, so a start over that failed half-way is finished by running it again.
 */
export async function startOver(
  deps: WizardDeps,
  sellerId: string,
  accountId: string,
  actor = 'seller',
  detail: string | null = null,
  caller?: string,
  loaded?: WizardRecord | null,
): Promise<AccountView> {
  const rec = await load(deps, sellerId, accountId, loaded);
  decide(rec, { type: 'start_over' });
  // The item is reset first, letting go of its connections in the same write, so it never names a connection
  // whose secret is gone; then each connection no other account holds is deleted under its lease. One left by a
  // failure below is no account's, and the refresher's sweep deletes it.
  const released = connectionsOf(rec);
  const letGo = await heldRecords(deps, released);
  const after = await restart(
    deps,
    rec,
    // Connect links made before now connect nothing (`startedOverAt`): a start over cancels them.
    { step: FIRST_STEP, connections: [], result_connect_channel: null, result_connect_bookkeeping: null, result_accounts_and_taxes: null, pendingBooks: null, startedOverAt: nowIso(deps) },
    [],
    letGo.map((name) => ({ letGo: name, accountId })),
  );
  await aws('delete credentials', () => releaseForAccount(deps, accountId, released));
  await event(deps, rec, actor.startsWith('support:') ? 'reset' : 'started_over', actor, detail, caller);
  return accountView(after);
}

/** The secrets an account names: its connections', and a books consent's waiting for an organisation to be chosen. */
export function connectionsOf(rec: WizardRecord): string[] {
  return [...rec.connections.map((c) => c.secretName), ...(rec.pendingBooks ? [rec.pendingBooks.secretName] : [])];
}

/** The account lets go of its connections (support's delete), in one write with `set`; then they are released. */
export async function letGoOfAll(deps: WizardDeps, rec: WizardRecord, set: Record<string, unknown>, remove: readonly string[]): Promise<void> {
  const released = connectionsOf(rec);
  const letGo = await heldRecords(deps, released);
  await deps.accounts.apply(rec, rec.version, { set, remove, records: letGo.map((name) => ({ letGo: name, accountId: rec.id })) }, nowIso(deps));
  await releaseForAccount(deps, rec.id, released);
}
