/**
 * One refresher per connection at a time, against the local stack and the
 * Xero sandbox (whose refresh tokens rotate on every use): racing refreshers
 * make one refresh call; a lease holder that dies mid-refresh is taken over
 * once its lease runs out, without losing the connection; and a holder that
 * only stalled past its lease confirms it still holds it before writing, so
 * it never overwrites what a new holder wrote, nor loses its tokens to a
 * holder that wrote none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor } from '#shared/use-cases/books-gateway.js';
import { dynamoLeases } from '#shared/adapters/dynamo/connection-records.js';
import { dynamoClient } from '#shared/adapters/aws.js';
import { accessTokenNeeded, refreshConnection, type RefreshDeps } from '#shared/use-cases/health/refresh.js';
import { XERO_SANDBOX_TENANTS } from '#local/sandboxes/xero/index.js';
import { connectedAccount, refresherInstance, secretOf, secretValue, tokenCalls } from '#local/health-helpers.js';
import { newSeller, withStack, type Client } from '#local/test-helpers.js';
import { TABLE_NAME, type LocalStack } from '#local/stack.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await withStack();
});
afterAll(async () => {
  await stack?.stop();
});

const [DEMO] = XERO_SANDBOX_TENANTS;
/** Past the access token's 30 minutes: every refresher sees it expired. */
const LATER = 40 * 60_000;
const xeroRefreshes = () => tokenCalls(stack, 'identity.xero.com', '/connect/token');

async function xeroConnection(): Promise<{ c: Client; id: string; ref: { provider: string; identity: string; secretName: string } }> {
  const c = await newSeller(stack);
  const id = await connectedAccount(c, { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, 'xero');
  const sellerId = (await c.call('GET', '/api/me')).body.user.id as string;
  return { c, id, ref: { provider: 'xero', identity: DEMO.tenantId, secretName: secretOf(stack, sellerId, id, 'books') } };
}

/** The stored refresh token is the latest: the provider takes it, and the chart loads. */
async function expectStillValid(c: Client, id: string, secretName: string) {
  expect((await c.call('GET', `/api/accounts/${id}/books/chart`)).status).toBe(200);
  const check = await refreshConnection(refresherInstance(stack), { secretName, needed: () => true, wait: true });
  expect(check.outcome).toBe('refreshed');
}

describe('the refresh lease', () => {
  it('lets one owner hold it, takes it from a holder whose lease ran out, and is released only by its owner', async () => {
    const leases = dynamoLeases(dynamoClient(), TABLE_NAME);
    const name = `test-${Date.now()}`;
    expect(await leases.acquire(name, 'a', 1_000, 10_000)).toBe(true);
    expect(await leases.acquire(name, 'b', 1_000, 10_500)).toBe(false);
    await leases.release(name, 'b');
    expect(await leases.acquire(name, 'b', 1_000, 10_900)).toBe(false);
    expect(await leases.acquire(name, 'b', 1_000, 11_000)).toBe(true);
    await leases.release(name, 'a');
    expect(await leases.acquire(name, 'a', 1_000, 11_500)).toBe(false);
    await leases.release(name, 'b');
    expect(await leases.acquire(name, 'a', 1_000, 11_600)).toBe(true);
  });

  it('is confirmed (and extended) only by the owner that last wrote it, even after it ran out, and never once another took it over', async () => {
    const leases = dynamoLeases(dynamoClient(), TABLE_NAME);
    const name = `test-confirm-${Date.now()}`;
    expect(await leases.acquire(name, 'a', 1_000, 10_000)).toBe(true);
    expect(await leases.confirm(name, 'b', 11_000, 1_000, 10_500)).toBe(false);
    // Extended to a whole lease from now: another cannot take it at its first expiry.
    expect(await leases.confirm(name, 'a', 11_000, 1_000, 10_500)).toBe(true);
    expect(await leases.acquire(name, 'b', 1_000, 11_000)).toBe(false);
    // Ran out, and nobody took it: still a's.
    expect(await leases.confirm(name, 'a', 11_500, 1_000, 12_000)).toBe(true);
    // Ran out, and b took it: a has lost it.
    expect(await leases.acquire(name, 'b', 1_000, 13_000)).toBe(true);
    expect(await leases.confirm(name, 'a', 13_000, 1_000, 13_100)).toBe(false);
    // Given back: nothing to confirm.
    await leases.release(name, 'b');
    expect(await leases.confirm(name, 'b', 14_000, 1_000, 13_200)).toBe(false);
  });
});

/** A refresher instance whose refresh answers from `tokenUrl` are held, once received, until `release()` (the process stalls). */
function stallingAfterAnswers(deps: RefreshDeps, tokenUrl: string) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const fetch = async (url: string, init?: RequestInit) => {
    const res = await deps.http.fetch(url, init);
    if (url.includes(tokenUrl)) await gate;
    return res;
  };
  return { deps: { ...deps, http: { ...deps.http, fetch } }, release };
}

