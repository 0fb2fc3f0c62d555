/**
 * Whole onboardings against the local stack and the provider sandboxes, as a
 * seller's browser would go through them (without a browser): sign up, the
 * catalog, an account, the channel's consent (or, for Walmart and
 * WooCommerce, its sandbox keys), the books' consent, the live chart, the
 * suggested mapping, Done. Throughput and latency per route; and,
 * per onboarding, the AWS requests by service and operation, the state
 * transitions, and what they cost at published prices.
 */
import { performance } from 'node:perf_hooks';
import type { Invocation, AwsCall } from '../local/instrument.js';
import { sessionTokenOf } from '../local/instrument.js';
import { consent } from '../local/sandboxes/consent.js';
import { acceptance, QUICKBOOKS_FACTS, TIKTOK_SHOP_FACTS, XERO_FACTS } from '../local/sandboxes/facts.js';
import { WALMART_SANDBOX_KEYS } from '../local/sandboxes/walmart/index.js';
import { WOO_SANDBOX_KEYS } from '../local/sandboxes/woocommerce/index.js';
import { settled, type Client } from '../local/test-helpers.js';
import type { LocalStack } from '../local/stack.js';
import { CHANNEL_PROVIDERS } from '../shared/providers/index.js';
import type { FunctionId } from '../shared/http/routes.js';
import { signUp } from './load.js';
import {
  DYNAMODB_READ_REQUEST_UNIT,
  DYNAMODB_WRITE_REQUEST_UNIT,
  HTTP_API_REQUEST,
  KMS_REQUEST,
  LAMBDA_ARM_GB_SECOND,
  LAMBDA_MEMORY_GB,
  LAMBDA_REQUEST,
  SECRETS_MANAGER_API_CALL,
  SECRETS_MANAGER_SECRET_MONTH,
  STEP_FUNCTIONS_STATE_TRANSITION,
  type Price,
} from './prices.js';
import { check, fixed, median, percentile, pool, table } from './stats.js';
import { transitionsOf, type TaskSeen } from './transitions.js';
import { SESSION_SK_PREFIX } from '../shared/adapters/dynamo/sessions.js';

/** A channel's accepting decision and choices, from its sandbox's facts. */
const accepting = (id: string) => {
  const { decision, choices } = acceptance(id);
  return { decision, choices: () => ({ ...choices }) };
};

export const BUDGET_AWS_REQUESTS = 40;
export const BUDGET_TRANSITIONS = 10;
export const BUDGET_COST_USD = 0.001;

interface Recipe {
  /** The account to create (beside its name and channel). */
  readonly body: (i: number) => Record<string, unknown>;
  /** An OAuth channel: the sandbox consent's decision and choices, as its contract test passes it. */
  readonly decision?: string;
  readonly choices?: (body: Record<string, unknown>) => Record<string, string>;
  /** A keys channel (or region): the sandbox's keys (and store), pasted on the connect step as its contract test does; undefined where the account connects by consent. */
  readonly keys?: (stack: LocalStack, body: Record<string, unknown>) => Record<string, string> | undefined;
}

const walmartKeys = (market: string) => {
  const k = WALMART_SANDBOX_KEYS.find((x) => x.market === market && !x.control && x.clientId.endsWith(`-${market}`))!;
  return { clientId: k.clientId, clientSecret: k.clientSecret };
};
const wooKeys = WOO_SANDBOX_KEYS.find((k) => k.permissions === 'read')!;

/** How each channel is connected in the walk. */
const RECIPES: Record<string, Recipe> = {
  amazon: { body: (i) => ({ region: ['europe', 'north-america', 'japan'][i % 3] }), ...accepting('amazon') },
  ebay: { body: () => ({}), ...accepting('ebay') },
  shopify: { body: () => ({ shopDomain: 'onramp-test.myshopify.com' }), ...accepting('shopify') },
  etsy: { body: () => ({}), ...accepting('etsy') },
  'tiktok-shop': { body: (i) => ({ region: i % 2 ? 'US' : 'UK' }), decision: TIKTOK_SHOP_FACTS.accept.decision, choices: (b) => TIKTOK_SHOP_FACTS.sellerRegion(String(b.region)) },
  square: { body: () => ({}), ...accepting('square') },
  // The US by consent (Walmart's OAuth), Mexico with its delegated keys.
  walmart: { body: (i) => ({ region: i % 2 ? 'MX' : 'US' }), ...accepting('walmart'), keys: (_stack, b) => (b.region === 'MX' ? walmartKeys('mx') : undefined) },
  // The sandbox store is plain http on loopback, which account creation refuses: its address is given on the connect step.
  woocommerce: { body: () => ({}), keys: (stack) => ({ consumerKey: wooKeys.consumerKey, consumerSecret: wooKeys.consumerSecret, storeUrl: `${stack.sandboxes.origin}/woocommerce` }) },
};
const BOOKS = { xero: XERO_FACTS.accept.decision, quickbooks: QUICKBOOKS_FACTS.accept.decision } as const;

