import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '#local/test-table.js';
import { dynamoAttemptCounter, type AttemptCounter } from '../adapters/dynamo/attempts.js';
import { dynamoSessionStoreWithAccounts } from '../adapters/dynamo/session-accounts.js';
import type { SessionStoreWithAccounts } from '../ports/index.js';
import type { UserStore } from '../adapters/dynamo/users.js';
import type { User } from '../domain/model.js';
import { hashPassword, verifyPassword } from '../runtime/password.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_AUTH_LIMITS, callerSession, requireSession, requireSessionWithAccount, requireSessionWithAccounts, signIn, signOut, signOutEverywhere, signUp, type AuthDeps } from './auth.js';

const LOW = { N: 2 ** 14, r: 8, p: 1 };
const HIGHER = { N: 2 ** 15, r: 8, p: 1 };

function memoryUsers(users: User[]): UserStore & { byEmail: Map<string, User> } {
  const byEmail = new Map(users.map((u) => [u.email, u]));
  return {
    byEmail,
    create: async (u) => !byEmail.has(u.email) && Boolean(byEmail.set(u.email, u)),
    createSignedIn: async (u, token, session) => {
      if (byEmail.has(u.email)) return false;
      byEmail.set(u.email, u);
      await sessions.create(token, session);
      return true;
    },
    findByEmail: async (email) => byEmail.get(email),
    replacePasswordHash: async (email, from, to) => {
      const u = byEmail.get(email);
      if (!u || u.passwordHash !== from) return false;
      byEmail.set(email, { ...u, passwordHash: to });
      return true;
    },
  };
}

let table: TestTable;
// With the account reads: the sessions of the functions that serve accounts (auth's own store is the same less those).
let sessions: SessionStoreWithAccounts;
beforeAll(async () => {
  table = await startTestTable();
  sessions = dynamoSessionStoreWithAccounts(table.db, table.tableName);
});
afterAll(async () => {
  await table.stop();
});
const attempts: AttemptCounter = { hit: async () => ({ allowed: true }), hitAll: async () => ({ allowed: true }), clear: async () => undefined };
const caller = { client: '192.0.2.1' };

describe('signIn', () => {
  it('replaces a hash made at a lower cost with one at the current cost, once the password is right', async () => {
    const user: User = { id: '0b8f3c9e-4a51-4c1e-9d7a-2f6b8e1c5a01', name: 'Ada', email: 'ada@example.com', passwordHash: await hashPassword('a long enough passphrase', LOW), createdAt: '2026-01-01T00:00:00.000Z' };
    const users = memoryUsers([user]);
    const deps: AuthDeps = { users, sessions, attempts, sessionTtlHours: 1, passwordCost: HIGHER };

    await expect(signIn(deps, { email: 'ada@example.com', password: 'wrong passphrase' }, caller)).rejects.toThrow(/do not match/);
    expect(users.byEmail.get('ada@example.com')!.passwordHash).toBe(user.passwordHash);

    await signIn(deps, { email: 'ada@example.com', password: 'a long enough passphrase' }, caller);
    const upgraded = users.byEmail.get('ada@example.com')!.passwordHash;
    expect(upgraded.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('a long enough passphrase', upgraded)).toBe(true);

    await signIn(deps, { email: 'ada@example.com', password: 'a long enough passphrase' }, caller);
    expect(users.byEmail.get('ada@example.com')!.passwordHash).toBe(upgraded);
  });
});

