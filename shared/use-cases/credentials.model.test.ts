/**
 * The credentials' owner under random interleavings, the way the wizard has
 * its model test. Two function instances (each with its own AWS SDK clients)
 * share one table and one secret store, and run, several at once, against
 * two accounts of one seller:
 *
 * - connect (a first tab, a second tab, pasted keys: each is a step
 *   completed with staged credentials) and reconnect of the channel;
 * - the daily check of the channel's keys (against the Walmart sandbox);
 * - a books consent (QuickBooks tokens, as the sandbox minted them), a
 *   consent covering several organisations, the organisation choice, and
 *   reusing the other account's books;
 * - refresh with rotation (the QuickBooks sandbox retires a refresh token as
 *   it issues the next);
 * - Start over, support's reset and delete, and the orphan sweep;
 * - connect through a connect link (the link used, then the step completed,
 *   and the link given back only when nothing landed);
 *
 * with faults injected into their secret and table calls and their provider
 * calls: a throttle, a timeout after the call landed, a crash (the call never
 * returns; its leases run out and others take over), and a stall past the
 * lease (the holder wakes up after another has taken over).
 *
 * After every round:
 * (a) each connection an account shows has a secret holding exactly the
 *     credentials it shows (a channel's label is its keys' marker), and the
 *     sandbox accepts its books' refresh token: (c) no rotated refresh token
 *     was lost, the one the sandbox considers current is the one stored;
 * (d) a deleted connection never comes back: once a tombstoned secret is
 *     gone, it stays gone;
 * (e) a connect link is never given back while the connection made through
 *     it stands: an account showing it means its link stays used.
 * After each history, once the sweep has run: (b) no secret of theirs without
 * a live record an account shows, and no live record without its secret.
 *
 * `MODEL_RUNS` sets the number of histories (500 in `npm test`; `npm run
 * soak:credentials` runs 10,000) from `MODEL_SEED` (random when unset); the
 * seed is printed first, and a failing seed replays exactly.
 *
 * A seller's histories follow one another on the same books (one books
 * secret per seller, left as each history left it: a defect the model found
 * surfaced only in a later history reusing those books), for
 * `HISTORIES_PER_SELLER` histories; then a new seller starts. Every account
 * a seller ever had is read where a use case lists them (reusable books,
 * another account with the same shop), so one seller for every history made
 * each slower than the last: the soak slowed from 500 histories in 15
 * minutes to under 500 in 40.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsManagerAppCredentials } from '#shared/adapters/stores/app-credentials.js';
import { dynamoConnectionRecords, dynamoLeases } from '#shared/adapters/dynamo/connection-records.js';
import { providerHttp } from '#shared/adapters/http/provider-http.js';
import { secretsManagerPort } from '#shared/adapters/stores/secrets.js';
import { translated } from '#shared/adapters/translate.js';
import { dynamoWizardStore } from '#shared/adapters/dynamo/wizard-store.js';
import { dynamoInvitations } from '#shared/adapters/dynamo/invitations.js';
import { parseEnv, wizardEnv } from '#shared/runtime/config.js';
import type { TokenSet } from '#shared/connectors/types.js';
import { AppError, DependencyError } from '#shared/domain/errors.js';
import { checkConnection } from '#shared/use-cases/health/check.js';
import { consentRecord } from '#shared/use-cases/health/record.js';
import { refreshConnection, type RefreshDeps } from '#shared/use-cases/health/refresh.js';
import type { ProviderHttp } from '#shared/ports/index.js';
import { quickbooks } from '#shared/providers/quickbooks/definition.js';
import { wizardDeps } from '#functions/deps.js';
import { tokenLedger } from '#local/sandboxes/controls.js';
import type { TokenLedger } from '#local/sandboxes/types.js';
import { newAccount, newSeller, settled, withStack, type Client } from '#local/test-helpers.js';
import { TABLE_NAME, type LocalStack } from '#local/stack.js';
import { chooseOrganisation, connectBooks } from './books.js';
import { finishBooks } from './connect/callback.js';
import type { ConnectDeps } from './connect/start.js';
import { booksOwner, sweepOrphans } from './credentials.js';
import { completeThroughLink } from './connect/through-link.js';
import { reset, type SupportDeps } from './support.js';
import type { WizardRecord } from '#shared/domain/model.js';
import { completeStep, reconnectChannel, startOver, type WizardDeps } from './wizard/steps.js';
import { CONNECTORS } from '#shared/providers/connectors.js';

const RUNS = Number(process.env.MODEL_RUNS ?? 500);
const SEED = process.env.MODEL_SEED ? Number(process.env.MODEL_SEED) : Math.floor(Math.random() * 2 ** 31);
const LEASE_MS = 150;

let stack: LocalStack;
let seller: Client;
let sellerId: string;
const HISTORIES_PER_SELLER = 100;
let ledger: TokenLedger;
let executions: WizardDeps['executions'];

type Fault = 'none' | 'throttle' | 'timeout' | 'crash' | 'stall';
/** Each instance's faults: the `at`-th call (of its secret and table writes and provider calls) in a round fails this way. */
interface Instance {
  deps: WizardDeps & ConnectDeps & SupportDeps & RefreshDeps;
  fault: { kind: Fault; at: number; calls: number };
}

