/** Each provider's consent URL, checked against docs/providers.md: host per region or market, parameters by name, PKCE. */
import { describe, expect, it } from 'vitest';
import type { Account } from '../domain/model.js';
import { amazon } from '../providers/amazon/definition.js';
import { ebay } from '../providers/ebay/definition.js';
import { etsy } from '../providers/etsy/definition.js';
import { OAUTH_PROVIDERS } from '../providers/index.js';
import { shopify } from '../providers/shopify/definition.js';
import { square } from '../providers/square/definition.js';
import { tiktokShop } from '../providers/tiktok-shop/definition.js';
import type { OAuthProviderDefinition } from '../providers/types.js';
import { CONNECTORS } from '../providers/connectors.js';
import { authorizeUrlFor } from '../providers/registry.js';
import { redirectUriFor } from './types.js';

const APP = { clientId: 'client-id', clientSecret: 'never-in-a-url', applicationId: 'amzn1.sp.solution.app', serviceId: '7300000000000000001', ruName: 'Onramp-RuName' };
const CALLBACK = 'https://app.example.com/api/oauth/p/callback';

function account(over: Partial<Account>): Account {
  return {
    id: 'a', sellerId: 's', name: 'A', channel: 'ebay', region: null, fields: {}, step: 'connect_channel', status: 'active',
    version: 1, executionArn: null, connections: [], createdAt: '', updatedAt: '', ...over,
  };
}

function urlFor(p: OAuthProviderDefinition, over: Partial<Account> = {}, codeChallenge?: string): URL {
  return new URL(
    authorizeUrlFor(CONNECTORS, p, {
      app: APP,
      account: account({ channel: p.id as Account['channel'], ...over }),
      state: 'the-state',
      redirectUri: redirectUriFor(p, APP, CALLBACK),
      ...(codeChallenge ? { codeChallenge } : {}),
    }),
  );
}

describe('Amazon\u2019s consent URL', () => {
  const hosts: Record<string, string> = {
    'north-america': 'sellercentral.amazon.com',
    europe: 'sellercentral-europe.amazon.com',
    australia: 'sellercentral.amazon.com.au',
    japan: 'sellercentral.amazon.co.jp',
    singapore: 'sellercentral.amazon.sg',
    uae: 'sellercentral.amazon.ae',
    'saudi-arabia': 'sellercentral.amazon.sa',
    india: 'sellercentral.amazon.in',
  };
  it.each(Object.entries(hosts))('goes to the %s Seller Central host %s, with the SP-API application id and the state', (region, host) => {
    const url = urlFor(amazon, { region });
    expect(url.origin).toBe(`https://${host}`);
    expect(url.pathname).toBe('/apps/authorize/consent');
    expect(url.searchParams.get('application_id')).toBe(APP.applicationId);
    expect(url.searchParams.get('state')).toBe('the-state');
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(url.searchParams.has('client_id')).toBe(false);
  });

  it('covers every Amazon region with a consent host and an SP-API endpoint', () => {
    expect(amazon.regions.map((r) => r.id).sort()).toEqual(Object.keys(hosts).sort());
    for (const r of amazon.regions) expect(r.urls.api).toMatch(/^https:\/\/sellingpartnerapi-(na|eu|fe)\.amazon\.com$/);
  });
});

describe('the standard consent URLs', () => {
  it('sends eBay its RuName as redirect_uri, and the full scope URIs space-separated', () => {
    const url = urlFor(ebay);
    expect(url.origin + url.pathname).toBe('https://auth.ebay.com/oauth2/authorize');
    expect(url.searchParams.get('redirect_uri')).toBe('Onramp-RuName');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('scope')?.split(' ')).toContain('https://api.ebay.com/oauth/api_scope/commerce.identity.readonly');
  });

  it('sends Etsy a PKCE S256 challenge, its keystring as client id and space-separated scopes', () => {
    const url = urlFor(etsy, {}, 'challenge');
    expect(url.origin + url.pathname).toBe('https://www.etsy.com/oauth/connect');
    expect(url.searchParams.get('code_challenge')).toBe('challenge');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toBe('transactions_r shops_r');
    expect(etsy.pkce).toBe('S256');
  });

  it('sends Square its application id, the scopes and the callback', () => {
    const url = urlFor(square);
    expect(url.origin + url.pathname).toBe('https://connect.squareup.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('client-id');
    expect(url.searchParams.get('scope')).toBe('MERCHANT_PROFILE_READ ORDERS_READ PAYMENTS_READ PAYOUTS_READ');
  });

  it('installs on the seller\u2019s own Shopify host, with comma-separated scopes', () => {
    const url = urlFor(shopify, { fields: { shopDomain: 'my-shop.myshopify.com' } });
    expect(url.origin + url.pathname).toBe('https://my-shop.myshopify.com/admin/oauth/authorize');
    expect(url.searchParams.get('scope')).toBe('read_orders');
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK);
  });

  it.each([
    ['UK', 'https://services.tiktokshop.com/open/authorize'],
    ['US', 'https://services.us.tiktokshop.com/open/authorize'],
  ])('sends TikTok Shop %s sellers to %s with the Service ID, not the app key', (region, base) => {
    const url = urlFor(tiktokShop, { region });
    expect(url.origin + url.pathname).toBe(base);
    expect(url.searchParams.get('service_id')).toBe(APP.serviceId);
    expect([...url.searchParams.keys()].sort()).toEqual(['service_id', 'state']);
  });

  it('never puts a client secret in a consent URL', () => {
    for (const p of OAUTH_PROVIDERS as readonly OAuthProviderDefinition[]) {
      const over = { region: p.regions?.[0]?.id ?? null, fields: { shopDomain: 'x.myshopify.com' } };
      expect(urlFor(p, over).href).not.toContain(APP.clientSecret);
    }
  });
});