/** Channels an onboarding can draw: every channel with a recipe (consent or keys); any without one is named as not drawn. */
export function channelsDrawn(): { drawn: string[]; notDrawn: string[] } {
  const drawn = CHANNEL_PROVIDERS.filter((p) => RECIPES[p.id]).map((p) => p.id);
  return { drawn, notDrawn: CHANNEL_PROVIDERS.map((p) => p.id).filter((id) => !drawn.includes(id)) };
}

export interface Tally {
  readonly aws: Map<string, number>;
  readonly byRoute: Map<string, number>;
  readonly byItem: Map<string, number>;
  readRequestUnits: number;
  writeRequestUnits: number;
  kms: number;
  lambda: number;
  lambdaMs: number;
  api: number;
}
export const tally = (): Tally => ({ aws: new Map(), byRoute: new Map(), byItem: new Map(), readRequestUnits: 0, writeRequestUnits: 0, kms: 0, lambda: 0, lambdaMs: 0, api: 0 });
const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof (v as { S?: unknown })?.S === 'string' ? (v as { S: string }).S : '');

/** Whether a write touches the table's index (accounts, events, sessions and due connection records carry gsi1 keys; projection ALL). */
function writesIndex(input: Readonly<Record<string, any>>): boolean {
  if (input.Item) return 'gsi1pk' in input.Item;
  const pk = str(input.Key?.pk);
  const sk = str(input.Key?.sk);
  return (pk.startsWith('SELLER#') && (sk.startsWith('ACCOUNT#') || sk.startsWith(SESSION_SK_PREFIX))) || pk.startsWith('CONNECTION#');
}

/** The actions of a TransactWriteItems, each as a single-item request. */
const actionsOf = (call: AwsCall): Record<string, any>[] => (call.input.TransactItems ?? []).map((t: Record<string, any>) => Object.values(t)[0] as Record<string, any>);

/** What a request touches: which kind of item, secret or execution (a transaction: what its first action writes; a batch read: its first key). */
function itemOf(call: AwsCall): string {
  if (call.service === 'SFN') return 'wizard executions (Step Functions)';
  if (call.service === 'SecretsManager') return String(call.input.SecretId ?? call.input.Name ?? '').startsWith('onramp-apps/') ? 'provider app credentials' : 'connection secrets';
  if (call.operation === 'TransactWriteItems') {
    const first = actionsOf(call)[0] ?? {};
    const what = itemOf({ ...call, operation: 'UpdateItem', input: first });
    return what === 'accounts' ? 'accounts (a change with its audit events, one transaction)' : `${what} (one transaction)`;
  }
  const batchKey = (Object.values(call.input.RequestItems ?? {})[0] as { Keys?: Record<string, any>[] } | undefined)?.Keys?.[0];
  const key = call.input.Key ?? call.input.Item ?? batchKey ?? {};
  const pk = str(key.pk) || str(call.input.ExpressionAttributeValues?.[':pk']);
  const sk = str(key.sk) || str(call.input.ExpressionAttributeValues?.[':mine']);
  const session = pk.startsWith('SELLER#') && sk.startsWith(SESSION_SK_PREFIX);
  if (batchKey && session) return 'sessions (one read per signed-in request, with the account in its path)';
  if (batchKey && pk.startsWith('CONNECTION#')) return 'connection records (health)';
  if (call.operation === 'Query' && session) return 'sessions (one read per signed-in request, with the seller\u2019s accounts)';
  if (session || (pk.startsWith('SELLER#') && str(call.input.ExpressionAttributeValues?.[':prefix']) === SESSION_SK_PREFIX)) return 'sessions (one read per signed-in request)';
  if (pk.startsWith('ATTEMPTS#')) return 'sign-up attempt counters';
  if (pk.startsWith('CONSENT#')) return 'consent states';
  if (pk.startsWith('EMAIL#')) return 'sellers';
  if (sk.startsWith('EVENT#')) return 'audit events';
  if (pk.startsWith('CONNECTION#')) return 'connection records (health)';
  if (pk.startsWith('LEASE#')) return 'refresh leases';
  return 'accounts';
}

