/**
 * Connecting a keys channel (Walmart, WooCommerce). The keys are checked
 * with the provider before anything is stored; keys that pass go to the
 * account's channel secret (through `completeStep`, which also moves the
 * wizard on), and keys that do not leave everything as it was, with one
 * sentence for the seller. WooCommerce can also create the keys itself:
 * the seller approves Onramp at their store, which POSTs the new keys to
 * our callback, matched by a single-use, short-lived `user_id`; keys that
 * work on the store are held, staged, until the seller's own browser comes
 * back through the return leg with the session that started it (see
 * `receivePostedKeys` and `finishKeysReturn`).
 *
 * Stored keys start the connection's daily check (`health/check.ts`): keys
 * never expire, so the scheduled refresher makes one authenticated call a
 * day to find out whether the seller regenerated or revoked them. Reconnect
 * (keys pasted again, or WooCommerce's one click again) makes the new keys a
 * connection of their own that takes the old one's place (`reconnectChannel`),
 * and the account keeps its step, its mapping and its history.
 */
import { randomBytes } from 'node:crypto';
import { findChannel } from '../../providers/catalog.js';
import { checkWalmartKeys } from '../../providers/walmart/keys.js';
import { checkWooKeys, findStore, type WooStore } from '../../providers/woocommerce/keys.js';
import type { KeyConnection } from '../../connectors/keys.js';
import { AppError, ConflictError, DependencyError, NotFoundError, ServiceUnavailableError, ValidationError } from '../../domain/errors.js';
import type { ConnectErrorCode } from '../../domain/connect-errors.js';
import type { ConnectionRecordStore, LeaseStore } from '../../ports/health.js';
import { consentRecord } from '../health/record.js';
import { KeyCheckError, KeysNotConnectedError, type KeyCheckCode } from '../../domain/key-errors.js';
import { keyMessage, type KeyMessageContext } from '../../domain/key-messages.js';
import type { ChannelConnectRequest, PostedKeysRequest } from '../../http/key-schemas.js';
import { logger } from '../../runtime/logger.js';
import type { PendingKeys, PendingKeysStore, PostedKeys, ProviderHttp, StoreHttp } from '../../ports/index.js';
import { findRegion } from '../../providers/index.js';
import type { ApiKeysProvider, KeyField } from '../../providers/types.js';
import { walmart } from '../../providers/walmart/definition.js';
import { woocommerce } from '../../providers/woocommerce/definition.js';
import type { AccountView } from '../../http/schemas.js';
import { PATH_PARAMS } from '../../http/routes.js';
import { normaliseStoreUrl } from '../../domain/store-url.js';
import type { Connection, WizardRecord } from '../../domain/model.js';
import { accountView } from '../../http/views.js';
import { getAccount } from '../accounts.js';
import type { CallerSession } from '../auth.js';
import { discardStaged, freshSecretName, stageCredentials } from '../credentials.js';
import { completeStep, loadAccount, reconnectChannel, type WizardDeps } from '../wizard/steps.js';

/**
 * How long a one-click key creation may take, from the click to the seller's
 * return (signing in to WordPress included). Keys posted by a store whose
 * seller never comes back stay staged in a secret no record names: when the
 * pending record expires (the table's TTL), the refresher's orphan sweep
 * deletes that secret after its grace period (`ORPHAN_GRACE_MS`).
 */
export const PENDING_KEYS_TTL_SECONDS = 900;

export interface KeysDeps extends WizardDeps {
  /** Calls to providers' own APIs (Walmart): timeouts, and the sandboxes locally. */
  readonly http: ProviderHttp;
  /** Calls to sellers' own stores (WooCommerce), behind the SSRF guard. */
  readonly stores: StoreHttp;
  readonly pendingKeys: PendingKeysStore;
  /** Where the web app and API are served (the store's callback is `<origin>/api/oauth/woocommerce/callback`). */
  readonly appOrigin: string;
  /** The local stack only: plain http and loopback store addresses. */
  readonly allowLocalStores: boolean;
  /** How long one whole key check may take, every call in it included. */
  readonly checkBudgetMs: number;
  /** Each connection's health record (stored keys start its daily check). */
  readonly connections: ConnectionRecordStore;
  /** The connection's lease, also taken by the refresher's check: new keys replace the old ones under it. */
  readonly leases: LeaseStore;
  readonly leaseMs?: number;
}

/** WooCommerce's key permissions, in its own words. */
const PERMISSIONS: Record<string, string> = { read: 'Read', write: 'Write', read_write: 'Read/Write' };

export const keysCallbackUrl = (appOrigin: string) => `${appOrigin}/api/oauth/${woocommerce.id}/callback`;
/**
 * Where the store sends the seller's browser back, through the API with the
 * browser's session (`finishKeysReturn`); WooCommerce adds `success` and `user_id`.
 */
