import { describe, expect, it } from 'vitest';
import { normaliseStoreUrl, onStore } from './store-url.js';

const cloud = { allowLocal: false };
const local = { allowLocal: true };

describe('normaliseStoreUrl', () => {
  it.each([
    ['shop.example.com', 'https://shop.example.com'],
    ['  https://Shop.Example.com/  ', 'https://shop.example.com'],
    ['https://example.com/shop/', 'https://example.com/shop'],
    ['https://shop.example.com/wp-admin/admin.php?page=wc-settings&tab=advanced&section=keys', 'https://shop.example.com'],
    ['https://example.com/shop/wp-json/wc/v3/', 'https://example.com/shop'],
    ['https://shop.example.com/index.php#top', 'https://shop.example.com'],
    ['https://shop.example.com:443/', 'https://shop.example.com'],
  ])('makes %j the store address %s', (typed, base) => {
    expect(normaliseStoreUrl(typed, cloud)).toEqual({ url: base });
  });

  it.each([
    ['', 'invalid'],
    ['not a url', 'invalid'],
    ['ftp://shop.example.com', 'invalid'],
    ['http://shop.example.com', 'not_https'],
    ['http://169.254.169.254/', 'not_https'],
    ['https://169.254.169.254/latest/meta-data/', 'ip_address'],
    ['https://10.0.0.5', 'ip_address'],
    ['https://[::1]', 'ip_address'],
    ['https://[fd00:ec2::254]/', 'ip_address'],
    ['https://2130706433/', 'ip_address'],
    ['https://0x7f.1/', 'ip_address'],
    ['https://localhost', 'not_public'],
    ['https://shop.localhost', 'not_public'],
    ['https://intranet/', 'not_public'],
    ['https://user:pass@shop.example.com', 'credentials'],
    ['https://shop.example.com:8443', 'port'],
  ])('refuses %j in the cloud (%s), before anything is looked up', (typed, refusal) => {
    expect(normaliseStoreUrl(typed, cloud)).toEqual({ refusal });
  });

  it('lets the local stack use plain http and loopback stores, and nothing private beyond loopback', () => {
    expect(normaliseStoreUrl('http://127.0.0.1:4100/woocommerce/', local)).toEqual({ url: 'http://127.0.0.1:4100/woocommerce' });
    expect(normaliseStoreUrl('http://localhost:4100/shop', local)).toEqual({ url: 'http://localhost:4100/shop' });
    expect(normaliseStoreUrl('https://10.0.0.5', local)).toEqual({ refusal: 'ip_address' });
    expect(normaliseStoreUrl('http://user:pass@127.0.0.1:1/', local)).toEqual({ refusal: 'credentials' });
  });
});

describe('onStore', () => {
  it('puts a path on a store address, with one slash between', () => {
    expect(onStore('https://example.com/shop', '/wp-json/')).toBe('https://example.com/shop/wp-json/');
    expect(onStore('https://example.com/', 'wc-auth/v1/authorize')).toBe('https://example.com/wc-auth/v1/authorize');
  });
});
