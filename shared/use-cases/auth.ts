/** Sign-up, sign-in, sign-out and session lookup. */
import { randomUUID } from 'node:crypto';
import type { AttemptCounter } from '../ports/index.js';
import { clientNetwork } from '../runtime/client-network.js';
import type { SessionStore, SessionStoreWithAccounts, UserStore } from '../ports/index.js';
import { TooManyRequestsError, UnauthorizedError, ValidationError } from '../domain/errors.js';
import type { ConnectionRecord } from '../domain/health.js';
import type { Account, Session, User, WizardRecord } from '../domain/model.js';
import { dummyHash, hashPassword, needsRehash, PASSWORD_COST, verifyPassword, type ScryptCost } from '../runtime/password.js';
import type { LoginRequest, SignupRequest, UserView } from '../http/schemas.js';
import { newSessionToken, sellerOfToken } from '../runtime/session-token.js';

/**
 * How many sign-in and sign-up attempts may be made in a window. A client is
 * its network (`clientNetwork`: an IPv6 client is its /64).
 *
 * Sign-in is counted per email and client together: wrong passwords from
 * elsewhere never lock the owner out. Per email alone there is a looser
 * ceiling that slows rather than blocks: once that many attempts were made
 * on one email in the window (someone is guessing from many networks), each
 * network gets the stricter `signInPerEmailAndClientUnderAttack` for that
 * email until the window ends.
 */
export interface AuthLimits {
  readonly windowSeconds: number;
  readonly signInPerEmailAndClient: number;
  readonly signInPerEmailAndClientUnderAttack: number;
  readonly signInPerEmail: number;
  readonly signInPerClient: number;
  readonly signUpPerEmail: number;
  readonly signUpPerClient: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  windowSeconds: 15 * 60,
  signInPerEmailAndClient: 10,
  signInPerEmailAndClientUnderAttack: 3,
  signInPerEmail: 100,
  signInPerClient: 100,
  signUpPerEmail: 5,
  signUpPerClient: 20,
};

export interface AuthDeps {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly attempts: AttemptCounter;
  readonly limits?: AuthLimits;
  readonly sessionTtlHours: number;
  /** A session unused for this long ends, however long it had left. */
  readonly sessionIdleMinutes?: number;
  /** At most this many live sessions per seller: a new one ends the oldest. */
  readonly maxSessions?: number;
  /** The scrypt cost of new hashes; lower only in tests. */
  readonly passwordCost?: ScryptCost;
  readonly now?: () => Date;
}

/** Who is asking: the client's address, as the edge saw it (limits count its network, `clientNetwork`). */
export interface Caller {
  readonly client: string;
}

export interface SignedIn {
  readonly user: UserView;
  /** The session token for the cookie; it is returned to the browser only, never stored or logged. */
  readonly token: string;
  readonly maxAgeSeconds: number;
}

const nowSeconds = (deps: Pick<AuthDeps, 'now'>) => Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);

const view = (u: User): UserView => ({ id: u.id, name: u.name, email: u.email });

export const DEFAULT_SESSION_IDLE_MINUTES = 12 * 60;
export const DEFAULT_MAX_SESSIONS = 10;

const isLive = (s: Session, now: number) => s.expiresAt > now && s.lastSeenAt + s.idleSeconds > now;

/** A new session for the seller: its token (naming the seller, see `session-token.ts`) and what is stored under its hash. */
function newSession(deps: AuthDeps, user: User): { token: string; session: Session; maxAgeSeconds: number } {
  const maxAgeSeconds = deps.sessionTtlHours * 3600;
  const now = nowSeconds(deps);
  const idleSeconds = Math.min(maxAgeSeconds, (deps.sessionIdleMinutes ?? DEFAULT_SESSION_IDLE_MINUTES) * 60);
  return {
    token: newSessionToken(user.id),
    session: { userId: user.id, email: user.email, expiresAt: now + maxAgeSeconds, createdAt: now, lastSeenAt: now, idleSeconds },
    maxAgeSeconds,
  };
}

async function startSession(deps: AuthDeps, user: User): Promise<SignedIn> {
  const { token, session, maxAgeSeconds } = newSession(deps, user);
  await deps.sessions.create(token, session);
  await endSurplusSessions(deps, user.id, session.createdAt);
  return { user: view(user), token, maxAgeSeconds };
}

/** Ends the seller's sessions that are over (idle or expired) and, beyond the newest `maxSessions` live ones, the oldest. */
async function endSurplusSessions(deps: AuthDeps, userId: string, now: number): Promise<void> {
  const all = await deps.sessions.listForUser(userId);
  const live = all.filter((s) => isLive(s, now)).sort((a, b) => b.createdAt - a.createdAt);
  const ended = [...all.filter((s) => !isLive(s, now)), ...live.slice(deps.maxSessions ?? DEFAULT_MAX_SESSIONS)];
  for (const s of ended) await deps.sessions.deleteById(userId, s.id);
}

