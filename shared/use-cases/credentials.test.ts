/**
 * The credentials' owner, specified by what broke before it existed: two
 * submissions for one account, a refresh in flight during Start over, and a
 * refresh in flight during a new books consent. Each case sequences the
 * racing writers exactly (a gate holds one writer at the point that mattered)
 * on the local stack, with a refresher as a separate function instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv, wizardEnv } from '#shared/runtime/config.js';
import { AppError } from '#shared/domain/errors.js';
import { refreshConnection, type RefreshDeps } from '#shared/use-cases/health/refresh.js';
import { wizardDeps } from '#functions/deps.js';
import { connectBooks, connectedAccount, refresherInstance, secretOf, secretValue } from '#local/health-helpers.js';
import { newAccount, newSeller, settled, until, withStack } from '#local/test-helpers.js';
import type { LocalStack } from '#local/stack.js';
import { completeStep, reconnectChannel, type WizardDeps } from './wizard/steps.js';
import { sweepOrphans } from './credentials.js';

let stack: LocalStack;
let deps: WizardDeps;
beforeAll(async () => {
  stack = await withStack();
  deps = wizardDeps(parseEnv(wizardEnv()));
});
afterAll(async () => {
  await stack?.stop();
});

const ownSecrets = (accountId: string) => stack.secrets.names().filter((n) => n.startsWith(`onramp/${accountId}/`));

/** A refresher instance whose secret writes wait at a gate until the test opens it. */
function gatedRefresher(leaseMs: number): { refresher: RefreshDeps; reached: Promise<void>; open: () => void } {
  const base = refresherInstance(stack, { leaseMs });
  let open!: () => void;
  let reach!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const reached = new Promise<void>((r) => (reach = r));
  const held = <A extends unknown[], R>(write: (...a: A) => Promise<R>) => async (...a: A) => {
    reach();
    await gate;
    return write(...a);
  };
  // Whatever method a refresh writes the secret with is held at the gate.
  const secrets = Object.fromEntries(
    Object.entries(base.secrets).map(([k, v]) => [k, k === 'put' || k === 'save' ? held(v as (...a: unknown[]) => Promise<unknown>) : v]),
  ) as unknown as RefreshDeps['secrets'];
  return { refresher: { ...base, secrets }, reached, open };
}

