/**
 * Keys never leave the secret store: every log line, API response, error,
 * URL and DynamoDB item written while the keys channels connect (and fail
 * to), are checked every day, and reconnect with new keys (and fail to) is
 * captured, and no key is found in any: not a secret, and not the whole of a
 * Client ID or Consumer Key either (the account shows their last four
 * characters only).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#shared/adapters/aws.js';
import { refreshDueConnections } from '#shared/use-cases/health/job.js';
import { consent } from '#local/sandboxes/consent.js';
import { grantControls } from '#local/sandboxes/controls.js';
import { walmartControls, WALMART_SANDBOX_KEYS } from '#local/sandboxes/walmart/index.js';
import { WALMART_FACTS, WOOCOMMERCE_FACTS } from '#local/sandboxes/facts.js';
import { DAY_MS, refresherInstance } from '#local/health-helpers.js';
import { WOO_SANDBOX_KEYS } from '#local/sandboxes/woocommerce/index.js';
import { client, followCallback, newAccount, newSeller, settled, withStack, type Client } from '#local/test-helpers.js';
import type { LocalStack } from '#local/stack.js';

let stack: LocalStack;
const logs: string[] = [];
const seen: string[] = [];
const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
const originals = Object.fromEntries(METHODS.map((m) => [m, console[m]])) as Record<(typeof METHODS)[number], (...a: unknown[]) => void>;
const stdoutWrite = process.stdout.write;

beforeAll(async () => {
  const sink = (...args: unknown[]) => void logs.push(args.map(String).join(' '));
  for (const m of METHODS) console[m] = sink;
  // The logger writes its JSON lines to standard output itself.
  process.stdout.write = ((chunk: unknown) => (sink(chunk), true)) as typeof process.stdout.write;
  stack = await withStack({ logLevel: 'DEBUG', sandboxSlowMs: 2_000, providerTimeoutMs: 500 });
});
afterAll(async () => {
  for (const m of METHODS) console[m] = originals[m];
  process.stdout.write = stdoutWrite;
  if (stack) await settled(stack).catch(() => undefined);
  await stack?.stop();
});

/** A client whose every API answer (body and headers) is kept. */
function recorded(c: Client): Client {
  const call = c.call.bind(c);
  c.call = async (...args) => {
    const res = await call(...args);
    seen.push(JSON.stringify(res.body ?? ''), JSON.stringify([...res.headers.entries()]));
    return res;
  };
  return c;
}

