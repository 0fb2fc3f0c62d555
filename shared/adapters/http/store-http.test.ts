/**
 * The SSRF guard on requests to sellers' stores. In cloud mode every test
 * injects the resolver and the transport and records what they were asked:
 * no packet is sent anywhere. The local-mode tests send to loopback only.
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStore } from '../../providers/woocommerce/keys.js';
import { KeyCheckError, StoreRequestError } from '../../domain/key-errors.js';
import { woocommerce } from '../../providers/woocommerce/definition.js';
import { isPublicAddress, localStoresAllowed, storeHttp, type ResolvedAddress, type Transport, type TransportRequest, type TransportResponse } from './store-http.js';

/** A world with no network: names resolve from `dns`, and `answers` answers requests by URL. */
function world(dns: Record<string, readonly string[] | (() => readonly string[])>, answers: Record<string, TransportResponse> = {}) {
  const lookups: string[] = [];
  const sent: TransportRequest[] = [];
  const resolve = async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    lookups.push(hostname);
    const entry = dns[hostname];
    const found = typeof entry === 'function' ? entry() : entry;
    if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const transport: Transport = async (req) => {
    sent.push(req);
    return answers[req.url.href] ?? { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>A shop</html>' };
  };
  const client = (over: Partial<Parameters<typeof storeHttp>[0]> = {}) => storeHttp({ allowLocal: false, timeoutMs: 1_000, resolve, transport, ...over });
  return { lookups, sent, client };
}

const PUBLIC = '93.184.215.14';
const redirect = (location: string): TransportResponse => ({ status: 302, headers: { location }, body: '' });

async function refusal(p: Promise<unknown>): Promise<StoreRequestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreRequestError);
  return err as StoreRequestError;
}

describe('the store client in the cloud (SSRF guard)', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'refused', 'not_https'],
    ['https://169.254.169.254/latest/meta-data/', 'refused', 'ip_address'],
    ['https://localhost/', 'refused', 'not_public'],
    ['https://10.0.0.5/', 'refused', 'ip_address'],
    ['https://[::1]/', 'refused', 'ip_address'],
    ['https://[fd00:ec2::254]/', 'refused', 'ip_address'],
    ['https://2130706433/', 'refused', 'ip_address'],
    ['https://user:password@shop.example.com/', 'refused', 'credentials'],
    ['https://shop.example.com:6379/', 'refused', 'port'],
  ])('refuses %s before looking it up or sending anything', async (url, failure, rule) => {
    const w = world({ 'shop.example.com': [PUBLIC] });
    const err = await refusal(w.client().get(url));
    expect([err.failure, err.refusal]).toEqual([failure, rule]);
    expect(w.lookups).toEqual([]);
    expect(w.sent).toEqual([]);
  });

  it.each([
    ['127.0.0.1', ['127.0.0.1']],
    ['a private address', ['10.0.0.5']],
    ['the metadata service', ['169.254.169.254']],
    ['the IPv6 metadata service', ['fd00:ec2::254']],
    ['an IPv4-mapped loopback', ['::ffff:127.0.0.1']],
    ['a public and a private address', [PUBLIC, '192.168.1.10']],
  ])('refuses a name that resolves to %s, and sends nothing', async (_what, addresses) => {
    const w = world({ 'evil.example.com': addresses });
    const err = await refusal(w.client().get('https://evil.example.com/wp-json/'));
    expect(err.failure).toBe('private_address');
    expect(w.lookups).toEqual(['evil.example.com']);
    expect(w.sent).toEqual([]);
  });

  it.each([
    ['a private address by name', 'https://internal.example.com/wp-json/'],
    ['the metadata service over http', 'http://169.254.169.254/latest/meta-data/'],
    ['the metadata service over https', 'https://169.254.169.254/latest/meta-data/'],
    ['loopback', 'https://[::1]/'],
  ])('checks a redirect before following it: one to %s is refused, and nothing is sent there', async (_what, location) => {
    const w = world({ 'shop.example.com': [PUBLIC], 'internal.example.com': ['10.0.0.5'] }, { 'https://shop.example.com/wp-json/': redirect(location) });
    await refusal(w.client().get('https://shop.example.com/wp-json/', { followRedirects: true }));
    expect(w.sent.map((r) => `${r.address} ${r.url.href}`)).toEqual([`${PUBLIC} https://shop.example.com/wp-json/`]);
  });

  it('connects to the address it checked, whatever the name resolves to next (DNS rebinding)', async () => {
    let answers = 0;
    const w = world({ 'shop.example.com': () => (answers++ === 0 ? [PUBLIC] : ['127.0.0.1']) });
    await w.client().get('https://shop.example.com/wp-json/');
    expect(w.lookups).toEqual(['shop.example.com']);
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]).toMatchObject({ address: PUBLIC, family: 4 });
    expect(w.sent[0]!.url.hostname).toBe('shop.example.com');
  });

  it('follows a redirect within the store with its Authorization header, and drops it when the redirect leaves the origin', async () => {
    const w = world(
      { 'shop.example.com': [PUBLIC], 'www.shop.example.com': [PUBLIC] },
      { 'https://shop.example.com/a': redirect('/b'), 'https://shop.example.com/b': redirect('https://www.shop.example.com/c') },
    );
    const res = await w.client().get('https://shop.example.com/a', { headers: { authorization: 'Basic x' }, followRedirects: true });
    expect(res.url).toBe('https://www.shop.example.com/c');
    expect(w.sent.map((r) => [r.url.href, r.headers.authorization])).toEqual([
      ['https://shop.example.com/a', 'Basic x'],
      ['https://shop.example.com/b', 'Basic x'],
      ['https://www.shop.example.com/c', undefined],
    ]);
  });

  it('answers a redirect as it is when not asked to follow, and gives up after three', async () => {
    const w = world({ 'shop.example.com': [PUBLIC] }, { 'https://shop.example.com/loop': redirect('/loop') });
    expect((await w.client().get('https://shop.example.com/loop')).status).toBe(302);
    expect((await refusal(w.client().get('https://shop.example.com/loop', { followRedirects: true }))).failure).toBe('redirects');
    expect(w.sent).toHaveLength(1 + 4);
  });

  it('calls a store that does not answer in time a timeout, and a name nobody knows not found', async () => {
    const w = world({ 'shop.example.com': [PUBLIC] });
    const hanging = storeHttp({ allowLocal: false, timeoutMs: 50, resolve: async () => [{ address: PUBLIC, family: 4 }], transport: () => new Promise(() => undefined) });
    expect((await refusal(hanging.get('https://shop.example.com/'))).failure).toBe('timeout');
    expect((await refusal(w.client().get('https://nowhere.example.com/'))).failure).toBe('not_found');
  });

  it('gives the WooCommerce check a sentence for a store that resolves to a private address, before any key is sent', async () => {
    const w = world({ 'shop.example.com': [PUBLIC], 'evil.example.com': ['127.0.0.1'] }, { 'https://shop.example.com/wp-json/': redirect('https://evil.example.com/wp-json/') });
    const err = await findStore(woocommerce, 'https://shop.example.com', w.client()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyCheckError);
    expect((err as KeyCheckError).code).toBe('store_url_private');
    expect(w.sent.every((r) => !r.headers.authorization)).toBe(true);
  });

  it('refuses to run with local stores allowed inside AWS Lambda', () => {
    expect(() => localStoresAllowed(true, { AWS_LAMBDA_FUNCTION_NAME: 'onramp-connect' })).toThrow(/local stack only/);
    expect(localStoresAllowed(false, { AWS_LAMBDA_FUNCTION_NAME: 'onramp-connect' })).toBe(false);
    expect(localStoresAllowed(true, {})).toBe(true);
  });
});