/**
 * The operation in flight, so that a crash can say which one will never
 * answer; and, for a refresh, whether the provider had answered (rotated its
 * refresh token) when it crashed.
 */
const inFlight = new AsyncLocalStorage<{ crashed: () => void; refreshing?: string; answered?: boolean }>();
/**
 * Connections whose refresher crashed after the provider rotated the refresh
 * token and before the secret took the new one, or whose refresh answer was
 * lost on the way back (the provider rotated; the refresher saw a timeout).
 * No custodian can close that window (the new token never reached it); what
 * must hold is that it is found: the next refresh marks the connection Needs
 * reconnecting (a provider with a retry grace, Xero or Shopify, accepts the
 * old token instead).
 */
const lostToCrash = new Set<string>();

/** A port whose calls obey the instance's fault: thrown before (throttle), after the call landed (timeout), never answered (crash), or answered after the lease ran out (stall). */
function faulty<T extends object>(port: T, inst: () => Instance, calls: readonly string[]): T {
  return Object.fromEntries(
    Object.entries(port).map(([k, v]) => {
      if (typeof v !== 'function' || !calls.includes(k)) return [k, v];
      return [
        k,
        async (...a: unknown[]) => {
          const f = inst().fault;
          const mine = f.kind !== 'none' && f.calls++ === f.at;
          if (mine && f.kind === 'throttle') throw new DependencyError('AWS', 'ThrottlingException');
          const op = inFlight.getStore();
          if (mine && f.kind === 'crash') {
            if (op?.refreshing && op.answered) lostToCrash.add(op.refreshing);
            op?.crashed();
            return new Promise(() => undefined);
          }
          if (mine && f.kind === 'stall') await new Promise((r) => setTimeout(r, LEASE_MS * 2));
          const out = await (v as (...b: unknown[]) => Promise<unknown>).apply(port, a);
          if (op && k === 'fetch') op.answered = true;
          // The provider rotated the token, and its answer never arrived: lost in flight, like a crash.
          if (mine && f.kind === 'timeout' && k === 'fetch' && op?.refreshing) lostToCrash.add(op.refreshing);
          if (mine && f.kind === 'timeout') throw new DependencyError('AWS', 'TimeoutError');
          return out;
        },
      ];
    }),
  ) as T;
}

/** A function instance: its own clients against the local stack's table, secret store and sandboxes. */
function instance(): Instance {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  const sm = new SecretsManagerClient({});
  const self = { fault: { kind: 'none', at: 0, calls: 0 } } as Instance;
  const me = () => self;
  const http = providerHttp({ timeoutMs: 2_000, sandboxOrigin: stack.sandboxes.origin });
  const health = {
    secrets: faulty(translated('Secrets Manager', secretsManagerPort(sm, 'onramp/')), me, ['create', 'put', 'remove']),
    connections: faulty(translated('DynamoDB', dynamoConnectionRecords(db, TABLE_NAME)), me, ['recordConsent', 'replace', 'tombstone']),
    leases: translated('DynamoDB', dynamoLeases(db, TABLE_NAME)),
    apps: translated('Secrets Manager', secretsManagerAppCredentials(sm, 'onramp-apps/')),
    http: faulty<ProviderHttp>({ fetch: (url, init) => http.fetch(url, init), locate: (url) => http.locate(url) }, me, ['fetch']),
    leaseMs: LEASE_MS,
    leasePollMs: 10,
    connectors: CONNECTORS,
  };
  self.deps = {
    ...health,
    accounts: faulty(translated('DynamoDB', dynamoWizardStore(db, TABLE_NAME)), me, ['apply', 'remove']),
    executions,
    users: { findByEmail: async () => undefined },
    states: undefined as never,
    invitations: faulty(translated('DynamoDB', dynamoInvitations(db, TABLE_NAME)), me, ['use', 'release']),
    appOrigin: stack.url,
  };
  return self;
}

