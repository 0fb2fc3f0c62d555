/**
 * The fault matrix: every AWS call a handler makes for a seller's action
 * fails once in turn (throttling, a 500, a timeout), above the SDK's own
 * retries, as a call that failed for good. For each: the seller gets a
 * retryable answer (a 503 `try_again`, or for a provider's callback a
 * redirect with `connect_error=try_again`) or the handler absorbs the failure
 * and answers as usual; the account stays in a state the wizard model allows
 * (shared/domain/wizard.ts); and the same action succeeds when the seller retries.
 *
 * The call sites are found by running each action once and recording its AWS
 * calls; the table of every site covered is printed. The provider apps'
 * credentials are read once per function and provider (a cold start in the
 * cloud): those sites are covered first, on providers not used before.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watch, type AwsCall } from '#local/instrument.js';
import { consent } from '#local/sandboxes/consent.js';
import { acceptance, EBAY_FACTS, ETSY_FACTS, SQUARE_FACTS, TIKTOK_SHOP_FACTS, WALMART_FACTS } from '#local/sandboxes/facts.js';
import { WALMART_SANDBOX_KEYS } from '#local/sandboxes/walmart/index.js';
import { WOO_SANDBOX_KEYS } from '#local/sandboxes/woocommerce/index.js';
import { client, connectThroughSandbox, followCallback, newAccount, newSeller, until, type Client } from '#local/test-helpers.js';
import { startLocalStack, TABLE_NAME, type LocalStack } from '#local/stack.js';
import { FIRST_STEP, SETUP_STATUSES, SETUP_STEPS, transition, type SetupStep, type WizardAction } from '../../domain/wizard.js';

const KINDS = ['throttling', '500', 'timeout'] as const;
type Kind = (typeof KINDS)[number];

/** Shaped as the SDK reports each failure once its own retries are spent. */
function fault(kind: Kind): Error {
  if (kind === 'throttling') return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, $retryable: { throttling: true } });
  if (kind === '500') return Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } });
  return Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', $metadata: {} });
}

/** What a DynamoDB key names, in a word. */
function kindOf(key: Record<string, any> | undefined): string {
  const v = (x: unknown) => (typeof x === 'string' ? x : typeof (x as { S?: unknown })?.S === 'string' ? (x as { S: string }).S : '');
  const pk = v(key?.pk);
  const sk = v(key?.sk);
  if (sk.startsWith('EVENT#')) return 'event';
  if (sk.startsWith('ACCOUNT#')) return 'account';
  return pk.split('#')[0]!.toLowerCase();
}

/** A call site's name: the operation, and for a transaction or a batch read what it writes or reads. */
function label(call: AwsCall): string {
  let what = '';
  if (call.operation === 'GetSecretValue' && String(call.input.SecretId).startsWith('onramp-apps/')) what = ' (app credentials)';
  if (call.operation === 'TransactWriteItems') {
    const kinds = (call.input.TransactItems as Record<string, any>[]).map((t) => Object.values(t)[0] as Record<string, any>).map((a) => kindOf(a.Key ?? a.Item));
    what = ` (${[...new Set(kinds)].join(', ')})`;
  }
  if (call.operation === 'BatchGetItem') {
    const keys = Object.values(call.input.RequestItems as Record<string, { Keys: Record<string, any>[] }>).flatMap((r) => r.Keys);
    what = ` (${[...new Set(keys.map(kindOf))].join(', ')})`;
  }
  return `${call.service} ${call.operation}${what}`;
}

/** A fault armed for one seller's request on one route: at its n-th AWS call, or at the first call `match` picks. */
interface Armed {
  readonly route: string;
  readonly kind: Kind;
  readonly at?: number;
  readonly match?: (call: AwsCall) => boolean;
  seen: number;
  fired?: string;
}
const armed = new Map<string, Armed>();
/** Discovery: the calls each seller's request on a route made, in order. */
const recorded = new Map<string, { route: string; calls: string[] }>();

