/**
 * onramp-support: the support command line. Every command invokes the
 * support function through Lambda's Invoke API; nothing here touches the
 * table or the secrets directly.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Command, CommanderError, Option } from 'commander';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { operatorLabel, supportReason } from '../shared/http/support-input.js';
import { visible, visibleJson } from '../shared/domain/text.js';

/** Exit codes, one per outcome, so scripts can tell them apart. */
export const EXIT = { done: 0, failed: 1, usage: 2, nothing_to_do: 3, not_found: 4, refused: 5 } as const;

export interface Io {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  /** Whether a person is at a terminal to confirm. */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

interface Global {
  functionName?: string;
  region?: string;
  profile?: string;
  local?: boolean;
  operator?: string;
}

const EXAMPLES = `
Examples:
  $ onramp-support show 3f0c8a8e-2b1e-4c39-9d1e-7a7f3e0b1c2d
  $ onramp-support show seller@example.com --json
  $ onramp-support reset seller@example.com --reason "Ticket 1234: wizard stuck" --dry-run
  $ onramp-support reset 3f0c8a8e-2b1e-4c39-9d1e-7a7f3e0b1c2d --reason "Ticket 1234" --yes
  $ onramp-support reset 3f0c8a8e-2b1e-4c39-9d1e-7a7f3e0b1c2d --reason "Seller asked to remove it" --delete
  $ onramp-support list --stuck --older-than 7d
  $ onramp-support orphans --json
  $ npm run support -- show seller@example.com       (against the local stack of npm start)

Exit codes: 0 done, 1 failed, 2 usage, 3 nothing to do, 4 not found, 5 refused.
`;

function parseDuration(value: string): number {
  const m = /^(\d+)\s*([smhdw]?)$/.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not a duration; use e.g. 90m, 12h, 7d or 2w.`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as '' | 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

/** `value` parsed with `schema`, or a usage error naming the option. */
function checked<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: unknown, option: string): T {
  const res = schema.safeParse(value);
  if (!res.success) throw new Usage(`${option}: ${res.error.issues[0]?.message ?? 'not accepted'}`);
  return res.data;
}

function target(value: string): { accountId: string } | { email: string } {
  return value.includes('@') ? { email: value } : { accountId: value };
}

function client(g: Global, io: Io): { lambda: LambdaClient; functionName: string } {
  if (g.local) {
    const dataDir = io.env.ONRAMP_DATA_DIR ?? path.join(io.cwd, '.onramp-data');
    const file = path.join(dataDir, 'local-stack.json');
    if (!fs.existsSync(file)) throw new Error(`No local stack found (${path.relative(io.cwd, file)} is missing). Start one with: npm start`);
    const local = JSON.parse(fs.readFileSync(file, 'utf8')) as { lambdaEndpoint: string; region: string; supportFunction: string; accessKeyId: string };
    return {
      // The local stack's endpoints take its random token as the access key id (the file is its owner's alone).
      lambda: new LambdaClient({ endpoint: local.lambdaEndpoint, region: local.region, credentials: { accessKeyId: local.accessKeyId, secretAccessKey: 'local' } }),
      functionName: g.functionName ?? local.supportFunction,
    };
  }
  const region = g.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('Set the AWS region with --region or AWS_REGION.');
  return {
    lambda: new LambdaClient({ region, ...(g.profile ? { profile: g.profile } : {}) }),
    functionName: g.functionName ?? io.env.ONRAMP_SUPPORT_FUNCTION ?? 'onramp-support',
  };
}

/**
 * Who is calling, for the audit trail: the AWS identity (STS
 * GetCallerIdentity's ARN) whose credentials invoke the support function,
 * or `local:<user>` against the local stack. The operator label stays a label.
 */
async function callerIdentity(g: Global, io: Io): Promise<string> {
  if (g.local) return `local:${os.userInfo().username}`;
  const region = g.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  const sts = new STSClient({ ...(region ? { region } : {}), ...(g.profile ? { profile: g.profile } : {}) });
  try {
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
    if (!Arn) throw new Error('STS did not say who you are.');
    return Arn;
  } finally {
    sts.destroy();
  }
}

class Refused extends Error {}
/** Bad input on the command line: exits with the usage code. */
class Usage extends Error {}

async function invoke(g: Global, io: Io, payload: unknown): Promise<Record<string, any>> {
  const { lambda, functionName } = client(g, io);
  try {
    const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
    const body = out.Payload ? (JSON.parse(new TextDecoder().decode(out.Payload)) as Record<string, any>) : {};
    if (out.FunctionError) throw new Error(`The support function failed: ${String(body.errorMessage ?? body.errorType ?? out.FunctionError)}`);
    return body;
  } finally {
    lambda.destroy();
  }
}

const STEP: Record<string, string> = {
  connect_channel: 'Connect Sales Channel',
  connect_bookkeeping: 'Connect Bookkeeping',
  accounts_and_taxes: 'Accounts & Taxes',
  complete: 'Done',
};

const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');

/**
 * A connection's health, and its calendar: when each credential runs out, when it was and will be refreshed,
 * and, for credentials that never expire (keys, Shopify's offline token), when the daily check last found them
 * working and when it runs next.
 */
function connectionHealthLines(c: Record<string, any>): string[] {
  const h = c.health;
  if (!h) return [];
  const checked = !!(h.checkedAt || h.checkDueAt);
  const expires = h.accessTokenExpiresAt || h.refreshTokenExpiresAt || h.consentExpiresAt;
  return [
    `    ${c.label}: ${h.label}${h.state === 'connected' ? '' : ` (${h.message})`}`,
    checked && !expires
      ? '      expires: never (checked with the provider once a day)'
      : `      expires: access token ${when(h.accessTokenExpiresAt)}, refresh token ${when(h.refreshTokenExpiresAt)}, consent ${when(h.consentExpiresAt)}`,
    ...(!checked || h.refreshedAt || h.refreshDueAt ? [`      refreshed ${when(h.refreshedAt)}, next refresh ${when(h.refreshDueAt)}`] : []),
    ...(checked ? [`      checked ${when(h.checkedAt)}, next check ${when(h.checkDueAt)}`] : []),
  ];
}

/** What the refresher's sweep does with each kind of orphan (support only looks). */
const SWEEP_NOTE =
  "The refresher's hourly sweep deletes a secret without a connection once it is an hour old (at once if its connection was deleted), and deletes a connection no account holds; a connection without a secret stays until its seller reconnects it.";

/** One line per orphan, secret names only. */
function orphanLines(o: Record<string, any>, indent: string): string[] {
  return [
    ...(o.secretsWithoutConnection ?? []).map(
      (s: any) => `${indent}secret without a connection: ${s.name} (created ${when(s.createdAt)}${s.young ? ', less than an hour ago: a connection may still be being made' : ''})`,
    ),
    ...(o.connectionsWithoutSecret ?? []).map((c: any) => `${indent}connection without a secret: ${c.secretName} (${c.provider}, account ${c.accountId})`),
    ...(o.unheldConnections ?? []).map((c: any) => `${indent}connection no account holds: ${c.secretName} (${c.provider})`),
  ];
}

function describeAccount(a: Record<string, any>): string[] {
  const running = a.execution?.running === true ? 'running' : a.execution?.running === false ? 'not running' : 'unknown';
  const lines = [
    `${a.name} (${a.accountId})`,
    `  channel:     ${a.channel}`,
    `  setup:       ${STEP[a.step] ?? a.step}, ${a.status}${a.lastFailure ? ` (last failure: ${a.lastFailure})` : ''}`,
    `  connections: ${a.connections?.length ? a.connections.map((c: any) => `${c.label} (${c.kind})`).join(', ') : 'none'}`,
    ...(a.connections ?? []).flatMap(connectionHealthLines),
    `  secrets:     ${a.secrets?.length ?? 0}`,
    ...(a.orphans === null
      ? ['  orphans:     could not be looked for this time (run the same command again shortly)']
      : orphanLines(a.orphans ?? {}, '    ').length === 0
        ? ['  orphans:     none']
        : ['  orphans:     reported only, nothing is deleted here:', ...orphanLines(a.orphans, '    ')]),
    `  execution:   ${running}`,
    `  updated:     ${a.updatedAt}`,
  ];
  return lines;
}

function planLines(a: Record<string, any>): string[] {
  if (a.action === 'nothing') return [`- ${a.name} (${a.accountId}): nothing to do`];
  const verb = a.action === 'delete' ? 'DELETE the account' : 'return it to Connect Sales Channel';
  return [
    `- ${a.name} (${a.accountId}), now at ${STEP[a.step] ?? a.step} (${a.status}):`,
    `    stop its setup run${a.execution?.running ? '' : ' (not running)'}`,
    `    delete ${a.secrets?.length ?? 0} connection secret(s)${a.connections?.length ? `: ${a.connections.map((c: any) => c.label).join(', ')}` : ''}`,
    `    ${verb}`,
  ];
}

/** Runs the CLI; resolves to its exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  // Every line printed passes through `visible`, and every JSON document
  // through `visibleJson`: names, reasons and errors come from data that a
  // seller or a bad write may have filled with terminal escapes.
  const out = (s = '') => io.stdout.write(`${visible(s)}\n`);
  const err = (s: string) => io.stderr.write(`${visible(s)}\n`);
  const outJson = (value: unknown) => io.stdout.write(`${visibleJson(value)}\n`);
  /** Commander's own text (help, usage errors) has line breaks of its own; the arguments it echoes do not get any. */
  const lines = (s: string) => s.split('\n').map(visible).join('\n');
  let code: number = EXIT.done;

  const program = new Command('onramp-support')
    .description('Show, list and reset Onramp accounts, through the support function.')
    .option('--function-name <name>', 'the support function (default: $ONRAMP_SUPPORT_FUNCTION or onramp-support)')
    .option('--region <region>', 'AWS region (default: $AWS_REGION)')
    .option('--profile <profile>', 'AWS profile (default: $AWS_PROFILE)')
    .option('--local', 'use the local stack started by npm start')
    .option('--operator <name>', 'who is running this, for the audit trail (default: $ONRAMP_OPERATOR or your user name)')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(lines(s)), writeErr: (s) => io.stderr.write(lines(s)) });

  const global = () => program.opts<Global>();

  program
    .command('show')
    .description('show an account, or every account of a seller: setup, connections (never secrets), run status, last events')
    .argument('<account-id|email>')
    .option('--json', 'print JSON')
    .action(async (who: string, opts: { json?: boolean }) => {
      const res = await invoke(global(), io, { action: 'show', target: target(who) });
      if (opts.json) outJson(res);
      if (res.outcome === 'not_found') {
        if (!opts.json) err(`No account or seller matches "${who}".`);
        code = EXIT.not_found;
        return;
      }
      if (opts.json) return;
      if (res.accounts.length === 0) out('This seller has no accounts.');
      for (const a of res.accounts) {
        for (const line of describeAccount(a)) out(line);
        out('  last events:');
        for (const e of a.events ?? []) out(`    ${e.at}  ${e.text} (${e.actor}${e.claimedCaller ? `, caller as claimed by its CLI: ${e.claimedCaller}; AWS's record of the Invoke is the support trail in CloudTrail` : ''})`);
        out();
      }
    });

  program
    .command('reset')
    .description('stop the setup run, delete the connection secrets, and return the account to its first step (or delete it)')
    .argument('<account-id|email>')
    .requiredOption('--reason <text>', 'why (the seller sees it: "Reset by support: <reason>")')
    .option('--delete', 'delete the account instead of returning it to its first step')
    .option('--dry-run', 'show what would be done, change nothing')
    .option('--yes', 'do not ask for confirmation (required when there is no terminal)')
    .option('--json', 'print JSON')
    .action(async (who: string, opts: { reason: string; delete?: boolean; dryRun?: boolean; yes?: boolean; json?: boolean }) => {
      const operator = checked(operatorLabel, global().operator ?? io.env.ONRAMP_OPERATOR ?? os.userInfo().username, '--operator');
      const reason = checked(supportReason, opts.reason, '--reason');
      const caller = await callerIdentity(global(), io);
      const base = { action: 'reset', target: target(who), reason, operator, caller, delete: opts.delete ?? false };
      const plan = await invoke(global(), io, { ...base, dryRun: true });
      if (plan.outcome === 'invalid') throw new Error(plan.message);
      const finish = (res: Record<string, any>) => {
        if (opts.json) outJson(res);
        else {
          out(res.message);
          for (const a of res.accounts ?? []) if (a.result === 'failed') err(`  ${a.name} (${a.accountId}): ${a.error}`);
        }
        code = EXIT[res.outcome as keyof typeof EXIT] ?? EXIT.failed;
      };
      if (plan.outcome !== 'done' || opts.dryRun) {
        if (!opts.json && plan.outcome === 'done') for (const a of plan.accounts) for (const l of planLines(a)) out(l);
        if (!opts.json && plan.outcome === 'not_found') err(`No account or seller matches "${who}".`);
        return finish(plan);
      }
      if (!opts.yes) {
        for (const a of plan.accounts) for (const l of planLines(a)) out(l);
        if (!io.interactive) throw new Refused('Refusing to act without --yes: there is no terminal to confirm on. Nothing was changed.');
        const word = opts.delete ? 'delete' : 'reset';
        const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: false });
        const answer = await rl.question(`Type "${word}" to go ahead: `);
        rl.close();
        if (answer.trim() !== word) throw new Refused('Not confirmed. Nothing was changed.');
      }
      finish(await invoke(global(), io, { ...base, dryRun: false }));
    });

  program
    .command('list')
    .description('list setups that are paused, or waiting, for longer than --older-than')
    .requiredOption('--stuck', 'list stuck setups')
    .addOption(new Option('--older-than <duration>', 'e.g. 90m, 12h, 7d, 2w').default('7d'))
    .option('--json', 'print JSON')
    .action(async (opts: { olderThan: string; json?: boolean }) => {
      const res = await invoke(global(), io, { action: 'list-stuck', olderThanSeconds: parseDuration(opts.olderThan) });
      if (opts.json) {
        outJson(res);
        return;
      }
      if (res.accounts.length === 0) {
        out(`No setup has been stuck for longer than ${opts.olderThan}.`);
        return;
      }
      for (const a of res.accounts) out(`${a.updatedAt}  ${a.accountId}  ${a.name} (${a.channel})  ${STEP[a.step] ?? a.step}, ${a.status}`);
    });

  program
    .command('orphans')
    .description('list orphans (secrets without a connection, connections without a secret, connections no account holds): a dry run, nothing is deleted')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const res = await invoke(global(), io, { action: 'orphans' });
      if (res.outcome !== 'done') code = EXIT.failed;
      if (opts.json) {
        outJson(res);
        return;
      }
      if (res.outcome !== 'done') {
        err(String(res.message ?? 'The support function could not look for orphans.'));
        return;
      }
      const lines = orphanLines(res, '  ');
      out(lines.length === 0 ? 'No orphans found.' : `${lines.length} orphan(s) found:`);
      for (const line of lines) out(line);
      out('This was a dry run: nothing was deleted. ' + SWEEP_NOTE);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.done : EXIT.usage;
    if (e instanceof Usage) {
      err(`onramp-support: ${e.message}`);
      return EXIT.usage;
    }
    if (e instanceof Refused) {
      err(e.message);
      return EXIT.refused;
    }
    err(`onramp-support: ${(e as Error).message}`);
    return EXIT.failed;
  }
}
