/**
 * The WooCommerce store answers the sandbox does not play: WordPress without
 * WooCommerce, plain permalinks, a store that moved to www, translated error
 * messages, a key of a user who cannot manage WooCommerce, a failing store.
 * A fake store client answers by URL; nothing leaves the process.
 */
import { describe, expect, it } from 'vitest';
import { KeyCheckError, StoreRequestError } from '../../domain/key-errors.js';
import type { StoreHttp, StoreResponse } from '../../ports/index.js';
import { woocommerce } from './definition.js';
import { checkWooKeys, findStore, type WooStore } from './keys.js';

type Answer = Omit<StoreResponse, 'url' | 'headers'> & { url?: string; headers?: Record<string, string> };
const json = (status: number, body: unknown, url?: string): Answer => ({ status, body: JSON.stringify(body), ...(url ? { url } : {}) });
const html = (status: number, body: string): Answer => ({ status, body, headers: { 'content-type': 'text/html' } });
const wpError = (status: number, code: string, message: string) => json(status, { code, message, data: { status } });

/** A store client answering from `answers` (by URL, and by Authorization for the same URL), recording what was asked. */
function fakeStore(answers: Record<string, Answer | ((auth: string | undefined) => Answer)>) {
  const asked: { url: string; auth: string | undefined }[] = [];
  const stores: StoreHttp = {
    async get(url, options) {
      const auth = options?.headers?.authorization;
      asked.push({ url, auth });
      const entry = answers[url];
      if (!entry) throw new StoreRequestError('unreachable', undefined, 'ECONNREFUSED');
      const a = typeof entry === 'function' ? entry(auth) : entry;
      return { url: a.url ?? url, headers: a.headers ?? {}, status: a.status, body: a.body };
    },
  };
  return { stores, asked };
}

const BASE = 'https://shop.example.com';
const INDEX = { name: 'My Shop', namespaces: ['wp/v2', 'wc/v3'] };
const KEYS = { consumerKey: 'ck_0123456789abcdef0123456789abcdef01234567', consumerSecret: 'cs_0123456789abcdef0123456789abcdef01234567' };
const STORE: WooStore = { base: BASE, style: 'path', name: 'My Shop' };
const STATUS_URL = `${BASE}/wp-json/wc/v3/system_status`;

async function outcome(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(KeyCheckError);
  return (err as KeyCheckError).code;
}

describe('findStore', () => {
  it('finds the REST API at /wp-json/ and keeps the store\u2019s name', async () => {
    const { stores, asked } = fakeStore({ [`${BASE}/wp-json/`]: json(200, INDEX) });
    expect(await findStore(woocommerce, BASE, stores)).toEqual({ base: BASE, style: 'path', name: 'My Shop' });
    expect(asked).toEqual([{ url: `${BASE}/wp-json/`, auth: undefined }]);
  });

  it('follows the store to where its REST index answers (a move to www), and uses that address from then on', async () => {
    const { stores } = fakeStore({ [`${BASE}/wp-json/`]: json(200, INDEX, 'https://www.shop.example.com/wp-json/') });
    expect((await findStore(woocommerce, BASE, stores)).base).toBe('https://www.shop.example.com');
  });

  it('falls back to ?rest_route= on a store with plain permalinks', async () => {
    const { stores } = fakeStore({ [`${BASE}/wp-json/`]: html(404, '<html><link href="/wp-content/themes/x.css"></html>'), [`${BASE}/?rest_route=/`]: json(200, INDEX, `${BASE}/?rest_route=/`) });
    expect(await findStore(woocommerce, BASE, stores)).toEqual({ base: BASE, style: 'query', name: 'My Shop' });
  });

  it('lets the authenticated call decide when a security plugin closes the REST index to visitors', async () => {
    const { stores } = fakeStore({ [`${BASE}/wp-json/`]: wpError(401, 'rest_cannot_access', 'Only authenticated users can access the REST API.') });
    expect(await findStore(woocommerce, BASE, stores)).toEqual({ base: BASE, style: 'path', name: undefined });
  });

  it.each([
    ['WordPress without WooCommerce', { [`${BASE}/wp-json/`]: json(200, { name: 'Blog', namespaces: ['wp/v2'] }) }, 'store_no_woocommerce'],
    ['WordPress with its REST API blocked', { [`${BASE}/wp-json/`]: html(403, 'Forbidden'), [`${BASE}/?rest_route=/`]: html(200, '<meta name="generator" content="WordPress 6.8">') }, 'store_rest_off'],
    ['a site that is not WordPress', { [`${BASE}/wp-json/`]: html(404, 'Not here'), [`${BASE}/?rest_route=/`]: html(200, '<h1>Welcome to my Shopify-free site</h1>') }, 'store_not_wordpress'],
    ['a store that cannot be reached', {}, 'store_unreachable'],
  ])('tells %s apart', async (_what, answers, code) => {
    expect(await outcome(findStore(woocommerce, BASE, fakeStore(answers).stores))).toBe(code);
  });
});