const waitFor = (seconds: number) => {
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
};

/**
 * Counts one attempt against each key, the client's first (one network
 * trying many emails), and refuses with a 429 once any is over its limit
 * (the keys after it are then not counted).
 */
async function limitSignUps(deps: AuthDeps, checks: readonly (readonly [key: string, limit: number])[]): Promise<void> {
  const windowSeconds = (deps.limits ?? DEFAULT_AUTH_LIMITS).windowSeconds;
  const verdict = await deps.attempts.hitAll(checks, windowSeconds, nowSeconds(deps));
  if (!verdict.allowed) {
    throw new TooManyRequestsError(`Too many sign-up attempts. Please wait ${waitFor(verdict.retryAfterSeconds)} and try again.`, verdict.retryAfterSeconds);
  }
}

const signInKeys = (email: string, client: string) => ({
  client: `signin:client:${client}`,
  email: `signin:email:${email}`,
  pair: `signin:pair:${client}|${email}`,
});

/**
 * Sign-in's limits (see `AuthLimits`): the network, the email's ceiling and
 * the email from this network, in one write when all have room. Each refusal
 * says in a sentence what happened.
 */
async function limitSignIns(deps: AuthDeps, email: string, client: string): Promise<void> {
  const limits = deps.limits ?? DEFAULT_AUTH_LIMITS;
  const keys = signInKeys(email, client);
  const now = nowSeconds(deps);
  const verdict = await deps.attempts.hitAll(
    [
      [keys.client, limits.signInPerClient],
      [keys.email, limits.signInPerEmail],
      [keys.pair, limits.signInPerEmailAndClient],
    ],
    limits.windowSeconds,
    now,
  );
  if (verdict.allowed) return;
  const wait = waitFor(verdict.retryAfterSeconds);
  if (verdict.key === keys.client) {
    throw new TooManyRequestsError(`Too many sign-in attempts from your network. Please wait ${wait} and try again.`, verdict.retryAfterSeconds);
  }
  if (verdict.key === keys.email) {
    // Someone is guessing this email's password from many networks: each network gets fewer tries, none is shut out.
    const strict = await deps.attempts.hit(keys.pair, limits.signInPerEmailAndClientUnderAttack, limits.windowSeconds, now);
    if (strict.allowed) return;
    throw new TooManyRequestsError(
      `Many wrong passwords have been tried for this email from other networks, so fewer attempts are allowed from each one for now. To keep your account safe, please wait ${waitFor(strict.retryAfterSeconds)} and try again.`,
      strict.retryAfterSeconds,
    );
  }
  throw new TooManyRequestsError(`Too many sign-in attempts for this email from your network. To keep your account safe, please wait ${wait} and try again.`, verdict.retryAfterSeconds);
}

/** Creates a seller and signs them in; a taken email is a 400 on `email` and writes nothing. */
export async function signUp(deps: AuthDeps, req: SignupRequest, caller: Caller): Promise<SignedIn> {
  const limits = deps.limits ?? DEFAULT_AUTH_LIMITS;
  await limitSignUps(deps, [
    [`signup:client:${clientNetwork(caller.client)}`, limits.signUpPerClient],
    [`signup:email:${req.email}`, limits.signUpPerEmail],
  ]);
  const user: User = {
    id: randomUUID(),
    name: req.name,
    email: req.email,
    passwordHash: await hashPassword(req.password, deps.passwordCost ?? PASSWORD_COST),
    createdAt: (deps.now?.() ?? new Date()).toISOString(),
  };
  // The seller and their first session in one write. A new seller has no other session to end.
  const { token, session, maxAgeSeconds } = newSession(deps, user);
  if (!(await deps.users.createSignedIn(user, token, session))) {
    throw new ValidationError('That email already has an Onramp login. Sign in instead.', {
      email: 'That email already has an Onramp login. Sign in instead, or use another email.',
    });
  }
  return { user: view(user), token, maxAgeSeconds };
}

/** Signs a seller in; a wrong email or password gets the same answer, in the same time. */
export async function signIn(deps: AuthDeps, req: LoginRequest, caller: Caller): Promise<SignedIn> {
  const client = clientNetwork(caller.client);
  await limitSignIns(deps, req.email, client);
  const user = await deps.users.findByEmail(req.email);
  const cost = deps.passwordCost ?? PASSWORD_COST;
  const ok = await verifyPassword(req.password, user?.passwordHash ?? (await dummyHash(cost)));
  if (!user || !ok) throw new UnauthorizedError('That email and password do not match. Check them and try again.');
  if (needsRehash(user.passwordHash, cost)) {
    // The one moment the password is known: store it again at today's cost (unless it changed meanwhile).
    await deps.users.replacePasswordHash(user.email, user.passwordHash, await hashPassword(req.password, cost));
  }
  // The seller got in: their earlier typos, from this network, no longer count (the email's ceiling still does).
  await deps.attempts.clear(signInKeys(req.email, client).pair);
  return startSession(deps, user);
}

