/**
 * Contract tests of each bookkeeping platform's account creation
 * (`create`, `canWrite` in `books.ts`) against its sandbox, written from
 * the providers' documentation (docs/providers.md §9.9, §10.9): created,
 * a name in use, a code in use, the provider's server error, and a grant
 * without write permission.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consent } from '#local/sandboxes/consent.js';
import { booksControls } from '#local/sandboxes/controls.js';
import { acceptance } from '#local/sandboxes/facts.js';
import { BOOKS_PROVIDERS } from './index.js';
import { createQuickbooksSandbox, QUICKBOOKS_SANDBOX_COMPANY } from '#local/sandboxes/quickbooks/index.js';
import { sandboxRegistrations } from '#local/sandboxes/registrations.js';
import type { SandboxServer } from '#local/sandboxes/server.js';
import { readJsonOrText, startSandbox } from '#local/sandboxes/test-support.js';
import { createXeroSandbox, XERO_SANDBOX_TENANTS } from '#local/sandboxes/xero/index.js';
import { ConnectError } from '../domain/errors.js';
import type { RecommendedAccount } from '../domain/recommended.js';
import type { ProviderHttp } from '../ports/index.js';
import { BOOKS } from './books.js';

let server: SandboxServer;
let http: ProviderHttp;
const [, SECOND] = XERO_SANDBOX_TENANTS;
const REALM = QUICKBOOKS_SANDBOX_COMPANY.realmId;
const CLEARING: RecommendedAccount = { category: 'clearing', name: 'Walmart Clearing', code: '616', kind: 'asset' };
const FEES: RecommendedAccount = { category: 'fees', name: 'Walmart Fees', code: '406', kind: 'expense' };

async function token(provider: 'xero' | 'quickbooks', scope: string, choices: Record<string, string> = {}): Promise<string> {
  const reg = sandboxRegistrations('http://127.0.0.1:1')[provider] as { clientId: string; clientSecret: string; redirectUris: string[] };
  const redirect = reg.redirectUris[0] ?? '';
  const definition = BOOKS_PROVIDERS.find((p) => p.id === provider)!;
  const authorize = definition.authorizeUrl;
  const q = new URLSearchParams({ response_type: 'code', client_id: reg.clientId, redirect_uri: redirect, scope, state: 'state-1' });
  const result = await consent(server.sandboxUrl(`${authorize}?${q}`), acceptance(provider).decision, choices);
  const code = new URL(result.location ?? '').searchParams.get('code') ?? '';
  const res = await fetch(server.sandboxUrl(definition.tokenUrl), {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${reg.clientId}:${reg.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect }),
  });
  const { status, body } = await readJsonOrText(res);
  expect(status).toBe(200);
  return String(body.access_token);
}

describe.each([
  {
    provider: 'xero' as const,
    factory: createXeroSandbox,
    org: SECOND!.tenantId,
    write: () => token('xero', 'offline_access accounting.settings', { tenant: SECOND!.tenantId }),
    readOnly: () => token('xero', 'offline_access accounting.settings.read', { tenant: SECOND!.tenantId }),
    type: { type: 'CURRENT', taxRateId: 'NONE' },
    inUse: { name: 'Sales', code: '200' },
  },
  {
    provider: 'quickbooks' as const,
    factory: createQuickbooksSandbox,
    org: REALM,
    write: () => token('quickbooks', 'com.intuit.quickbooks.accounting'),
    readOnly: () => token('quickbooks', 'openid'),
    type: { type: 'Other Current Asset', subType: 'OtherCurrentAssets' },
    inUse: { name: 'Checking', code: null },
  },
])('$provider create', ({ provider, factory, org, write, readOnly, type, inUse }) => {
  const books = BOOKS[provider];
  const ref = { identity: org };
  beforeEach(async () => {
    server = await startSandbox(factory, { slowMs: 200, accessTokenTtlSeconds: 60 });
    http = { fetch: (url, init) => fetch(server.sandboxUrl(url), init), locate: (url) => server.sandboxUrl(url) };
  });
  afterEach(() => server.stop());

  it('creates the account in the provider\u2019s own types, and the chart then lists it', async () => {
    expect(books.accountType(CLEARING)).toEqual(type);
    const t = await write();
    expect(books.canWrite?.(t) ?? true).toBe(true);
    const created = await books.create(http, ref, t, CLEARING);
    expect(created).toMatchObject({ outcome: 'created', account: { name: 'Walmart Clearing', code: '616', kind: 'asset', active: true } });
    const chart = await books.chart(http, ref, t);
    expect(chart.accounts.filter((a) => a.name === 'Walmart Clearing')).toHaveLength(1);
    expect(booksControls(server.sandboxes, provider).createRequests(org)).toHaveLength(1);
  });

  it('answers a name in use, then a code in use, as duplicates, writing nothing', async () => {
    const t = await write();
    expect(await books.create(http, ref, t, { ...CLEARING, name: inUse.name })).toEqual({ outcome: 'duplicate', field: 'name' });
    await books.create(http, ref, t, FEES);
    expect(await books.create(http, ref, t, { ...CLEARING, code: '406' })).toEqual({ outcome: 'duplicate', field: 'code' });
    const chart = await books.chart(http, ref, t);
    expect(chart.accounts.some((a) => a.name === 'Walmart Clearing')).toBe(false);
  });

  it('throws the provider\u2019s server error as provider_error, and the next create goes through', async () => {
    const t = await write();
    booksControls(server.sandboxes, provider).failNextCreate();
    await expect(books.create(http, ref, t, CLEARING)).rejects.toMatchObject({ code: 'provider_error' });
    expect((await books.create(http, ref, t, CLEARING)).outcome).toBe('created');
  });

  it('answers no_permission for a grant that does not cover writing, and a token it no longer takes as expired', async () => {
    const t = await readOnly();
    if (provider === 'xero') expect(books.canWrite?.(t)).toBe(false);
    expect(await books.create(http, ref, t, CLEARING)).toEqual({ outcome: 'no_permission' });
    const gone = books.create(http, ref, 'not-a-token', CLEARING);
    await expect(gone).rejects.toBeInstanceOf(ConnectError);
    await expect(gone).rejects.toMatchObject({ code: 'expired' });
    expect(booksControls(server.sandboxes, provider).createRequests(org).every((r) => r.createdId === undefined)).toBe(true);
  });
});