const watching = watch({
  ownerOf: (_fn, event) => {
    for (const c of (event as { cookies?: string[] })?.cookies ?? []) if (c.startsWith('onramp_session=')) return c.slice('onramp_session='.length);
    // A sign-up has no session yet: its owner is the email signing up.
    if ((event as { routeKey?: string })?.routeKey === 'POST /api/auth/signup') {
      try {
        return `signup:${String(JSON.parse((event as { body?: string }).body ?? '{}').email)}`;
      } catch {
        return undefined;
      }
    }
    return undefined;
  },
  before(call) {
    const owner = call.context?.owner;
    if (!owner || !call.context?.route) return;
    const rec = recorded.get(owner);
    if (rec && rec.route === call.context.route) rec.calls.push(label(call));
    const a = armed.get(owner);
    if (!a || a.route !== call.context.route || a.fired) return;
    const n = a.seen++;
    if (a.at === n || a.match?.(call)) {
      a.fired = label(call);
      throw fault(a.kind);
    }
  },
});

let stack: LocalStack;
let observer: DynamoDBDocumentClient;

beforeAll(async () => {
  // Access tokens shorter than the refresh margin: every chart load refreshes the books' tokens (a read and a write of the secret).
  stack = await startLocalStack({ logLevel: 'SILENT', accessTokenTtlSeconds: 30, providerTimeoutMs: 5_000 });
  watching.attach(stack);
  observer = DynamoDBDocumentClient.from(new DynamoDBClient({}));
});
afterAll(async () => {
  watching.stop();
  await stack?.stop();
});

/* ------------------------------------------------------------------ */

interface Ctx {
  readonly c: Client;
  readonly owner: string;
  accountId?: string;
  /** Where the provider sent the browser back (for a callback), or the email signing up. */
  location?: string;
  mapping?: unknown;
}

type Outcome = { ok: true; detail: string } | { ok: false; retryable: boolean; detail: string };

const ownerOf = (c: Client) => c.cookie!.slice('onramp_session='.length);

async function seller(): Promise<Ctx> {
  const c = await newSeller(stack, 'Fault Seller');
  return { c, owner: ownerOf(c) };
}

async function atChannel(channel: Record<string, unknown> = { channel: 'ebay' }): Promise<Ctx> {
  const ctx = await seller();
  const { id } = await newAccount(ctx.c, { name: 'Faults', ...channel });
  ctx.accountId = id;
  // The wizard's task records its token after the account is made: until it has, a step completed makes no
  // SendTaskSuccess (the task finds the step moved on), and the action's calls would depend on which came first.
  await settledAccount(id);
  return ctx;
}

async function atBooks(): Promise<Ctx> {
  const ctx = await atChannel();
  const { landing } = await connectThroughSandbox(ctx.c, ctx.accountId!, EBAY_FACTS.accept.decision);
  expect(landing).toBe(`/accounts/${ctx.accountId}/setup`);
  return ctx;
}

/** Starts the books consent and passes it at the sandbox; the callback is left to follow. */
async function booksConsented(ctx: Ctx, provider: 'xero' | 'quickbooks' = 'quickbooks'): Promise<Ctx> {
  const start = await ctx.c.call('POST', `/api/accounts/${ctx.accountId}/books/connect`, { provider });
  expect(start.status).toBe(200);
  ctx.location = (await consent(start.body.authorizeUrl, acceptance(provider).decision)).location!;
  return ctx;
}

async function atMapping(): Promise<Ctx> {
  const ctx = await booksConsented(await atBooks());
  const { landing } = await followCallback(ctx.c, ctx.location!);
  expect(landing).toBe(`/accounts/${ctx.accountId}/setup?connected=books`);
  const chart = await ctx.c.call('GET', `/api/accounts/${ctx.accountId}/books/chart`);
  expect(chart.status).toBe(200);
  ctx.mapping = chart.body.suggestions;
  return ctx;
}

async function paused(): Promise<Ctx> {
  const ctx = await atChannel();
  await settledAccount(ctx.accountId!);
  const arn = stack.stepFunctions.ofAccount(ctx.accountId!).find((e) => e.status === 'RUNNING')!.arn;
  stack.stepFunctions.timeOut(arn);
  await until('the setup paused', async () => (await view(ctx)).setup.status === 'paused');
  return ctx;
}

async function view(ctx: Ctx) {
  const res = await ctx.c.call('GET', `/api/accounts/${ctx.accountId}`);
  expect(res.status, 'the account view answers 200').toBe(200);
  return res.body.account as { setup: { step: SetupStep; status: string }; connections: unknown[] };
}

