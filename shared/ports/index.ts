/**
 * The ports: what the use cases need from the world, as interfaces. The core
 * (use cases, rules) imports only these and the typed errors; the adapters
 * (`shared/adapters/`) implement them on AWS and translate its errors.
 */
import type { ConnectionRecord, ConsentRecord } from '../domain/health.js';
import type { Account, AccountEvent, Session, User, WizardRecord } from '../domain/model.js';
import type { WaitingStep } from '../domain/wizard.js';

export interface AccountStore {
  /** Stores a new account, with the audit event that records it in the same write; throws if the id is already in use. */
  create(account: Account | WizardRecord, event?: AccountEvent): Promise<void>;
  get(sellerId: string, accountId: string): Promise<Account | undefined>;
  list(sellerId: string): Promise<Account[]>;
  addEvent(sellerId: string, event: AccountEvent): Promise<void>;
  listEvents(sellerId: string, accountId: string): Promise<AccountEvent[]>;
}

export interface Change {
  readonly set?: Record<string, unknown>;
  readonly remove?: readonly string[];
  /** The audit events that record the change: written in the same transaction, so none is written for a change refused. */
  readonly events?: readonly AccountEvent[];
  /** What the change does to connection records (a new connection's, or which connections the account holds), in the same transaction. */
  readonly records?: readonly RecordChange[];
}

/**
 * A change to connection records written with an account's change (see
 * `use-cases/credentials.ts`): a new connection's record (only if its
 * secret's name is new), the account holding an existing connection (only
 * while it is live: otherwise the change throws `ConnectionGoneError`), or
 * letting go of one it held.
 */
export type RecordChange =
  | { readonly create: ConsentRecord }
  | { readonly hold: string; readonly accountId: string }
  | { readonly letGo: string; readonly accountId: string };

export interface WizardStore extends AccountStore {
  load(sellerId: string, accountId: string): Promise<WizardRecord | undefined>;
  /** The account and the seller's other accounts, in one consistent read (to spot the same identity connected twice). */
  loadWithOthers(sellerId: string, accountId: string): Promise<{ account: WizardRecord | undefined; others: Account[] }>;
  /** Finds an account by id alone (support, the task function). */
  findById(accountId: string): Promise<WizardRecord | undefined>;
  /** The seller an account id belongs or belonged to, from its account item or its audit trail. */
  ownerOf(accountId: string): Promise<string | undefined>;
  /** Every account (support's list of stuck setups); pages through the table. */
  scanAccounts(): Promise<WizardRecord[]>;
  /**
   * Applies `change` and bumps the version, only if the item is still at
   * `expectedVersion`; returns the item as it was before. Throws VersionConflictError.
   * `rec` is the item as this request read it: a change with events or
   * records is written as one transaction, which cannot return the item as
   * it was, so the write is made conditional on `rec`'s task token too (the
   * one thing that changes without a new version), and read again only when
   * the task function recorded a token meanwhile.
   */
  apply(rec: WizardRecord, expectedVersion: number, change: Change, at: string): Promise<WizardRecord>;
  /** Deletes the account item, only if it is still at `expectedVersion`. */
  remove(rec: Pick<WizardRecord, 'sellerId' | 'id'>, expectedVersion: number): Promise<void>;
}

export interface WizardTaskStore {
  /** Records the token if the execution is still current; the account after, or undefined. */
  recordToken(input: { sellerId: string; accountId: string; executionArn: string; step: WaitingStep; taskToken: string }): Promise<Account | undefined>;
  /** Ends the current execution as paused; false when it was no longer current or not running. */
  endExecution(input: { sellerId: string; accountId: string; executionArn: string; step: WaitingStep }, at: string, failure: string | null): Promise<boolean>;
}

export interface WizardInput {
  readonly accountId: string;
  readonly sellerId: string;
  readonly startAt: WaitingStep;
}

export interface ExecutionPort {
  /** The ARN an execution of this name will have (so the account can name it before it starts). */
  arnFor(name: string): string;
  start(name: string, input: WizardInput): Promise<void>;
  /** Stops an execution; one that has ended or never started is fine. */
  stop(executionArn: string): Promise<void>;
  isRunning(executionArn: string): Promise<boolean>;
  sendSuccess(taskToken: string, output: unknown): Promise<void>;
}