describe('checkWooKeys', () => {
  it('reads system_status with the keys as Basic auth, once, and keeps them for the secret store only', async () => {
    const { stores, asked } = fakeStore({ [STATUS_URL]: json(200, { environment: { home_url: BASE } }) });
    const made = await checkWooKeys(woocommerce, STORE, KEYS, stores);
    expect(asked).toEqual([{ url: STATUS_URL, auth: `Basic ${Buffer.from(`${KEYS.consumerKey}:${KEYS.consumerSecret}`).toString('base64')}` }]);
    expect(made.credentials).toEqual({ storeUrl: BASE, restStyle: 'path', ...KEYS });
    expect(JSON.stringify([made.label, made.identity, made.details])).not.toContain(KEYS.consumerKey);
    expect(made.details).toContainEqual({ label: 'Consumer Key', value: 'ending in 4567' });
  });

  it('uses ?rest_route= on a store with plain permalinks', async () => {
    const { stores, asked } = fakeStore({ [`${BASE}/?rest_route=/wc/v3/system_status`]: json(200, { environment: {} }) });
    await checkWooKeys(woocommerce, { ...STORE, style: 'query' }, KEYS, stores);
    expect(asked[0]?.url).toBe(`${BASE}/?rest_route=/wc/v3/system_status`);
  });

  it('tells a wrong secret from a key without Read even when the store answers in another language', async () => {
    const invalid = wpError(401, 'woocommerce_rest_authentication_error', 'Consumer Secret ist ungültig.');
    const noRead = wpError(401, 'woocommerce_rest_authentication_error', 'Der API-Schlüssel hat keine Leseberechtigung.');
    const wrongSecret = fakeStore({ [STATUS_URL]: () => invalid });
    expect(await outcome(checkWooKeys(woocommerce, STORE, KEYS, wrongSecret.stores))).toBe('keys_wrong_secret');
    // The comparison call carries a secret that is surely wrong, never one derived from the seller's.
    expect(wrongSecret.asked[1]?.auth).toBe(`Basic ${Buffer.from(`${KEYS.consumerKey}:cs_0`).toString('base64')}`);
    const writeOnly = fakeStore({ [STATUS_URL]: (auth) => (auth?.endsWith(Buffer.from(`${KEYS.consumerKey}:cs_0`).toString('base64')) ? invalid : noRead) });
    expect(await outcome(checkWooKeys(woocommerce, STORE, KEYS, writeOnly.stores))).toBe('keys_no_read');
  });

  it.each([
    ['an unknown key (the store sees no key at all)', wpError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.'), 'keys_unknown'],
    ['a key of a user who cannot manage WooCommerce', wpError(403, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.'), 'keys_not_manager'],
    ['no WooCommerce route', wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.'), 'store_no_woocommerce'],
    ['a store error', html(500, 'Fatal error'), 'store_error'],
    ['WordPress refusing the REST API to everyone', wpError(401, 'rest_cannot_access', 'Only authenticated users can access the REST API.'), 'store_rest_off'],
    ['a security plugin\u2019s page instead of the API', html(200, '<html>Access blocked</html>'), 'store_rest_off'],
  ])('refuses %s with its own outcome', async (_what, answer, code) => {
    expect(await outcome(checkWooKeys(woocommerce, STORE, KEYS, fakeStore({ [STATUS_URL]: answer }).stores))).toBe(code);
  });
});