/** Until no execution of the account is between two steps (each waits for its seller, or has ended). */
async function settledAccount(accountId: string): Promise<void> {
  await until(`executions of ${accountId} settled`, async () => stack.stepFunctions.ofAccount(accountId).every((e) => e.status !== 'RUNNING' || e.waiting), 10_000);
}

const json = (res: { status: number; body: any }, want: number): Outcome =>
  res.status === want
    ? { ok: true, detail: String(res.status) }
    : { ok: false, retryable: res.status === 503 && res.body?.error?.code === 'try_again', detail: `${res.status} ${res.body?.error?.code ?? ''}`.trim() };

async function callback(ctx: Ctx, expected: string): Promise<Outcome> {
  const { landing, status } = await followCallback(ctx.c, ctx.location!);
  if (status === 302 && landing === expected) return { ok: true, detail: '302' };
  const code = landing ? new URL(landing, 'http://app').searchParams.get('connect_error') : null;
  return { ok: false, retryable: status === 302 && code === 'try_again', detail: `${status} ${(landing ?? '').replace(ctx.accountId ?? '-', '{id}')}` };
}

interface Scenario {
  readonly name: string;
  readonly route: string;
  /** The wizard action the request stands for (to check the states it may leave), if it moves the account. */
  readonly action?: WizardAction['type'];
  setup(): Promise<Ctx>;
  act(ctx: Ctx): Promise<Outcome>;
  /** The seller's retry (by default the same request again). */
  retry?(ctx: Ctx): Promise<Outcome>;
  /** The action moves nothing, so one account serves every case (each case still fails one call, then retries). */
  readonly reusable?: boolean;
}

const channelLanding = (ctx: Ctx) => `/accounts/${ctx.accountId}/setup`;
const booksLanding = (ctx: Ctx) => `/accounts/${ctx.accountId}/setup?connected=books`;

let signUps = 0;
const walmartUs = WALMART_SANDBOX_KEYS.find((k) => k.clientId === WALMART_FACTS.keys.us.clientId)!;
const wooRead = WOO_SANDBOX_KEYS.find((k) => k.permissions === 'read')!;

