/**
 * Helpers for tests of connect links for keys channels over HTTP: the seller
 * makes a link, reads where it and the account stand; the link's holder
 * sends the keys form. Every helper takes the stack it runs on.
 */
import { expect } from 'vitest';
import type { LocalStack } from './stack.js';
import { settled, withStack, type Client } from './test-helpers.js';
import { afterAll, beforeAll } from 'vitest';

/** The stack of a test file (one per file: opening links is limited per network), started and stopped around it. */
export function linkStack(): () => LocalStack {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await withStack({ logLevel: 'SILENT' });
  });
  afterAll(async () => {
    if (stack) await settled(stack).catch(() => undefined);
    await stack?.stop();
  });
  return () => stack!;
}

/** A connect link for the account's channel step: its token (from the URL's fragment) and id. */
export async function invite(seller: Client, accountId: string) {
  const res = await seller.call('POST', `/api/accounts/${accountId}/invitations`, { step: 'channel' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { token: new URL(res.body.url as string).hash.slice(1), id: res.body.invitation.id as string };
}

export async function accountOf(seller: Client, id: string) {
  const res = await seller.call('GET', `/api/accounts/${id}`);
  expect(res.status).toBe(200);
  return res.body.account as { setup: { step: string }; connections: { provider: string }[]; fields: { key: string; value: string }[]; updatedAt: string };
}

/** Where the link stands, as the seller's account page lists it. */
export async function linkState(seller: Client, accountId: string, id: string) {
  const list = await seller.call('GET', `/api/accounts/${accountId}/invitations`);
  return (list.body.invitations as { id: string; state: string }[]).find((i) => i.id === id)?.state;
}

/** The account's activity, as text. */
export async function events(seller: Client, accountId: string) {
  return JSON.stringify((await seller.call('GET', `/api/accounts/${accountId}/events`)).body);
}

/** The account's secrets in the local secret store (staged ones included). */
export const secretsOf = (stack: LocalStack, accountId: string) => stack.secrets.names().filter((n) => n.startsWith(`onramp/${accountId}/`));

/** The account is as it was: at Connect Sales Channel, nothing connected, no secret. */
export async function expectNothingStored(stack: LocalStack, seller: Client, accountId: string) {
  const after = await accountOf(seller, accountId);
  expect(after.setup.step).toBe('connect_channel');
  expect(after.connections).toEqual([]);
  expect(secretsOf(stack, accountId)).toEqual([]);
}

/** The link's keys form, sent by its holder: keys connect, none start one-click creation. */
export const keysThroughLink = (holder: Client, token: string, body: Record<string, unknown>) => holder.call('POST', '/api/invitations/keys', { token, ...body });