let instances: Instance[];

beforeAll(async () => {
  process.stdout.write(`credential model: seed ${SEED}\n`);
  stack = await withStack({ logLevel: 'SILENT' } as never);
  executions = wizardDeps(parseEnv(wizardEnv())).executions;
  instances = [instance(), instance()];
  ledger = tokenLedger(stack.sandboxes.sandboxes, 'quickbooks');
  seller = await newSeller(stack, 'Model seller');
  sellerId = (await seller.call('GET', '/api/me')).body.user.id as string;
});
afterAll(async () => {
  await stack?.stop();
});

/** Which of the history's two accounts. */
type Who = 0 | 1;
type Op =
  | { kind: 'connect'; by: number; who: Who; key: string }
  | { kind: 'linkConnect'; by: number; who: Who }
  | { kind: 'reconnect'; by: number; who: Who; key: string }
  | { kind: 'check'; by: number; who: Who }
  | { kind: 'books'; by: number; who: Who }
  | { kind: 'booksChoice'; by: number; who: Who }
  | { kind: 'choose'; by: number; who: Who }
  | { kind: 'reuse'; by: number; who: Who }
  | { kind: 'refresh'; by: number; who: Who; wait: boolean }
  | { kind: 'startOver'; by: number; who: Who }
  | { kind: 'supportReset'; by: number; who: Who }
  | { kind: 'supportDelete'; by: number; who: Who }
  | { kind: 'sweep'; by: number };

const key = fc.constantFrom('AAAA', 'BBBB', 'CCCC', 'DDDD');
const by = fc.nat(1);
const who = fc.constantFrom<Who>(0, 1);
const plain = <K extends Op['kind']>(kind: K, weight: number) => ({ arbitrary: fc.record({ kind: fc.constant(kind), by, who }), weight });
const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('connect' as const), by, who, key }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('reconnect' as const), by, who, key }), weight: 3 },
  plain('linkConnect', 4),
  plain('check', 1),
  plain('books', 4),
  plain('booksChoice', 3),
  plain('choose', 3),
  plain('reuse', 2),
  { arbitrary: fc.record({ kind: fc.constant('refresh' as const), by, who, wait: fc.boolean() }), weight: 3 },
  plain('startOver', 2),
  plain('supportReset', 1),
  plain('supportDelete', 1),
  { arbitrary: fc.record({ kind: fc.constant('sweep' as const), by }), weight: 1 },
) as fc.Arbitrary<Op>;
const fault = fc.record({ kind: fc.constantFrom<Fault>('none', 'none', 'throttle', 'timeout', 'crash', 'stall'), at: fc.nat(3) });
/** A history: rounds of operations that run at once, each instance with the fault it was given for the round. */
const rounds = fc.array(fc.record({ ops: fc.array(op, { minLength: 1, maxLength: 3 }), faults: fc.tuple(fault, fault) }), { minLength: 1, maxLength: 6 });
/**
 * Where the two accounts start: fresh, both with their channels connected,
 * the first also with its books, or the first with a consent covering
 * several organisations waiting for the seller's choice.
 */
const start = fc.constantFrom('fresh' as const, 'channels' as const, 'books' as const, 'choice' as const);
const history = fc.record({ start, rounds });

/** A keys connection's record, made two days ago: its daily check is due. */
const keysRecord = (accountId: string) => consentRecord({ provider: 'walmart', kind: 'channel', sellerId, accountId, region: 'US', fields: {}, now: new Date(Date.now() - 2 * 24 * 3600_000) });
const creds = (k: string) => ({ clientId: `client-${k}`, clientSecret: `secret-${k}` });
const markerOf = (value: Record<string, string>) => value.clientId?.replace(/^client-/, '');
const REALM = 'model-realm';