const SCENARIOS: Scenario[] = [
  {
    name: 'sign up',
    route: 'POST /api/auth/signup',
    setup: async () => {
      const email = `fault-signup-${Date.now()}-${signUps++}@example.com`;
      return { c: client(stack), owner: `signup:${email}`, location: email };
    },
    act: async (ctx) => json(await ctx.c.call('POST', '/api/auth/signup', { name: 'Fault Seller', email: ctx.location, password: 'a long enough passphrase' }), 201),
  },
  { name: 'account view', route: 'GET /api/accounts/{id}', reusable: true, setup: () => atChannel(), act: async (ctx) => json(await ctx.c.call('GET', `/api/accounts/${ctx.accountId}`), 200) },
  { name: 'account list', route: 'GET /api/accounts', reusable: true, setup: () => atChannel(), act: async (ctx) => json(await ctx.c.call('GET', '/api/accounts'), 200) },
  {
    name: 'create',
    route: 'POST /api/accounts',
    setup: () => seller(),
    act: async (ctx) => {
      const res = await ctx.c.call('POST', '/api/accounts', { name: 'Faults', channel: 'ebay' });
      if (res.status === 201) ctx.accountId = res.body.account.id;
      return json(res, 201);
    },
  },
  { name: 'resume', route: 'POST /api/accounts/{id}/resume', action: 'resume', setup: () => paused(), act: async (ctx) => json(await ctx.c.call('POST', `/api/accounts/${ctx.accountId}/resume`, {}), 200) },
  {
    name: 'start over',
    route: 'POST /api/accounts/{id}/start-over',
    action: 'start_over',
    setup: async () => {
      const ctx = await atMapping();
      return ctx;
    },
    act: async (ctx) => json(await ctx.c.call('POST', `/api/accounts/${ctx.accountId}/start-over`, {}), 200),
  },
  { name: 'channel connect start', route: 'POST /api/accounts/{id}/channel/connect', reusable: true, setup: () => atChannel(), act: async (ctx) => json(await ctx.c.call('POST', `/api/accounts/${ctx.accountId}/channel/connect`, {}), 200) },
  {
    name: 'OAuth callback (channel)',
    route: 'GET /api/oauth/{provider}/callback',
    action: 'complete_step',
    setup: async () => {
      const ctx = await atChannel();
      const start = await ctx.c.call('POST', `/api/accounts/${ctx.accountId}/channel/connect`, {});
      ctx.location = (await consent(start.body.authorizeUrl, EBAY_FACTS.accept.decision)).location!;
      return ctx;
    },
    act: (ctx) => callback(ctx, channelLanding(ctx)),
    // The state was spent (or is refused once the account moved): the seller connects again.
    retry: async (ctx) => {
      const { landing, status } = await connectThroughSandbox(ctx.c, ctx.accountId!, EBAY_FACTS.accept.decision);
      return landing === channelLanding(ctx) ? { ok: true, detail: String(status) } : { ok: false, retryable: false, detail: `${status} ${landing}` };
    },
  },
  {
    name: 'keys connect (Walmart)',
    route: 'POST /api/accounts/{id}/channel/connect',
    action: 'complete_step',
    setup: () => atChannel({ channel: 'walmart', region: 'US' }),
    act: async (ctx) => json(await ctx.c.call('POST', `/api/accounts/${ctx.accountId}/channel/connect`, { clientId: walmartUs.clientId, clientSecret: walmartUs.clientSecret }), 200),
  },
  {
    name: 'keys connect (WooCommerce, store given)',
    route: 'POST /api/accounts/{id}/channel/connect',
    action: 'complete_step',
    setup: () => atChannel({ channel: 'woocommerce' }),
    act: async (ctx) =>
      json(await ctx.c.call('POST', `/api/accounts/${ctx.accountId}/channel/connect`, { consumerKey: wooRead.consumerKey, consumerSecret: wooRead.consumerSecret, storeUrl: `${stack.sandboxes.origin}/woocommerce` }), 200),
  },
  { name: 'books connect', route: 'POST /api/accounts/{id}/books/connect', reusable: true, setup: () => atBooks(), act: async (ctx) => json(await ctx.c.call('POST', `/api/accounts/${ctx.accountId}/books/connect`, { provider: 'quickbooks' }), 200) },
  {
    name: 'OAuth callback (books)',
    route: 'GET /api/oauth/{provider}/callback',
    action: 'complete_step',
    setup: async () => booksConsented(await atBooks()),
    act: (ctx) => callback(ctx, booksLanding(ctx)),
    retry: async (ctx) => callback(await booksConsented(ctx), booksLanding(ctx)),
  },
  { name: 'chart', route: 'GET /api/accounts/{id}/books/chart', reusable: true, setup: () => atMapping(), act: async (ctx) => json(await ctx.c.call('GET', `/api/accounts/${ctx.accountId}/books/chart`), 200) },
  {
    name: 'mapping',
    route: 'PUT /api/accounts/{id}/mapping',
    action: 'complete_step',
    setup: () => atMapping(),
    act: async (ctx) => json(await ctx.c.call('PUT', `/api/accounts/${ctx.accountId}/mapping`, ctx.mapping), 200),
  },
];

interface Row {
  readonly scenario: string;
  readonly site: string;
  readonly kind: Kind;
  readonly outcome: string;
  readonly problem?: string;
}
const rows: Row[] = [];

async function item(ctx: Ctx) {
  const { Item } = await observer.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `SELLER#${await sellerId(ctx)}`, sk: `ACCOUNT#${ctx.accountId}` }, ConsistentRead: true }));
  return Item;
}
const sellerIds = new Map<string, string>();
async function sellerId(ctx: Ctx): Promise<string> {
  if (!sellerIds.has(ctx.owner)) sellerIds.set(ctx.owner, (await ctx.c.call('GET', '/api/me')).body.user.id);
  return sellerIds.get(ctx.owner)!;
}