const stallingAfterXeroAnswers = (deps: RefreshDeps) => stallingAfterAnswers(deps, 'identity.xero.com/connect/token');

describe('refreshers racing on one rotating refresh token', () => {
  it.each([
    ['in one process (one instance, two requests)', () => {
      const one = refresherInstance(stack, { offsetMs: LATER });
      return [one, one] as const;
    }],
    ['across two function instances (each its own clients)', () => [refresherInstance(stack, { offsetMs: LATER }), refresherInstance(stack, { offsetMs: LATER })] as const],
  ])('make exactly one refresh call to Xero %s, and the connection stays valid', async (_where, instances) => {
    const { c, id, ref } = await xeroConnection();
    const [a, b] = instances();
    const before = xeroRefreshes();
    const tokens = await Promise.all([accessTokenFor(a, ref), accessTokenFor(b, ref), accessTokenFor(a, ref), accessTokenFor(b, ref)]);
    expect(xeroRefreshes() - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect((await secretValue(stack, ref.secretName)).accessToken).toBe(tokens[0]);
    await expectStillValid(c, id, ref.secretName);
  });
});

describe('a refresher that stalls past its lease after Xero rotated the refresh token', () => {
  it('finds another holder took over, writes nothing over the tokens it stored, and uses them', async () => {
    const { c, id, ref } = await xeroConnection();
    const leaseMs = 400;
    const stalled = stallingAfterXeroAnswers(refresherInstance(stack, { offsetMs: LATER, leaseMs }));
    const other = refresherInstance(stack, { offsetMs: LATER, leaseMs });
    const before = xeroRefreshes();
    const first = accessTokenFor(stalled.deps, ref);
    while (xeroRefreshes() === before) await new Promise((r) => setTimeout(r, 5));

    // The stalled holder's lease runs out; another refresher takes over, refreshes (within Xero's grace) and stores its tokens.
    const second = await accessTokenFor(other, ref);
    const stored = await secretValue(stack, ref.secretName);
    expect(stored.accessToken).toBe(second);
    stalled.release();
    // The stalled holder wakes with tokens Xero gave it: it has lost the lease, so it keeps its hands off the secret.
    expect(await first).toBe(second);
    expect(await secretValue(stack, ref.secretName)).toEqual(stored);
    expect(xeroRefreshes() - before).toBe(2);
    await expectStillValid(c, id, ref.secretName);
  });

  it('writes its tokens when its lease ran out but nobody took it over (they are then the newest there are)', async () => {
    await expectTokensKeptAfterStall(async () => undefined);
  });
});

describe('a refresher that stalls past its lease while another holder takes it and writes no tokens', () => {
  it('keeps the tokens the provider gave it (the secret still holds the refresh token they replace), and makes no second refresh', async () => {
    // A Start over of another account sharing these books takes the lease to let go of them, and writes no tokens.
    const leases = dynamoLeases(dynamoClient(), TABLE_NAME);
    await expectTokensKeptAfterStall(async (secretName, leaseMs) => {
      expect(await leases.acquire(secretName, 'letting-go', leaseMs, Date.now() + LATER)).toBe(true);
      await leases.release(secretName, 'letting-go');
    });
  });
});

describe('a refresher that stalls past its lease with a provider that keeps its refresh token (Login with Amazon)', () => {
  it('leaves the newer tokens of the holder that took over (its refresh token still works, and nothing was lost)', async () => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    const sellerId = (await c.call('GET', '/api/me')).body.user.id as string;
    const secretName = secretOf(stack, sellerId, id, 'channel');
    const leaseMs = 300;
    const lwaRefreshes = () => tokenCalls(stack, 'api.amazon.com', '/auth/o2/token');
    const stalled = stallingAfterAnswers(refresherInstance(stack, { offsetMs: LATER, leaseMs }), 'api.amazon.com/auth/o2/token');
    const other = refresherInstance(stack, { offsetMs: LATER, leaseMs });
    // Each wants a token other than the one the secret holds now (as a page whose call it refused does).
    const needed = accessTokenNeeded(60_000, (await secretValue(stack, secretName)).accessToken);
    const before = lwaRefreshes();
    const first = refreshConnection(stalled.deps, { secretName, needed, wait: true });
    while (lwaRefreshes() === before) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, leaseMs * 2));
    expect((await refreshConnection(other, { secretName, needed, wait: true })).outcome).toBe('refreshed');
    const stored = await secretValue(stack, secretName);
    stalled.release();
    await first;
    expect(await secretValue(stack, secretName)).toEqual(stored);
  });
});