describe('isPublicAddress', () => {
  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4009:81a::200e'])('counts %s as public', (a) => {
    expect(isPublicAddress(a)).toBe(true);
  });
  it.each([
    '0.0.0.0', '10.1.2.3', '100.64.0.1', '127.0.0.1', '169.254.169.254', '169.254.170.2', '172.16.0.1', '172.31.255.255', '192.0.0.1', '192.0.2.1',
    '192.168.0.1', '198.18.0.1', '198.51.100.1', '203.0.113.1', '224.0.0.1', '255.255.255.255',
    '::', '::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', 'fd00:ec2::254', 'fc00::1', 'fe80::1', 'ff02::1', '2001:db8::1', '2002:a9fe:a9fe::1', '2001::1',
    'not-an-address',
  ])('counts %s as not public', (a) => {
    expect(isPublicAddress(a)).toBe(false);
  });
});

describe('the store client in the local stack (loopback only)', () => {
  let server: Server;
  let port: number;
  const seen: { host: string | undefined; url: string | undefined }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ host: req.headers.host, url: req.url });
      if (req.url === '/big') res.writeHead(200).end('x'.repeat(4096));
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const resolveToLoopback = async (): Promise<readonly ResolvedAddress[]> => [{ address: '127.0.0.1', family: 4 }];

  it('connects to the address it checked: a name no DNS knows reaches the loopback store it was resolved to', async () => {
    const client = storeHttp({ allowLocal: true, timeoutMs: 2_000, resolve: resolveToLoopback });
    const res = await client.get(`http://store.invalid:${port}/wp-json/`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"ok":true}');
    expect(seen.at(-1)).toEqual({ host: `store.invalid:${port}`, url: '/wp-json/' });
  });

  it('cuts off an answer larger than its limit', async () => {
    const client = storeHttp({ allowLocal: true, timeoutMs: 2_000, maxBytes: 1024 });
    expect((await refusal(client.get(`http://127.0.0.1:${port}/big`))).failure).toBe('too_large');
  });

  it('still refuses private addresses other than loopback', async () => {
    const client = storeHttp({ allowLocal: true, timeoutMs: 2_000, resolve: async () => [{ address: '10.0.0.5', family: 4 }], transport: () => Promise.reject(new Error('sent')) });
    expect((await refusal(client.get('http://store.invalid/'))).failure).toBe('private_address');
    expect((await refusal(client.get('http://192.168.1.1/'))).refusal).toBe('ip_address');
  });
});
