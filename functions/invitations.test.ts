/**
 * Connect links (issue 22) on the local stack, over HTTP as the web app and a
 * provider's redirect reach it: the seller's routes, and a client with no
 * Onramp cookie opening a link and consenting at the sandbox; the negative
 * cases (reused, expired, revoked, forged, two tabs on one link, the link's
 * holder trying the seller's routes).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { acceptConsent } from '#local/sandboxes/consent.js';
import { client, followCallback, newAccount, newSeller, settled, type Client } from '#local/test-helpers.js';
import { startLocalStack, type LocalStack } from '#local/stack.js';
import { LINK_SENTENCES } from '#shared/domain/connect-errors.js';
import { XERO_SANDBOX_TENANTS } from '#local/sandboxes/xero/organisations.js';
import { invitationIdOf } from '#shared/use-cases/invitations.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ logLevel: 'SILENT' });
});
afterAll(async () => {
  await stack.stop();
});

const [DEMO, SECOND] = XERO_SANDBOX_TENANTS as unknown as [{ tenantId: string }, { tenantId: string }];
const tokenOf = (url: string) => new URL(url).hash.slice(1);

async function invite(seller: Client, accountId: string, step: 'channel' | 'books', note?: string) {
  const res = await seller.call('POST', `/api/accounts/${accountId}/invitations`, { step, ...(note !== undefined ? { note } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { url: res.body.url as string, token: tokenOf(res.body.url), id: res.body.invitation.id as string, body: res.body };
}

/** The link's holder: a client that never signed in. */
async function consentThroughLink(holder: Client, token: string, provider?: string) {
  const start = await holder.call('POST', '/api/invitations/connect', { token, ...(provider ? { provider } : {}) });
  expect(start.status, JSON.stringify(start.body)).toBe(200);
  const page = await acceptConsent(start.body.authorizeUrl, provider ?? 'amazon');
  return followCallback(holder, page.location!);
}

async function stepOf(seller: Client, id: string) {
  const res = await seller.call('GET', `/api/accounts/${id}`);
  return res.body.account.setup.step as string;
}

describe('a connect link whose step write lands but is answered as failed', () => {
  it('stays used: it is given back only when the account shows nothing connected through it', async () => {
    const seller = await newSeller(stack);
    const account = await newAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    await settled(stack);
    const link = await invite(seller, account.id, 'channel');
    const holder = client(stack);
    const start = await holder.call('POST', '/api/invitations/connect', { token: link.token });
    expect(start.status).toBe(200);
    const page = await acceptConsent(start.body.authorizeUrl, 'amazon');
    // The next transaction that writes an account event (the step's write) lands, and its answer is lost.
    let armed = true;
    const db = dynamoClient();
    db.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const items = (args.input as { TransactItems?: { Put?: { Item?: { sk?: unknown } } }[] }).TransactItems;
        if (armed && items?.some((i) => String(i.Put?.Item?.sk ?? '').startsWith('EVENT#'))) {
          armed = false;
          throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: {} });
        }
        return result;
      },
      { step: 'initialize', name: 'loseTheStepWriteAnswer' },
    );
    try {
      const back = await followCallback(holder, page.location!);
      expect(armed).toBe(false);
      expect(back.landing).toMatch(/^\/invite\/done\?/);
    } finally {
      db.middlewareStack.remove('loseTheStepWriteAnswer');
    }
    await settled(stack);
    expect(await stepOf(seller, account.id)).toBe('connect_bookkeeping');
    const list = await seller.call('GET', `/api/accounts/${account.id}/invitations`);
    expect(list.body.invitations).toEqual([expect.objectContaining({ id: link.id, state: 'used' })]);
    expect((await holder.call('POST', '/api/invitations/open', { token: link.token })).status).toBe(404);
  });
});