describe('keys during connections', () => {
  it('appear in no log line, API response, error, URL or DynamoDB item', async () => {
    const c = recorded(await newSeller(stack));
    const keys = new Set<string>();
    const connect = async (body: Record<string, unknown>, fields: Record<string, string>) => {
      for (const [k, v] of Object.entries(fields)) if (k !== 'storeUrl') keys.add(v);
      const created = await newAccount(c, body);
      const res = await c.call('POST', `/api/accounts/${created.id}/channel/connect`, fields);
      await c.call('GET', `/api/accounts/${created.id}`);
      await c.call('GET', `/api/accounts/${created.id}/events`);
      return { created, res };
    };
    // Walmart: accepted, rejected, without reports, for the other market, down, slow.
    let n = 0;
    for (const [id, secret] of [
      [WALMART_FACTS.keys.us.clientId, undefined],
      [WALMART_FACTS.keys.us.clientId, 'a-wrong-walmart-secret'],
      [WALMART_FACTS.keys.noReports.clientId, undefined],
      [WALMART_FACTS.keys.mx.clientId, undefined],
      [WALMART_FACTS.keys.down.clientId, undefined],
      [WALMART_FACTS.keys.slow.clientId, undefined],
    ] as const) {
      const key = WALMART_SANDBOX_KEYS.find((k) => k.clientId === id)!;
      await connect({ name: `Walmart ${n++}`, channel: 'walmart', region: 'US' }, { clientId: key.clientId, clientSecret: secret ?? key.clientSecret });
    }
    // WooCommerce pasted: accepted, wrong secret, without Read, on a site without the REST API.
    const store = `${stack.sandboxes.origin}/woocommerce`;
    for (const [permissions, secret, url] of [
      ['read', undefined, store],
      ['read', 'cs_a_wrong_secret', store],
      ['write', undefined, store],
      ['read_write', undefined, `${stack.sandboxes.origin}/not-woocommerce`],
    ] as const) {
      const key = WOO_SANDBOX_KEYS.find((k) => k.permissions === permissions)!;
      await connect({ name: `Woo ${permissions}`, channel: 'woocommerce' }, { storeUrl: url, consumerKey: key.consumerKey, consumerSecret: secret ?? key.consumerSecret });
    }
    // WooCommerce one click: approved (the keys held, then kept by the seller's return), then the same user_id replayed
    // with other keys, then a failing key; keys posted and then discarded by a browser without the seller's session.
    const { res: started } = await connect({ name: 'Woo one click', channel: 'woocommerce' }, { storeUrl: store });
    const authorizeUrl = started.body.authorizeUrl as string;
    seen.push(authorizeUrl);
    const page = await consent(authorizeUrl, WOOCOMMERCE_FACTS.accept.decision);
    seen.push(page.location ?? '');
    seen.push(JSON.stringify(await followCallback(c, page.location!)));
    const store$ = recorded(client(stack));
    const userId = new URL(authorizeUrl).searchParams.get('user_id')!;
    const replayed = { user_id: userId, consumer_key: 'ck_replayed_key_0000', consumer_secret: 'cs_replayed_secret_0000', key_permissions: 'read' };
    keys.add(replayed.consumer_key).add(replayed.consumer_secret);
    await store$.call('POST', '/api/oauth/woocommerce/callback', replayed);
    const { res: again } = await connect({ name: 'Woo one click 2', channel: 'woocommerce' }, { storeUrl: store });
    const writeOnly = WOO_SANDBOX_KEYS.find((k) => k.permissions === 'write')!;
    await store$.call('POST', '/api/oauth/woocommerce/callback', {
      user_id: new URL(again.body.authorizeUrl as string).searchParams.get('user_id'),
      consumer_key: writeOnly.consumerKey,
      consumer_secret: writeOnly.consumerSecret,
    });
    const elsewhere = await consent(again.body.authorizeUrl as string, WOOCOMMERCE_FACTS.accept.decision);
    seen.push(elsewhere.location ?? '', JSON.stringify(await followCallback(client(stack), elsewhere.location!)));
    await c.call('GET', '/api/accounts');
    seen.push(authorizeUrl);

    await expectNowhere(keys);
    // The refusals were logged (so the capture works), with their reasons.
    expect(logs.join('\n').match(/keys not connected/g)?.length).toBeGreaterThanOrEqual(8);
  });

  it('appear nowhere either when the keys are checked every day, found revoked, and replaced by a reconnect (or not)', async () => {
    const c = recorded(await newSeller(stack));
    const keys = new Set<string>();
    const walmartKey = walmartControls(stack.sandboxes.sandboxes).issueKey('us');
    keys.add(walmartKey.clientId).add(walmartKey.clientSecret);
    const walmart = await newAccount(c, { name: 'Walmart checked', channel: 'walmart', region: 'US' });
    expect((await c.call('POST', `/api/accounts/${walmart.id}/channel/connect`, walmartKey)).status).toBe(200);
    const woo = await newAccount(c, { name: 'Woo checked', channel: 'woocommerce' });
    const started = await c.call('POST', `/api/accounts/${woo.id}/channel/connect`, { storeUrl: `${stack.sandboxes.origin}/woocommerce` });
    seen.push(JSON.stringify(await followCallback(c, (await consent(started.body.authorizeUrl as string, WOOCOMMERCE_FACTS.accept.decision)).location!)));

    // Checked and working; checked while failing; revoked, and checked again.
    let days = 2;
    const check = () => refreshDueConnections(refresherInstance(stack, { offsetMs: days++ * DAY_MS, timeoutMs: 400 }));
    await check();
    for (const id of ['walmart', 'woocommerce']) grantControls(stack.sandboxes.sandboxes, id).failRefresh('error');
    await check();
    for (const id of ['walmart', 'woocommerce']) grantControls(stack.sandboxes.sandboxes, id).failRefresh(null);
    for (const id of ['walmart', 'woocommerce']) grantControls(stack.sandboxes.sandboxes, id).revokeGrants();
    expect((await check()).refused).toBeGreaterThanOrEqual(2);

    // Reconnect: keys Walmart refuses, then new keys; WooCommerce in one click again.
    const wrong = { clientId: walmartKey.clientId, clientSecret: 'not-the-new-walmart-secret' };
    keys.add(wrong.clientSecret);
    expect((await c.call('POST', `/api/accounts/${walmart.id}/reconnect`, { kind: 'channel', ...wrong })).status).toBe(400);
    const newKey = walmartControls(stack.sandboxes.sandboxes).issueKey('us');
    keys.add(newKey.clientId).add(newKey.clientSecret);
    expect((await c.call('POST', `/api/accounts/${walmart.id}/reconnect`, { kind: 'channel', ...newKey })).status).toBe(200);
    const again = await c.call('POST', `/api/accounts/${woo.id}/reconnect`, { kind: 'channel' });
    seen.push(again.body.authorizeUrl as string);
    const back = (await consent(again.body.authorizeUrl as string, WOOCOMMERCE_FACTS.accept.decision)).location!;
    seen.push(back, JSON.stringify(await followCallback(c, back)));
    await check();
    for (const id of [walmart.id, woo.id]) {
      await c.call('GET', `/api/accounts/${id}`);
      await c.call('GET', `/api/accounts/${id}/events`);
    }
    await c.call('GET', '/api/accounts');
    await expectNowhere(keys);
    expect(logs.join('\n')).toMatch(/credentials refused/);
  });
});

/** No key (nor any key stored in the secrets) appears in a log line, an API answer, a DynamoDB item or a URL a provider was sent. */
async function expectNowhere(keys: Set<string>) {
  // Every key stored, too (the one-click keys are the store's own).
  for (const name of stack.secrets.names()) {
    const { SecretString } = (await stack.secrets.operations.GetSecretValue!({ SecretId: name })) as { SecretString: string };
    for (const [k, v] of Object.entries(JSON.parse(SecretString) as Record<string, string>)) if (/key|secret|client/i.test(k)) keys.add(v);
  }
  expect(keys.size).toBeGreaterThan(4);

  const { Items } = await dynamoClient().send(new ScanCommand({ TableName: 'onramp' }));
  const haystacks = {
    logs: logs.join('\n'),
    responses: seen.join('\n'),
    items: JSON.stringify(Items),
    urls: stack.sandboxes.calls.map((x) => `${x.host}${x.path}`).join('\n'),
  };
  for (const key of keys) {
    for (const [where, text] of Object.entries(haystacks)) {
      const at = text.indexOf(key);
      expect(at, `${key} appears in ${where}: ${text.slice(Math.max(0, at - 200), at + 100)}`).toBe(-1);
    }
  }
}