/**
 * The secret store, through which only `use-cases/credentials.ts` (the
 * credentials' one owner) and the readers of tokens go. Secrets Manager has
 * no conditional write, so the owner's rules (a new name per consent, writes
 * under the connection's lease) are what keep two writers apart.
 */
export interface SecretPort {
  /** The name of a secret of an owner (an account, or a seller's books): `kind` says which. */
  nameFor(ownerId: string, kind: string): string;
  /** Creates a secret; throws `SecretExistsError` when the name is taken (never replaces one). */
  create(name: string, value: Record<string, string>, tags: { accountId: string; sellerId: string }): Promise<void>;
  /** Replaces the value of an existing secret; false when there is no such secret (it is never created here). */
  put(name: string, value: Record<string, string>): Promise<boolean>;
  /** Reads a secret (only the functions that talk to providers may). */
  read(name: string): Promise<Record<string, string>>;
  /** Deletes one secret at once (no recovery window); a missing one is fine. */
  remove(name: string): Promise<void>;
  /** The names of an account's own secrets. */
  listForAccount(accountId: string): Promise<string[]>;
  /** Every connection secret, with when it was created (the orphan sweep). */
  listAll(): Promise<{ name: string; createdAt: string }[]>;
}

/** A session as listed for its seller: its id is the hash of its token, never the token. */
export interface SessionEntry extends Session {
  readonly id: string;
}

export interface SessionStore {
  create(token: string, session: Session): Promise<void>;
  /** The session for a token, as stored; expiry is the caller's to judge (TTL deletion is lazy). */
  find(token: string): Promise<Session | undefined>;
  /** Records that the session was used at `nowSeconds` (nothing if it is gone). */
  touch(token: string, nowSeconds: number): Promise<void>;
  delete(token: string): Promise<void>;
  /** Every session of a seller, live or not, read consistently (one started a moment ago is listed). */
  listForUser(userId: string): Promise<SessionEntry[]>;
  /** Ends one of the seller's sessions, by its id (as listed). */
  deleteById(userId: string, id: string): Promise<void>;
}

/**
 * What a function serving one seller's account adds to its session store: the
 * session read with that account, in one round trip (the auth function, which
 * has no such route, goes without it).
 */
export interface SessionAccountReads {
  /**
   * The session for a token and, in the same round trip, the account
   * `accountId` of the seller the token names (and the connection records
   * named in `records`): the account (or null, when that seller has no such
   * account) and the records (null for a name without one) only when the
   * session found is that seller's; both are absent when not read (a token
   * naming no seller).
   */
  findWithAccount(
    token: string,
    accountId: string,
    records?: readonly string[],
  ): Promise<{ session: Session | undefined; account?: WizardRecord | null; records?: ReadonlyMap<string, ConnectionRecord | null> }>;
  /**
   * The session for a token and, in the same request, all the accounts of
   * the seller the token names, oldest first: given only when the session
   * found is that seller's (absent otherwise).
   */
  findWithAccounts(token: string): Promise<{ session: Session | undefined; accounts?: Account[] }>;
}
export type SessionStoreWithAccounts = SessionStore & SessionAccountReads;

export interface UserStore {
  /** Stores the user; false when the email is already taken. */
  create(user: User): Promise<boolean>;
  /** Stores a new user with their first session, in one write; false (and nothing written) when the email is already taken. */
  createSignedIn(user: User, token: string, session: Session): Promise<boolean>;
  findByEmail(email: string): Promise<User | undefined>;
  /** Replaces the password hash if it is still `from`; false when it changed meanwhile. */
  replacePasswordHash(email: string, from: string, to: string): Promise<boolean>;
}

/** A consent in flight: what the `state` sent to the provider stands for. Kept server-side, single-use, short-lived. */
export interface PendingConsent {
  readonly sellerId: string;
  readonly accountId: string;
  readonly provider: string;
  readonly purpose: 'channel' | 'books' | 'reconnect';
  /** For a reconnect: which of the account's connections the consent replaces the credentials of. */
  readonly connectionKind?: 'channel' | 'books';
  /** The PKCE verifier, where the provider takes PKCE. */
  readonly codeVerifier?: string;
  /** A consent started from a connect link (an invitation's id): bound to it, not to a session. */
  readonly invitationId?: string;
  /** Epoch seconds after which the state is refused. */
  readonly expiresAt: number;
}