/** What the bench sees of the stack: every AWS attempt and invocation, by whom they were made. */
export class Ledger {
  private readonly byOwner = new Map<string, Tally>();
  /** Task invocations per execution ARN, in order. */
  readonly tasks = new Map<string, TaskSeen[]>();
  readonly durations = new Map<FunctionId, number[]>();
  recording = false;
  /** Whom a call with no invocation behind it is attributed to (the refresher, run in-process by the bench). */
  tagOf: ((call: AwsCall) => string | undefined) | undefined;

  private of(owner: string | undefined): Tally {
    const key = owner ?? '(unattributed)';
    let t = this.byOwner.get(key);
    if (!t) this.byOwner.set(key, (t = tally()));
    return t;
  }

  /** Whom an invocation's work belongs to: its session, the email signing up, or the account (the state machine's tasks). */
  ownerOf(_fn: FunctionId, event: any): string | undefined {
    if (typeof event?.routeKey === 'string') {
      const token = sessionTokenOf(event);
      if (token) return `s:${token}`;
      if (event.routeKey === 'POST /api/auth/signup') {
        try {
          return `e:${String(JSON.parse(event.body ?? '{}').email).toLowerCase()}`;
        } catch {
          return undefined;
        }
      }
      return undefined;
    }
    return typeof event?.accountId === 'string' ? `a:${event.accountId}` : undefined;
  }

  attempt(call: AwsCall, output: Record<string, any> | undefined, error: unknown): void {
    if (!this.recording) return;
    const t = this.of(call.context?.owner ?? this.tagOf?.(call));
    bump(t.aws, `${call.service} ${call.operation}`);
    bump(t.byRoute, call.context?.route ?? call.context?.fn ?? '(none)');
    bump(t.byItem, itemOf(call));
    if (call.service === 'DynamoDB') {
      if (call.operation === 'TransactWriteItems') {
        // Two write units per item and KB (as reported), and the index's own write for each item that has index keys.
        const actions = actionsOf(call);
        const reported = Array.isArray(output?.ConsumedCapacity) ? output.ConsumedCapacity.reduce((a: number, c: { CapacityUnits?: number }) => a + Number(c.CapacityUnits ?? 0), 0) : 2 * actions.length;
        const perAction = reported / Math.max(1, actions.length);
        t.writeRequestUnits += actions.reduce((a, x) => a + perAction * (writesIndex(x) ? 2 : 1), 0);
      } else {
        // A refused conditional write is charged as a write of the item; without a report, one unit (a batch reports per table).
        const cc = output?.ConsumedCapacity;
        const units = Array.isArray(cc) ? cc.reduce((a: number, c: { CapacityUnits?: number }) => a + Number(c.CapacityUnits ?? 0), 0) : Number(cc?.CapacityUnits ?? 1);
        if (READS.has(call.operation)) t.readRequestUnits += units;
        else t.writeRequestUnits += units * (writesIndex(call.input) ? 2 : 1);
      }
    }
    if (call.service === 'SecretsManager' && !error && String(call.input.Name ?? call.input.SecretId ?? '').startsWith('onramp/')) {
      // The connection secrets' customer-managed key: a data key per value written, a decrypt per value read.
      if (['CreateSecret', 'PutSecretValue', 'GetSecretValue'].includes(call.operation)) t.kms++;
    }
  }

  invoked(inv: Invocation): void {
    if (!this.recording) return;
    const t = this.of(inv.context.owner);
    t.lambda++;
    t.lambdaMs += Math.ceil(inv.ms);
    if (inv.context.route) t.api++;
    this.durations.set(inv.fn, [...(this.durations.get(inv.fn) ?? []), inv.ms]);
    if (inv.fn === 'wizardTask' && typeof inv.event?.executionArn === 'string') {
      this.tasks.set(inv.event.executionArn, [...(this.tasks.get(inv.event.executionArn) ?? []), { action: String(inv.event.action), failed: Boolean(inv.error) }]);
    }
  }