/**
 * A refresher stalls after Xero answered until its lease has run out, `meanwhile` runs, and it wakes: its
 * tokens are in the secret, and Xero was asked once (never again with the refresh token it had just retired).
 */
async function expectTokensKeptAfterStall(meanwhile: (secretName: string, leaseMs: number) => Promise<void>) {
  const { c, id, ref } = await xeroConnection();
  const leaseMs = 300;
  const stalled = stallingAfterXeroAnswers(refresherInstance(stack, { offsetMs: LATER, leaseMs }));
  const before = xeroRefreshes();
  const old = (await secretValue(stack, ref.secretName)).refreshToken;
  const first = accessTokenFor(stalled.deps, ref);
  while (xeroRefreshes() === before) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, leaseMs * 2));
  await meanwhile(ref.secretName, leaseMs);
  stalled.release();
  const token = await first;
  const stored = await secretValue(stack, ref.secretName);
  expect(stored.accessToken).toBe(token);
  expect(stored.refreshToken).not.toBe(old);
  expect(xeroRefreshes() - before).toBe(1);
  await expectStillValid(c, id, ref.secretName);
}

describe('a refresher that dies holding the lease', () => {
  it('is taken over once its lease runs out, and no token is lost', async () => {
    const { c, id, ref } = await xeroConnection();
    const leaseMs = 400;
    const healthy = refresherInstance(stack, { offsetMs: LATER, leaseMs });
    // The first holder's process stops after Xero answered, before the secret was written: its lease is never given back.
    const dying = refresherInstance(stack, { offsetMs: LATER, leaseMs });
    const stopped: RefreshDeps = { ...dying, secrets: { ...dying.secrets, put: () => new Promise<boolean>(() => undefined) } };
    const before = xeroRefreshes();
    const old = (await secretValue(stack, ref.secretName)).refreshToken;
    void accessTokenFor(stopped, ref);
    while (xeroRefreshes() === before) await new Promise((r) => setTimeout(r, 5));

    const started = Date.now();
    const token = await accessTokenFor(healthy, ref);
    // The second refresher waited for the lease to run out, then refreshed with the token still stored (within Xero's grace period).
    expect(Date.now() - started).toBeGreaterThanOrEqual(leaseMs - 100);
    expect(xeroRefreshes() - before).toBe(2);
    const stored = await secretValue(stack, ref.secretName);
    expect(stored.accessToken).toBe(token);
    expect(stored.refreshToken).not.toBe(old);
    await expectStillValid(c, id, ref.secretName);
  });
});

describe('a page that needs a token', () => {
  it('judges a live token by the secret alone: it reads no connection record and takes no lease', async () => {
    const touched: string[] = [];
    const refuse = (what: string) => async () => {
      touched.push(what);
      throw new Error(`${what} should not be needed`);
    };
    const deps = {
      secrets: { read: async () => ({ accessToken: 'live', accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString() }) },
      connections: { get: refuse('record'), put: refuse('record'), replace: refuse('record') },
      leases: { acquire: refuse('lease'), release: refuse('lease') },
    } as unknown as RefreshDeps;
    expect(await refreshConnection(deps, { secretName: 'onramp/x/books', needed: accessTokenNeeded(60_000), wait: true })).toEqual({ outcome: 'fresh', accessToken: 'live' });
    expect(touched).toEqual([]);
  });
});
