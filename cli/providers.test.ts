import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm run providers', () => {
  it('prints every provider\u2019s production configuration as JSON, from the definitions', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'providers.ts')], { encoding: 'utf8' });
    const providers = JSON.parse(out) as Record<string, any>[];
    expect(providers.map((p) => p.id)).toEqual(['amazon', 'ebay', 'walmart', 'etsy', 'tiktok-shop', 'shopify', 'square', 'woocommerce', 'xero', 'quickbooks']);
    const amazon = providers.find((p) => p.id === 'amazon')!;
    expect(amazon.authorize.urlPerRegion.europe).toBe('https://sellercentral-europe.amazon.com/apps/authorize/consent');
    expect(amazon.token).toEqual({ url: 'https://api.amazon.com/auth/o2/token', style: 'form-body' });
    expect(amazon.callbackParameters.code).toBe('spapi_oauth_code');
    expect(providers.find((p) => p.id === 'etsy')!.pkce).toBe('S256');
    expect(providers.find((p) => p.id === 'tiktok-shop')!.token.style).toBe('get-query');
    expect(providers.find((p) => p.id === 'ebay')!.token.style).toBe('form-basic');
    expect(providers.find((p) => p.id === 'walmart')!.endpoints.token).toBe('https://marketplace.walmartapis.com/v3/token');
    expect(providers.find((p) => p.id === 'woocommerce')!.automatic).toEqual({ path: '/wc-auth/v1/authorize', appName: 'Onramp', scope: 'read' });
    expect(out).not.toMatch(/sandbox|127\.0\.0\.1/i);
  });
});
