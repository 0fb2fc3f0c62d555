/**
 * WooCommerce's one-click key creation through a connect link, on the local
 * stack over HTTP as the link's page and the store reach it: the store's post
 * before the holder's return and after it, the holder denying, a return
 * without the link's token (or with another link's), and the holder on the
 * seller's routes. The store sends the holder back to a URL naming neither
 * the account nor the link; the holder's page proves itself with the token.
 */
import { describe, expect, it } from 'vitest';
import { consent } from '#local/sandboxes/consent.js';
import { WOOCOMMERCE_FACTS } from '#local/sandboxes/facts.js';
import { WOO_SANDBOX_KEYS } from '#local/sandboxes/woocommerce/index.js';
import { accountOf, events, expectNothingStored, invite, keysThroughLink, linkStack, linkState, secretsOf } from '#local/link-helpers.js';
import { client, followCallback, newAccount, newSeller, settled, type Client } from '#local/test-helpers.js';

const stack = linkStack();
const wooRead = WOO_SANDBOX_KEYS.find((k) => k.permissions === 'read')!;
const store = () => `${stack().sandboxes.origin}/woocommerce`;

describe('WooCommerce one-click key creation through a connect link', () => {
  const post = (body: unknown) => client(stack()).call('POST', '/api/oauth/woocommerce/callback', body, { 'content-type': 'application/json;charset=UTF-8' });
  const keysFor = (userId: string) => ({ key_id: 7, user_id: userId, consumer_key: wooRead.consumerKey, consumer_secret: wooRead.consumerSecret, key_permissions: 'read' });
  const back = (holder: Client, body: Record<string, unknown>) => holder.call('POST', '/api/invitations/keys/return', body);

  async function start() {
    const seller = await newSeller(stack());
    const account = await newAccount(seller, { name: 'Woo', channel: 'woocommerce' });
    await settled(stack());
    const link = await invite(seller, account.id);
    const holder = client(stack());
    const opened = await holder.call('POST', '/api/invitations/open', { token: link.token });
    expect(opened.body.keys).toMatchObject({ asksStoreUrl: true, form: { automatic: expect.objectContaining({ button: expect.any(String) }) } });
    const res = await keysThroughLink(holder, link.token, { storeUrl: store() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const authorizeUrl = new URL(res.body.authorizeUrl as string);
    const returnUrl = authorizeUrl.searchParams.get('return_url')!;
    // The store sends the holder back to a URL that names neither the link nor the account.
    expect(returnUrl).toBe(`${stack().url}/api/oauth/woocommerce/return?invited=1`);
    expect(authorizeUrl.href).not.toContain(link.token);
    expect(authorizeUrl.href).not.toContain(account.id);
    return { seller, account, link, holder, authorizeUrl, userId: authorizeUrl.searchParams.get('user_id')! };
  }

  it('the store\u2019s post before the holder\u2019s return: the holder\u2019s page sends the token, and the account takes the keys, "connected via invitation"', async () => {
    const { seller, account, link, holder, authorizeUrl, userId } = await start();
    const page = await consent(authorizeUrl.href, WOOCOMMERCE_FACTS.accept.decision);
    // Posted and held: staged, no account names them yet, the link not used.
    expect(secretsOf(stack(), account.id)).toHaveLength(1);
    expect(await linkState(seller, account.id, link.id)).toBe('issued');
    const leg = await followCallback(holder, page.location!);
    expect(leg.status).toBe(302);
    expect(leg.landing).toBe(`/invite/done?keys=return&user_id=${userId}&success=1`);
    const res = await back(holder, { token: link.token, userId, success: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ connected: 'channel' });
    expect(res.headers.getSetCookie()).toEqual([]);
    await settled(stack());
    const after = await accountOf(seller, account.id);
    expect(after.setup.step).toBe('connect_bookkeeping');
    expect(after.fields).toEqual([expect.objectContaining({ key: 'storeUrl', value: store() })]);
    expect(secretsOf(stack(), account.id)).toHaveLength(1);
    expect(await events(seller, account.id)).toContain('connected via invitation');
    expect(await linkState(seller, account.id, link.id)).toBe('used');
    // The page sending it again (a reload) finds it connected.
    expect((await back(holder, { token: link.token, userId, success: true })).body).toEqual({ connected: 'channel' });
  });

  it('the holder\u2019s return before the store\u2019s post: the page waits, and the store\u2019s post connects the account', async () => {
    const { seller, account, link, holder, userId } = await start();
    const waiting = await back(holder, { token: link.token, userId, success: true });
    expect(waiting.body).toEqual({ waiting: true });
    expect(await linkState(seller, account.id, link.id)).toBe('issued');
    expect((await post(keysFor(userId))).status).toBe(200);
    await settled(stack());
    const after = await accountOf(seller, account.id);
    expect(after.setup.step).toBe('connect_bookkeeping');
    expect(secretsOf(stack(), account.id)).toHaveLength(1);
    expect(await events(seller, account.id)).toContain('connected via invitation');
    expect(await linkState(seller, account.id, link.id)).toBe('used');
    expect((await back(holder, { token: link.token, userId, success: true })).body).toEqual({ connected: 'channel' });
  });

  it('a return without the link\u2019s token, or with another link\u2019s, is refused and the posted keys are discarded', async () => {
    const { seller, account, link, userId, authorizeUrl } = await start();
    const other = await invite(seller, account.id);
    await consent(authorizeUrl.href, WOOCOMMERCE_FACTS.accept.decision);
    expect(secretsOf(stack(), account.id)).toHaveLength(1);
    const stranger = client(stack());
    const wrong = await back(stranger, { token: other.token, userId, success: true });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.message).toMatch(/^These keys were not kept/);
    await expectNothingStored(stack(), seller, account.id);
    // The holder coming back afterwards finds the approval decided: nothing connects, the link stays issued.
    const late = await back(client(stack()), { token: link.token, userId, success: true });
    expect(late.status).toBe(404);
    await expectNothingStored(stack(), seller, account.id);
    expect(await linkState(seller, account.id, link.id)).toBe('issued');

    // No token at all (a browser that never opened the link), before the keys: the approval is refused, so is the post.
    const second = await start();
    const none = await back(client(stack()), { userId: second.userId, success: true });
    expect(none.status).toBe(409);
    expect((await post(keysFor(second.userId))).status).toBe(404);
    await expectNothingStored(stack(), second.seller, second.account.id);
  });

  it('the holder denying at the store discards posted keys and leaves the link issued', async () => {
    const { seller, account, link, holder, userId } = await start();
    expect((await post(keysFor(userId))).status).toBe(200);
    const denied = await back(holder, { token: link.token, userId, success: false });
    expect(denied.status).toBe(409);
    expect(denied.body.error.message).toMatch(/^You denied access in WooCommerce/);
    await expectNothingStored(stack(), seller, account.id);
    expect(await linkState(seller, account.id, link.id)).toBe('issued');
  });

  it('gives the holder nothing of the seller\u2019s: the seller\u2019s return refuses what the link gave, and seller routes answer 401', async () => {
    const { seller, account, link, holder, userId, authorizeUrl } = await start();
    await consent(authorizeUrl.href, WOOCOMMERCE_FACTS.accept.decision);
    // The seller's own return leg, named with the account, in a browser without the seller's session: refused, keys discarded.
    const leg = await followCallback(holder, `${stack().url}/api/oauth/woocommerce/return?account=${account.id}&success=1&user_id=${userId}`);
    expect(leg.landing).toBe('/login?connect_error=keys_not_kept');
    await expectNothingStored(stack(), seller, account.id);
    for (const [method, path, body] of [
      ['GET', `/api/accounts/${account.id}`],
      ['POST', `/api/accounts/${account.id}/channel/connect`, { consumerKey: wooRead.consumerKey, consumerSecret: wooRead.consumerSecret }],
      ['POST', `/api/accounts/${account.id}/reconnect`, { kind: 'channel' }],
    ] as [string, string, unknown?][]) {
      for (const headers of [{}, { cookie: `onramp_session=${link.token}` }, { authorization: `Bearer ${link.token}` }] as Record<string, string>[]) {
        expect((await holder.call(method, path, body, headers)).status, `${method} ${path}`).toBe(401);
      }
    }
    expect(holder.cookie).toBeUndefined();
  });
});