describe('sessions', () => {
  /** Deps with a clock the test moves, in seconds. */
  function clocked(extra: Partial<AuthDeps & { sessions: SessionStoreWithAccounts }> = {}) {
    let t = 1_800_000_000;
    const deps: AuthDeps & { sessions: SessionStoreWithAccounts } = {
      users: memoryUsers([]),
      sessions,
      attempts,
      sessionTtlHours: 24,
      sessionIdleMinutes: 30,
      passwordCost: LOW,
      now: () => new Date(t * 1000),
      ...extra,
    };
    return { deps, advance: (seconds: number) => (t += seconds) };
  }
  let n = 0;
  const signUpAs = (deps: AuthDeps) => signUp(deps, { name: 'Ada', email: `ada${n++}@example.com`, password: 'a long enough passphrase' }, caller);

  it('ends a session unused for longer than the idle timeout, though its absolute end is far off', async () => {
    const { deps, advance } = clocked();
    const { token } = await signUpAs(deps);
    advance(29 * 60);
    await requireSession(deps, token);
    advance(29 * 60);
    await requireSession(deps, token);
    advance(31 * 60);
    await expect(requireSession(deps, token)).rejects.toThrow(/sign in/);
  });

  it('ends a session at its absolute end, however active', async () => {
    const { deps, advance } = clocked({ sessionTtlHours: 1 });
    const { token } = await signUpAs(deps);
    for (let i = 0; i < 3; i++) {
      advance(20 * 60);
      if (i < 2) await requireSession(deps, token);
    }
    await expect(requireSession(deps, token)).rejects.toThrow(/sign in/);
  });

  it('keeps at most maxSessions live sessions per seller, ending the oldest', async () => {
    const { deps, advance } = clocked({ maxSessions: 3 });
    const users = deps.users as ReturnType<typeof memoryUsers>;
    const first = await signUpAs(deps);
    const email = first.user.email;
    const tokens = [first.token];
    for (let i = 0; i < 4; i++) {
      advance(1);
      tokens.push((await signIn(deps, { email, password: 'a long enough passphrase' }, caller)).token);
    }
    expect(users.byEmail.size).toBe(1);
    const results = await Promise.all(tokens.map((t) => requireSession(deps, t).then(() => 'live', () => 'ended')));
    expect(results).toEqual(['ended', 'ended', 'live', 'live', 'live']);
  });

  it('signs out everywhere: every session of the seller ends, and other sellers’ stay', async () => {
    const { deps } = clocked();
    const a = await signUpAs(deps);
    const a2 = await signIn(deps, { email: a.user.email, password: 'a long enough passphrase' }, caller);
    const b = await signUpAs(deps);
    await signOutEverywhere(deps, await requireSession(deps, a.token), a.token);
    await expect(requireSession(deps, a.token)).rejects.toThrow();
    await expect(requireSession(deps, a2.token)).rejects.toThrow();
    await expect(requireSession(deps, b.token)).resolves.toMatchObject({ userId: b.user.id });
  });

  it('gives the seller\u2019s accounts with a live session only: an idle or signed-out one is a 401, and nothing read with it is given', async () => {
    const { deps, advance } = clocked();
    const { token, user } = await signUpAs(deps);
    await table.db.send(new PutCommand({ TableName: table.tableName, Item: { pk: `SELLER#${user.id}`, sk: 'ACCOUNT#acct-listed', entity: 'account', id: 'acct-listed', sellerId: user.id, name: 'Listed', channel: 'ebay', step: 'connect_channel', status: 'active', version: 1, connections: [], createdAt: 't', updatedAt: 't' } }));
    expect((await requireSessionWithAccounts(deps, token)).accounts?.map((a) => a.name)).toEqual(['Listed']);
    advance(13 * 3600);
    await expect(requireSessionWithAccounts(deps, token)).rejects.toThrow(/sign in/);
    const again = await signIn(deps, { email: user.email, password: 'a long enough passphrase' }, caller);
    await signOut(deps, again.token);
    await expect(requireSessionWithAccounts(deps, again.token)).rejects.toThrow(/sign in/);
    await expect(requireSessionWithAccounts(deps, undefined)).rejects.toThrow(/sign in/);
  });

  describe('with the account, in one round trip', () => {
    /** An account item of the seller, as the account store writes it. */
    const accountOf = async (sellerId: string) => {
      const id = `acct-${n++}`;
      await table.db.send(new PutCommand({ TableName: table.tableName, Item: { pk: `SELLER#${sellerId}`, sk: `ACCOUNT#${id}`, id, sellerId, name: 'Shop', channel: 'ebay', step: 'connect_channel', status: 'active', version: 1, connections: [], createdAt: 't', updatedAt: 't' } }));
      return id;
    };

    it('gives the seller\u2019s account with a live session, and another seller\u2019s id as none', async () => {
      const { deps } = clocked();
      const a = await signUpAs(deps);
      const b = await signUpAs(deps);
      const own = await accountOf(a.user.id);
      const theirs = await accountOf(b.user.id);
      const mine = await requireSessionWithAccount(deps, a.token, own);
      expect(mine.session.userId).toBe(a.user.id);
      expect(mine.account).toMatchObject({ id: own, sellerId: a.user.id });
      expect((await requireSessionWithAccount(deps, a.token, theirs)).account).toBeNull();
    });

    it('refuses a session idle too long, expired or signed out with a 401, and never gives its account', async () => {
      const { deps, advance } = clocked();
      const idle = await signUpAs(deps);
      const idleAccount = await accountOf(idle.user.id);
      advance(31 * 60);
      await expect(requireSessionWithAccount(deps, idle.token, idleAccount)).rejects.toThrow(/sign in/);
      const out = await signUpAs(deps);
      const outAccount = await accountOf(out.user.id);
      await signOut(deps, out.token);
      await expect(requireSessionWithAccount(deps, out.token, outAccount)).rejects.toThrow(/sign in/);
    });

    it('lets a provider\u2019s redirect read the session when it knows the account: the claimed seller at once, signed out as undefined', async () => {
      const { deps } = clocked();
      const a = await signUpAs(deps);
      const own = await accountOf(a.user.id);
      const caller = callerSession(deps, a.token);
      expect(caller.claimedSeller).toBe(a.user.id);
      expect((await caller.resolve(own)).account).toMatchObject({ id: own });
      await signOut(deps, a.token);
      expect(await caller.resolve(own)).toEqual({ session: undefined });
      expect(callerSession(deps, undefined)).toMatchObject({ hasToken: false, claimedSeller: undefined });
      expect(callerSession(deps, 'an-older-random-token').claimedSeller).toBeUndefined();
    });
  });
});

