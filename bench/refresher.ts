/**
 * The connection refresher's cost: provider refresh requests per connection
 * per day, over a simulated month of its 15-minute schedule (the sandboxes'
 * and the refresher's clocks moved together), one connection per provider.
 */
import { performance } from 'node:perf_hooks';
import { connectedAccount, refresherInstance } from '../local/health-helpers.js';
import type { LocalStack } from '../local/stack.js';
import { newSeller } from '../local/test-helpers.js';
import { refreshDueConnections } from '../shared/health/job.js';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

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
    const PROVIDER_OF: Record<string, string> = {
      'api.amazon.com': 'Amazon', 'api.ebay.com': 'eBay', 'api.etsy.com': 'Etsy', 'auth.tiktok-shops.com': 'TikTok Shop',
      'connect.squareup.com': 'Square', 'identity.xero.com': 'Xero', 'oauth.platform.intuit.com': 'QuickBooks',
    };
    const from = stack.sandboxes.calls.length;
    let offset = 0;
    const deps = refresherInstance(stack, { leaseMs: 15_000 });
    const clocked = { ...deps, now: () => new Date(Date.now() + offset) };
    const runMs: number[] = [];
    let refreshed = 0;
    for (let t = 0; t < (DAYS * 24 * 3600_000) / EVERY_MS; t++) {
      offset += EVERY_MS;
      stack.sandboxes.advance(EVERY_MS);
      const t0 = performance.now();
      refreshed += (await refreshDueConnections(clocked)).refreshed;
      runMs.push(performance.now() - t0);
    }
    const perProvider = new Map<string, number>();
    for (const call of stack.sandboxes.calls.slice(from)) {
      const name = PROVIDER_OF[call.host];
      if (name && /token/.test(call.path)) perProvider.set(name, (perProvider.get(name) ?? 0) + 1);
    }
    console.log(`\nConnection refresher: ${runMs.length} runs every 15 minutes over ${DAYS} simulated days, one connection per provider`);
    console.log('provider      refresh requests   per connection per day');
    for (const name of Object.values(PROVIDER_OF)) {
      const n = perProvider.get(name) ?? 0;
      console.log(`${name.padEnd(13)} ${String(n).padStart(8)}           ${(n / DAYS).toFixed(2).padStart(6)}`);
    }
    console.log(`total refreshes ${refreshed}; per run: 1 DynamoDB query when nothing is due (96 a day), run p50 ${pct(runMs, 50).toFixed(1)} ms, p95 ${pct(runMs, 95).toFixed(1)} ms`);
  }
}