describe('two submissions for one account', () => {
  it('leave the account showing the winner\u2019s credentials in its secret, and nothing of the loser\u2019s', async () => {
    const c = await newSeller(stack);
    const a = await newAccount(c, { name: 'Walmart US', channel: 'walmart', region: 'US' });
    await settled(stack);
    const sellerId = (await c.call('GET', '/api/me')).body.user.id as string;
    const seen = (await deps.accounts.load(sellerId, a.id))!;
    const keys = (k: string) => ({ kind: 'channel' as const, provider: 'walmart', label: `Walmart: key \u2026${k}`, credentials: { clientId: `client-${k}`, clientSecret: `secret-${k}` } });
    // The first tab wins; the second, from the page it showed (the same version), comes second.
    await completeStep(deps, sellerId, a.id, 'connect_channel', { expectedVersion: seen.version, connection: keys('AAAA') });
    const second = await completeStep(deps, sellerId, a.id, 'connect_channel', { expectedVersion: seen.version, loaded: seen, connection: keys('BBBB') }).catch((e: unknown) => e);
    expect((second as AppError).status).toBe(409);

    const account = (await deps.accounts.load(sellerId, a.id))!;
    const [connection] = account.connections;
    expect(connection!.label).toBe('Walmart: key \u2026AAAA');
    expect(await secretValue(stack, connection!.secretName)).toEqual({ clientId: 'client-AAAA', clientSecret: 'secret-AAAA' });
    expect(ownSecrets(a.id)).toEqual([connection!.secretName]);
  });

  it('at once: one wins, its credentials are the ones stored, and the loser leaves no secret', async () => {
    const c = await newSeller(stack);
    const a = await newAccount(c, { name: 'Walmart US', channel: 'walmart', region: 'US' });
    await settled(stack);
    const sellerId = (await c.call('GET', '/api/me')).body.user.id as string;
    const seen = (await deps.accounts.load(sellerId, a.id))!;
    const results = await Promise.allSettled(
      ['AAAA', 'BBBB'].map((k) =>
        completeStep(deps, sellerId, a.id, 'connect_channel', {
          expectedVersion: seen.version,
          loaded: seen,
          connection: { kind: 'channel', provider: 'walmart', label: k, credentials: { clientId: `client-${k}`, clientSecret: `secret-${k}` } },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [connection] = (await deps.accounts.load(sellerId, a.id))!.connections;
    expect((await secretValue(stack, connection!.secretName)).clientId).toBe(`client-${connection!.label}`);
    expect(ownSecrets(a.id)).toEqual([connection!.secretName]);
  });
});

describe('a refresh in flight during Start over', () => {
  it('never brings the deleted credentials back, nor keeps refreshing them', async () => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, { name: 'eBay', channel: 'ebay' });
    const sellerId = (await c.call('GET', '/api/me')).body.user.id as string;
    const secretName = secretOf(stack, sellerId, id, 'channel');
    // The refresher got new tokens from eBay and stalls, past its lease, before writing them.
    const { refresher, reached, open } = gatedRefresher(300);
    const refreshing = refreshConnection(refresher, { secretName, needed: () => true, wait: true });
    await reached;
    const over = await c.call('POST', `/api/accounts/${id}/start-over`, {});
    expect(over.status).toBe(200);
    expect(stack.secrets.has(secretName)).toBe(false);
    open();
    const outcome = await refreshing;
    expect(['gone', 'busy']).toContain(outcome.outcome);
    // Deleted, and stays deleted: no secret, a tombstone, and nothing left for the refresher to do.
    expect(stack.secrets.has(secretName)).toBe(false);
    const record = await refresher.connections.get(secretName);
    expect(record?.deletedAt).toBeDefined();
    const due = await refresher.connections.due(new Date(Date.now() + 400 * 24 * 3600_000).toISOString(), 1000);
    expect(due.map((r) => r.secretName)).not.toContain(secretName);
    expect((await refreshConnection(refresher, { secretName, needed: () => true, wait: true })).outcome).toBe('gone');
    expect(stack.secrets.has(secretName)).toBe(false);
  });
});

describe('a refresh in flight during a new books consent', () => {
  it('never overwrites the new grant\u2019s tokens with the old grant\u2019s', async () => {
    const c = await newSeller(stack);
    const sellerId = (await c.call('GET', '/api/me')).body.user.id as string;
    // The first account's books (Xero's demo organisation) are being refreshed...
    await connectedAccount(c, { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, 'xero');
    const first = secretOf(stack, sellerId, '', 'books');
    const { refresher, reached, open } = gatedRefresher(15_000);
    const refreshing = refreshConnection(refresher, { secretName: first, needed: () => true, wait: true });
    await reached;
    // ...while a second account connects the same organisation with a consent of its own.
    const second = await connectedAccount(c, { name: 'Amazon UK', channel: 'amazon', region: 'europe' });
    await connectBooks(c, second, 'xero');
    const account = (await deps.accounts.load(sellerId, second))!;
    const books = account.connections.find((x) => x.kind === 'books')!;
    const granted = await secretValue(stack, books.secretName);
    open();
    expect((await refreshing).outcome).toBe('refreshed');
    expect(await secretValue(stack, books.secretName)).toEqual(granted);
  });
});

describe('the orphan sweep', () => {
  it('reports a secret no connection names, and deletes it only once its grace period is over', async () => {
    const name = deps.secrets.nameFor('orphan-account', 'channel-staged');
    await deps.secrets.create(name, { k: 'v' }, { accountId: 'orphan-account', sellerId: 's' });
    const dry = await sweepOrphans(deps, { dryRun: false });
    expect(dry.secretsWithoutConnection.find((s) => s.name === name)).toMatchObject({ deleted: false });
    expect(stack.secrets.has(name)).toBe(true);
    const swept = await sweepOrphans(deps, { dryRun: false, graceMs: 0 });
    expect(swept.secretsWithoutConnection.find((s) => s.name === name)).toMatchObject({ deleted: true });
    expect(stack.secrets.has(name)).toBe(false);
    expect((await deps.connections.get(name))?.deletedAt).toBeDefined();
  });
});

describe('a reconnect that stops between its two writes', () => {
  it('leaves the account showing the keys its secret holds; the new keys are an orphan the sweep deletes', async () => {
    const c = await newSeller(stack);
    const a = await newAccount(c, { name: 'Walmart US', channel: 'walmart', region: 'US' });
    await settled(stack);
    const sellerId = (await c.call('GET', '/api/me')).body.user.id as string;
    const keys = (k: string) => ({ clientId: `client-${k}`, clientSecret: `secret-${k}` });
    await completeStep(deps, sellerId, a.id, 'connect_channel', { connection: { kind: 'channel', provider: 'walmart', label: 'AAAA', credentials: keys('AAAA') } });
    const before = (await deps.accounts.load(sellerId, a.id))!;
    const old = before.connections[0]!;
    // The function instance dies as it writes the account: the call never answers.
    const dying: WizardDeps = { ...deps, accounts: { ...deps.accounts, apply: () => new Promise(() => undefined) } };
    const stopped = reconnectChannel(dying, before, old, {
      credentials: keys('BBBB'),
      label: 'BBBB',
      record: { provider: 'walmart', kind: 'channel', sellerId, accountId: a.id, region: 'US', fields: {}, status: 'connected', connectedAt: new Date().toISOString(), updatedAt: new Date().toISOString() },
    });
    await until('the new keys are staged', async () => ownSecrets(a.id).length === 2);
    void stopped;

    const after = (await deps.accounts.load(sellerId, a.id))!;
    expect(after.connections[0]).toMatchObject({ label: 'AAAA', secretName: old.secretName });
    expect(await secretValue(stack, old.secretName)).toEqual(keys('AAAA'));
    const staged = ownSecrets(a.id).find((n) => n !== old.secretName)!;
    expect(await secretValue(stack, staged)).toEqual(keys('BBBB'));
    const report = await sweepOrphans(deps, { dryRun: false, graceMs: 0 });
    expect(report.secretsWithoutConnection).toContainEqual(expect.objectContaining({ name: staged, deleted: true }));
    expect(ownSecrets(a.id)).toEqual([old.secretName]);
  });
});
