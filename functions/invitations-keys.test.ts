/**
 * Connect links for the channels that connect with keys, pasted keys, on the
 * local stack over HTTP as the link's page reaches it: Walmart (Mexico) and
 * WooCommerce, and the negative cases (bad keys, a store address other than
 * the account's, reused, revoked, expired and forged links, two submissions
 * on one link). WooCommerce's one-click creation: `invitations-one-click.test.ts`.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { LINK_SENTENCES } from '#shared/domain/connect-errors.js';
import { WALMART_FACTS } from '#local/sandboxes/facts.js';
import { WALMART_SANDBOX_KEYS } from '#local/sandboxes/walmart/index.js';
import { WOO_SANDBOX_KEYS } from '#local/sandboxes/woocommerce/index.js';
import { accountOf, events, expectNothingStored, invite, keysThroughLink, linkStack, linkState, secretsOf } from '#local/link-helpers.js';
import { client, newAccount, newSeller, settled } from '#local/test-helpers.js';
import { findChannel } from '#shared/providers/catalog.js';
import { waysOf } from '#shared/providers/ways.js';

const stack = linkStack();
const mx = WALMART_SANDBOX_KEYS.find((k) => k.clientId === WALMART_FACTS.keys.mx.clientId)!;
const wooRead = WOO_SANDBOX_KEYS.find((k) => k.permissions === 'read')!;
const store = () => `${stack().sandboxes.origin}/woocommerce`;

describe('pasted keys through a connect link', () => {
  it('Walmart Mexico: the holder sees the keys form, the keys are checked and the account moves to Connect Bookkeeping, "connected via invitation"', async () => {
    const seller = await newSeller(stack());
    const account = await newAccount(seller, { name: 'Walmart MX', channel: 'walmart', region: 'MX' });
    await settled(stack());
    const link = await invite(seller, account.id);
    const holder = client(stack());
    const opened = await holder.call('POST', '/api/invitations/open', { token: link.token });
    expect(opened.status).toBe(200);
    // Keys only in Mexico: no consent, the seller's own form.
    expect(opened.body.providers).toEqual([]);
    expect(opened.body.keys.form.fields.map((f: { key: string }) => f.key)).toEqual(['clientId', 'clientSecret']);
    expect(opened.body.keys.asksStoreUrl).toBe(false);
    expect(JSON.stringify(opened.body)).not.toContain(account.id);

    const res = await keysThroughLink(holder, link.token, { clientId: mx.clientId, clientSecret: mx.clientSecret });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ connected: 'channel' });
    expect(holder.cookie).toBeUndefined();
    expect(res.headers.getSetCookie()).toEqual([]);
    await settled(stack());
    const after = await accountOf(seller, account.id);
    expect(after.setup.step).toBe('connect_bookkeeping');
    expect(after.connections).toEqual([expect.objectContaining({ provider: 'walmart' })]);
    expect(await events(seller, account.id)).toContain('connected via invitation');
    expect(await linkState(seller, account.id, link.id)).toBe('used');
    expect(secretsOf(stack(), account.id)).toHaveLength(1);
    // Used: the same keys again connect nothing more.
    const again = await keysThroughLink(holder, link.token, { clientId: mx.clientId, clientSecret: mx.clientSecret });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe(LINK_SENTENCES.used);
  });

  it('tells the holder when the seller connected the channel meanwhile: the account moved on, the link was not used, nothing more is stored', async () => {
    const seller = await newSeller(stack());
    const account = await newAccount(seller, { name: 'Walmart MX', channel: 'walmart', region: 'MX' });
    await settled(stack());
    const link = await invite(seller, account.id);
    const holder = client(stack());
    expect((await holder.call('POST', '/api/invitations/open', { token: link.token })).status).toBe(200);
    // The seller pastes the keys themselves while the holder still has the form open.
    const own = await seller.call('POST', `/api/accounts/${account.id}/channel/connect`, { clientId: mx.clientId, clientSecret: mx.clientSecret });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    await settled(stack());
    const res = await keysThroughLink(holder, link.token, { clientId: mx.clientId, clientSecret: mx.clientSecret });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.error.message).toBe(LINK_SENTENCES.moved_on);
    expect(await linkState(seller, account.id, link.id)).not.toBe('used');
    expect(secretsOf(stack(), account.id)).toHaveLength(1);
  });

  it('Walmart United States: the link offers the consent and, while Walmart takes US keys, the keys form, which connects', async () => {
    const seller = await newSeller(stack());
    const account = await newAccount(seller, { name: 'Walmart US', channel: 'walmart', region: 'US' });
    await settled(stack());
    const link = await invite(seller, account.id);
    const holder = client(stack());
    const opened = await holder.call('POST', '/api/invitations/open', { token: link.token });
    expect(opened.body.providers).toEqual([{ id: 'walmart', name: 'Walmart' }]);
    const ways = waysOf(findChannel('walmart')!, 'US', new Date());
    expect(opened.body.keys !== null).toBe(ways.keys);
    if (!ways.keys) return;
    expect(opened.body.keys.form.explanation).toEqual(expect.any(String));
    const us = WALMART_SANDBOX_KEYS.find((k) => k.clientId === WALMART_FACTS.keys.us.clientId)!;
    expect((await keysThroughLink(holder, link.token, { clientId: us.clientId, clientSecret: us.clientSecret })).body).toEqual({ connected: 'channel' });
    expect((await accountOf(seller, account.id)).setup.step).toBe('connect_bookkeeping');
  });

  it('refuses bad keys with the seller\u2019s field sentence, stores nothing and leaves the link issued', async () => {
    const seller = await newSeller(stack());
    const account = await newAccount(seller, { name: 'Walmart MX', channel: 'walmart', region: 'MX' });
    await settled(stack());
    const link = await invite(seller, account.id);
    const holder = client(stack());
    const bad = await keysThroughLink(holder, link.token, { clientId: mx.clientId, clientSecret: 'not-the-secret' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Walmart did not accept this Client ID and Client Secret/);
    expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(['clientSecret']));
    // Fields a keys form does not have are refused at the edge.
    expect((await keysThroughLink(holder, link.token, { clientId: mx.clientId, clientSecret: mx.clientSecret, accountId: account.id })).status).toBe(400);
    await expectNothingStored(stack(), seller, account.id);
    expect(await linkState(seller, account.id, link.id)).toBe('issued');
    // The link still works with the right keys.
    expect((await keysThroughLink(holder, link.token, { clientId: mx.clientId, clientSecret: mx.clientSecret })).body).toEqual({ connected: 'channel' });
  });

  it('WooCommerce: a store address sent for an account that has one is refused with one sentence, whether it is the account\u2019s or not', async () => {
    const seller = await newSeller(stack());
    const account = await newAccount(seller, { name: 'Woo', channel: 'woocommerce', storeUrl: store() });
    await settled(stack());
    const link = await invite(seller, account.id);
    const holder = client(stack());
    const opened = await holder.call('POST', '/api/invitations/open', { token: link.token });
    expect(opened.body.keys.asksStoreUrl).toBe(false);
    expect(JSON.stringify(opened.body)).not.toContain(store());
    const other = await keysThroughLink(holder, link.token, { storeUrl: 'https://another-shop.example.com', consumerKey: wooRead.consumerKey, consumerSecret: wooRead.consumerSecret });
    expect(other.status).toBe(400);
    expect(other.body.error.fields.storeUrl).toBeDefined();
    expect(JSON.stringify(other.body)).not.toContain(store());
    expect(JSON.stringify(other.body)).not.toContain(new URL(store()).host);
    // The account's own address gets the very same answer: the holder cannot test a guess.
    const right = await keysThroughLink(holder, link.token, { storeUrl: store(), consumerKey: wooRead.consumerKey, consumerSecret: wooRead.consumerSecret });
    expect(right.status).toBe(other.status);
    expect(right.body).toEqual(other.body);
    await expectNothingStored(stack(), seller, account.id);
    expect(await linkState(seller, account.id, link.id)).toBe('issued');
    const ok = await keysThroughLink(holder, link.token, { consumerKey: wooRead.consumerKey, consumerSecret: wooRead.consumerSecret });
    expect(ok.body).toEqual({ connected: 'channel' });
    expect((await accountOf(seller, account.id)).setup.step).toBe('connect_bookkeeping');
  });

  it('connects nothing and stores nothing through a revoked, expired, forged or reused link', async () => {
    const seller = await newSeller(stack());
    const account = await newAccount(seller, { name: 'Walmart MX', channel: 'walmart', region: 'MX' });
    await settled(stack());
    const holder = client(stack());
    const keys = { clientId: mx.clientId, clientSecret: mx.clientSecret };

    const revoked = await invite(seller, account.id);
    expect((await seller.call('DELETE', `/api/accounts/${account.id}/invitations/${revoked.id}`, {})).status).toBe(200);
    const r = await keysThroughLink(holder, revoked.token, keys);
    expect(r.status).toBe(404);
    expect(r.body.error.message).toBe(LINK_SENTENCES.revoked);

    const expired = await invite(seller, account.id);
    await dynamoClient().send(new UpdateCommand({ TableName: 'onramp', Key: { pk: `INVITE#${expired.id}`, sk: 'INVITE' }, UpdateExpression: 'SET validUntil = :past', ExpressionAttributeValues: { ':past': 1000 } }));
    expect((await keysThroughLink(holder, expired.token, keys)).body.error.message).toBe(LINK_SENTENCES.expired);

    const forged = await keysThroughLink(holder, 'E'.repeat(43), keys);
    expect(forged.status).toBe(404);
    expect(forged.body.error.message).toBe(LINK_SENTENCES.unknown);
    expect((await keysThroughLink(holder, 'short', keys)).status).toBe(400);
    await expectNothingStored(stack(), seller, account.id);

    // Reused: a link that connected the channel connects nothing again.
    const first = await invite(seller, account.id);
    const second = await invite(seller, account.id);
    expect((await keysThroughLink(holder, first.token, keys)).body).toEqual({ connected: 'channel' });
    const reused = await keysThroughLink(holder, first.token, keys);
    expect(reused.body.error.message).toBe(LINK_SENTENCES.used);
    // The other link of the same step connects nothing more either: the account has moved on.
    expect((await keysThroughLink(holder, second.token, keys)).body.error.message).toBe(LINK_SENTENCES.moved_on);
    expect(secretsOf(stack(), account.id)).toHaveLength(1);
  });

  it('two submissions at once on one link: exactly one connects, and one secret is kept', async () => {
    const seller = await newSeller(stack());
    const account = await newAccount(seller, { name: 'Walmart MX', channel: 'walmart', region: 'MX' });
    await settled(stack());
    const link = await invite(seller, account.id);
    const holder = client(stack());
    const keys = { clientId: mx.clientId, clientSecret: mx.clientSecret };
    const answers = await Promise.all([0, 1].map(() => keysThroughLink(holder, link.token, keys)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 404]);
    expect(answers.find((a) => a.status === 404)!.body.error.message).toBe(LINK_SENTENCES.used);
    await settled(stack());
    const after = await accountOf(seller, account.id);
    expect(after.setup.step).toBe('connect_bookkeeping');
    expect(after.connections).toHaveLength(1);
    expect(secretsOf(stack(), account.id)).toHaveLength(1);
    const item = await dynamoClient().send(new GetCommand({ TableName: 'onramp', Key: { pk: `INVITE#${link.id}`, sk: 'INVITE' }, ConsistentRead: true }));
    expect(item.Item?.state).toBe('used');
    expect(JSON.stringify(item.Item)).not.toContain(link.token);
    expect((await events(seller, account.id)).match(/connected via invitation/g)).toHaveLength(1);
  });
});