/** A consent's tokens, as the QuickBooks sandbox issues them. */
function mintedTokens(): TokenSet {
  const t = ledger.mintGrant() as { access_token: string; refresh_token: string; expires_in: number; x_refresh_token_expires_in: number };
  const now = Date.now();
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    accessTokenExpiresAt: new Date(now + t.expires_in * 1000).toISOString(),
    refreshTokenExpiresAt: new Date(now + t.x_refresh_token_expires_in * 1000).toISOString(),
  };
}

/** The connect links made in this history, by the label of the keys they connect (each link its own). */
const links = new Map<string, { readonly id: string; readonly accountId: string }>();
let linkSeq = 0;

/** How each kind of operation ended over the run (printed at the end, so a reader sees the model did its work). */
const outcomes = new Map<string, number>();
const tally = (kind: string, how: string) => outcomes.set(`${kind} ${how}`, (outcomes.get(`${kind} ${how}`) ?? 0) + 1);

/** Runs an operation; a refusal or a failed dependency is an answer, anything else is a defect. */
async function run(o: Op, ids: readonly [string, string]): Promise<void> {
  try {
    await attempt(o, ids);
    tally(o.kind, 'answered');
  } catch (err) {
    if (process.env.MODEL_DEBUG) process.stderr.write(`${o.kind}: ${(err as Error)?.name} ${(err as Error)?.message}\n`);
    if (err instanceof AppError || err instanceof DependencyError) return void tally(o.kind, 'refused');
    if (['ConnectError', 'VersionConflictError', 'ConnectionGoneError', 'ThrottlingException'].includes((err as Error)?.name)) return void tally(o.kind, 'refused');
    throw err;
  }
}

/** Where a books operation can do something: the account it names, else the other one. */
const FITS: Partial<Record<Op['kind'], (rec: WizardRecord) => boolean>> = {
  books: (r) => r.step === 'connect_bookkeeping',
  booksChoice: (r) => r.step === 'connect_bookkeeping',
  choose: (r) => !!r.pendingBooks,
  reuse: (r) => r.step === 'connect_bookkeeping',
  refresh: (r) => r.connections.some((c) => c.kind === 'books'),
};

async function target(o: Exclude<Op, { kind: 'sweep' }>, ids: readonly [string, string]): Promise<string> {
  const fits = FITS[o.kind];
  if (!fits) return ids[o.who];
  const other = ids[1 - o.who]!;
  const rec = await instances[0]!.deps.accounts.load(sellerId, ids[o.who]);
  if (rec && fits(rec)) return ids[o.who];
  const alt = await instances[0]!.deps.accounts.load(sellerId, other);
  return alt && fits(alt) ? other : ids[o.who];
}

