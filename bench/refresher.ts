/**
 * The connection refresher's cost: provider requests per connection per day,
 * over a simulated month of its 15-minute schedule (the sandboxes' and the
 * refresher's clocks moved together), one connection per provider and way: the
 * refresh requests of the connections it refreshes, and the check requests
 * of those whose credentials never expire (Shopify's offline token,
 * Walmart's and WooCommerce's keys), which it checks once a day.
 *
 * Then what a connected account costs a month, for each channel and books
 * pair: the secrets it keeps, and the AWS requests of its connections'
 * refreshes and checks, counted in the SDK's middleware (the bench's
 * `Ledger`) and attributed to a connection by the secret or record each
 * request names.
 */
import { performance } from 'node:perf_hooks';
import { connectedAccount, keysAccount, refresherInstance } from '../local/health-helpers.js';
import type { AwsCall } from '../local/instrument.js';
import { walmartControls } from '../local/sandboxes/walmart/index.js';
import type { LocalStack } from '../local/stack.js';
import { newSeller } from '../local/test-helpers.js';
import { CHANNEL_PROVIDERS, PROVIDERS } from '../shared/providers/index.js';
import { refreshDueConnections } from '../shared/use-cases/health/job.js';
import { costLines, usd, type Ledger, type Tally } from './onboardings.js';
import { LAMBDA_MEMORY_GB, SECRETS_MANAGER_SECRET_MONTH } from './prices.js';
import { check, fixed, median, table } from './stats.js';

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

/** A month, for the monthly figures. */
const MONTH_DAYS = 30;
/** The refresher's schedule: every 15 minutes. */
const RUNS_A_DAY = 96;
/** What the refresher's own requests (its due query) are attributed to. */
const RUN = 'refresher run';

/** The connection secret or record an AWS request names, if any. */
function secretNamed(call: AwsCall): string | undefined {
  if (call.service === 'SecretsManager') return String(call.input.SecretId ?? call.input.Name ?? '') || undefined;
  if (call.service !== 'DynamoDB') return undefined;
  const first = call.operation === 'TransactWriteItems' ? (Object.values(call.input.TransactItems?.[0] ?? {})[0] as Record<string, any> | undefined) : call.input;
  // Seen after lib-dynamodb has marshalled the input: `{ S: '…' }`.
  const raw: unknown = first?.Key?.pk ?? first?.Item?.pk;
  const pk = typeof raw === 'string' ? raw : typeof (raw as { S?: unknown })?.S === 'string' ? (raw as { S: string }).S : '';
  const m = /^(?:CONNECTION|LEASE)#(.+)$/.exec(pk);
  return m?.[1];
}

const quantities = (t: Tally, lambdaGbSeconds: number, lambda: number) => ({
  readRequestUnits: t.readRequestUnits,
  writeRequestUnits: t.writeRequestUnits,
  transitions: 0,
  secretsApiCalls: [...t.aws].filter(([k]) => k.startsWith('SecretsManager ')).reduce((a, [, v]) => a + v, 0),
  kms: t.kms,
  lambda,
  lambdaGbSeconds,
  api: 0,
});
const total = (lines: ReturnType<typeof costLines>) => lines.reduce((a, l) => a + l.usd, 0);

export interface MonthlyCost {
  /** Per connection and way (`Walmart (keys)`): refreshes and checks a month, and what their AWS requests cost. */
  readonly connections: Record<string, { readonly perMonth: number; readonly awsRequests: number; readonly usd: number }>;
  /** Per channel and books pair: a connected account of a one-account seller. */
  readonly pairs: Record<string, number>;
  /** The refresher's own runs, whatever the accounts. */
  readonly fixedUsd: number;
}

