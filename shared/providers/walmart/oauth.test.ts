/**
 * Walmart's US OAuth 2.0 (docs/providers.md §7.2) against its sandbox on the
 * local stack: the consent and its callback, the token request naming the
 * seller, the identity the token's detail proves, the refresh that names the
 * seller again, and the refusals only the seller can mend; keys as the other
 * way in the US until they retire, and the only way in Mexico.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { dynamoConnectionRecords } from '#shared/adapters/dynamo/connection-records.js';
import { ValidationError } from '#shared/domain/errors.js';
import { accountResponse } from '#shared/http/schemas.js';
import { refreshDueConnections } from '#shared/use-cases/health/job.js';
import { refuseUnlessOffered } from '#shared/use-cases/keys/check.js';
import { WALMART_FACTS } from '#local/sandboxes/facts.js';
import { walmartControls } from '#local/sandboxes/walmart/index.js';
import { connectedAccount, DAY_MS, refresherInstance, secretOf, secretValue, tokenCalls } from '#local/health-helpers.js';
import { client, connectThroughSandbox, followCallback, newAccount, newSeller, settled, withStack, type Client } from '#local/test-helpers.js';
import { consent } from '#local/sandboxes/consent.js';
import { TABLE_NAME, type LocalStack } from '#local/stack.js';
import { walmart } from './definition.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await withStack();
});
afterAll(async () => {
  if (stack) await settled(stack).catch(() => undefined);
  await stack?.stop();
});

const US = { name: 'Walmart US', channel: 'walmart', region: 'US' } as const;
const records = () => dynamoConnectionRecords(dynamoClient(), TABLE_NAME);
const sellerIdOf = async (c: Client) => (await c.call('GET', '/api/me')).body.user.id as string;
const landingCode = (landing: string | undefined) => (landing ? new URL(landing, 'http://app').searchParams.get('connect_error') : null);
async function accountPage(c: Client, id: string) {
  const res = await c.call('GET', `/api/accounts/${id}`);
  expect(res.status).toBe(200);
  return accountResponse.parse(res.body).account;
}
const later = () => refresherInstance(stack, { offsetMs: 2 * DAY_MS });

describe('Walmart US OAuth', () => {
  it('connects a US account through the consent by default: the seller id proven by the exchange, kept beside the tokens, never shown', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, US);
    const { authorizeUrl, landing } = await connectThroughSandbox(c, created.id, WALMART_FACTS.accept.decision);
    const consentPage = new URL(authorizeUrl);
    expect(consentPage.pathname).toBe('/login.account.wal-mart.com/authorize');
    expect([...consentPage.searchParams.keys()]).toEqual(['responseType', 'clientId', 'redirectUri', 'clientType', 'nonce', 'state']);
    expect(landing).toBe(`/accounts/${created.id}/setup`);
    const after = await accountPage(c, created.id);
    expect(after.setup.step).toBe('connect_bookkeeping');
    const [connection] = after.connections;
    expect(connection).toMatchObject({ provider: 'walmart', label: 'Walmart: United States' });
    expect(connection?.details).toEqual(
      expect.arrayContaining([
        { label: 'Seller ID', value: WALMART_FACTS.sellerId },
        { label: 'Reports', value: 'View only' },
      ]),
    );
    const secret = await secretValue(stack, secretOf(stack, await sellerIdOf(c), created.id, 'channel'));
    expect(secret).toMatchObject({ partnerId: WALMART_FACTS.sellerId, accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect(JSON.stringify(after)).not.toContain(secret.accessToken);
    expect(JSON.stringify(after)).not.toContain(secret.refreshToken);
    // The refresh token lasts 365 days: the calendar says so, and the connection is refreshed, not checked.
    const record = await records().get(secretOf(stack, await sellerIdOf(c), created.id, 'channel'));
    expect(Date.parse(record!.refreshTokenExpiresAt!) - Date.now()).toBeGreaterThan(364 * DAY_MS);
    expect(record).toMatchObject({ status: 'connected', refreshDueAt: expect.any(String) });
    expect(record).not.toHaveProperty('checkDueAt');
  });

  it('refreshes with the stored seller id, keeping the refresh token Walmart does not rotate', async () => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, US);
    const name = secretOf(stack, await sellerIdOf(c), id, 'channel');
    const before = await secretValue(stack, name);
    const calls = tokenCalls(stack, 'marketplace.walmartapis.com', '/v3/token');
    expect((await refreshDueConnections(later())).refreshed).toBeGreaterThanOrEqual(1);
    expect(tokenCalls(stack, 'marketplace.walmartapis.com', '/v3/token')).toBeGreaterThan(calls);
    const after = await secretValue(stack, name);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after).toMatchObject({ refreshToken: before.refreshToken, partnerId: WALMART_FACTS.sellerId });
    expect(await records().get(name)).toMatchObject({ status: 'connected', refreshedAt: expect.any(String) });
  });

  it.each([
    ['the seller disconnected Onramp at Walmart', () => walmartControls(stack.sandboxes.sandboxes).revokeGrants(), 'consent_revoked'],
    ['the refresh token ran out', () => walmartControls(stack.sandboxes.sandboxes).expireRefreshTokens(), 'refresh_token_expired'],
  ] as const)('shows Needs reconnecting when %s, and the page still answers', async (_what, happen, reason) => {
    const c = await newSeller(stack);
    const id = await connectedAccount(c, US);
    const name = secretOf(stack, await sellerIdOf(c), id, 'channel');
    happen();
    expect((await refreshDueConnections(later())).refused).toBeGreaterThanOrEqual(1);
    expect(await records().get(name)).toMatchObject({ status: 'needs_reconnecting', reason });
    expect((await accountPage(c, id)).connections[0]?.health).toMatchObject({ state: 'needs_reconnecting', reason });
  });

  it('brings the seller back to the channel step with a sentence on Cancel, and on a token request Walmart fails', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, US);
    expect(landingCode((await connectThroughSandbox(c, created.id, 'cancel')).landing)).toBe('denied');
    expect(landingCode((await connectThroughSandbox(c, created.id, WALMART_FACTS.accept.decision, { scenario: 'token_error' })).landing)).toBe('provider_error');
    const after = await accountPage(c, created.id);
    expect(after.setup.step).toBe('connect_channel');
    expect(after.connections).toEqual([]);
  });

  it('refuses a callback whose seller id is not the one the code was issued to (the exchange names it), and a code used twice', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, US);
    const other = await connectThroughSandbox(c, created.id, WALMART_FACTS.accept.decision, {}, (cb) => cb.searchParams.set('sellerId', '999999999'));
    expect(landingCode(other.landing)).toBe('expired');
    expect((await accountPage(c, created.id)).connections).toEqual([]);
    const start = await c.call('POST', `/api/accounts/${created.id}/channel/connect`, {});
    const page = await consent(start.body.authorizeUrl, WALMART_FACTS.accept.decision);
    expect((await followCallback(c, page.location!)).landing).toBe(`/accounts/${created.id}/setup`);
    // The same callback again: its state was taken.
    expect(landingCode((await followCallback(c, page.location!)).landing)).toBe('expired');
  });

  it('moves a US account connected with keys to the consent through Reconnect, keeping its step', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, US);
    // A key of its own: another test revokes every key the sandbox knew.
    const { clientId, clientSecret } = walmartControls(stack.sandboxes.sandboxes).issueKey('us');
    expect((await c.call('POST', `/api/accounts/${created.id}/channel/connect`, { clientId, clientSecret })).status).toBe(200);
    const keysSecret = secretOf(stack, await sellerIdOf(c), created.id, 'channel');
    const start = await c.call('POST', `/api/accounts/${created.id}/reconnect`, { kind: 'channel' });
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    const page = await consent(start.body.authorizeUrl, WALMART_FACTS.accept.decision);
    expect((await followCallback(c, page.location!)).landing).toBe(`/accounts/${created.id}?reconnected=channel`);
    const after = await accountPage(c, created.id);
    expect(after.setup.step).toBe('connect_bookkeeping');
    expect(after.connections[0]?.details).toEqual(expect.arrayContaining([{ label: 'Seller ID', value: WALMART_FACTS.sellerId }]));
    const now = secretOf(stack, await sellerIdOf(c), created.id, 'channel');
    expect(now).not.toBe(keysSecret);
    expect(await secretValue(stack, now)).toMatchObject({ partnerId: WALMART_FACTS.sellerId, refreshToken: expect.any(String) });
  });
});

describe('Walmart keys beside the consent', () => {
  it('are the only way in Mexico: without keys, the seller is asked for them, and no consent starts', async () => {
    const c = await newSeller(stack);
    const created = await newAccount(c, { name: 'Walmart MX', channel: 'walmart', region: 'MX' });
    const res = await c.call('POST', `/api/accounts/${created.id}/channel/connect`, {});
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['clientId', 'clientSecret']);
    // Nor through a connect link: in Mexico its page shows the keys form and no consent, and no consent starts from it.
    const link = await c.call('POST', `/api/accounts/${created.id}/invitations`, { step: 'channel' });
    expect(link.status).toBe(201);
    const token = new URL(link.body.url).hash.slice(1);
    const holder = client(stack);
    const opened = await holder.call('POST', '/api/invitations/open', { token });
    expect(opened.body.providers).toEqual([]);
    expect(opened.body.keys.form.fields.map((f: { key: string }) => f.key).sort()).toEqual(['clientId', 'clientSecret']);
    const consent = await holder.call('POST', '/api/invitations/connect', { token });
    expect(consent.status).toBe(400);
    expect(consent.body.authorizeUrl).toBeUndefined();
    // A US account's link starts Walmart's consent.
    const us = await newAccount(c, US);
    expect((await c.call('POST', `/api/accounts/${us.id}/invitations`, { step: 'channel' })).status).toBe(201);
  });

  it('are taken in the US through 30 April 2027, and refused from 1 May 2027 with a sentence saying to sign in instead; Mexico keeps them', () => {
    expect(() => refuseUnlessOffered(walmart, { region: 'US' }, new Date('2027-04-30T23:59:59.000Z'))).not.toThrow();
    const refused = (() => {
      try {
        refuseUnlessOffered(walmart, { region: 'US' }, new Date('2027-05-01T00:00:00.000Z'));
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).message).toMatch(/^Walmart retired the keys .* Press "Connect to Walmart"/);
    expect(Object.keys((refused as ValidationError).fields ?? {}).sort()).toEqual(['clientId', 'clientSecret']);
    expect(() => refuseUnlessOffered(walmart, { region: 'MX' }, new Date('2027-05-01T00:00:00.000Z'))).not.toThrow();
  });
});