async function attempt(o: Op, ids: readonly [string, string]): Promise<void> {
  const { deps } = instances[o.by]!;
  const accountId = o.kind === 'sweep' ? '' : await target(o, ids);
  const load = () => deps.accounts.load(sellerId, accountId);
    switch (o.kind) {
      case 'connect': {
        const rec = await load();
        if (!rec) return;
        await completeStep(deps, sellerId, accountId, 'connect_channel', {
          expectedVersion: rec.version,
          loaded: rec,
          connection: { kind: 'channel', provider: 'walmart', label: o.key, credentials: creds(o.key) },
          record: keysRecord(accountId),
        });
        return;
      }
      case 'linkConnect': {
        // Someone with a connect link made just now connects the channel: the link is used, then the step completes.
        const rec = await load();
        if (!rec || rec.step !== 'connect_channel') return;
        const label = `L${++linkSeq}`;
        const now = new Date();
        const id = `model-link-${label}`.padEnd(43, '0');
        links.set(label, { id, accountId });
        await deps.invitations.create({ id, sellerId, accountId, step: 'channel', note: null, createdBy: 'model', createdAt: now.toISOString(), validUntil: Math.floor(now.getTime() / 1000) + 3600, state: 'issued' });
        await completeThroughLink(deps, { invitationId: id, sellerId, accountId, purpose: 'channel', startedOverAt: rec.startedOverAt }, now, () =>
          completeStep(deps, sellerId, accountId, 'connect_channel', {
            expectedVersion: rec.version,
            loaded: rec,
            viaInvitation: true,
            connection: { kind: 'channel', provider: 'walmart', label, credentials: creds(label) },
            record: keysRecord(accountId),
          }),
        );
        return;
      }
      case 'reconnect': {
        const rec = await load();
        const c = rec?.connections.find((x) => x.kind === 'channel');
        if (!rec || !c) return;
        await reconnectChannel(deps, rec, c, {
          credentials: creds(o.key),
          label: o.key,
          record: keysRecord(accountId),
        });
        return;
      }
      case 'check': {
        const c = (await load())?.connections.find((x) => x.kind === 'channel');
        if (c) await checkConnection(deps, c.secretName);
        return;
      }
      case 'books':
      case 'booksChoice': {
        const rec = await load();
        if (!rec || rec.step !== 'connect_bookkeeping') return;
        const choices = o.kind === 'booksChoice' ? [{ id: REALM, name: 'Model company' }, { id: 'other-realm', name: 'Other company' }] : undefined;
        await finishBooks(deps, sellerId, rec, quickbooks, mintedTokens(), { id: REALM, label: 'Model company', details: [], ...(choices ? { choices } : {}) });
        return;
      }
      case 'choose':
        await chooseOrganisation(deps, sellerId, accountId, REALM);
        return;
      case 'reuse':
        await connectBooks(deps, sellerId, accountId, { reuse: `quickbooks:${REALM}` });
        return;
      case 'refresh': {
        const c = (await load())?.connections.find((x) => x.kind === 'books');
        const op = inFlight.getStore();
        if (c && op) op.refreshing = c.secretName;
        if (c) await refreshConnection(deps, { secretName: c.secretName, needed: () => true, wait: o.wait });
        return;
      }
      case 'startOver':
        await startOver(deps, sellerId, accountId);
        return;
      case 'supportReset':
      case 'supportDelete':
        await reset(deps, { accountId }, { reason: 'model', operator: 'model', caller: 'model', delete: o.kind === 'supportDelete' });
        return;
      case 'sweep':
        await sweepOrphans(deps, { dryRun: false });
        return;
    }
}

/** Waits for an operation to answer, or to crash (it never will answer; its leases run out on their own). */
function settle(o: Op, ids: readonly [string, string]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    inFlight.run({ crashed: resolve }, () => run(o, ids).then(resolve, reject));
  });
}

const secretOf = async (name: string) => JSON.parse(((await stack.secrets.operations.GetSecretValue!({ SecretId: name })) as { SecretString: string }).SecretString) as Record<string, string>;

async function checkInvariants(ids: readonly [string, string], deleted: Set<string>, sweptClean: boolean): Promise<void> {
  const { deps } = instances[0]!;
  const recs = (await Promise.all(ids.map((id) => deps.accounts.load(sellerId, id)))).filter((r) => r !== undefined);
  const shown = new Set<string>();
  for (const rec of recs) {
    for (const c of rec.connections) {
      shown.add(c.secretName);
      // (a) the secret exists and holds the credentials the account shows.
      expect(stack.secrets.has(c.secretName), `the secret of the ${c.kind} connection shown (${c.label})`).toBe(true);
      const value = await secretOf(c.secretName);
      if (c.kind === 'channel') expect(markerOf(value), 'the keys the account shows').toBe(c.label);
      // (c) the books' refresh token is the one the sandbox would accept: no rotation was lost, but for a
      // refresher that crashed after the provider answered, whose loss the next refresh finds and reports.
      else if (!ledger.isCurrentRefreshToken(value.refreshToken ?? '')) {
        expect(lostToCrash.has(c.secretName), `the books' refresh token is current (${c.secretName})`).toBe(true);
        const next = await refreshConnection(instances[0]!.deps, { secretName: c.secretName, needed: () => true, wait: true });
        expect(next, 'a refresh token lost to a crash is found').toMatchObject({ outcome: 'refused' });
        expect((await instances[0]!.deps.connections.get(c.secretName))?.status).toBe('needs_reconnecting');
      }
    }
    if (rec.pendingBooks) shown.add(rec.pendingBooks.secretName);
  }
  // (e) a connect link is never given back while the connection made through it stands.
  for (const rec of recs) {
    for (const c of rec.connections) {
      const link = links.get(c.label);
      if (link) expect((await deps.invitations.get(link.id))?.state, `the link that connected ${c.label} was given back`).toBe('used');
    }
  }
  // (d) a deleted connection never comes back: once its secret is gone behind a tombstone, it stays gone.
  for (const n of deleted) expect(stack.secrets.has(n), `deleted ${n} came back`).toBe(false);
  const records = (await deps.connections.listAll()).filter((r) => ids.includes(r.accountId) || r.holders?.some((h) => ids.includes(h)));
  for (const r of records) if (r.deletedAt && !stack.secrets.has(r.secretName)) deleted.add(r.secretName);
  if (sweptClean) {
    // (b) after the sweep: every secret of theirs is one an account shows (or a books consent waiting for its
    // organisation), and every live record has its secret and is shown by each account holding it.
    const byName = new Map(records.map((r) => [r.secretName, r]));
    const mine = stack.secrets.names().filter((n) => ids.some((id) => n.startsWith(`onramp/${id}/`)) || (n.startsWith(`onramp/${booksOwner(sellerId)}/`) && byName.has(n)));
    for (const n of mine) expect(shown.has(n), `an orphaned secret ${n}`).toBe(true);
    for (const r of records.filter((x) => !x.deletedAt)) {
      expect(stack.secrets.has(r.secretName), 'a live connection without its secret').toBe(true);
      expect(shown.has(r.secretName), 'a live connection no account shows').toBe(true);
    }
  }
}