export async function signOut(deps: AuthDeps, token: string | undefined): Promise<void> {
  if (token) await deps.sessions.delete(token);
}

/** Ends every session of the signed-in seller, this one included ("Sign out everywhere"). */
export async function signOutEverywhere(deps: Pick<AuthDeps, 'sessions'>, session: Session, token: string): Promise<void> {
  // The index may miss a session started a moment ago; this one, at least, is ended by its key.
  await deps.sessions.delete(token);
  for (const s of await deps.sessions.listForUser(session.userId)) await deps.sessions.deleteById(session.userId, s.id);
}

/**
 * The live session for a cookie token, or a 401: past its absolute end, or
 * unused for longer than its idle timeout, a session is over. Use is
 * recorded at most every few minutes, not on every request.
 */
export async function requireSession(deps: Pick<AuthDeps, 'sessions' | 'now'>, token: string | undefined): Promise<Session> {
  const session = token ? await deps.sessions.find(token) : undefined;
  return live(deps, token, session);
}

/** The session if it is live (a 401 if not), its use recorded every few minutes. */
async function live(deps: Pick<AuthDeps, 'sessions' | 'now'>, token: string | undefined, session: Session | undefined): Promise<Session> {
  const now = nowSeconds(deps);
  if (!token || !session || !isLive(session, now)) throw new UnauthorizedError();
  const touchEvery = Math.min(300, Math.floor(session.idleSeconds / 10));
  if (now - session.lastSeenAt >= touchEvery) {
    await deps.sessions.touch(token, now);
    return { ...session, lastSeenAt: now };
  }
  return session;
}

/** The sessions of a function that serves one seller's account, which it reads with the session. */
type WithAccountReads = Pick<AuthDeps, 'now'> & { readonly sessions: SessionStoreWithAccounts };

/**
 * `requireSession` for a request about one account: the session and the
 * seller's account `accountId` (and the connection records named in
 * `records`), read in one round trip when the token names its seller. They
 * are given only once the session is known live and that seller's (the
 * account `null`: the seller has no such account; absent: not read, for the
 * caller to load as usual). A session signed out, expired or idle is a 401
 * as ever, and nothing read with it is returned.
 */
export async function requireSessionWithAccount(
  deps: WithAccountReads,
  token: string | undefined,
  accountId: string,
  records: readonly string[] = [],
): Promise<{ session: Session; account?: WizardRecord | null; records?: ReadonlyMap<string, ConnectionRecord | null> }> {
  if (!token) throw new UnauthorizedError();
  const found = await deps.sessions.findWithAccount(token, accountId, records);
  const session = await live(deps, token, found.session);
  if (found.account === undefined) return { session };
  // Records belong to the account: given only with it, and only the account's own ones count (see getAccount).
  return { session, account: found.account, ...(found.records && found.account ? { records: found.records } : {}) };
}

/**
 * `requireSession` for the list of a seller's accounts: the session and all
 * the accounts of the seller the token names, read in one request, the
 * accounts given only once the session is known live and that seller's.
 */
export async function requireSessionWithAccounts(deps: WithAccountReads, token: string | undefined): Promise<{ session: Session; accounts?: Account[] }> {
  if (!token) throw new UnauthorizedError();
  const found = await deps.sessions.findWithAccounts(token);
  const session = await live(deps, token, found.session);
  return found.accounts ? { session, accounts: found.accounts } : { session };
}

export async function whoAmI(deps: Pick<AuthDeps, 'users'>, session: Session): Promise<UserView> {
  const user = await deps.users.findByEmail(session.email);
  if (!user || user.id !== session.userId) throw new UnauthorizedError();
  return view(user);
}

/**
 * The session of a request that may come from a signed-out browser (a
 * provider's redirect back), resolved when the use case is ready: the seller
 * the token claims is known at once, and the session is read, with that
 * seller's account when named, in one round trip.
 */
export interface CallerSession {
  /** Whether the request carried a session token at all. */
  readonly hasToken: boolean;
  /** The seller the token names: a claim, proven only by `resolve` (undefined: no token, or one naming no seller). */
  readonly claimedSeller: string | undefined;
  /** The live session (undefined: signed out), with the account `accountId` of its seller when asked; a store failure throws. */
  resolve(accountId?: string): Promise<{ session: Session | undefined; account?: WizardRecord | null }>;
}

export function callerSession(deps: WithAccountReads, token: string | undefined): CallerSession {
  return {
    hasToken: !!token,
    claimedSeller: token ? sellerOfToken(token) : undefined,
    async resolve(accountId) {
      try {
        return accountId ? await requireSessionWithAccount(deps, token, accountId) : { session: await requireSession(deps, token) };
      } catch (err) {
        // No live session is "signed out"; a session store that failed is not.
        if (err instanceof UnauthorizedError) return { session: undefined };
        throw err;
      }
    },
  };
}