describe('connect links', () => {
  it('lets someone without a login connect the channel, then the books, of the seller\u2019s account', async () => {
    const seller = await newSeller(stack);
    const account = await newAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    await settled(stack);
    const link = await invite(seller, account.id, 'channel', 'For our accountant');
    expect(link.url).toMatch(/^http:\/\/[^/]+\/invite#[A-Za-z0-9_-]{43}$/);
    expect(link.id).toBe(invitationIdOf(link.token));

    const holder = client(stack);
    const opened = await holder.call('POST', '/api/invitations/open', { token: link.token });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ account: { name: 'Amazon EU', channel: 'Amazon', region: 'Europe' }, step: 'channel', note: 'For our accountant' });
    expect(JSON.stringify(opened.body)).not.toContain(account.id);

    const { landing } = await consentThroughLink(holder, link.token);
    expect(landing).toBe('/invite/done?connected=channel');
    expect(holder.cookie).toBeUndefined();
    await settled(stack);
    expect(await stepOf(seller, account.id)).toBe('connect_bookkeeping');

    const events = await seller.call('GET', `/api/accounts/${account.id}/events`);
    expect(JSON.stringify(events.body)).toContain('connected via invitation');
    const list = await seller.call('GET', `/api/accounts/${account.id}/invitations`);
    expect(list.body.invitations).toEqual([expect.objectContaining({ id: link.id, step: 'channel', state: 'used', createdBy: expect.stringContaining('@example.com') })]);

    // Used: one sentence, nothing connected.
    const again = await holder.call('POST', '/api/invitations/open', { token: link.token });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe(LINK_SENTENCES.used);

    const books = await invite(seller, account.id, 'books');
    const booksOpened = await holder.call('POST', '/api/invitations/open', { token: books.token });
    expect(booksOpened.body.providers.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(['xero', 'quickbooks']));
    const done = await consentThroughLink(holder, books.token, 'xero');
    expect(done.landing).toBe('/invite/done?connected=books');
    await settled(stack);
    expect(await stepOf(seller, account.id)).not.toBe('connect_bookkeeping');
  });

  it('connects nothing through a revoked, expired, forged or reused link, and once through two tabs on one link', async () => {
    const seller = await newSeller(stack);
    const account = await newAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    await settled(stack);
    const holder = client(stack);

    // Revoked, after its consent started: the callback connects nothing.
    const revoked = await invite(seller, account.id, 'channel');
    const start = await holder.call('POST', '/api/invitations/connect', { token: revoked.token });
    expect(start.status).toBe(200);
    const del = await seller.call('DELETE', `/api/accounts/${account.id}/invitations/${revoked.id}`, {});
    expect(del.status).toBe(200);
    expect(del.body.invitation.state).toBe('revoked');
    const page = await acceptConsent(start.body.authorizeUrl, 'amazon');
    expect((await followCallback(holder, page.location!)).landing).toBe('/invite/done?connect_error=link_revoked');
    expect((await holder.call('POST', '/api/invitations/open', { token: revoked.token })).body.error.message).toBe(LINK_SENTENCES.revoked);
    expect((await seller.call('DELETE', `/api/accounts/${account.id}/invitations/${revoked.id}`, {})).status).toBe(409);
    expect(await stepOf(seller, account.id)).toBe('connect_channel');

    // Forged: a token we never made, and one of the wrong shape.
    const forged = await holder.call('POST', '/api/invitations/open', { token: 'A'.repeat(43) });
    expect(forged.status).toBe(404);
    expect(forged.body.error.message).toBe(LINK_SENTENCES.unknown);
    expect((await holder.call('POST', '/api/invitations/open', { token: 'short' })).status).toBe(400);

    // Expired: a link whose seven days are over (its end moved into the past, as time would).
    const expired = await invite(seller, account.id, 'channel');
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await dynamoClient().send(new UpdateCommand({ TableName: 'onramp', Key: { pk: `INVITE#${expired.id}`, sk: 'INVITE' }, UpdateExpression: 'SET validUntil = :past', ExpressionAttributeValues: { ':past': 1000 } }));
    expect((await holder.call('POST', '/api/invitations/open', { token: expired.token })).body.error.message).toBe(LINK_SENTENCES.expired);
    expect((await holder.call('POST', '/api/invitations/connect', { token: expired.token })).status).toBe(404);

    // Two tabs on one link, both consenting at once: one connects, the other is told the link was used.
    const shared = await invite(seller, account.id, 'channel');
    const tabs = await Promise.all([0, 1].map(async () => (await holder.call('POST', '/api/invitations/connect', { token: shared.token })).body.authorizeUrl as string));
    const pages = await Promise.all(tabs.map((u) => acceptConsent(u, 'amazon')));
    const landings = (await Promise.all(pages.map((p) => followCallback(holder, p.location!)))).map((r) => r.landing).sort();
    expect(landings).toEqual(['/invite/done?connect_error=link_used', '/invite/done?connected=channel']);
    await settled(stack);
    expect(await stepOf(seller, account.id)).toBe('connect_bookkeeping');
    const item = await dynamoClient().send(new GetCommand({ TableName: 'onramp', Key: { pk: `INVITE#${shared.id}`, sk: 'INVITE' }, ConsistentRead: true }));
    expect(item.Item?.state).toBe('used');
    expect(JSON.stringify(item.Item)).not.toContain(shared.token);
  });

  it('tells the holder when the seller connected the channel meanwhile: the consent connects nothing, and the link is still issued', async () => {
    const seller = await newSeller(stack);
    const account = await newAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    await settled(stack);
    const holder = client(stack);
    const link = await invite(seller, account.id, 'channel');
    const start = await holder.call('POST', '/api/invitations/connect', { token: link.token });
    expect(start.status).toBe(200);
    // The seller connects the channel themselves while the holder is at Amazon.
    const own = await seller.call('POST', `/api/accounts/${account.id}/channel/connect`, {});
    const ownPage = await acceptConsent(own.body.authorizeUrl, 'amazon');
    expect((await followCallback(seller, ownPage.location!)).landing).toBe(`/accounts/${account.id}/setup`);
    await settled(stack);
    const page = await acceptConsent(start.body.authorizeUrl, 'amazon');
    expect((await followCallback(holder, page.location!)).landing).toBe('/invite/done?connect_error=not_at_step');
    const item = await dynamoClient().send(new GetCommand({ TableName: 'onramp', Key: { pk: `INVITE#${link.id}`, sk: 'INVITE' }, ConsistentRead: true }));
    expect(item.Item?.state).toBe('issued');
    // Opening it again says the same.
    expect((await holder.call('POST', '/api/invitations/open', { token: link.token })).body.error.message).toBe(LINK_SENTENCES.moved_on);
    expect(await stepOf(seller, account.id)).toBe('connect_bookkeeping');
  });

  it('gives the link\u2019s holder nothing of the seller\u2019s: no cookie, and every seller route refused with what the link gave', async () => {
    const seller = await newSeller(stack);
    const account = await newAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    await settled(stack);
    const link = await invite(seller, account.id, 'channel');
    const holder = client(stack);
    const opened = await holder.call('POST', '/api/invitations/open', { token: link.token });
    expect(opened.headers.getSetCookie()).toEqual([]);
    const tries: [string, string, unknown?][] = [
      ['GET', '/api/me'],
      ['GET', '/api/accounts'],
      ['GET', `/api/accounts/${account.id}`],
      ['GET', `/api/accounts/${account.id}/events`],
      ['GET', `/api/accounts/${account.id}/invitations`],
      ['POST', `/api/accounts/${account.id}/invitations`, { step: 'channel' }],
      ['DELETE', `/api/accounts/${account.id}/invitations/${link.id}`, {}],
      ['POST', `/api/accounts/${account.id}/channel/connect`, {}],
      ['POST', `/api/accounts/${account.id}/start-over`, {}],
    ];
    for (const [method, path, body] of tries) {
      for (const headers of [{}, { cookie: `onramp_session=${link.token}` }, { authorization: `Bearer ${link.token}` }] as Record<string, string>[]) {
        const res = await holder.call(method, path, body, headers);
        expect(res.status, `${method} ${path}`).toBe(401);
      }
    }
    // Another seller cannot list, make or cancel this account's links.
    const other = await newSeller(stack);
    expect((await other.call('GET', `/api/accounts/${account.id}/invitations`)).status).toBe(404);
    expect((await other.call('DELETE', `/api/accounts/${account.id}/invitations/${link.id}`, {})).status).toBe(404);
  });

  it('validates the seller\u2019s request and refuses a link for a step the account is not at', async () => {
    const seller = await newSeller(stack);
    const account = await newAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    await settled(stack);
    expect((await seller.call('POST', `/api/accounts/${account.id}/invitations`, { step: 'books' })).status).toBe(409);
    expect((await seller.call('POST', `/api/accounts/${account.id}/invitations`, { step: 'nope' })).status).toBe(400);
    const bad = await seller.call('POST', `/api/accounts/${account.id}/invitations`, { step: 'channel', note: 'a\u202eb' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('the note');
  });

  it('is cancelled by a start over: a link made before it opens to the cancelled sentence and its consent connects nothing', async () => {
    const seller = await newSeller(stack);
    const account = await newAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    await settled(stack);
    const holder = client(stack);
    const unused = await invite(seller, account.id, 'channel');
    const started = await invite(seller, account.id, 'channel');
    const start = await holder.call('POST', '/api/invitations/connect', { token: started.token });
    expect(start.status).toBe(200);

    // The seller connects the channel themselves, then starts over: the account is at the links' step again.
    const own = await seller.call('POST', `/api/accounts/${account.id}/channel/connect`, {});
    const ownPage = await acceptConsent(own.body.authorizeUrl, 'amazon');
    expect((await followCallback(seller, ownPage.location!)).landing).toBe(`/accounts/${account.id}/setup`);
    await settled(stack);
    expect((await seller.call('POST', `/api/accounts/${account.id}/start-over`, {})).status).toBe(200);
    await settled(stack);
    expect(await stepOf(seller, account.id)).toBe('connect_channel');

    const opened = await holder.call('POST', '/api/invitations/open', { token: unused.token });
    expect(opened.status).toBe(404);
    expect(opened.body.error.message).toBe(LINK_SENTENCES.revoked);
    const page = await acceptConsent(start.body.authorizeUrl, 'amazon');
    expect((await followCallback(holder, page.location!)).landing).toBe('/invite/done?connect_error=link_revoked');
    await settled(stack);
    expect(await stepOf(seller, account.id)).toBe('connect_channel');
    const list = await seller.call('GET', `/api/accounts/${account.id}/invitations`);
    expect(list.body.invitations.map((i: { state: string }) => i.state)).toEqual(['revoked', 'revoked']);
    expect((await seller.call('DELETE', `/api/accounts/${account.id}/invitations/${unused.id}`, {})).status).toBe(409);

    // A link made after the start over connects.
    const fresh = await invite(seller, account.id, 'channel');
    expect((await consentThroughLink(holder, fresh.token)).landing).toBe('/invite/done?connected=channel');
  });

  it('leaves the organisation to the seller when the holder allows several Xero organisations', async () => {
    const seller = await newSeller(stack);
    const account = await newAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
    await settled(stack);
    const holder = client(stack);
    expect((await consentThroughLink(holder, (await invite(seller, account.id, 'channel')).token)).landing).toBe('/invite/done?connected=channel');
    await settled(stack);
    const link = await invite(seller, account.id, 'books');
    const start = await holder.call('POST', '/api/invitations/connect', { token: link.token, provider: 'xero' });
    const page = await acceptConsent(start.body.authorizeUrl, 'xero', { tenant: `${DEMO.tenantId},${SECOND.tenantId}` });
    expect((await followCallback(holder, page.location!)).landing).toBe('/invite/done?connected=books&choose=organisation');
    await settled(stack);
    const waiting = (await seller.call('GET', `/api/accounts/${account.id}`)).body.account;
    expect(waiting.setup.step).toBe('connect_bookkeeping');
    expect(waiting.pendingOrganisations.map((o: { name: string }) => o.name)).toEqual(['Demo Company (UK)', 'Second Shop Ltd']);
    expect((await seller.call('GET', `/api/accounts/${account.id}/invitations`)).body.invitations).toContainEqual(expect.objectContaining({ id: link.id, step: 'books', state: 'used' }));
    expect((await seller.call('POST', `/api/accounts/${account.id}/books/organisation`, { organisation: SECOND.tenantId })).status).toBe(200);
    await settled(stack);
    expect(await stepOf(seller, account.id)).toBe('accounts_and_taxes');
  });

  it('limits how many links one network opens', async () => {
    const holder = client(stack);
    let last = 0;
    for (let i = 0; i < 40 && last !== 429; i++) last = (await holder.call('POST', '/api/invitations/open', { token: 'B'.repeat(43) })).status;
    expect(last).toBe(429);
  });
});