describe('sign-in limits', () => {
  const PASSWORD = 'the owner\u2019s passphrase';
  const limits = { ...DEFAULT_AUTH_LIMITS, signInPerEmailAndClient: 4, signInPerEmailAndClientUnderAttack: 2, signInPerEmail: 12, signInPerClient: 6 };
  let n = 0;
  /** A seller whose email no earlier test touched, and deps counting attempts in the real table. */
  async function owner() {
    const email = `owner${++n}@example.com`;
    const user: User = { id: randomUUID(), name: 'Owner', email, passwordHash: await hashPassword(PASSWORD, LOW), createdAt: '2026-01-01T00:00:00.000Z' };
    const deps: AuthDeps = { users: memoryUsers([user]), sessions, attempts: dynamoAttemptCounter(table.db, table.tableName), limits, sessionTtlHours: 1, passwordCost: LOW };
    const attempt = (client: string, password = 'a wrong guess') => signIn(deps, { email, password }, { client }).then(() => 'in', (err: Error & { status?: number }) => (err.status === 429 ? err.message : 'wrong'));
    return { email, attempt };
  }
  const net = (i: number) => `198.51.100.${n * 10 + i}`;

  it('never lets wrong passwords from other networks lock the owner out', async () => {
    const { attempt } = await owner();
    // More wrong passwords than the email's ceiling, from seven networks.
    for (let i = 0; i < 14; i++) expect(await attempt(net(1 + (i % 7)))).toBe('wrong');
    expect(await attempt(net(9), PASSWORD)).toBe('in');
  });

  it('refuses one network\u2019s guesses at one email past its limit, saying what happened', async () => {
    const { attempt } = await owner();
    for (let i = 0; i < 4; i++) expect(await attempt(net(1))).toBe('wrong');
    expect(await attempt(net(1), PASSWORD)).toBe('Too many sign-in attempts for this email from your network. To keep your account safe, please wait 15 minutes and try again.');
  });

  it('counts an IPv6 client by its /64: new addresses in it are the same client', async () => {
    const { attempt } = await owner();
    const results: string[] = [];
    for (let i = 1; i <= 5; i++) results.push(await attempt(`2001:db8:${n}:1::${i.toString(16)}`));
    expect(results.slice(0, 4)).toEqual(['wrong', 'wrong', 'wrong', 'wrong']);
    expect(results[4]).toMatch(/^Too many sign-in attempts for this email from your network\./);
    // Another /64 is another client.
    expect(await attempt(`2001:db8:${n}:2::1`)).toBe('wrong');
  });

  it('counts a network trying many emails by its /64 too', async () => {
    const results: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { attempt } = await owner();
      results.push(await attempt(`2001:db8:ffff:0::${(i + 1).toString(16)}`));
    }
    expect(results.slice(0, 6).every((r) => r === 'wrong')).toBe(true);
    expect(results[6]).toBe('Too many sign-in attempts from your network. Please wait 15 minutes and try again.');
  });

  it('slows guessing from many networks at one email: past the email\u2019s ceiling each network gets fewer tries, and the owner still gets in', async () => {
    const { attempt } = await owner();
    // 12 guesses from 6 networks fill the email's ceiling.
    for (let i = 0; i < 12; i++) expect(await attempt(net(1 + (i % 6)))).toBe('wrong');
    // A new network now gets the stricter limit for this email, and is told why it was stopped.
    expect(await attempt(net(7))).toBe('wrong');
    expect(await attempt(net(7))).toBe('wrong');
    expect(await attempt(net(7))).toMatch(/^Many wrong passwords have been tried for this email from other networks, so fewer attempts are allowed from each one for now\. To keep your account safe, please wait \d+ minutes? and try again\.$/);
    // The owner, from a network of their own, is slowed, never shut out.
    expect(await attempt(net(8), PASSWORD)).toBe('in');
  });
});