/** The account is in a state the wizard model allows, given where it was and the action: and nothing is left half-done. */
async function checkState(ctx: Ctx, before: { step: SetupStep; status: string; version: number } | undefined, action: WizardAction['type'] | undefined, why: string): Promise<{ step: SetupStep; status: string }> {
  await settledAccount(ctx.accountId!);
  const v = await view(ctx);
  expect(SETUP_STEPS, why).toContain(v.setup.step);
  expect(SETUP_STATUSES, why).toContain(v.setup.status);
  if (before) {
    const allowed = new Set<SetupStep>([before.step]);
    if (action) {
      const t = transition(before as never, action === 'complete_step' ? { type: action, step: before.step } : { type: action });
      if (t.ok) allowed.add(t.next.step);
    }
    expect([...allowed], `${why}: step ${v.setup.step} after ${before.step}`).toContain(v.setup.step);
  } else {
    expect(v.setup.step, why).toBe(FIRST_STEP);
  }
  const live = stack.stepFunctions.ofAccount(ctx.accountId!).filter((e) => e.status === 'RUNNING');
  expect(live.length, `${why}: live executions`).toBeLessThanOrEqual(1);
  if (v.setup.status !== 'active') expect(live, `${why}: no live execution while ${v.setup.status}`).toHaveLength(0);
  const it = await item(ctx);
  const waiting = it?.executionArn ? stack.stepFunctions.waitingStep(String(it.executionArn)) : undefined;
  if (v.setup.status === 'active' && waiting !== undefined) expect(waiting, `${why}: the step the execution waits at`).toBe(v.setup.step);
  for (const c of (it?.connections ?? []) as { secretName: string }[]) expect(stack.secrets.has(c.secretName), `${why}: a connection without its secret`).toBe(true);
  return v.setup;
}

async function stepOf(ctx: Ctx) {
  if (!ctx.accountId) return undefined;
  const it = await item(ctx);
  return it ? { step: it.step as SetupStep, status: String(it.status), version: Number(it.version) } : undefined;
}

/** One case: fail one call of the action, check what the seller got and the state, then retry. */
async function runCase(s: Scenario, kind: Kind, site: { at?: number; match?: (call: AwsCall) => boolean; name: string }, prepared?: Ctx): Promise<Ctx> {
  const ctx = prepared ?? (await s.setup());
  const before = await stepOf(ctx);
  const a: Armed = { route: s.route, kind, seen: 0, ...(site.at !== undefined ? { at: site.at } : {}), ...(site.match ? { match: site.match } : {}) };
  armed.set(ctx.owner, a);
  let outcome: Outcome;
  try {
    outcome = await s.act(ctx);
  } finally {
    armed.delete(ctx.owner);
  }
  const where = `${s.name}, ${site.name} failing (${kind})`;
  const row = (text: string, problem?: string) => rows.push({ scenario: s.name, site: site.name, kind, outcome: text, ...(problem ? { problem } : {}) });
  if (!a.fired) {
    row('not reached', `${where}: the call was not made`);
    return ctx;
  }
  if (!outcome.ok && !outcome.retryable) {
    row(outcome.detail, `${where}: answered ${outcome.detail}, not a retryable answer`);
    return ctx;
  }
  if (ctx.accountId) await checkState(ctx, before, s.action, where);
  if (outcome.ok) {
    row(`absorbed (${outcome.detail})`);
    return ctx;
  }
  const again = await (s.retry ?? s.act)(ctx);
  if (!again.ok) {
    row(`${outcome.detail}, retry ${again.detail}`, `${where}: the retry answered ${again.detail}`);
    return ctx;
  }
  // A sign-up has no account to check: its retry signing the seller up is the check.
  const after = ctx.accountId ? await checkState(ctx, before, s.action, `${where}, retried`) : undefined;
  row(`${outcome.detail} -> retry ok${after?.status === 'paused' ? ' (paused, Resume offered)' : ''}`);
  return ctx;
}

const appRead = (call: AwsCall) => call.operation === 'GetSecretValue' && String(call.input.SecretId).startsWith('onramp-apps/');

