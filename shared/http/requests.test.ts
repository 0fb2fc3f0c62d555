import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAccountRequest, storeUrlRules } from './requests.js';
import { normaliseStoreUrl } from '../domain/store-url.js';

const woo = (storeUrl: string) => createAccountRequest.safeParse({ name: 'Woo', channel: 'woocommerce', storeUrl });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('a WooCommerce account\u2019s store address, by the connect step\u2019s rules', () => {
  it('in the cloud: https on a public name only, as the connect step takes it', () => {
    vi.stubEnv('ALLOW_LOCAL_STORES', undefined);
    expect(woo('https://shop.example.com').success).toBe(true);
    for (const refused of ['http://127.0.0.1:3100/woocommerce', 'http://shop.example.com', 'https://localhost/shop', 'https://10.0.0.1', 'https://me:pw@shop.example.com', 'https://shop.example.com:8443']) {
      const r = woo(refused);
      expect(r.success, refused).toBe(false);
      expect(r.error?.issues[0]?.message, refused).toBe('Enter your store address starting with https://, like https://shop.example.com.');
      expect('refusal' in normaliseStoreUrl(refused, { allowLocal: false }), refused).toBe(true);
    }
  });

  it('on the local stack: the sandbox store\u2019s plain-http loopback address too, kept as the connect step reads it', () => {
    vi.stubEnv('ALLOW_LOCAL_STORES', 'true');
    const r = woo('http://127.0.0.1:3100/woocommerce/wp-admin/');
    expect(r.success).toBe(true);
    expect(r.data?.storeUrl).toBe('http://127.0.0.1:3100/woocommerce');
    expect(woo('http://localhost:3100/woocommerce').success).toBe(true);
    // Still no credentials in the address.
    expect(woo('http://me:pw@127.0.0.1:3100/woocommerce').success).toBe(false);
  });

  it.each([false, true])('takes exactly the addresses the connect step takes (local stores allowed: %s)', (allowLocal) => {
    vi.stubEnv('ALLOW_LOCAL_STORES', String(allowLocal));
    const addresses = [
      'https://shop.example.com', 'shop.example.com', 'https://example.com/shop/', 'http://127.0.0.1:3100/woocommerce', 'http://localhost:3100/woocommerce', 'http://[::1]:3100/woocommerce',
      'http://shop.example.com', 'https://localhost', 'https://10.0.0.1', 'https://me:pw@shop.example.com', 'https://shop.example.com:8443', 'ftp://shop.example.com', 'not a url', 'https://intranet',
    ];
    for (const address of addresses) expect(woo(address).success, address).toBe('url' in normaliseStoreUrl(address, { allowLocal }));
  });

  it('takes the address as typed without https://, as the connect step does', () => {
    vi.stubEnv('ALLOW_LOCAL_STORES', undefined);
    expect(woo('shop.example.com/wp-admin').data?.storeUrl).toBe('https://shop.example.com');
  });

  it('never allows local stores inside AWS Lambda, whatever the environment says', () => {
    expect(storeUrlRules({ ALLOW_LOCAL_STORES: 'true' })).toEqual({ allowLocal: true });
    expect(storeUrlRules({ ALLOW_LOCAL_STORES: 'true', AWS_LAMBDA_FUNCTION_NAME: 'onramp-accounts' })).toEqual({ allowLocal: false });
    expect(storeUrlRules({})).toEqual({ allowLocal: false });
  });
});