  /** The tallies of these owners, added up. */
  sum(owners: readonly string[]): Tally {
    const out = tally();
    for (const o of owners) {
      const t = this.byOwner.get(o);
      if (!t) continue;
      for (const [k, v] of t.aws) bump(out.aws, k, v);
      for (const [k, v] of t.byRoute) bump(out.byRoute, k, v);
      for (const [k, v] of t.byItem) bump(out.byItem, k, v);
      out.readRequestUnits += t.readRequestUnits;
      out.writeRequestUnits += t.writeRequestUnits;
      out.kms += t.kms;
      out.lambda += t.lambda;
      out.lambdaMs += t.lambdaMs;
      out.api += t.api;
    }
    return out;
  }

  unattributed(): Tally {
    return this.sum(['(unattributed)']);
  }
}

export interface OnboardingFigures {
  readonly channel: string;
  readonly books: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly awsRequests: number;
  readonly aws: Record<string, number>;
  readonly byRoute: Record<string, number>;
  readonly byItem: Record<string, number>;
  readonly transitions: number;
  readonly executions: number;
  readonly lambda: number;
  readonly lambdaGbSeconds: number;
  readonly api: number;
  readonly readRequestUnits: number;
  readonly writeRequestUnits: number;
  readonly secretsApiCalls: number;
  readonly kms: number;
  readonly costUsd: number;
  /** Connection secrets this onboarding's account keeps (its own, and the seller's books secret). */
  readonly secretsKept: number;
}

export interface OnboardingsResult {
  readonly sellers: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly completed: number;
  readonly failed: number;
  readonly channels: { drawn: string[]; notDrawn: string[] };
  readonly routes: { route: string; requests: number; errors: number; p50: number; p95: number; p99: number }[];
  readonly onboardings: OnboardingFigures[];
  readonly errors: string[];
}

/** The cost of an onboarding's usage at the published prices, by component. */
export function costLines(o: Pick<OnboardingFigures, 'readRequestUnits' | 'writeRequestUnits' | 'transitions' | 'secretsApiCalls' | 'kms' | 'lambda' | 'lambdaGbSeconds' | 'api'>) {
  const line = (what: string, quantity: number, price: Price) => ({ what, quantity, price, usd: quantity * price.usd });
  return [
    line('DynamoDB read request units', o.readRequestUnits, DYNAMODB_READ_REQUEST_UNIT),
    line('DynamoDB write request units (index writes included)', o.writeRequestUnits, DYNAMODB_WRITE_REQUEST_UNIT),
    line('Step Functions Standard state transitions', o.transitions, STEP_FUNCTIONS_STATE_TRANSITION),
    line('Secrets Manager API calls', o.secretsApiCalls, SECRETS_MANAGER_API_CALL),
    line('KMS requests (connection secrets\u2019 key)', o.kms, KMS_REQUEST),
    line('Lambda requests (API and state machine)', o.lambda, LAMBDA_REQUEST),
    line('Lambda GB-seconds (arm64, 512 MB)', o.lambdaGbSeconds, LAMBDA_ARM_GB_SECOND),
    line('API Gateway HTTP API requests', o.api, HTTP_API_REQUEST),
  ];
}

