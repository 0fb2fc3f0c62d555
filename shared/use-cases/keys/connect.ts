/**
 * Connecting a channel with keys (Walmart, WooCommerce). The keys are
 * checked with the provider before anything is stored (`check.ts`); keys that
 * pass go to the account's channel secret (through `completeStep`, which also
 * moves the wizard on), and keys that do not leave everything as it was, with
 * one sentence for the seller. Without pasted keys, a provider that creates
 * them itself starts its one-click creation (`one-click.ts`).
 *
 * Stored keys start the connection's daily check (`health/check.ts`): keys
 * never expire, so the scheduled refresher makes one authenticated call a day
 * to find out whether the seller regenerated or revoked them.
 */
import type { KeyConnection } from '../../connectors/keys.js';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { KeyCheckError } from '../../domain/key-errors.js';
import type { WizardRecord } from '../../domain/model.js';
import type { ChannelConnectRequest } from '../../http/key-schemas.js';
import type { AccountView } from '../../http/schemas.js';
import { accountView } from '../../http/views.js';
import { findChannel } from '../../providers/catalog.js';
import type { KeysProviderDefinition } from '../../providers/types.js';
import { consentRecord } from '../health/record.js';
import { completeStep, loadAccount, type WizardDeps } from '../wizard/steps.js';
import { checkPasted, keysProviderOf, notConnected, nowOf, refuseOthers, refuseUnlessOffered, type KeysDeps } from './check.js';
import { startAutomatic } from './one-click.js';

/** The account, at its channel step; with `showCurrent`, a 409 carries where it stands (the seller's own requests only). */
export async function loadAtChannelStep(deps: WizardDeps, sellerId: string, accountId: string, showCurrent = true, loaded?: WizardRecord | null): Promise<WizardRecord> {
  const account = loaded === undefined ? await deps.accounts.load(sellerId, accountId) : await loadAccount(deps, sellerId, accountId, loaded);
  if (!account) throw new NotFoundError('We could not find that account. It may have been removed.');
  if (account.step !== 'connect_channel') {
    throw new ConflictError('This account has already connected its sales channel. Here is where it stands now.', 'not_at_step', showCurrent ? accountView(account) : undefined);
  }
  return account;
}

/**
 * Stores a checked connection and moves the wizard on: the keys go to the
 * secret first, then the step, the connection and (when the store's address
 * came with this request) the address, in one conditional write.
 */
export async function keep(
  deps: KeysDeps,
  account: WizardRecord,
  p: KeysProviderDefinition,
  made: KeyConnection | (Omit<KeyConnection, 'credentials'> & { staged: string }),
  /** Brought through a connect link: the activity says so. */
  via: { viaInvitation?: boolean } = {},
): Promise<AccountView> {
  const others = await deps.accounts.list(account.sellerId);
  const twin = others.find((a) => a.id !== account.id && a.connections.some((c) => c.provider === p.id && c.identity === made.identity));
  // Store fields that came with the keys: an account that meanwhile took another value keeps it, and these keys are refused.
  const given = Object.entries(made.fields ?? {});
  const clash = given.find(([key, value]) => account.fields[key] && account.fields[key] !== value);
  if (clash) throw notConnected(new KeyCheckError('store_url_other', 'account has another store'), p, { accountStoreUrl: account.fields[clash[0]] });
  const added = given.filter(([key]) => !account.fields[key]);
  const fields = added.length > 0 ? { ...account.fields, ...Object.fromEntries(added) } : undefined;
  // The keys' record (their daily check) is written with the step, in one transaction.
  return completeStep(deps, account.sellerId, account.id, 'connect_channel', {
    expectedVersion: account.version,
    loaded: account,
    ...(via.viaInvitation ? { viaInvitation: true } : {}),
    ...(fields ? { fields } : {}),
    record: consentRecord(keyFacts(deps, account, p, fields)),
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
export function keyFacts(deps: KeysDeps, account: WizardRecord, p: KeysProviderDefinition, fields?: Readonly<Record<string, string>>) {
  return {
    provider: p.id,
    kind: 'channel' as const,
    sellerId: account.sellerId,
    accountId: account.id,
    region: account.region,
    fields: fields ?? account.fields,
    now: nowOf(deps),
  };
}

/**
 * `POST /api/accounts/{id}/channel/connect` with keys: keys connect the
 * channel (the account's next step comes back); without keys, a provider
 * that creates them itself starts its one-click creation (the store's
 * approval page comes back).
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
  refuseUnlessOffered(p, account, nowOf(deps));
  const pasted = p.keys.fields.some((f) => (body[f.key] ?? '').trim() !== '');
  if (!pasted) return startAutomatic(deps, account, p, body);
  return { account: await keep(deps, account, p, await checkPasted(deps, account, p, body)) };
}
