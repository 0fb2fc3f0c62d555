/**
 * Amazon's identity comes from the authenticated Sellers API answer, not from
 * the unsigned `selling_partner_id` of the redirect (docs/providers.md §1.2, §1.4):
 * a tampered value changes nothing the checks compare, and is only shown, as
 * the redirect reported it. Against the Amazon sandbox on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError } from '#shared/domain/errors.js';
import type { Account } from '#shared/domain/model.js';
import type { PendingConsent, ProviderHttp } from '#shared/ports/index.js';
import { amazon } from '#shared/providers/amazon/definition.js';
import { consent } from '#local/sandboxes/consent.js';
import { AMAZON_FACTS } from '#local/sandboxes/facts.js';
import { sandboxRegistrations } from '#local/sandboxes/registrations.js';
import type { SandboxServer } from '#local/sandboxes/server.js';
import { startSandbox, TEST_APP_ORIGIN } from '#local/sandboxes/test-support.js';
import { AMAZON_SANDBOX_OTHER_SELLER, AMAZON_SANDBOX_SELLER, createAmazonSandbox } from '#local/sandboxes/amazon/index.js';
import { amazonFinish, REPORTED_MERCHANT_TOKEN_LABEL } from './consent.js';
import type { FinishContext, Identity, TokenSet } from '../../connectors/types.js';

const reg = sandboxRegistrations(TEST_APP_ORIGIN).amazon;
const REDIRECT = reg.redirectUris[0] ?? '';
const app = { clientId: reg.clientId, clientSecret: reg.clientSecret, applicationId: reg.applicationId };
const account = { region: 'europe' } as unknown as Account;
const pending = { sellerId: 's1', accountId: 'a1', provider: 'amazon', purpose: 'channel', expiresAt: 0 } as PendingConsent;

let server: SandboxServer;
let http: ProviderHttp;
beforeAll(async () => {
  server = await startSandbox(createAmazonSandbox);
  // Every provider URL goes to the sandbox on 127.0.0.1.
  http = { fetch: (url, init) => fetch(server.sandboxUrl(url), init), locate: (url) => server.sandboxUrl(url) };
});
afterAll(async () => {
  await server?.stop();
});

/** Consents on Seller Central Europe (as the second seller for `other_seller`) and exchanges the code: the callback's query and the tokens. */
async function consentAndExchange(scenario: 'ok' | 'other_seller' = 'ok'): Promise<{ query: Record<string, string>; tokens: TokenSet }> {
  const url = server.sandboxUrl(`https://sellercentral-europe.amazon.com/apps/authorize/consent?${new URLSearchParams({ application_id: reg.applicationId, state: 'st', redirect_uri: REDIRECT })}`);
  const r = await consent(url, AMAZON_FACTS.accept.decision, { ...AMAZON_FACTS.accept.choices, scenario });
  const query = Object.fromEntries(new URL(r.location ?? '').searchParams);
  const ctx = context(query);
  const read = amazonFinish.readCallback(amazon, ctx);
  if (!('code' in read)) throw new Error('consent not given');
  const tokens = await amazonFinish.exchange(amazon, { ...ctx, code: read.code });
  return { query, tokens };
}

function context(query: Record<string, string>): FinishContext {
  return { app, account, pending, redirectUri: REDIRECT, query, http, now: new Date() };
}

const identify = (query: Record<string, string>, tokens: TokenSet): Promise<Identity> => amazonFinish.identify(amazon, { ...context(query), tokens });
const reportedBy = (identity: Identity) => identity.details.find((d) => d.label === REPORTED_MERCHANT_TOKEN_LABEL)?.value;

describe('Amazon identity', () => {
  it('is the same for a callback whose selling_partner_id was tampered with as for the honest one, and never the tampered value', async () => {
    const { query, tokens } = await consentAndExchange();
    expect(query.selling_partner_id).toBe(AMAZON_SANDBOX_SELLER.sellingPartnerId);
    const honest = await identify(query, tokens);
    const tampered = await identify({ ...query, selling_partner_id: 'ATTACKER' }, tokens);

    expect(tampered.id).toBe(honest.id);
    expect(tampered.label).toBe(honest.label);
    expect(tampered.id).not.toContain('ATTACKER');
    expect(honest.id).not.toContain(AMAZON_SANDBOX_SELLER.sellingPartnerId);
    // Who connected is what the authenticated answer says: the store, in the chosen region.
    expect(honest.label).toBe(AMAZON_SANDBOX_SELLER.storeName);
    expect(honest.details).toContainEqual({ label: 'Store', value: AMAZON_SANDBOX_SELLER.storeName });
    expect(honest.details).toContainEqual({ label: 'Region', value: 'Europe' });
    // The redirect's value is shown only as the redirect reported it.
    expect(reportedBy(honest)).toBe(AMAZON_SANDBOX_SELLER.sellingPartnerId);
    expect(reportedBy(tampered)).toBe('ATTACKER');
    expect(tampered.details.filter((d) => d.value.includes('ATTACKER')).map((d) => d.label)).toEqual([REPORTED_MERCHANT_TOKEN_LABEL]);
  });

  it('tells another seller apart even when their redirect claims the connected seller\u2019s merchant token', async () => {
    const first = await consentAndExchange();
    const firstIdentity = await identify(first.query, first.tokens);
    const other = await consentAndExchange('other_seller');
    expect(other.query.selling_partner_id).toBe(AMAZON_SANDBOX_OTHER_SELLER.sellingPartnerId);

    const claimingFirst = await identify({ ...other.query, selling_partner_id: AMAZON_SANDBOX_SELLER.sellingPartnerId }, other.tokens);
    expect(claimingFirst.id).not.toBe(firstIdentity.id);
    expect(claimingFirst.label).toBe(AMAZON_SANDBOX_OTHER_SELLER.storeName);
    expect(claimingFirst.id).toBe((await identify(other.query, other.tokens)).id);
  });

  it('shows no merchant token that is not shaped as one, and the identity does not change', async () => {
    const { query, tokens } = await consentAndExchange();
    const honest = await identify(query, tokens);
    const odd = await identify({ ...query, selling_partner_id: '<b>Trust me</b>' }, tokens);
    expect(odd.id).toBe(honest.id);
    expect(reportedBy(odd)).toBeUndefined();
  });

  it('refuses an answer that names no store rather than trust the redirect', async () => {
    const answer = { payload: [{ marketplace: { id: 'A1F83G8C2ARO7P', domainName: 'www.amazon.co.uk' }, participation: { isParticipating: true, hasSuspendedListings: false } }] };
    const fake: ProviderHttp = { fetch: async () => new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } }), locate: (u) => u };
    const attempt = amazonFinish.identify(amazon, { ...context({ selling_partner_id: AMAZON_SANDBOX_SELLER.sellingPartnerId }), http: fake, tokens: { accessToken: 'Atza|x' } });
    await expect(attempt).rejects.toBeInstanceOf(ConnectError);
    await expect(attempt).rejects.toMatchObject({ code: 'provider_error' });
  });
});
