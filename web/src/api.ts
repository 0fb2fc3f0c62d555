/** The API as the web app sees it: every answer parsed with the shared schemas, errors as sentences. */
import * as z from '#shared/runtime/zod.js';
import {
  accountListResponse,
  accountResponse,
  booksConnectResponse,
  catalogResponse,
  chartResponse,
  connectResponse,
  createRecommendedResponse,
  eventListResponse,
  recommendedResponse,
  invitationCreatedResponse,
  invitationListResponse,
  invitationOpenedResponse,
  invitedKeysResponse,
  invitedKeysReturnResponse,
  invitationRevokedResponse,
  meResponse,
  type CreateAccountRequest,
  type MappingRequest,
} from '#shared/http/schemas.js';
import type { ChannelConnectRequest } from '#shared/http/key-schemas.js';

/** A failed call, with the sentence to show and the fields to mark. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

async function call<S extends z.core.$ZodType>(schema: S | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined && method === 'GET' ? {} : { 'content-type': 'application/json' },
      ...(method !== 'GET' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
  } catch {
    throw new ApiError(0, 'We could not reach Onramp. Check your connection and try again.');
  }
  if (res.status === 204 || schema === null) return undefined as z.infer<S>;
  const data = (await res.json().catch(() => undefined)) as
    | { error?: { message?: string; fields?: Record<string, string>; correlationId?: string } }
    | undefined;
  if (!res.ok) {
    const e = data?.error;
    const ref = e?.correlationId ? ` (reference ${e.correlationId})` : '';
    throw new ApiError(res.status, (e?.message ?? 'Something went wrong. Please try again.') + ref, e?.fields ?? {});
  }
  const parsed = z.safeParse(schema, data);
  if (!parsed.success) throw new ApiError(res.status, 'Onramp answered in a way this page does not understand. Reload the page and try again.');
  return parsed.data;
}

const id = (accountId: string) => encodeURIComponent(accountId);

export const api = {
  signUp: (b: { name: string; email: string; password: string }) => call(meResponse, 'POST', '/auth/signup', b),
  signIn: (b: { email: string; password: string }) => call(meResponse, 'POST', '/auth/login', b),
  signOut: () => call(null, 'POST', '/auth/logout', {}),
  signOutEverywhere: () => call(null, 'POST', '/auth/logout-everywhere', {}),
  me: () => call(meResponse, 'GET', '/me'),
  catalog: () => call(catalogResponse, 'GET', '/catalog'),
  accounts: () => call(accountListResponse, 'GET', '/accounts'),
  account: (accountId: string) => call(accountResponse, 'GET', `/accounts/${id(accountId)}`),
  createAccount: (b: CreateAccountRequest) => call(accountResponse, 'POST', '/accounts', b),
  events: (accountId: string) => call(eventListResponse, 'GET', `/accounts/${id(accountId)}/events`),
  resume: (accountId: string) => call(accountResponse, 'POST', `/accounts/${id(accountId)}/resume`, {}),
  startOver: (accountId: string) => call(accountResponse, 'POST', `/accounts/${id(accountId)}/start-over`, {}),
  connectChannel: (accountId: string) => call(connectResponse, 'POST', `/accounts/${id(accountId)}/channel/connect`, {}),
  /** The provider's consent again (a keys channel answers with its form instead: see `reconnectKeys`). */
  reconnect: (accountId: string, kind: 'channel' | 'books') => call(connectResponse, 'POST', `/accounts/${id(accountId)}/reconnect`, { kind }),
  /** New keys for a keys channel: checked, then they replace the old ones; the account comes back, its setup and mapping kept. */
  reconnectKeys: (accountId: string, keys: Omit<ChannelConnectRequest, 'storeUrl'>) =>
    call(accountResponse, 'POST', `/accounts/${id(accountId)}/reconnect`, { kind: 'channel', ...keys }),
  /** WooCommerce's one-click key creation again, to reconnect: the store's approval page. */
  reconnectAutomatically: (accountId: string) => call(connectResponse, 'POST', `/accounts/${id(accountId)}/reconnect`, { kind: 'channel' }),
  connectBooks: (accountId: string, b: { provider: string } | { reuse: string }) => call(booksConnectResponse, 'POST', `/accounts/${id(accountId)}/books/connect`, b),
  chooseOrganisation: (accountId: string, organisation: string) =>
    call(accountResponse, 'POST', `/accounts/${id(accountId)}/books/organisation`, { organisation }),
  /** A connect link for the step the account is at: its URL is shown this once. */
  createInvitation: (accountId: string, b: { step: 'channel' | 'books'; note?: string }) => call(invitationCreatedResponse, 'POST', `/accounts/${id(accountId)}/invitations`, b),
  invitations: (accountId: string) => call(invitationListResponse, 'GET', `/accounts/${id(accountId)}/invitations`),
  revokeInvitation: (accountId: string, invitationId: string) => call(invitationRevokedResponse, 'DELETE', `/accounts/${id(accountId)}/invitations/${encodeURIComponent(invitationId)}`, {}),
  /** The link's holder (no session): the token goes in the body only. */
  openInvitation: (token: string) => call(invitationOpenedResponse, 'POST', '/invitations/open', { token }),
  invitedConnect: (token: string, provider?: string) => call(connectResponse, 'POST', '/invitations/connect', { token, ...(provider ? { provider } : {}) }),
  /** The link's keys form: keys connect; none start one-click creation (the store's approval page). */
  invitedKeys: (token: string, b: Record<string, string>) => call(invitedKeysResponse, 'POST', '/invitations/keys', { token, ...b }),
  /** The link's page back from the store: the token it kept, the store's user_id, and whether the holder approved. */
  invitedKeysReturn: (b: { token?: string; userId: string; success: boolean }) => call(invitedKeysReturnResponse, 'POST', '/invitations/keys/return', b),
  chart: (accountId: string) => call(chartResponse, 'GET', `/accounts/${id(accountId)}/books/chart`),
  saveMapping: (accountId: string, b: MappingRequest) => call(accountResponse, 'PUT', `/accounts/${id(accountId)}/mapping`, b),
  /** The accounts Onramp would create for the lines with no good match (nothing is written). */
  recommended: (accountId: string) => call(recommendedResponse, 'GET', `/accounts/${id(accountId)}/books/recommended`),
  /** Creates the recommended accounts the seller confirmed: each one's outcome, and the chart as it is now. */
  createRecommended: (accountId: string, categories: string[]) => call(createRecommendedResponse, 'POST', `/accounts/${id(accountId)}/books/recommended`, { categories }),
  /** The books' consent again, also asking permission to add accounts (Xero's accounting.settings); connection and mapping kept. */
  reconnectBooksWithWrite: (accountId: string) => call(connectResponse, 'POST', `/accounts/${id(accountId)}/reconnect`, { kind: 'books', access: 'write' }),
  /** Pasted keys: checked with the provider, then stored; the account comes back at its next step. */
  connectChannelKeys: (accountId: string, b: ChannelConnectRequest) => call(accountResponse, 'POST', `/accounts/${id(accountId)}/channel/connect`, b),
  /** WooCommerce's one-click key creation: the store's approval page. */
  connectAutomatically: (accountId: string, b: Pick<ChannelConnectRequest, 'storeUrl'>) => call(connectResponse, 'POST', `/accounts/${id(accountId)}/channel/connect`, b),
};
