import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../providers/catalog.js';
import { amazon } from '../providers/amazon/definition.js';

const AMAZON_REGIONS = amazon.regions;
import { createAccountRequest, signupRequest } from './schemas.js';

describe('the catalog', () => {
  it('offers 8 channels and Amazon in 8 regions, Europe with 8 marketplaces', () => {
    expect(CHANNELS).toHaveLength(8);
    expect(AMAZON_REGIONS).toHaveLength(8);
    expect(AMAZON_REGIONS.find((r) => r.id === 'europe')?.marketplaces).toHaveLength(8);
  });

  it('gives every Amazon marketplace a distinct id', () => {
    const ids = AMAZON_REGIONS.flatMap((r) => r.marketplaces.map((m) => m.marketplaceId));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('createAccountRequest', () => {
  it('accepts TikTok Shop in the UK and the US only', () => {
    expect(createAccountRequest.safeParse({ name: 'T', channel: 'tiktok-shop', region: 'UK' }).success).toBe(true);
    expect(createAccountRequest.safeParse({ name: 'T', channel: 'tiktok-shop', region: 'US' }).success).toBe(true);
    expect(createAccountRequest.safeParse({ name: 'T', channel: 'tiktok-shop', region: 'DE' }).success).toBe(false);
  });

  it('accepts a *.myshopify.com shop for Shopify and nothing else', () => {
    expect(createAccountRequest.safeParse({ name: 'S', channel: 'shopify', shopDomain: 'My-Shop.myshopify.com' }).success).toBe(true);
    expect(createAccountRequest.safeParse({ name: 'S', channel: 'shopify', shopDomain: 'my-shop.myshopify.com.evil.com' }).success).toBe(false);
  });

  it('refuses a region for a channel that has none', () => {
    const r = createAccountRequest.safeParse({ name: 'E', channel: 'ebay', region: 'europe' });
    expect(r.success).toBe(false);
  });

  it('trims the account name', () => {
    expect(createAccountRequest.parse({ name: '  eBay UK ', channel: 'ebay' }).name).toBe('eBay UK');
  });
});

describe('signupRequest', () => {
  it('normalizes the email to lower case', () => {
    expect(signupRequest.parse({ name: 'A', email: ' Ada@Example.COM ', password: 'a long enough passphrase' }).email).toBe('ada@example.com');
  });

  it('refuses a password with too few different characters', () => {
    expect(signupRequest.safeParse({ name: 'A', email: 'a@example.com', password: 'aaaaaaaaaaaa' }).success).toBe(false);
  });
});