export async function refresher(stack: LocalStack, ledger: Ledger): Promise<MonthlyCost> {
  // A month of the schedule, so that what the runs made is a month's.
  const DAYS = MONTH_DAYS;
  const EVERY_MS = 15 * 60_000;
  const seller = await newSeller(stack);
  await connectedAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, 'xero');
  await connectedAccount(seller, { name: 'eBay', channel: 'ebay' }, 'quickbooks');
  await connectedAccount(seller, { name: 'Etsy', channel: 'etsy' });
  await connectedAccount(seller, { name: 'TikTok Shop', channel: 'tiktok-shop', region: 'UK' });
  await connectedAccount(seller, { name: 'Square', channel: 'square' });
  await connectedAccount(seller, { name: 'Shopify', channel: 'shopify', shopDomain: `bench-${Date.now()}.myshopify.com` });
  await connectedAccount(seller, { name: 'Walmart US', channel: 'walmart', region: 'US' });
  await keysAccount(stack, seller, 'walmart', { ...walmartControls(stack.sandboxes.sandboxes).issueKey('us') });
  await keysAccount(stack, seller, 'woocommerce');
  const from = stack.sandboxes.calls.length;
  let offset = 0;
  const deps = refresherInstance(stack, { leaseMs: 15_000, sharedClients: true });
  const clocked = { ...deps, now: () => new Date(Date.now() + offset) };

  // Every connection in the table is refreshed and checked (the onboardings' too, when they ran first): each is
  // named by its provider, and by its way where a provider has two (Walmart: consent in the US, or keys).
  const NAME = Object.fromEntries(PROVIDERS.map((p) => [p.id, p.name.replace(/ Online$/, '')]));
  const all = await deps.connections.due(new Date(Date.now() + 3650 * 24 * 3600_000).toISOString(), 100_000);
  const checkedProviders = new Set(all.filter((r) => r.checkDueAt && !r.refreshDueAt).map((r) => r.provider));
  const refreshedProviders = new Set(all.filter((r) => r.refreshDueAt).map((r) => r.provider));
  const labelOf = (r: (typeof all)[number]) => {
    const both = checkedProviders.has(r.provider) && refreshedProviders.has(r.provider);
    return `${NAME[r.provider] ?? r.provider}${both ? (r.refreshDueAt ? ' (consent)' : ' (keys)') : ''}`;
  };
  const labelBySecret = new Map(all.map((r) => [r.secretName, labelOf(r)]));
  const connections = new Map<string, number>();
  for (const r of all) connections.set(labelOf(r), (connections.get(labelOf(r)) ?? 0) + 1);

  const runMs: number[] = [];
  const work: number[] = [];
  let refreshed = 0;
  let checked = 0;
  ledger.tagOf = (call) => {
    const name = secretNamed(call);
    return name ? `connection:${labelBySecret.get(name) ?? 'other'}` : RUN;
  };
  ledger.recording = true;
  try {
    for (let t = 0; t < (DAYS * 24 * 3600_000) / EVERY_MS; t++) {
      offset += EVERY_MS;
      stack.sandboxes.advance(EVERY_MS);
      const t0 = performance.now();
      const run = await refreshDueConnections(clocked);
      refreshed += run.refreshed;
      checked += run.checked;
      runMs.push(performance.now() - t0);
      work.push(run.refreshed + run.checked);
    }
  } finally {
    ledger.recording = false;
    ledger.tagOf = undefined;
  }

  const perProvider = new Map<string, number>();
  for (const call of stack.sandboxes.calls.slice(from)) {
    const name = REFRESHES[call.host] && /token/.test(call.path) ? REFRESHES[call.host] : CHECKS.find((c) => c.is(call.host, call.path))?.name;
    if (name) perProvider.set(name, (perProvider.get(name) ?? 0) + 1);
  }
  const line = (name: string) => {
    const n = perProvider.get(name) ?? 0;
    const c = [...connections].filter(([label]) => label === name || label.startsWith(`${name} (`)).reduce((a, [, v]) => a + v, 0) || 1;
    return `${name.padEnd(13)} ${String(c).padStart(11)} ${String(n).padStart(9)}    ${(n / c / DAYS).toFixed(2).padStart(6)}`;
  };
  console.log(`\nConnection refresher: ${runMs.length} runs every 15 minutes over ${DAYS} simulated days, every connection in the table`);
  console.log('provider      connections  refreshes    per connection per day');
  for (const name of [...Object.values(REFRESHES), 'Walmart']) console.log(line(name));
  console.log('provider      connections     checks    per connection per day');
  for (const { name } of CHECKS) console.log(line(name));
  console.log(`total refreshes ${refreshed}, checks ${checked}; per run: 1 DynamoDB query when nothing is due (96 a day), run p50 ${pct(runMs, 50).toFixed(1)} ms, p95 ${pct(runMs, 95).toFixed(1)} ms`);

  // The refresher's compute: a run with nothing due is its fixed part; what a run with work takes over that, per refresh or check.
  const idleMs = median(runMs.filter((_, i) => work[i] === 0));
  const busyMs = runMs.reduce((a, ms, i) => a + (work[i]! > 0 ? Math.max(0, ms - idleMs) : 0), 0);
  const msPerWork = busyMs / Math.max(1, refreshed + checked);
  const gbSeconds = (ms: number) => (ms / 1000) * LAMBDA_MEMORY_GB;

  // The runs' own requests (the due queries), their invocations and their idle time: whatever the accounts.
  const run = ledger.sum([RUN]);
  const runRequests = [...run.aws.values()].reduce((a, b) => a + b, 0);
  const fixedUsd = total(costLines(quantities(run, gbSeconds(idleMs) * RUNS_A_DAY * MONTH_DAYS, RUNS_A_DAY * MONTH_DAYS)));

  const perConnection: MonthlyCost['connections'] = {};
  const rows: (string | number)[][] = [];
  for (const [label, count] of [...connections].sort()) {
    const t = ledger.sum([`connection:${label}`]);
    const requests = [...t.aws.values()].reduce((a, b) => a + b, 0) / count;
    const name = label.replace(/ \(.*\)$/, '');
    const sandboxCalls = perProvider.get(name) ?? 0;
    const sameName = [...connections].filter(([l]) => l.replace(/ \(.*\)$/, '') === name).reduce((a, [, v]) => a + v, 0);
    const perMonth = (sandboxCalls / Math.max(1, sameName)) ;
    const lines = costLines(quantities(t, gbSeconds(msPerWork) * (perMonth * count), 0));
    const monthUsd = (total(lines) / count) ;
    perConnection[label] = { perMonth, awsRequests: requests , usd: monthUsd };
    rows.push([label, fixed(perMonth, 1), fixed(requests , 1), [...t.aws].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k.replace(/^\w+ /, '')} ${fixed((v / count) , 0)}`).join(', '), usd(monthUsd)]);
  }
  console.log(`\n1e. A connection's upkeep a month (the refresher's refreshes and checks; AWS requests counted in the SDK's middleware, attributed to the`);
  console.log(`    connection by the secret or record each names; Lambda time: what a run with work takes over an idle run, ${fixed(msPerWork, 1)} ms a refresh or check)\n`);
  console.log(table(['connection', 'refreshes or checks a month', 'AWS requests a month', 'most', 'cost a month'], rows));
  console.log(`\n    The refresher's own runs, whatever the accounts: ${RUNS_A_DAY * MONTH_DAYS} a month (${fixed(runRequests / (RUNS_A_DAY * MONTH_DAYS), 2)} AWS requests each, an idle run ${fixed(idleMs, 1)} ms): ${usd(fixedUsd)} a month.`);

  // A connected account of a one-account seller: its channel's secret, the seller's books secret for the organisation, and both connections' upkeep.
  const pairs: Record<string, number> = {};
  const books = PROVIDERS.filter((p) => !CHANNEL_PROVIDERS.includes(p as (typeof CHANNEL_PROVIDERS)[number]));
  const channelLabels = [...connections.keys()].filter((l) => CHANNEL_PROVIDERS.some((p) => l.replace(/ \(.*\)$/, '') === NAME[p.id]));
  const secretsUsd = 2 * SECRETS_MANAGER_SECRET_MONTH.usd;
  const pairRows = channelLabels.sort().map((channel) => [
    channel,
    ...books.map((b) => {
      const upkeep = (perConnection[channel]?.usd ?? 0) + (perConnection[NAME[b.id]!]?.usd ?? 0);
      const sum = secretsUsd + upkeep;
      pairs[`${channel} + ${NAME[b.id]}`] = sum;
      return `${usd(sum)} (${usd(upkeep)} upkeep)`;
    }),
  ]);
  console.log(`\n1f. Cost of a connected account a month, per channel and books pair (a one-account seller: the channel's secret and the seller's`);
  console.log(`    books secret at ${usd(SECRETS_MANAGER_SECRET_MONTH.usd)} each, ${usd(secretsUsd)}, and both connections' upkeep from 1e; the refresher's own runs apart)\n`);
  console.log(table(['channel', ...books.map((b) => `+ ${NAME[b.id]}`)], pairRows));
  const dearest = Object.entries(pairs).sort((a, b) => b[1] - a[1])[0];
  console.log(`\n    Secrets are ${fixed((secretsUsd / (dearest?.[1] ?? secretsUsd)) * 100, 1)} % of the dearest pair (${dearest?.[0]}). One secret per seller: see docs/design/one-secret-per-seller.md.`);
  check({
    what: 'Refresher: every connection refreshed or checked',
    limit: 'each about once a day',
    measured: Object.entries(perConnection).map(([l, c]) => `${l} ${fixed(c.perMonth / MONTH_DAYS, 2)}`).join(', '),
    ok: Object.values(perConnection).every((c) => c.perMonth / MONTH_DAYS >= 0.9 && c.perMonth / MONTH_DAYS <= 1.5),
    why: 'a connection was refreshed or checked far more or less than daily',
  });
  return { connections: perConnection, pairs, fixedUsd };
}