describe('the credentials under random interleavings with faults, across two function instances', () => {
  it(`never lose, resurrect or misattach a seller's credentials, over ${RUNS} histories`, async () => {
    let done = 0;
    await fc.assert(
      fc.asyncProperty(history, async ({ start, rounds }) => {
        if (++done % 500 === 0) process.stderr.write(`credential model: ${done} histories\n`);
        if (done % HISTORIES_PER_SELLER === 1 && done > 1) {
          seller = await newSeller(stack, 'Model seller');
          sellerId = (await seller.call('GET', '/api/me')).body.user.id as string;
        }
        const ids = [
          (await newAccount(seller, { name: 'Walmart US', channel: 'walmart', region: 'US' })).id as string,
          (await newAccount(seller, { name: 'Walmart US 2', channel: 'walmart', region: 'US' })).id as string,
        ] as const;
        const deleted = new Set<string>();
        if (start !== 'fresh') {
          await run({ kind: 'connect', by: 0, who: 0, key: 'AAAA' }, ids);
          await run({ kind: 'connect', by: 1, who: 1, key: 'BBBB' }, ids);
        }
        if (start === 'books') await run({ kind: 'books', by: 0, who: 0 }, ids);
        if (start === 'choice') await run({ kind: 'booksChoice', by: 0, who: 0 }, ids);
        for (const round of rounds) {
          instances.forEach((inst, i) => (inst.fault = { ...round.faults[i]!, calls: 0 }));
          await Promise.all(round.ops.map((o) => settle(o, ids)));
          instances.forEach((inst) => (inst.fault = { kind: 'none', at: 0, calls: 0 }));
          // A stalled holder wakes up after its lease ran out: let it finish before looking.
          if (round.faults.some((f) => f.kind === 'stall')) await new Promise((r) => setTimeout(r, LEASE_MS * 2 + 20));
          await checkInvariants(ids, deleted, false);
        }
        // Whatever crashed has let its leases run out; the sweep (no grace: nothing is in flight now) mends what it left.
        await new Promise((r) => setTimeout(r, LEASE_MS + 20));
        await sweepOrphans(instances[1]!.deps, { dryRun: false, graceMs: 0 });
        await checkInvariants(ids, deleted, true);
      }),
      { numRuns: RUNS, seed: SEED, ...(process.env.MODEL_PATH ? { path: process.env.MODEL_PATH } : {}) },
    );
    await settled(stack).catch(() => undefined);
    process.stdout.write(`credential model: ${[...outcomes].sort().map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
    // A replayed path runs its one history.
    process.stdout.write(`${process.env.MODEL_PATH ? 1 : RUNS} histories, 0 invariant violations\n`);
  }, 3 * 3600_000);
});