/** Why a state was not taken. */
export type StateRefusal = 'unknown' | 'expired' | 'other_seller' | 'other_provider';

export interface ConsentStateStore {
  /** Records a pending consent under its state (stored only as a hash). */
  put(state: string, pending: PendingConsent): Promise<void>;
  /**
   * Takes the pending consent for `state` if it belongs to `sellerId` and
   * `provider` and has not expired, deleting it so it cannot be used again.
   */
  take(state: string, sellerId: string, provider: string, nowSeconds: number): Promise<PendingConsent | StateRefusal>;
  /** Takes a pending consent started from a connect link (one with an `invitationId`) for `provider`, unexpired; deleting it. */
  takeInvited(state: string, provider: string, nowSeconds: number): Promise<PendingConsent | StateRefusal>;
}

/** An app's credentials with one provider (in the cloud: one Secrets Manager secret per provider app). */
export interface AppCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Amazon's SP-API application id (`amzn1.sp.solution…`). */
  readonly applicationId?: string;
  /** TikTok Shop's Service ID. */
  readonly serviceId?: string;
  /** eBay's RuName. */
  readonly ruName?: string;
}

export interface AppCredentialStore {
  get(provider: string): Promise<AppCredentials>;
}

/**
 * Calls to providers. The adapter maps provider URLs to the sandboxes when
 * configured, applies a timeout, and throws `ProviderUnavailableError` when
 * the provider cannot be reached in time.
 */
export interface ProviderHttp {
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** Where a provider URL is served for the seller's browser (the provider itself, or its local sandbox). */
  locate(url: string): string;
}

/** An answer from a seller's own store (WooCommerce). */
export interface StoreResponse {
  readonly status: number;
  /** The URL that answered (after any redirect followed). */
  readonly url: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Requests to sellers' own stores, behind the SSRF guard: only https public
 * addresses (checked again after every redirect, and the connection pinned
 * to the address checked). Throws `StoreRequestError`.
 */
export interface StoreHttp {
  get(url: string, options?: { readonly headers?: Readonly<Record<string, string>>; readonly followRedirects?: boolean; readonly signal?: AbortSignal }): Promise<StoreResponse>;
}

/**
 * Where a one-click key creation stands. `issued`: the seller was sent to the
 * store. `posted`: the store posted keys that work on it, staged in a secret
 * of their own, waiting for the seller's browser to come back. `confirmed`:
 * the seller's browser came back (with the session that started it) before
 * the keys, so the store's post completes directly. `refused`: a browser
 * without that session came back first, or the seller denied, so a later
 * post is refused.
 */
/** `taken`: decided (the keys went to the account, or were discarded); kept until it expires, so a late return or post finds it decided. */
export type PendingKeysState = 'issued' | 'posted' | 'confirmed' | 'refused' | 'taken';

/** Posted keys, as the pending record keeps them until the seller comes back: the staged secret's name and what the account will show (never a key). */
export interface PostedKeys {
  /** The secret the keys were staged in (`freshSecretName`), named by no account yet. */
  readonly secretName: string;
  readonly label: string;
  readonly identity?: string;
  readonly details?: readonly { readonly label: string; readonly value: string }[];
}

/** A one-click WooCommerce key creation in flight: what the `user_id` sent to the store stands for. Single-use, short-lived. */
export interface PendingKeys {
  readonly sellerId: string;
  readonly accountId: string;
  readonly provider: string;
  /** The store the keys must work on (its base URL), as checked when the seller started. */
  readonly storeUrl: string;
  /** Whether the store URL came with this request (the account had none), to be saved on the account. */
  readonly storeUrlIsNew: boolean;
  /** `reconnect`: the keys replace those of the account's existing connection (absent: they connect it). */
  readonly purpose?: 'reconnect';
  /** Started from a connect link (the invitation's id): its holder's return decides, and the link is used as the keys land. */
  readonly invitationId?: string;
  /** Epoch seconds after which the record is refused (also the table's TTL). */
  readonly expiresAt: number;
  /** Where it stands (absent when written: `issued`). */
  readonly state?: PendingKeysState;
  /** With `posted`: the keys the store posted, staged. */
  readonly posted?: PostedKeys;
}

/**
 * The pending one-click key creations, under their `user_id` (stored only as
 * a hash). Every change of state is one conditional write on the state it
 * moves from, so two requests racing (two returns, a return and the store's
 * post) decide once.
 */
export interface PendingKeysStore {
  /** Records a pending key creation, `issued`. */
  put(userId: string, pending: PendingKeys): Promise<void>;
  /** The pending record for `userId`, read consistently and left as it is. */
  get(userId: string, nowSeconds: number): Promise<PendingKeys | 'unknown' | 'expired'>;
  /** Moves an unexpired record from `from` to `to` (with the posted keys for `posted`); false when it was not at `from` (or is gone). */
  move(userId: string, from: PendingKeysState, to: Exclude<PendingKeysState, 'issued' | 'taken'>, nowSeconds: number, posted?: PostedKeys): Promise<boolean>;
  /**
   * Moves an unexpired record at `from` to `to` (`taken`: the account is
   * taking the keys; `refused`: they were discarded), answering
   * it as it was; undefined when another request took or moved it first.
   */
  take(userId: string, from: PendingKeysState, nowSeconds: number, to?: 'taken' | 'refused'): Promise<PendingKeys | undefined>;
}

/** Refused: how long until the window ends, and (from `hitAll`) which key refused. */
export type AttemptVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number; readonly key?: string };