describe('the fault matrix: each AWS call of each seller action failing once', () => {
  it('app credentials, read once per function and provider (a cold start): a retryable answer, then the retry connects', async () => {
    // Channels no other case uses, so each function reads the provider app's credentials for the first time here.
    const cold = [
      { kind: 'throttling' as const, body: { channel: 'etsy' }, decision: ETSY_FACTS.accept.decision },
      { kind: '500' as const, body: { channel: 'square' }, decision: SQUARE_FACTS.accept.decision },
      { kind: 'timeout' as const, body: { channel: 'tiktok-shop', region: 'UK' }, decision: TIKTOK_SHOP_FACTS.accept.decision, choices: TIKTOK_SHOP_FACTS.accept.choices },
    ];
    for (const ch of cold) {
      const connect: Scenario = { ...SCENARIOS.find((s) => s.name === 'channel connect start')!, setup: () => atChannel(ch.body) };
      const ctx = await runCase(connect, ch.kind, { match: appRead, name: `SecretsManager GetSecretValue (app credentials, ${ch.body.channel})` });
      const start = await ctx.c.call('POST', `/api/accounts/${ctx.accountId}/channel/connect`, {});
      ctx.location = (await consent(start.body.authorizeUrl, ch.decision, ch.choices ?? {})).location!;
      const cb: Scenario = {
        name: 'OAuth callback (channel)',
        route: 'GET /api/oauth/{provider}/callback',
        action: 'complete_step',
        setup: async () => ctx,
        act: (x) => callback(x, channelLanding(x)),
        retry: async (x) => {
          const { landing, status } = await connectThroughSandbox(x.c, x.accountId!, ch.decision, ch.choices ?? {});
          return landing === channelLanding(x) ? { ok: true, detail: String(status) } : { ok: false, retryable: false, detail: `${status} ${landing}` };
        },
      };
      await runCase(cb, ch.kind, { match: appRead, name: `SecretsManager GetSecretValue (app credentials, ${ch.body.channel})` }, ctx);
    }
    // Xero: the books function's first read (books connect) and the callback function's.
    const books = SCENARIOS.find((s) => s.name === 'books connect')!;
    const xeroConnect: Scenario = { ...books, act: async (ctx) => json(await ctx.c.call('POST', `/api/accounts/${ctx.accountId}/books/connect`, { provider: 'xero' }), 200) };
    const ctx = await runCase(xeroConnect, 'throttling', { match: appRead, name: 'SecretsManager GetSecretValue (app credentials, xero)' });
    const xeroCallback: Scenario = {
      ...SCENARIOS.find((s) => s.name === 'OAuth callback (books)')!,
      setup: async () => booksConsented(ctx, 'xero'),
      retry: async (x) => callback(await booksConsented(x, 'xero'), booksLanding(x)),
    };
    await runCase(xeroCallback, '500', { match: appRead, name: 'SecretsManager GetSecretValue (app credentials, xero)' });
    const problems = rows.filter((r) => r.problem).map((r) => r.problem);
    expect(problems).toEqual([]);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: each AWS call failing in turn gets a retryable answer, leaves a state the model allows, and the retry succeeds', async (_name, s) => {
    // Discovery: the action's AWS calls, in order (the app credentials are warm by now).
    const probe = await s.setup();
    recorded.set(probe.owner, { route: s.route, calls: [] });
    const first = await s.act(probe);
    const sites = recorded.get(probe.owner)!.calls;
    recorded.delete(probe.owner);
    expect(first, `${s.name} without a fault`).toMatchObject({ ok: true });
    expect(sites.length).toBeGreaterThan(0);
    const cases = sites.flatMap((name, at) => KINDS.map((kind) => ({ kind, site: { at, name: `#${at + 1} ${name}` } })));
    // An action that moves nothing: one account per worker serves its cases (one owner, one case at a time).
    const WORKERS = 8;
    const ready: Promise<Ctx>[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(WORKERS, cases.length) }, async (_, w) => {
        while (next < cases.length) {
          const { kind, site } = cases[next++]!;
          const prepared = s.reusable ? await (ready[w] ??= s.setup()) : undefined;
          await runCase(s, kind, site, prepared);
        }
      }),
    );
    const problems = rows.filter((r) => r.scenario === s.name && r.problem).map((r) => r.problem);
    expect(problems).toEqual([]);
  });

  afterAll(() => {
    const w = [Math.max(...rows.map((r) => r.scenario.length)), Math.max(...rows.map((r) => r.site.length)), 10];
    const lines = rows.map((r) => `${r.scenario.padEnd(w[0]!)}  ${r.site.padEnd(w[1]!)}  ${r.kind.padEnd(w[2]!)}  ${r.outcome}${r.problem ? '  <-- PROBLEM' : ''}`);
    const sites = new Set(rows.map((r) => `${r.scenario} ${r.site}`)).size;
    console.log(`Fault matrix: ${sites} call sites x (throttling, 500, timeout) = ${rows.length} cases\n${lines.join('\n')}`);
  });
});