export const keysReturnUrl = (appOrigin: string, accountId: string, purpose: 'connect' | 'reconnect' = 'connect') =>
  `${appOrigin}/api/oauth/${woocommerce.id}/return?account=${encodeURIComponent(accountId)}${purpose === 'reconnect' ? '&purpose=reconnect' : ''}`;

const nowOf = (deps: Pick<WizardDeps, 'now'>) => deps.now?.() ?? new Date();

/** The keys provider of an account's channel, or undefined when it connects by consent. */
export function keysProviderOf(channel: string): ApiKeysProvider | undefined {
  const p = findChannel(channel);
  return p?.kind === 'api-keys' ? p : undefined;
}

/** Runs a key check within the budget; running out is the provider (or store) being too slow. */
async function within<T>(ms: number, timeout: KeyCheckCode, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  let onAbort: () => void = () => undefined;
  const expired = new Promise<never>((_, reject) => {
    onAbort = () => reject(new KeyCheckError(timeout, 'check budget spent'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(signal), expired]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The seller-facing error for a key check's outcome. */
function notConnected(err: KeyCheckError, p: ApiKeysProvider, ctx: Omit<KeyMessageContext, 'provider'>): KeysNotConnectedError {
  logger.warn('keys not connected', { provider: p.id, code: err.code, reason: err.reason });
  const m = keyMessage(err.code, { provider: p.name, ...ctx, ...err.context });
  return new KeysNotConnectedError(m.status, err.code, m.message, Object.keys(m.fields).length > 0 ? { ...m.fields } : undefined);
}

/** The keys a provider takes, from the body, trimmed and checked against its definition; a 400 naming each bad one. */
function readKeys(p: ApiKeysProvider, body: ChannelConnectRequest): Record<KeyField['key'], string> {
  const fields: Record<string, string> = {};
  const keys: Record<string, string> = {};
  for (const f of p.keys.fields) {
    const value = (body[f.key] ?? '').trim();
    if (!f.pattern.test(value)) fields[f.key] = f.message;
    else keys[f.key] = value;
  }
  if (Object.keys(fields).length > 0) throw new ValidationError(Object.values(fields)[0]!, fields);
  return keys as Record<KeyField['key'], string>;
}

/** Refuses fields this provider does not take (another provider's keys, a store URL for Walmart). */
function refuseOthers(p: ApiKeysProvider, body: ChannelConnectRequest): void {
  const takes = new Set<string>([...p.keys.fields.map((f) => f.key), ...p.accountFields.map((f) => f.key)]);
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined && !takes.has(k)) fields[k] = `${p.name} does not take this. Remove it and try again.`;
  if (Object.keys(fields).length > 0) throw new ValidationError(Object.values(fields)[0]!, fields);
}

/** The account, at its channel step; with `showCurrent`, a 409 carries where it stands (the seller's own requests only). */
async function loadAtChannelStep(deps: WizardDeps, sellerId: string, accountId: string, showCurrent = true, loaded?: WizardRecord | null): Promise<WizardRecord> {
  const account = loaded === undefined ? await deps.accounts.load(sellerId, accountId) : await loadAccount(deps, sellerId, accountId, loaded);
  if (!account) throw new NotFoundError('We could not find that account. It may have been removed.');
  if (account.step !== 'connect_channel') {
    throw new ConflictError('This account has already connected its sales channel. Here is where it stands now.', 'not_at_step', showCurrent ? accountView(account) : undefined);
  }
  return account;
}

/**
 * Runs the checks of a form's fields and, if more than one fails, names
 * every bad field in one 400; one failure is thrown as it is.
 */
function together<T>(first: () => T, ...rest: (() => unknown)[]): T {
  const failures: AppError[] = [];
  let value: T | undefined;
  for (const [i, check] of [first, ...rest].entries()) {
    try {
      const v = check();
      if (i === 0) value = v as T;
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400 || !err.fields) throw err;
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const fields = Object.assign({}, ...failures.map((f) => f.fields)) as Record<string, string>;
    throw new ValidationError(Object.values(fields)[0]!, fields);
  }
  return value as T;
}

/**
 * The store to connect: the account's own address, or (when it has none)
 * the one in the request, normalised and checked by the SSRF guard's rules.
 */
function storeUrlFor(deps: KeysDeps, account: WizardRecord, requested: string | undefined): { url: string; isNew: boolean } {
  const rules = { allowLocal: deps.allowLocalStores };
  const saved = account.fields.storeUrl;
  const fail = (code: KeyCheckCode, storeUrl?: string) => notConnected(new KeyCheckError(code), woocommerce, { storeUrl, accountStoreUrl: saved });
  if (saved) {
    const own = normaliseStoreUrl(saved, rules);
    if ('refusal' in own) throw fail(`store_url_${own.refusal}`, saved);
    if (requested !== undefined && requested.trim() !== '') {
      const asked = normaliseStoreUrl(requested, rules);
      if (!('url' in asked) || asked.url.toLowerCase() !== own.url.toLowerCase()) throw fail('store_url_other');
    }
    return { url: own.url, isNew: false };
  }
  if (requested === undefined || requested.trim() === '') {
    const message = 'Enter your store\u2019s address, like https://shop.example.com.';
    throw new ValidationError(message, { storeUrl: message });
  }
  const asked = normaliseStoreUrl(requested, rules);
  if ('refusal' in asked) throw fail(`store_url_${asked.refusal}`, requested.trim());
  return { url: asked.url, isNew: true };
}

/** Finds the store (no key sent), within the budget; its outcome in the seller's words. */
async function found(deps: KeysDeps, url: string, account: WizardRecord): Promise<WooStore> {
  try {
    return await within(deps.checkBudgetMs, 'store_timeout', (signal) => findStore(woocommerce, url, deps.stores, signal));
  } catch (err) {
    if (err instanceof KeyCheckError) throw notConnected(err, woocommerce, { storeUrl: url, accountStoreUrl: account.fields.storeUrl });
    throw err;
  }
}

/**
 * Stores a checked connection and moves the wizard on: the keys go to the
 * secret first, then the step, the connection and (when the store's address
 * came with this request) the address, in one conditional write.
 */
async function keep(
  deps: KeysDeps,
  account: WizardRecord,
  p: ApiKeysProvider,
  made: KeyConnection | (Omit<KeyConnection, 'credentials'> & { staged: string }),
  newStoreUrl: string | undefined,
): Promise<AccountView> {
  const others = await deps.accounts.list(account.sellerId);
  const twin = others.find((a) => a.id !== account.id && a.connections.some((c) => c.provider === p.id && c.identity === made.identity));
  if (newStoreUrl && account.fields.storeUrl && account.fields.storeUrl !== newStoreUrl) {
    throw notConnected(new KeyCheckError('store_url_other', 'account has another store'), p, { accountStoreUrl: account.fields.storeUrl });
  }
  const fields = newStoreUrl && !account.fields.storeUrl ? { ...account.fields, storeUrl: newStoreUrl } : undefined;
  // The keys' record (their daily check) is written with the step, in one transaction.
  return completeStep(deps, account.sellerId, account.id, 'connect_channel', {
    expectedVersion: account.version,
    loaded: account,
    ...(fields ? { fields } : {}),
    record: consentRecord(keyFacts(deps, account, p, newStoreUrl)),
    connection: {
      kind: 'channel',
      provider: p.id,
      label: made.label,
      ...('staged' in made ? { staged: made.staged } : { credentials: made.credentials }),
      identity: made.identity,
      details: made.details,
      alsoConnectedTo: twin?.name ?? null,
    },
  });
}

/** What a keys connection's record needs to know (never a key). */
function keyFacts(deps: KeysDeps, account: WizardRecord, p: ApiKeysProvider, newStoreUrl?: string) {
  return {
    provider: p.id,
    kind: 'channel' as const,
    sellerId: account.sellerId,
    accountId: account.id,
    region: account.region,
    fields: newStoreUrl ? { ...account.fields, storeUrl: newStoreUrl } : account.fields,
    now: nowOf(deps),
  };
}

/** Checks pasted keys with the provider and, when they pass, stores them and completes the channel step. */
async function connectPasted(deps: KeysDeps, account: WizardRecord, p: ApiKeysProvider, body: ChannelConnectRequest): Promise<AccountView> {
  if (p.id === walmart.id) {
    const keys = readKeys(p, body);
    const region = findRegion(walmart, account.region);
    if (!region) throw new ValidationError('This account has no Walmart market. Add a new account and choose United States or Mexico.');
    let made: KeyConnection;
    try {
      made = await within(deps.checkBudgetMs, 'provider_timeout', () => checkWalmartKeys(walmart, region, { clientId: keys.clientId, clientSecret: keys.clientSecret }, deps.http));
    } catch (err) {
      if (err instanceof KeyCheckError) throw notConnected(err, p, { region: region.name });
      throw err;
    }
    return keep(deps, account, p, made, undefined);
  }
  if (p.id === woocommerce.id) {
    // Every field is checked before anything is sent, and all problems are named at once.
    const { url, isNew } = together(
      () => storeUrlFor(deps, account, body.storeUrl),
      () => readKeys(p, body),
    );
    const keys = readKeys(p, body);
    // The store is found first, then the keys are checked on it: keys are only sent to a store that passed.
    let made: KeyConnection & { storeBase: string };
    try {
      made = await within(deps.checkBudgetMs, 'store_timeout', async (signal) => {
        const store = await findStore(woocommerce, url, deps.stores, signal);
        const checked = await checkWooKeys(woocommerce, store, { consumerKey: keys.consumerKey, consumerSecret: keys.consumerSecret }, deps.stores, signal);
        return { ...checked, storeBase: store.base };
      });
    } catch (err) {
      if (err instanceof KeyCheckError) throw notConnected(err, p, { storeUrl: url, accountStoreUrl: account.fields.storeUrl });
      throw err;
    }
    const { storeBase, ...connection } = made;
    return keep(deps, account, p, connection, isNew ? storeBase : undefined);
  }
  throw new Error(`No key check for ${p.id}`);
}

/** Starts WooCommerce's one-click key creation (to connect, or to reconnect): the URL of the store's approval page. */
async function startAutomatic(
  deps: KeysDeps,
  account: WizardRecord,
  p: ApiKeysProvider,
  body: ChannelConnectRequest,
  purpose: 'connect' | 'reconnect' = 'connect',
): Promise<{ authorizeUrl: string }> {
  const automatic = p.keys.automatic;
  if (!automatic) {
    const fields = Object.fromEntries(p.keys.fields.map((f) => [f.key, f.message]));
    throw new ValidationError(Object.values(fields)[0] ?? 'Paste your keys.', fields);
  }
  const { url, isNew } = storeUrlFor(deps, account, body.storeUrl);
  // The store must answer as a WooCommerce store before the seller is sent there.
  const store = await found(deps, url, account);
  const userId = randomBytes(32).toString('base64url');
  await deps.pendingKeys.put(userId, {
    sellerId: account.sellerId,
    accountId: account.id,
    provider: p.id,
    storeUrl: store.base,
    storeUrlIsNew: isNew,
    ...(purpose === 'reconnect' ? { purpose } : {}),
    expiresAt: Math.floor(nowOf(deps).getTime() / 1000) + PENDING_KEYS_TTL_SECONDS,
  });
  const params = new URLSearchParams({
    app_name: automatic.appName,
    scope: automatic.scope,
    user_id: userId,
    return_url: keysReturnUrl(deps.appOrigin, account.id, purpose),
    callback_url: keysCallbackUrl(deps.appOrigin),
  });
  // With plain permalinks WooCommerce reads the same route from its query variables.
  const authorizeUrl =
    store.style === 'path'
      ? `${store.base}${automatic.authorizePath}?${params}`
      : `${store.base}/?wc-auth-version=1&wc-auth-route=${automatic.authorizePath.split('/').pop()}&${params}`;
  return { authorizeUrl };
}

/**
 * `POST /api/accounts/{id}/channel/connect` for a keys channel: keys connect
 * it (the account's next step comes back); WooCommerce without keys starts
 * the one-click key creation (the store's approval page comes back).
 */
export async function connectKeysChannel(
  deps: KeysDeps,
  sellerId: string,
  accountId: string,
  body: ChannelConnectRequest,
  /** The account as this request already read it (see `loadAccount`). */
  loaded?: WizardRecord | null,
): Promise<{ account: AccountView } | { authorizeUrl: string }> {
  const account = await loadAtChannelStep(deps, sellerId, accountId, true, loaded);
  const p = keysProviderOf(account.channel);
  if (!p) throw new ValidationError(`${findChannel(account.channel)?.name ?? 'This channel'} connects by signing in, not with keys.`);
  refuseOthers(p, body);
  const pasted = p.keys.fields.some((f) => (body[f.key] ?? '').trim() !== '');
  if (!pasted) return startAutomatic(deps, account, p, body);
  return { account: await connectPasted(deps, account, p, body) };
}

/** The refusal the store's server gets for a post no pending approval takes (it then deletes the keys). */
const NOTHING_WAITING = 'There is no connection waiting for these keys.';

/**
 * The keys a store posted, checked on the store the seller chose: for a
 * connect, the account must still be at its channel step; for a reconnect,
 * it must still have its WooCommerce connection, and the keys must be of the
 * same store. Throws the refusal the store's server gets.
 */
async function checkPosted(deps: KeysDeps, pending: PendingKeys, body: PostedKeysRequest): Promise<KeyConnection> {
  const p = keysProviderOf(woocommerce.id)!;
  let connection: Connection | undefined;
  if (pending.purpose === 'reconnect') {
    const account = await deps.accounts.load(pending.sellerId, pending.accountId);
    connection = account?.connections.find((c) => c.kind === 'channel' && c.provider === woocommerce.id);
    // Started over (or removed) while the seller was at the store.
    if (!account || !connection) throw new NotFoundError(NOTHING_WAITING);
  } else {
    // The caller is the store's server, not the seller: a refusal tells it nothing about the account.
    await loadAtChannelStep(deps, pending.sellerId, pending.accountId, false);
  }
  let made: KeyConnection;
  try {
    made = await within(deps.checkBudgetMs, 'store_timeout', async (signal) => {
      const store = await findStore(woocommerce, pending.storeUrl, deps.stores, signal);
      const checked = await checkWooKeys(woocommerce, store, { consumerKey: body.consumer_key.trim(), consumerSecret: body.consumer_secret.trim() }, deps.stores, signal);
      if (connection?.identity && checked.identity !== connection.identity) throw new KeyCheckError('store_url_other', 'keys for another store');
      return checked;
    });
  } catch (err) {
    if (err instanceof KeyCheckError) throw notConnected(err, p, { storeUrl: pending.storeUrl });
    throw err;
  }
  const permissions = PERMISSIONS[body.key_permissions ?? ''];
  return permissions ? { ...made, details: [...made.details, { label: 'Permissions', value: permissions }] } : made;
}

/**
 * `POST /api/oauth/woocommerce/callback`: the keys a store created, posted
 * server to server, unsigned. They are looked at only for a pending,
 * unexpired `user_id`, and the pending approval is left as it was unless
 * they work on the store the seller chose, so a leaked `user_id` posting
 * other keys cannot use it up. Keys that work are staged in a secret of
 * their own under a fresh name, and the pending approval moves, in one
 * conditional write, from `issued` to `posted`, holding that secret's name
 * and what the account will show (never a key); the answer is 200, so the
 * store keeps them. They become the account's only when the seller's own
 * browser comes back (`finishKeysReturn`). If it came back first (the
 * approval is `confirmed`), the account takes them now. Any other state
 * (already posted, refused) refuses them and discards what was staged.
 */
export async function receivePostedKeys(deps: KeysDeps, body: PostedKeysRequest): Promise<void> {
  // Onramp asks for read keys and keeps no other: keys that can write are refused before the pending
  // creation is looked at, so such a post neither connects nor uses up the seller's pending approval.
  if (body.key_permissions !== 'read') {
    logger.warn('posted keys refused', { refusal: 'not_read_only' });
    throw new ValidationError('Onramp only takes read-only keys. Approve Onramp again at your store, with Read access.', { key_permissions: 'Read access only.' });
  }
  const nowSeconds = Math.floor(nowOf(deps).getTime() / 1000);
  const pending = await deps.pendingKeys.get(body.user_id, nowSeconds);
  if (typeof pending === 'string' || pending.provider !== woocommerce.id) {
    logger.warn('posted keys refused', { refusal: typeof pending === 'string' ? pending : 'other_provider' });
    throw new NotFoundError(NOTHING_WAITING);
  }
  if (pending.state !== 'issued' && pending.state !== 'confirmed') {
    logger.warn('posted keys refused', { refusal: pending.state ?? 'issued' });
    throw new NotFoundError(NOTHING_WAITING);
  }
  const made = await checkPosted(deps, pending, body);
  const secretName = freshSecretName(deps, pending.accountId, 'channel');
  await stageCredentials(deps, secretName, made.credentials, { accountId: pending.accountId, sellerId: pending.sellerId });
  const posted: PostedKeys = { secretName, label: made.label, identity: made.identity, details: made.details };
  let outcome: Adopted | 'held' | 'refused';
  // A move whose answer was lost (a timeout, or a retry that found its own write): the approval may name these keys.
  const heldByApproval = async () => {
    const now = await deps.pendingKeys.get(body.user_id, nowSeconds).catch(() => undefined);
    return typeof now === 'object' && now.state === 'posted' && now.posted?.secretName === secretName;
  };
  try {
    if (await deps.pendingKeys.move(body.user_id, 'issued', 'posted', nowSeconds, posted)) outcome = 'held';
    else if (await heldByApproval()) outcome = 'held';
    else {
      // The seller's browser came back first, with its session: the account takes the keys now.
      const confirmed = await deps.pendingKeys.take(body.user_id, 'confirmed', nowSeconds);
      outcome = confirmed ? await adoptPosted(deps, confirmed, posted) : 'refused';
    }
  } catch (err) {
    if (await heldByApproval()) outcome = 'held';
    else {
      await discardUnlessNamed(deps, pending, secretName);
      throw err;
    }
  }
  if (outcome === 'held') {
    logger.info('posted keys held for the seller\u2019s return', { provider: woocommerce.id, accountId: pending.accountId });
    return;
  }
  if (outcome === 'kept') {
    logger.info('posted keys stored', { provider: woocommerce.id, accountId: pending.accountId });
    return;
  }
  // Another post came first, or a browser without the seller's session decided: these keys are no one's.
  if (outcome === 'refused') await discardStaged(deps, secretName);
  logger.warn('posted keys refused', { refusal: outcome });
  if (outcome === 'not_at_step') throw new ConflictError('This account has already connected its sales channel.', 'not_at_step');
  throw new NotFoundError(NOTHING_WAITING);
}

/** What came of an account taking posted keys. */
type Adopted = 'kept' | 'not_at_step' | 'gone' | 'other_identity';

/** Discards a staged secret unless the account names it (a write that failed may still have landed: then it is the account's). */
async function discardUnlessNamed(deps: KeysDeps, pending: PendingKeys, secretName: string): Promise<void> {
  const named = await deps.accounts.load(pending.sellerId, pending.accountId).then(
    (a) => !!a?.connections.some((c) => c.secretName === secretName),
    () => true, // unknown: left to the sweep, which deletes it after its grace period if no record names it
  );
  if (!named) await discardStaged(deps, secretName);
}

/**
 * The account takes keys posted for it, already checked and staged: a
 * connect completes the channel step naming the staged secret (with the
 * store's address when the seller gave it with this approval); a reconnect
 * switches the account's connection to it. Whatever does not end with the
 * account naming the staged secret discards it (a dependency failure that
 * hides whether the write landed leaves it to the sweep when the account
 * does not name it). The pending record was already taken by the caller.
 */
async function adoptPosted(deps: KeysDeps, pending: PendingKeys, posted: PostedKeys, loaded?: WizardRecord | null): Promise<Adopted> {
  const p = keysProviderOf(woocommerce.id)!;
  const staged = posted.secretName;
  const made = { label: posted.label, identity: posted.identity ?? '', details: posted.details ?? [], staged };
  let outcome: Adopted;
  try {
    const account = loaded !== undefined && loaded?.id === pending.accountId && loaded.sellerId === pending.sellerId ? loaded : await deps.accounts.load(pending.sellerId, pending.accountId);
    if (pending.purpose === 'reconnect') {
      const connection = account?.connections.find((c) => c.kind === 'channel' && c.provider === woocommerce.id);
      if (!account || !connection) outcome = 'gone';
      else if (connection.identity && posted.identity !== connection.identity) outcome = 'other_identity';
      else {
        try {
          await replaceKeys(deps, account, connection, p, made);
          outcome = 'kept';
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
          outcome = 'gone';
        }
      }
    } else if (!account) outcome = 'gone';
    else if (account.step !== 'connect_channel') outcome = 'not_at_step';
    else {
      try {
        await keep(deps, account, p, made, pending.storeUrlIsNew ? pending.storeUrl : undefined);
        outcome = 'kept';
      } catch (err) {
        if (!(err instanceof ConflictError || err instanceof KeysNotConnectedError)) throw err;
        outcome = 'not_at_step';
      }
    }
  } catch (err) {
    await discardUnlessNamed(deps, pending, staged);
    throw err;
  }
  if (outcome !== 'kept') await discardUnlessNamed(deps, pending, staged);
  return outcome;
}

/**
 * `GET /api/oauth/woocommerce/return?account=…[&purpose=reconnect]&success=…&user_id=…`:
 * the seller's browser back from the store's approval page, with its
 * session. The first return decides, in conditional writes on the pending
 * approval:
 *
 * - with the session of the seller and the account that started it
 *   (`starter`) and the keys posted: the account takes them (`adoptPosted`),
 *   and the pending approval is gone;
 * - with that session and the keys not posted yet: the approval is
 *   `confirmed`, and the store's post completes it directly (the page waits
 *   for them);
 * - without that session (none, another seller, another account), or the
 *   seller denied: posted keys are discarded, and an approval still waiting
 *   for its keys is `refused`, so a later post is refused.
 *
 * Answers where the browser goes next, with the outcome as a code the web
 * app puts in one sentence. Never throws for anything a seller or store can cause.
 */
export async function finishKeysReturn(deps: KeysDeps, query: Readonly<Record<string, string>>, caller: CallerSession): Promise<string> {
  const accountId = query.account ?? '';
  if (!PATH_PARAMS.id.test(accountId)) return withCode(caller.hasToken ? '/' : '/login', 'expired');
  const purpose = query.purpose === 'reconnect' ? 'reconnect' : 'connect';
  // The page the seller was on, and the same page told that the store sent them back.
  const page = purpose === 'reconnect' ? `/accounts/${accountId}?reconnect=channel` : `/accounts/${accountId}/setup`;
  const back = purpose === 'reconnect' ? `${page}&connect=automatic` : `${page}?connect=automatic`;
  const userId = query.user_id ?? '';
  const denied = query.success !== '1';

  let proven: Awaited<ReturnType<CallerSession['resolve']>> = { session: undefined };
  let pending: PendingKeys | 'unknown' | 'expired';
  try {
    if (caller.hasToken) proven = await caller.resolve(accountId);
    pending = userId ? await deps.pendingKeys.get(userId, nowSecondsOf(deps)) : 'unknown';
  } catch (err) {
    logger.warn('keys return failed', { errorName: (err as Error)?.name });
    return withCode(caller.hasToken ? page : '/login', 'try_again');
  }
  const signedIn = !!proven.session;
  const elsewhere = withCode(signedIn ? '/' : '/login', 'keys_not_kept');
  if (typeof pending === 'string') {
    // The seller's own second return (a double load, two tabs), after the first took the keys: the account shows them.
    if (signedIn && purpose === 'connect') {
      const now = await deps.accounts.load(proven.session!.userId, accountId).catch(() => undefined);
      if (now && now.step !== 'connect_channel' && now.connections.some((c) => c.kind === 'channel' && c.provider === woocommerce.id)) return page;
    }
    logger.warn('keys return refused', { refusal: pending });
    return withCode(signedIn ? page : '/login', 'expired');
  }
  const starter =
    !!proven.session &&
    proven.session.userId === pending.sellerId &&
    pending.accountId === accountId &&
    (pending.purpose ?? 'connect') === purpose &&
    pending.provider === woocommerce.id &&
    !!proven.account;
  try {
    // A request racing this one (the store's post, another return) may move the approval first: read again and decide on what it is then.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) {
        const now = await deps.pendingKeys.get(userId, nowSecondsOf(deps));
        // Gone meanwhile: it expired (decided items are kept until then).
        if (typeof now === 'string') return withCode(starter ? page : signedIn ? '/' : '/login', 'expired');
        pending = now;
      }
      const state = pending.state ?? 'issued';
      // Decided by an earlier (or racing) return: the seller finds the page as it now stands; if the account does
      // not show the keys yet (the other return still at work, or stopped), the page waits for them and says so
      // when they never come.
      if (state === 'taken') {
        if (!starter || denied) return withCode(signedIn ? '/' : '/login', 'expired');
        const name = pending.posted?.secretName;
        const shown = await deps.accounts.load(pending.sellerId, accountId).then((a) => !!name && !!a?.connections.some((c) => c.secretName === name), () => false);
        if (!shown) return `${back}&keys=waiting`;
        return purpose === 'reconnect' ? `/accounts/${accountId}` : page;
      }
      if (!starter || denied) {
        if (state === 'posted') {
          const taken = await deps.pendingKeys.take(userId, 'posted', nowSecondsOf(deps), 'refused');
          if (!taken) continue;
          if (taken.posted) await discardStaged(deps, taken.posted.secretName);
        } else if (state === 'issued' || (state === 'confirmed' && starter)) {
          if (!(await deps.pendingKeys.move(userId, state, 'refused', nowSecondsOf(deps)))) continue;
        } else if (!starter) {
          // Already decided by the seller's own return (confirmed), or refused: this browser changes nothing.
          return withCode(signedIn ? '/' : '/login', 'expired');
        }
        logger.warn('keys return refused', { refusal: denied ? 'denied' : 'not_the_starting_session', state });
        return starter ? `${back}&keys=denied` : elsewhere;
      }
      if (state === 'refused') return withCode(page, 'expired');
      if (state === 'confirmed') return `${back}&keys=waiting`;
      if (state === 'issued') {
        if (!(await deps.pendingKeys.move(userId, 'issued', 'confirmed', nowSecondsOf(deps)))) continue;
        return `${back}&keys=waiting`;
      }
      const taken = await deps.pendingKeys.take(userId, 'posted', nowSecondsOf(deps));
      if (!taken) continue;
      if (!taken.posted) return withCode(page, 'expired');
      const outcome = await adoptPosted(deps, taken, taken.posted, proven.account);
      if (outcome === 'kept') return purpose === 'reconnect' ? `/accounts/${accountId}?reconnected=channel` : page;
      logger.warn('keys return refused', { refusal: outcome });
      return withCode(page, outcome === 'gone' ? 'expired' : outcome);
    }
    return withCode(page, 'try_again');
  } catch (err) {
    logger[err instanceof DependencyError || err instanceof ServiceUnavailableError ? 'warn' : 'error']('keys return failed', { errorName: (err as Error)?.name });
    return withCode(page, 'try_again');
  }
}

const nowSecondsOf = (deps: Pick<WizardDeps, 'now'>) => Math.floor(nowOf(deps).getTime() / 1000);
const withCode = (path: string, code: ConnectErrorCode) => `${path}${path.includes('?') ? '&' : '?'}connect_error=${code}`;

// ---------------------------------------------------------------------------
// Reconnecting a keys channel: new keys take the old ones' place

/** The keys a reconnect takes: the provider's key fields only (the store is the connection's own). */
export type ReconnectKeysRequest = Omit<ChannelConnectRequest, 'storeUrl'>;

/** The account's keys connection, or a 409 when there is none. */
function keysConnectionOf(account: WizardRecord): { connection: Connection; p: ApiKeysProvider } {
  const connection = account.connections.find((c) => c.kind === 'channel');
  const p = connection ? keysProviderOf(connection.provider) : undefined;
  if (!connection || !p) throw new ConflictError('This account has no sales channel connected with keys to reconnect.', 'not_connected', accountView(account));
  return { connection, p };
}

/**
 * Replaces a keys connection's credentials with checked new ones, as a
 * connect makes them (`reconnectChannel`): the new keys go to a secret of
 * their own, and one conditional write switches the account's connection to
 * it (showing the new key's last four characters), starts its record
 * (Connected, its daily check afresh) and records "Reconnected"; then the old
 * keys' secret is deleted under its lease. A 409 when the account no longer
 * has that connection (Start over, or another reconnect won meanwhile).
 */
async function replaceKeys(deps: KeysDeps, account: WizardRecord, connection: Connection, p: ApiKeysProvider, made: KeyConnection | (Omit<KeyConnection, 'credentials'> & { staged: string })): Promise<void> {
  const outcome = await reconnectChannel(deps, account, connection, {
    ...('staged' in made ? { staged: made.staged } : { credentials: made.credentials }),
    label: made.label,
    identity: made.identity,
    details: made.details,
    record: consentRecord(keyFacts(deps, account, p)),
  });
  if (outcome === 'gone') throw new ConflictError('This account no longer has that connection. Here is where it stands now.', 'not_connected', accountView(account));
  logger.info('keys replaced', { provider: p.id, accountId: account.id });
}

/** Checks new keys for the account's existing connection, as at connect time; WooCommerce's must work on the same store. */
async function checkedForReconnect(deps: KeysDeps, account: WizardRecord, connection: Connection, p: ApiKeysProvider, body: ReconnectKeysRequest): Promise<KeyConnection> {
  if (p.id === walmart.id) {
    const keys = readKeys(p, body);
    const region = findRegion(walmart, account.region);
    if (!region) throw new ValidationError('This account has no Walmart market. Add a new account and choose United States or Mexico.');
    try {
      // Walmart's token answers do not name the seller, so new keys are taken for the account's market as they are.
      return await within(deps.checkBudgetMs, 'provider_timeout', () => checkWalmartKeys(walmart, region, { clientId: keys.clientId, clientSecret: keys.clientSecret }, deps.http));
    } catch (err) {
      if (err instanceof KeyCheckError) throw notConnected(err, p, { region: region.name });
      throw err;
    }
  }
  if (p.id === woocommerce.id) {
    const keys = readKeys(p, body);
    const { url } = storeUrlFor(deps, account, undefined);
    try {
      return await within(deps.checkBudgetMs, 'store_timeout', async (signal) => {
        const store = await findStore(woocommerce, url, deps.stores, signal);
        const checked = await checkWooKeys(woocommerce, store, { consumerKey: keys.consumerKey, consumerSecret: keys.consumerSecret }, deps.stores, signal);
        // The store the keys work on must be the one connected (it may have moved its address since).
        if (connection.identity && checked.identity !== connection.identity) throw new KeyCheckError('store_url_other', 'keys for another store');
        return checked;
      });
    } catch (err) {
      if (err instanceof KeyCheckError) throw notConnected(err, p, { storeUrl: url, accountStoreUrl: account.fields.storeUrl });
      throw err;
    }
  }
  throw new Error(`No key check for ${p.id}`);
}

/**
 * `POST /api/accounts/{id}/reconnect` for a keys channel: pasted keys are
 * checked and replace the connection's (the account comes back, with its
 * health); WooCommerce without keys starts the one-click key creation again
 * (the store's approval page comes back). Nothing is written unless the new
 * keys pass.
 */
export async function reconnectKeys(
  deps: KeysDeps,
  account: WizardRecord,
  body: ReconnectKeysRequest,
): Promise<{ account: AccountView } | { authorizeUrl: string }> {
  const { connection, p } = keysConnectionOf(account);
  refuseOthers(p, body);
  const pasted = p.keys.fields.some((f) => (body[f.key] ?? '').trim() !== '');
  if (!pasted) return startAutomatic(deps, account, p, {}, 'reconnect');
  const made = await checkedForReconnect(deps, account, connection, p, body);
  await replaceKeys(deps, account, connection, p, made);
  return { account: await getAccount({ accounts: deps.accounts, connections: deps.connections, ...(deps.now ? { now: deps.now } : {}) }, account.sellerId, account.id) };
}