/** Runs `sellers` onboardings, `concurrency` at a time. */
export async function onboardings(stack: LocalStack, ledger: Ledger, definition: Record<string, unknown>, sellers: number, concurrency: number): Promise<OnboardingsResult> {
  const channels = channelsDrawn();
  const samples = new Map<string, { ms: number; ok: boolean }[]>();
  const record = (route: string, ms: number, ok: boolean) => samples.set(route, [...(samples.get(route) ?? []), { ms, ok }]);
  const owners: string[][] = [];
  const accounts: (string | undefined)[] = [];
  const sellerIds: (string | undefined)[] = [];
  const results: { channel: string; books: string; ok: boolean; error?: string }[] = [];
  const errors: string[] = [];
  const stamp = Date.now();

  async function call(c: Client, route: string, method: string, path: string, body?: unknown, want = 200) {
    const t0 = performance.now();
    let res: Awaited<ReturnType<Client['call']>> | undefined;
    try {
      res = await c.call(method, path, body);
    } finally {
      record(route, performance.now() - t0, res?.status === want);
    }
    if (res.status !== want) throw new Error(`${route}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    return res.body;
  }

  /**
   * The Xero sandbox has one user for every seller, and a Xero user's consent
   * supersedes the connections' authentication event of the one before: two
   * sellers' consents at once would each find the other's. So Xero consents
   * (the page and the callback) take turns; at Xero each seller is a user of their own.
   */
  let xeroTurn: Promise<void> = Promise.resolve();
  async function through(c: Client, authorizeUrl: string, decision: string, choices: Record<string, string>, expect: string, provider: string) {
    if (provider !== 'xero') return throughNow(c, authorizeUrl, decision, choices, expect);
    const turn = xeroTurn.then(() => throughNow(c, authorizeUrl, decision, choices, expect));
    xeroTurn = turn.catch(() => undefined);
    return turn;
  }

  /** Through the provider's consent page (the sandbox, not timed as Onramp), then back to Onramp's callback. */
  async function throughNow(c: Client, authorizeUrl: string, decision: string, choices: Record<string, string>, expect: string) {
    const page = await consent(authorizeUrl, decision, choices);
    if (!page.location) throw new Error(`consent did not redirect: ${page.pageStatus} ${page.status}`);
    const t0 = performance.now();
    let landing: string | null = null;
    let status = 0;
    try {
      const res = await fetch(page.location, { redirect: 'manual', headers: c.cookie ? { cookie: c.cookie } : {} });
      await res.text();
      status = res.status;
      landing = res.headers.get('location');
    } finally {
      record('GET /api/oauth/{provider}/callback', performance.now() - t0, status === 302 && landing === expect);
    }
    if (landing !== expect) throw new Error(`callback: ${status} to ${landing}, not ${expect}`);
  }

  async function onboard(i: number): Promise<void> {
    const channel = channels.drawn[i % channels.drawn.length]!;
    const books = (Math.floor(i / channels.drawn.length) % 2 === 0 ? 'xero' : 'quickbooks') as keyof typeof BOOKS;
    const recipe = RECIPES[channel]!;
    const email = `bench-${stamp}-${i}@example.com`;
    owners[i] = [`e:${email}`];
    try {
      const t0 = performance.now();
      let signedUp: Awaited<ReturnType<typeof signUp>> | undefined;
      try {
        signedUp = await signUp(stack, email);
      } finally {
        record('POST /api/auth/signup', performance.now() - t0, signedUp !== undefined);
      }
      const { c } = signedUp;
      sellerIds[i] = signedUp.sellerId;
      owners[i]!.push(`s:${c.cookie!.split('=').slice(1).join('=')}`);
      await call(c, 'GET /api/catalog', 'GET', '/api/catalog');
      const body = { name: `Bench ${i}`, channel, ...recipe.body(i) };
      const { account } = await call(c, 'POST /api/accounts', 'POST', '/api/accounts', body, 201);
      const id = account.id as string;
      accounts[i] = id;
      owners[i]!.push(`a:${id}`);
      const keys = recipe.keys?.(stack, body);
      if (keys) {
        // A keys channel: the keys are checked with the sandbox and stored, and the answer is the account at its next step.
        const connected = await call(c, 'POST /api/accounts/{id}/channel/connect', 'POST', `/api/accounts/${id}/channel/connect`, keys);
        if (connected.account?.setup?.step !== 'connect_bookkeeping') throw new Error(`keys: ${JSON.stringify(connected).slice(0, 200)}`);
      } else {
        const { authorizeUrl } = await call(c, 'POST /api/accounts/{id}/channel/connect', 'POST', `/api/accounts/${id}/channel/connect`, {});
        await through(c, authorizeUrl, recipe.decision!, recipe.choices?.(body) ?? {}, `/accounts/${id}/setup`, channel);
      }
      const atBooks = await call(c, 'GET /api/accounts/{id}', 'GET', `/api/accounts/${id}`);
      if (atBooks.account.setup.step !== 'connect_bookkeeping') throw new Error(`after the channel: ${atBooks.account.setup.step}`);
      const started = await call(c, 'POST /api/accounts/{id}/books/connect', 'POST', `/api/accounts/${id}/books/connect`, { provider: books });
      await through(c, started.authorizeUrl, BOOKS[books], {}, `/accounts/${id}/setup?connected=books`, books);
      await call(c, 'GET /api/accounts/{id}', 'GET', `/api/accounts/${id}`);
      const chart = await call(c, 'GET /api/accounts/{id}/books/chart', 'GET', `/api/accounts/${id}/books/chart`);
      await call(c, 'PUT /api/accounts/{id}/mapping', 'PUT', `/api/accounts/${id}/mapping`, chart.suggestions);
      const done = await call(c, 'GET /api/accounts/{id}', 'GET', `/api/accounts/${id}`);
      if (done.account.setup.step !== 'complete') throw new Error(`at Done: ${done.account.setup.step}`);
      results[i] = { channel, books, ok: true };
    } catch (err) {
      const message = (err as Error).message;
      errors.push(`${channel}+${books}: ${message}`);
      results[i] = { channel, books, ok: false, error: message };
    }
  }

  ledger.recording = true;
  const t0 = performance.now();
  await pool(sellers, concurrency, (i) => onboard(i));
  const seconds = (performance.now() - t0) / 1000;
  // The last task invocations and executions end after the seller's last request.
  await settled(stack, 20_000).catch(() => undefined);
  const end = Date.now() + 10_000;
  while (accounts.some((id) => id && stack.stepFunctions.ofAccount(id).some((e) => e.status === 'RUNNING')) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
  }
  ledger.recording = false;

  const secretNames = stack.secrets.names();
  const figures: OnboardingFigures[] = results.map((r, i) => {
    const t = ledger.sum(owners[i] ?? []);
    const id = accounts[i];
    const executions = id ? stack.stepFunctions.ofAccount(id) : [];
    const transitions = executions.reduce((n, e) => n + transitionsOf(definition as never, JSON.parse(e.input), ledger.tasks.get(e.arn) ?? [], e.status), 0);
    const awsRequests = [...t.aws.values()].reduce((a, b) => a + b, 0);
    const secretsApiCalls = [...t.aws].filter(([k]) => k.startsWith('SecretsManager ')).reduce((a, [, v]) => a + v, 0);
    const lambdaGbSeconds = (t.lambdaMs / 1000) * LAMBDA_MEMORY_GB;
    const base = { readRequestUnits: t.readRequestUnits, writeRequestUnits: t.writeRequestUnits, transitions, secretsApiCalls, kms: t.kms, lambda: t.lambda, lambdaGbSeconds, api: t.api };
    const seller = sellerIds[i];
    const secretsKept = id ? secretNames.filter((n) => n.startsWith(`onramp/${id}/`) || (seller !== undefined && n.startsWith(`onramp/books-${seller}/`))).length : 0;
    return {
      ...r,
      ...base,
      awsRequests,
      aws: Object.fromEntries(t.aws),
      byRoute: Object.fromEntries(t.byRoute),
      byItem: Object.fromEntries(t.byItem),
      executions: executions.length,
      costUsd: costLines(base).reduce((a, l) => a + l.usd, 0),
      secretsKept,
    };
  });
  const routes = [...samples].map(([route, s]) => {
    const ms = s.map((x) => x.ms);
    return { route, requests: s.length, errors: s.filter((x) => !x.ok).length, p50: median(ms), p95: percentile(ms, 95), p99: percentile(ms, 99) };
  });
  const completed = figures.filter((f) => f.ok).length;
  return { sellers, concurrency, seconds, completed, failed: sellers - completed, channels, routes, onboardings: figures, errors };
}

export const usd = (n: number) => (n === 0 ? '$0' : n < 0.0001 ? `$${n.toExponential(2)}` : `$${n.toFixed(6)}`);
const stat = (xs: number[]) => ({ mean: xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length), max: Math.max(0, ...xs) });

export function printOnboardings(r: OnboardingsResult, ledger: Ledger): void {
  console.log(`\n1c. Onboardings: ${r.sellers} sellers, ${r.concurrency} at a time, through the sandboxes (sign up, catalog, account, channel consent or keys,`);
  console.log(`    back to the account, books consent, back to the account, chart, suggested mapping, Done)`);
  console.log(`    channels drawn in turn: ${r.channels.drawn.join(', ')}; books alternate xero / quickbooks`);
  console.log(`    (Xero consents take turns: the Xero sandbox has one user for every seller, whose consents supersede each other)`);
  console.log(`    (Walmart and WooCommerce connect with the sandboxes' keys, pasted on the connect step; the others through their consent pages)`);
  if (r.channels.notDrawn.length) console.log(`    not drawn: ${r.channels.notDrawn.join(', ')} (no recipe in bench/onboardings.ts)`);
  const api = r.routes.reduce((a, x) => a + x.requests, 0);
  console.log(`\n    ${r.completed} completed, ${r.failed} failed in ${fixed(r.seconds)} s: ${fixed(r.completed / r.seconds, 2)} onboardings/s, ${fixed(api / r.seconds, 0)} API requests/s\n`);
  console.log(table(['route', 'requests', 'errors', 'p50 ms', 'p95 ms', 'p99 ms'], r.routes.map((x) => [x.route, x.requests, x.errors, fixed(x.p50), fixed(x.p95), fixed(x.p99)])));
  for (const e of [...new Set(r.errors)].slice(0, 5)) console.log(`    error: ${e}`);

  const ok = r.onboardings.filter((o) => o.ok);
  if (ok.length === 0) return;
  console.log(`\n1d. Per onboarding (${ok.length} completed), counted in the AWS SDK's middleware stack of the shared clients: every attempt sent,`);
  console.log(`    attributed to the onboarding whose session, sign-up or account the invocation served; the state machine's tasks included.`);
  console.log(`    (In-process, the provider apps' credentials are read once per function, as once per cold start in the cloud.)\n`);
  const ops = [...new Set(ok.flatMap((o) => Object.keys(o.aws)))].sort();
  console.log(
    table(
      ['AWS request', 'mean', 'max'],
      [
        ...ops.map((k) => {
          const s = stat(ok.map((o) => o.aws[k] ?? 0));
          return [k, fixed(s.mean, 2), s.max];
        }),
        ['total', fixed(stat(ok.map((o) => o.awsRequests)).mean, 2), stat(ok.map((o) => o.awsRequests)).max],
      ],
    ),
  );
  const byRoute = [...new Set(ok.flatMap((o) => Object.keys(o.byRoute)))].sort();
  console.log('');
  console.log(table(['AWS requests made by', 'mean per onboarding'], byRoute.map((k) => [k, fixed(stat(ok.map((o) => o.byRoute[k] ?? 0)).mean, 2)])));
  const byItem = [...new Set(ok.flatMap((o) => Object.keys(o.byItem)))].sort((a, b) => stat(ok.map((o) => o.byItem[b] ?? 0)).mean - stat(ok.map((o) => o.byItem[a] ?? 0)).mean);
  console.log('');
  console.log(table(['AWS requests by what they touch', 'mean per onboarding'], byItem.map((k) => [k, fixed(stat(ok.map((o) => o.byItem[k] ?? 0)).mean, 2)])));
  const tr = stat(ok.map((o) => o.transitions));
  const ex = stat(ok.map((o) => o.executions));
  console.log(`\n    Step Functions: ${fixed(ex.mean, 2)} executions (max ${ex.max}), ${fixed(tr.mean, 2)} state transitions (max ${tr.max}) per onboarding`);
  const una = ledger.unattributed();
  const unaCount = [...una.aws.values()].reduce((a, b) => a + b, 0);
  if (unaCount) console.log(`    (${unaCount} AWS requests during the run served no onboarding: ${[...una.aws].map(([k, v]) => `${k} ${v}`).join(', ')})`);

  const worst = ok.reduce((a, b) => (b.costUsd > a.costUsd ? b : a));
  const mean = (f: (o: OnboardingFigures) => number) => stat(ok.map(f)).mean;
  const meanLines = costLines({
    readRequestUnits: mean((o) => o.readRequestUnits),
    writeRequestUnits: mean((o) => o.writeRequestUnits),
    transitions: mean((o) => o.transitions),
    secretsApiCalls: mean((o) => o.secretsApiCalls),
    kms: mean((o) => o.kms),
    lambda: mean((o) => o.lambda),
    lambdaGbSeconds: mean((o) => o.lambdaGbSeconds),
    api: mean((o) => o.api),
  });
  console.log(`\n    Cost per onboarding at published prices (US East; prices and sources in bench/prices.ts). Lambda durations are the handlers'`);
  console.log(`    in-process times here, under the run's concurrency: an upper bound for these handlers, without the providers' real latency.\n`);
  console.log(
    table(
      ['component (mean onboarding)', 'quantity', 'unit price', 'cost'],
      [...meanLines.map((l) => [l.what, fixed(l.quantity, 2), `${usd(l.price.usd)} / ${l.price.per}`, usd(l.usd)]), ['total', '', '', usd(meanLines.reduce((a, l) => a + l.usd, 0))]],
    ),
  );
  console.log(`    the dearest onboarding: ${usd(worst.costUsd)} (${worst.channel} + ${worst.books})`);

  // Monthly, per connected account: the connection secrets dominate.
  const kept = stat(ok.map((o) => o.secretsKept));
  const monthly = kept.mean * SECRETS_MANAGER_SECRET_MONTH.usd;
  console.log(`\n    Monthly, per connected account: ${fixed(kept.mean, 2)} secrets kept (the channel's, and the seller's books secret, shared by the seller's`);
  console.log(`    accounts on the same organisation) x ${usd(SECRETS_MANAGER_SECRET_MONTH.usd)} = ${usd(monthly)} a month, against ${usd(mean((o) => o.costUsd))} once for the onboarding.`);
  console.log(`    - One secret per seller (every connection of the seller in one JSON value): ${usd(SECRETS_MANAGER_SECRET_MONTH.usd)} a seller-month whatever the accounts;`);
  console.log(`      saves ${usd(monthly - SECRETS_MANAGER_SECRET_MONTH.usd)} a month for a one-account seller, ${usd(SECRETS_MANAGER_SECRET_MONTH.usd)} more per further account. In isolation it costs a read-modify-write of`);
  console.log(`      one value on every connect and token refresh (Secrets Manager has no conditional put: two accounts refreshing at once lose`);
  console.log(`      an update without a lock item in DynamoDB, ~2 more write units each), and one read then exposes all of a seller's connections.`);
  console.log(`    - No secret per connection (tokens envelope-encrypted with the KMS key, in the account item): ~${usd(2 / 1024 / 1024 * 0.25)} of storage`);
  console.log(`      a month and ${usd(KMS_REQUEST.usd)} a read; saves ${usd(monthly)} a month per account, but gives up "credentials only in Secrets Manager".`);

  const worstReq = ok.reduce((a, b) => (b.awsRequests > a.awsRequests ? b : a));
  const topOps = Object.entries(worstReq.aws).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} x${v}`).join(', ');
  const topRoutes = Object.entries(worstReq.byRoute).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v}`).join(', ');
  check({
    what: 'AWS requests per onboarding',
    limit: `<= ${BUDGET_AWS_REQUESTS}`,
    measured: `max ${worstReq.awsRequests}, mean ${fixed(stat(ok.map((o) => o.awsRequests)).mean, 1)}`,
    ok: worstReq.awsRequests <= BUDGET_AWS_REQUESTS,
    why: `most: ${topOps}; by what they touch: ${Object.entries(worstReq.byItem).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ${v}`).join(', ')}; by route: ${topRoutes}`,
  });
  check({
    what: 'State transitions per onboarding',
    limit: `<= ${BUDGET_TRANSITIONS}`,
    measured: `max ${tr.max}, mean ${fixed(tr.mean, 1)}`,
    ok: tr.max <= BUDGET_TRANSITIONS,
    why: `${fixed(ex.mean, 2)} executions per onboarding (a restarted setup starts another)`,
  });
  const topCost = costLines(worst).sort((a, b) => b.usd - a.usd).slice(0, 3).map((l) => `${l.what} ${usd(l.usd)}`).join(', ');
  check({
    what: 'Cost per onboarding',
    limit: `<= ${usd(BUDGET_COST_USD)}`,
    measured: `max ${usd(worst.costUsd)}, mean ${usd(mean((o) => o.costUsd))}`,
    ok: worst.costUsd <= BUDGET_COST_USD,
    why: topCost,
  });
  check({ what: 'Onboardings completed', limit: `all ${r.sellers}`, measured: `${r.completed}`, ok: r.failed === 0, why: [...new Set(r.errors)].slice(0, 2).join('; ') });
  for (const x of r.routes) check({ what: `onboarding ${x.route}: errors`, limit: '0', measured: String(x.errors), ok: x.errors === 0 });
}
