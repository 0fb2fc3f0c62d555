/** Sign-up, sign-in, sign-out and session lookup. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SessionStore, UserStore } from '../ports.js';
import { UnauthorizedError, ValidationError } from '../errors.js';
import type { Session, User } from '../model.js';
import { dummyHash, hashPassword, verifyPassword } from '../password.js';
import type { LoginRequest, SignupRequest, UserView } from '../schemas.js';

export interface AuthDeps {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly sessionTtlHours: number;
  readonly now?: () => Date;
}

export interface SignedIn {
  readonly user: UserView;
  /** The session token for the cookie; it is returned to the browser only, never stored or logged. */
  readonly token: string;
  readonly maxAgeSeconds: number;
}

const view = (u: User): UserView => ({ id: u.id, name: u.name, email: u.email });

async function startSession(deps: AuthDeps, user: User): Promise<SignedIn> {
  const token = randomBytes(32).toString('base64url');
  const maxAgeSeconds = deps.sessionTtlHours * 3600;
  const now = Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);
  await deps.sessions.create(token, { userId: user.id, email: user.email, expiresAt: now + maxAgeSeconds });
  return { user: view(user), token, maxAgeSeconds };
}

/** Creates a seller and signs them in; a taken email is a 400 on `email` and writes nothing. */
export async function signUp(deps: AuthDeps, req: SignupRequest): Promise<SignedIn> {
  const user: User = {
    id: randomUUID(),
    name: req.name,
    email: req.email,
    passwordHash: await hashPassword(req.password),
    createdAt: (deps.now?.() ?? new Date()).toISOString(),
  };
  if (!(await deps.users.create(user))) {
    throw new ValidationError('That email already has an Onramp login. Sign in instead.', {
      email: 'That email already has an Onramp login. Sign in instead, or use another email.',
    });
  }
  return startSession(deps, user);
}

/** Signs a seller in; a wrong email or password gets the same answer, in the same time. */
export async function signIn(deps: AuthDeps, req: LoginRequest): Promise<SignedIn> {
  const user = await deps.users.findByEmail(req.email);
  const ok = await verifyPassword(req.password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) throw new UnauthorizedError('That email and password do not match. Check them and try again.');
  return startSession(deps, user);
}

export async function signOut(deps: AuthDeps, token: string | undefined): Promise<void> {
  if (token) await deps.sessions.delete(token);
}

/** The session for a cookie token, or a 401. */
export async function requireSession(deps: Pick<AuthDeps, 'sessions' | 'now'>, token: string | undefined): Promise<Session> {
  const now = Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);
  const session = token ? await deps.sessions.find(token, now) : undefined;
  if (!session) throw new UnauthorizedError();
  return session;
}

export async function whoAmI(deps: Pick<AuthDeps, 'users'>, session: Session): Promise<UserView> {
  const user = await deps.users.findByEmail(session.email);
  if (!user || user.id !== session.userId) throw new UnauthorizedError();
  return view(user);
}
