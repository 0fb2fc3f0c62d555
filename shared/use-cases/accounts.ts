/** A seller's accounts: create, list, view. */
import { randomUUID } from 'node:crypto';
import type { AccountStore } from '../adapters/accounts.js';
import { NotFoundError } from '../errors.js';
import type { Account } from '../model.js';
import type { AccountView, CreateAccountRequest } from '../schemas.js';
import { accountView } from '../views.js';
import { FIRST_STEP } from '../wizard.js';

export interface AccountDeps {
  readonly accounts: AccountStore;
  readonly now?: () => Date;
}

/** Creates an account at the wizard's first step and records it in the audit trail. */
export async function createAccount(deps: AccountDeps, sellerId: string, req: CreateAccountRequest): Promise<AccountView> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  const account: Account = {
    id: randomUUID(),
    sellerId,
    name: req.name,
    channel: req.channel,
    region: req.region ?? null,
    shopDomain: req.shopDomain ?? null,
    storeUrl: req.storeUrl ?? null,
    step: FIRST_STEP,
    status: 'active',
    version: 1,
    executionArn: null,
    connections: [],
    createdAt: now,
    updatedAt: now,
  };
  await deps.accounts.create(account);
  await deps.accounts.addEvent(sellerId, { accountId: account.id, type: 'created', at: now, actor: 'seller', detail: null });
  return accountView(account);
}

export async function listAccounts(deps: AccountDeps, sellerId: string): Promise<AccountView[]> {
  return (await deps.accounts.list(sellerId)).map(accountView);
}

/** The Account Settings view; another seller's account is a 404, never a 403. */
export async function getAccount(deps: AccountDeps, sellerId: string, accountId: string): Promise<AccountView> {
  const account = await deps.accounts.get(sellerId, accountId);
  if (!account) throw new NotFoundError('We could not find that account. It may have been removed.');
  return accountView(account);
}