export interface AttemptCounter {
  /**
   * Counts one attempt against `key`, in a window of `windowSeconds` that
   * starts with the first attempt. When `limit` attempts are already counted
   * in the live window, counts nothing and says how long until it ends.
   */
  hit(key: string, limit: number, windowSeconds: number, nowSeconds: number): Promise<AttemptVerdict>;
  /**
   * `hit` on each key in turn, stopping at the first that refuses (the
   * later ones are then not counted). When every key has a live window with
   * room, or none yet (the usual case), all are counted in one write.
   */
  hitAll(checks: readonly (readonly [key: string, limit: number])[], windowSeconds: number, nowSeconds: number): Promise<AttemptVerdict>;
  /** Forgets the attempts against `key` (a successful sign-in clears its email's count). */
  clear(key: string): Promise<void>;
}

/**
 * A connect link (an invitation): someone without an Onramp login connects
 * one step of a seller's account. Its token is never stored: the item is
 * keyed by the token's sha256, which is also the invitation's id.
 */
export interface Invitation {
  /** The token's sha256 (base64url): names the invitation to its seller; the token cannot be had from it. */
  readonly id: string;
  readonly sellerId: string;
  readonly accountId: string;
  /** Which step the link connects. */
  readonly step: 'channel' | 'books';
  readonly note: string | null;
  /** Who made it (the seller's email). */
  readonly createdBy: string;
  readonly createdAt: string;
  /** Epoch seconds after which the link connects nothing. */
  readonly validUntil: number;
  /** As stored (`expired` is read from `validUntil`). */
  readonly state: 'issued' | 'used' | 'revoked';
  readonly usedAt?: string;
  readonly revokedAt?: string;
}

export interface InvitationStore {
  /** Records a new invitation under its token's hash (the item's id). */
  create(invitation: Invitation): Promise<void>;
  /** The invitation, read consistently by its id (the token's hash). */
  get(id: string): Promise<Invitation | undefined>;
  /** An account's invitations, newest first. */
  listForAccount(sellerId: string, accountId: string): Promise<Invitation[]>;
  /** Moves an `issued` invitation of this seller's account to `revoked`; false when it was not issued (or not theirs). */
  revoke(sellerId: string, accountId: string, id: string, at: string): Promise<boolean>;
  /**
   * Uses an `issued`, unexpired invitation (one conditional write: of two users exactly one wins), made after
   * `madeAfter` when given (the account's last start over); false otherwise.
   */
  use(id: string, nowSeconds: number, at: string, madeAfter?: string | null): Promise<boolean>;
  /** Gives back a use whose connection did not land (`used` at `at` → `issued`). */
  release(id: string, at: string): Promise<void>;
}
