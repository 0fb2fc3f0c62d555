/**
 * The connection refresher's cost: provider requests per connection per day,
 * over a simulated month of its 15-minute schedule (the sandboxes' and the
 * refresher's clocks moved together), one connection per provider: the
 * refresh requests of the connections it refreshes, and the check requests
 * of those whose credentials never expire (Shopify's offline token,
 * Walmart's and WooCommerce's keys), which it checks once a day.
 */
import { performance } from 'node:perf_hooks';
import { connectedAccount, keysAccount, refresherInstance } from '../local/health-helpers.js';
import { walmartControls } from '../local/sandboxes/walmart/index.js';
import type { LocalStack } from '../local/stack.js';
import { newSeller } from '../local/test-helpers.js';
import { refreshDueConnections } from '../shared/use-cases/health/job.js';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

/** Which provider a sandbox call went to, and whether it was a refresh (a token request) or a check. */
const REFRESHES: Readonly<Record<string, string>> = {
  'api.amazon.com': 'Amazon', 'api.ebay.com': 'eBay', 'api.etsy.com': 'Etsy', 'auth.tiktok-shops.com': 'TikTok Shop',
  'connect.squareup.com': 'Square', 'identity.xero.com': 'Xero', 'oauth.platform.intuit.com': 'QuickBooks',
};
const CHECKS: readonly { readonly name: string; readonly is: (host: string, path: string) => boolean }[] = [
  { name: 'Shopify', is: (host, path) => host.endsWith('.myshopify.com') && /\/graphql\.json$/.test(path) },
  { name: 'Walmart', is: (host, path) => host === 'marketplace.walmartapis.com' && path === '/v3/token' },
  { name: 'WooCommerce', is: (host, path) => host === 'woocommerce' && path.endsWith('/wc/v3/system_status') },
];

export async function refresher(stack: LocalStack): Promise<void> {
  const DAYS = 30;
  const EVERY_MS = 15 * 60_000;
  {
    const seller = await newSeller(stack);
    await connectedAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, 'xero');
    await connectedAccount(seller, { name: 'eBay', channel: 'ebay' }, 'quickbooks');
    await connectedAccount(seller, { name: 'Etsy', channel: 'etsy' });
    await connectedAccount(seller, { name: 'TikTok Shop', channel: 'tiktok-shop', region: 'UK' });
    await connectedAccount(seller, { name: 'Square', channel: 'square' });
    await connectedAccount(seller, { name: 'Shopify', channel: 'shopify', shopDomain: `bench-${Date.now()}.myshopify.com` });
    await keysAccount(stack, seller, 'walmart', { ...walmartControls(stack.sandboxes.sandboxes).issueKey('us') });
    await keysAccount(stack, seller, 'woocommerce');
    const from = stack.sandboxes.calls.length;
    let offset = 0;
    const deps = refresherInstance(stack, { leaseMs: 15_000 });
    const clocked = { ...deps, now: () => new Date(Date.now() + offset) };
    const runMs: number[] = [];
    let refreshed = 0;
    let checked = 0;
    for (let t = 0; t < (DAYS * 24 * 3600_000) / EVERY_MS; t++) {
      offset += EVERY_MS;
      stack.sandboxes.advance(EVERY_MS);
      const t0 = performance.now();
      const run = await refreshDueConnections(clocked);
      refreshed += run.refreshed;
      checked += run.checked;
      runMs.push(performance.now() - t0);
    }
    const perProvider = new Map<string, number>();
    for (const call of stack.sandboxes.calls.slice(from)) {
      const name = REFRESHES[call.host] && /token/.test(call.path) ? REFRESHES[call.host] : CHECKS.find((c) => c.is(call.host, call.path))?.name;
      if (name) perProvider.set(name, (perProvider.get(name) ?? 0) + 1);
    }
    // Every connection in the table is refreshed and checked (the onboardings' too, when they ran first): count them.
    const NAME: Record<string, string> = { amazon: 'Amazon', ebay: 'eBay', etsy: 'Etsy', 'tiktok-shop': 'TikTok Shop', square: 'Square', xero: 'Xero', quickbooks: 'QuickBooks', shopify: 'Shopify', walmart: 'Walmart', woocommerce: 'WooCommerce' };
    const connections = new Map<string, number>();
    for (const r of await deps.connections.due(new Date(Date.now() + offset + 3650 * 24 * 3600_000).toISOString(), 100_000)) {
      const name = NAME[r.provider];
      if (name) connections.set(name, (connections.get(name) ?? 0) + 1);
    }
    const line = (name: string) => {
      const n = perProvider.get(name) ?? 0;
      const c = connections.get(name) ?? 1;
      return `${name.padEnd(13)} ${String(c).padStart(11)} ${String(n).padStart(9)}    ${(n / c / DAYS).toFixed(2).padStart(6)}`;
    };
    console.log(`\nConnection refresher: ${runMs.length} runs every 15 minutes over ${DAYS} simulated days, every connection in the table`);
    console.log('provider      connections  refreshes    per connection per day');
    for (const name of Object.values(REFRESHES)) console.log(line(name));
    console.log('provider      connections     checks    per connection per day');
    for (const { name } of CHECKS) console.log(line(name));
    console.log(
      `total refreshes ${refreshed}, checks ${checked}; per run: 1 DynamoDB query when nothing is due (96 a day), run p50 ${pct(runMs, 50).toFixed(1)} ms, p95 ${pct(runMs, 95).toFixed(1)} ms`,
    );
  }
}
