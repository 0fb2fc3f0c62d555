import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OAUTH_PROVIDER_IDS } from '../shared/providers/index.js';
import { matchRoute } from '../shared/http/routes.js';

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

describe('npm run providers -- --callbacks <origin>', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'providers.ts'), ...args], { encoding: 'utf8' });

  it('prints, for each provider app, the callback URL the route table serves for that provider', () => {
    const { stdout, status } = run('--callbacks', 'https://app.example.com/');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^[\x20-\x7e\n]*$/);
    const printed = [...stdout.matchAll(/^(\S+) +(https:\/\/\S+)/gm)].map((m) => ({ id: m[1]!, url: new URL(m[2]!) }));
    // One per provider that connects by consent: exactly the providers whose app secret the stateful stack creates.
    expect(printed.map((p) => p.id)).toEqual([...OAUTH_PROVIDER_IDS]);
    for (const { id, url } of printed) {
      expect(url.origin).toBe('https://app.example.com');
      const served = matchRoute('GET', url.pathname);
      expect(served && 'route' in served ? { fn: served.route.fn, provider: served.params.provider } : served).toEqual({ fn: 'oauthCallback', provider: id });
    }
    expect(stdout).toMatch(/^ebay .*RuName/m);
  });

  it('refuses what is not an https origin, saying what it needs, with exit code 2', () => {
    for (const bad of ['http://app.example.com', 'https://app.example.com/app', 'app.example.com']) {
      const { stdout, stderr, status } = run('--callbacks', bad);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^--callbacks needs .*https:\/\/app\.example\.com/);
    }
  });
});
