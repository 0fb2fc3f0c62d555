/** The API as the web app sees it: typed with the shared schemas, errors as sentences. */
import type { AccountView, CatalogResponse, CreateAccountRequest, EventView, UserView } from '#shared/schemas.js';

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

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined && method === 'GET' ? {} : { 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
  } catch {
    throw new ApiError(0, 'We could not reach Onramp. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => undefined)) as
    | { error?: { message?: string; fields?: Record<string, string>; correlationId?: string } }
    | undefined;
  if (!res.ok) {
    const e = data?.error;
    const ref = e?.correlationId ? ` (reference ${e.correlationId})` : '';
    throw new ApiError(res.status, (e?.message ?? 'Something went wrong. Please try again.') + ref, e?.fields ?? {});
  }
  return data as T;
}

export const api = {
  signUp: (b: { name: string; email: string; password: string }) => call<{ user: UserView }>('POST', '/auth/signup', b),
  signIn: (b: { email: string; password: string }) => call<{ user: UserView }>('POST', '/auth/login', b),
  signOut: () => call<void>('POST', '/auth/logout', {}),
  signOutEverywhere: () => call<void>('POST', '/auth/logout-everywhere', {}),
  me: () => call<{ user: UserView }>('GET', '/me'),
  catalog: () => call<CatalogResponse>('GET', '/catalog'),
  accounts: () => call<{ accounts: AccountView[] }>('GET', '/accounts'),
  account: (id: string) => call<{ account: AccountView }>('GET', `/accounts/${encodeURIComponent(id)}`),
  createAccount: (b: CreateAccountRequest) => call<{ account: AccountView }>('POST', '/accounts', b),
  events: (id: string) => call<{ events: EventView[] }>('GET', `/accounts/${encodeURIComponent(id)}/events`),
  resume: (id: string) => call<{ account: AccountView }>('POST', `/accounts/${encodeURIComponent(id)}/resume`, {}),
  startOver: (id: string) => call<{ account: AccountView }>('POST', `/accounts/${encodeURIComponent(id)}/start-over`, {}),
};
