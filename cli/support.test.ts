import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, secretsClient } from '../shared/adapters/aws.js';
import { dynamoConnectionRecords, recordKey } from '../shared/adapters/dynamo/connection-records.js';
import { secretsManagerPort } from '../shared/adapters/stores/secrets.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSeller, settled, type Client } from '../local/test-helpers.js';
import { startLocalStack, TABLE_NAME, type LocalStack } from '../local/stack.js';
import { EXIT, run } from './support.js';
import { refreshDueConnections } from '../shared/use-cases/health/job.js';
import { grantControls } from '../local/sandboxes/controls.js';
import { connectedAccount, DAY_MS, keysAccount, refresherInstance, secretOf } from '../local/health-helpers.js';
import { walmartControls } from '../local/sandboxes/walmart/index.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-cli-'));
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ logLevel: 'SILENT', dataDir });
});
afterAll(async () => {
  await stack.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Runs onramp-support --local against the stack, through the Lambda Invoke protocol. */
async function cli(args: string[], options: { interactive?: boolean; input?: string } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  if (options.input !== undefined) stdin.end(options.input);
  const code = await run(['--local', '--operator', 'sam', ...args], {
    stdout,
    stderr,
    stdin,
    interactive: options.interactive ?? false,
    env: { ONRAMP_DATA_DIR: dataDir },
    cwd: process.cwd(),
  });
  return { code, out, err };
}

async function pausedAccount(): Promise<{ seller: Client; id: string; email: string }> {
  const seller = await newSeller(stack);
  const email = (await seller.call('GET', '/api/me')).body.user.email as string;
  const res = await seller.call('POST', '/api/accounts', { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
  const id = res.body.account.id as string;
  // Let the first run wait, then let it time out, as an abandoned setup does.
  await settled(stack);
  const run = stack.stepFunctions.list().find((e) => e.name === `${id}-1`)!;
  stack.stepFunctions.timeOut(run.arn);
  while ((await seller.call('GET', `/api/accounts/${id}`)).body.account.setup.status !== 'paused') await new Promise((r) => setTimeout(r, 10));
  return { seller, id, email };
}

describe('onramp-support', () => {
  it('shows an account by id and a seller by email, with the last events and no secrets', async () => {
    const { id, email } = await pausedAccount();
    const byId = await cli(['show', id]);
    expect(byId.code).toBe(EXIT.done);
    expect(byId.out).toContain('Amazon EU');
    expect(byId.out).toContain('Connect Sales Channel, paused');
    expect(byId.out).toContain('Setup paused after waiting too long.');
    const byEmail = await cli(['show', email, '--json']);
    expect(byEmail.code).toBe(EXIT.done);
    expect(JSON.parse(byEmail.out).accounts[0].accountId).toBe(id);
  });

  it('prints each connection\u2019s health and when its credentials run out, never a credential', async () => {
    const seller = await newSeller(stack);
    const id = await connectedAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, 'xero');
    grantControls(stack.sandboxes.sandboxes, 'xero').revokeGrants();
    await refreshDueConnections(refresherInstance(stack, { offsetMs: 2 * DAY_MS }));
    const res = await cli(['show', id]);
    expect(res.code).toBe(EXIT.done);
    expect(res.out).toMatch(/Amazon: Onramp Sandbox Store: Connected\n {6}expires: access token \d{4}-\d\d-\d\d \d\d:\d\d, refresh token -, consent \d{4}-/);
    expect(res.out).toContain("Demo Company (UK): Needs reconnecting (Onramp's access was revoked at Xero.)");
    expect(res.out).toMatch(/refreshed \d{4}-\d\d-\d\d \d\d:\d\d, next refresh \d{4}-/);
    for (const name of stack.secrets.names().filter((n) => n.includes(id) || n.startsWith('onramp/books-'))) {
      const { SecretString } = (await stack.secrets.operations.GetSecretValue!({ SecretId: name })) as { SecretString: string };
      for (const [key, value] of Object.entries(JSON.parse(SecretString) as Record<string, string>)) {
        if (/Token$/.test(key)) expect(res.out).not.toContain(value);
      }
    }
  });

  it('prints the health of connections whose credentials never expire, and when they were and will next be checked, never a key', async () => {
    const seller = await newSeller(stack);
    const key = walmartControls(stack.sandboxes.sandboxes).issueKey('us');
    const walmart = await keysAccount(stack, seller, 'walmart', { ...key });
    const shopify = await connectedAccount(seller, { name: 'Shopify', channel: 'shopify', shopDomain: `support-${Date.now()}.myshopify.com` });
    const fresh = await cli(['show', walmart]);
    expect(fresh.out).toMatch(/Walmart: United States: Connected\n {6}expires: never \(checked with the provider once a day\)\n {6}checked -, next check \d{4}-\d\d-\d\d \d\d:\d\d\n/);
    await refreshDueConnections(refresherInstance(stack, { offsetMs: 2 * DAY_MS }));
    const checked = await cli(['show', walmart]);
    expect(checked.out).toMatch(/Walmart: United States: Connected\n.*\n {6}checked \d{4}-\d\d-\d\d \d\d:\d\d, next check \d{4}-/);
    expect(checked.out).not.toContain(key.clientSecret);
    expect(checked.out).not.toContain(key.clientId);
    expect(JSON.parse((await cli(['show', walmart, '--json'])).out).accounts[0].connections[0].health).toMatchObject({
      state: 'connected',
      checkedAt: expect.any(String),
      checkDueAt: expect.any(String),
    });

    // The seller uninstalls the app from the shop: the next check finds out.
    grantControls(stack.sandboxes.sandboxes, 'shopify').revokeGrants();
    await refreshDueConnections(refresherInstance(stack, { offsetMs: 4 * DAY_MS }));
    const uninstalled = await cli(['show', shopify]);
    expect(uninstalled.out).toMatch(/Needs reconnecting \(The Onramp app was uninstalled from your Shopify store\.\)\n.*\n {6}checked \d{4}-\d\d-\d\d \d\d:\d\d, next check -/);
  });

  it('exits "not found" for an unknown account', async () => {
    const res = await cli(['show', 'no-such-account']);
    expect(res.code).toBe(EXIT.not_found);
    expect(res.err).toContain('No account or seller matches');
  });

  it('refuses to reset without --yes when there is no terminal, and changes nothing', async () => {
    const { seller, id } = await pausedAccount();
    const res = await cli(['reset', id, '--reason', 'Ticket 9']);
    expect(res.code).toBe(EXIT.refused);
    expect(res.out).toContain('stop its setup run');
    expect(res.err).toContain('--yes');
    expect((await seller.call('GET', `/api/accounts/${id}`)).body.account.setup.status).toBe('paused');
  });

  it('resets with confirmation typed at a terminal', async () => {
    const { seller, id } = await pausedAccount();
    const res = await cli(['reset', id, '--reason', 'Ticket 10'], { interactive: true, input: 'reset\n' });
    expect(res.code).toBe(EXIT.done);
    expect((await seller.call('GET', `/api/accounts/${id}`)).body.account.setup.status).toBe('active');
  });

  it('resets with --yes, prints JSON that parses, then exits "nothing to do" the second time', async () => {
    const { seller, id } = await pausedAccount();
    const first = await cli(['reset', id, '--reason', 'Ticket 11', '--yes', '--json']);
    expect(first.code).toBe(EXIT.done);
    expect(JSON.parse(first.out)).toMatchObject({ outcome: 'done', accounts: [{ accountId: id, result: 'done' }] });
    const events = (await seller.call('GET', `/api/accounts/${id}/events`)).body.events.map((e: { text: string }) => e.text);
    expect(events).toContain('Reset by support: Ticket 11');
    const shown = await cli(['show', id]);
    expect(shown.out).toContain(`Reset by support: Ticket 11 (support:sam, caller as claimed by its CLI: local:${os.userInfo().username}; AWS's record of the Invoke is the support trail in CloudTrail)`);
    expect(shown.out).not.toContain('invoked by');
    await new Promise((r) => setTimeout(r, 100));
    const second = await cli(['reset', id, '--reason', 'Ticket 11', '--yes']);
    expect(second.code).toBe(EXIT.nothing_to_do);
    expect(second.out).toContain('Nothing to do');
  });

  it('changes nothing with --dry-run', async () => {
    const { seller, id } = await pausedAccount();
    const res = await cli(['reset', id, '--reason', 'Ticket 12', '--dry-run', '--delete']);
    expect(res.code).toBe(EXIT.done);
    expect(res.out).toContain('DELETE the account');
    expect((await seller.call('GET', `/api/accounts/${id}`)).status).toBe(200);
  });

  it('lists setups stuck for longer than --older-than', async () => {
    const { id } = await pausedAccount();
    const all = await cli(['list', '--stuck', '--older-than', '0s', '--json']);
    expect(all.code).toBe(EXIT.done);
    expect(JSON.parse(all.out).accounts.map((a: { accountId: string }) => a.accountId)).toContain(id);
    const old = await cli(['list', '--stuck', '--older-than', '7d']);
    expect(old.out).not.toContain(id);
  });

  it('rejects a reset without --reason as a usage error, with examples in --help', async () => {
    expect((await cli(['reset', 'x'])).code).toBe(EXIT.usage);
    const help = await cli(['--help']);
    expect(help.code).toBe(EXIT.done);
    expect(help.out).toContain('Examples:');
  });

  describe('orphans', () => {
    const secrets = () => secretsManagerPort(secretsClient(), 'onramp/');
    const records = () => dynamoConnectionRecords(dynamoClient(), TABLE_NAME);
    /** What an account let go of while the delete did not finish leaves: a live record that no account holds. */
    const unhold = (secretName: string) =>
      dynamoClient().send(new UpdateCommand({ TableName: TABLE_NAME, Key: recordKey(secretName), UpdateExpression: 'REMOVE holders' }));

    /**
     * An account with one orphan of each kind: a secret staged under its name that no record names (a connect
     * that crashed before its account's write), its channel connection whose secret is gone, and its books
     * connection that no account holds (which a real sweep would delete at once).
     */
    async function accountWithOrphans() {
      const seller = await newSeller(stack);
      const sellerId = (await seller.call('GET', '/api/me')).body.user.id as string;
      const id = await connectedAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' }, 'xero');
      const staged = secrets().nameFor(id, `channel-${Date.now()}`);
      const stagedValue = `orphaned-refresh-token-${Date.now()}`;
      await secrets().create(staged, { refreshToken: stagedValue }, { accountId: id, sellerId });
      const channel = secretOf(stack, sellerId, id, 'channel');
      await secrets().remove(channel);
      const books = secretOf(stack, sellerId, id, 'books');
      await unhold(books);
      return { id, staged, stagedValue, channel, books };
    }

    it('lists every orphan by name, says it was a dry run, and deletes nothing', async () => {
      const o = await accountWithOrphans();
      const res = await cli(['orphans']);
      expect(res.code).toBe(EXIT.done);
      expect(res.out).toContain(`  secret without a connection: ${o.staged} (created `);
      expect(res.out).toMatch(new RegExp(`${o.staged} \\(created \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d, less than an hour ago: a connection may still be being made\\)`));
      expect(res.out).toContain(`  connection without a secret: ${o.channel} (amazon, account ${o.id})`);
      expect(res.out).toContain(`  connection no account holds: ${o.books} (xero)`);
      expect(res.out).toContain('This was a dry run: nothing was deleted.');
      expect(res.out).toContain("The refresher's hourly sweep deletes a secret without a connection once it is an hour old");
      expect(res.out).not.toContain(o.stagedValue);

      // Nothing was mended: the staged secret is still there, and the unheld books (which a real sweep deletes
      // at once) still have their secret and a live record.
      expect(stack.secrets.names()).toEqual(expect.arrayContaining([o.staged, o.books]));
      expect(await records().get(o.books)).toMatchObject({ status: 'connected' });
      expect((await records().get(o.books))?.deletedAt).toBeUndefined();
      expect((await records().get(o.channel))?.deletedAt).toBeUndefined();
    });

    it('prints the same orphans as JSON with --json, names only', async () => {
      const o = await accountWithOrphans();
      const res = await cli(['orphans', '--json']);
      expect(res.code).toBe(EXIT.done);
      const json = JSON.parse(res.out);
      expect(json).toMatchObject({ outcome: 'done', dryRun: true, graceMinutes: 60 });
      expect(json.secretsWithoutConnection).toContainEqual({ name: o.staged, createdAt: expect.stringMatching(/^\d{4}-/), young: true });
      expect(json.connectionsWithoutSecret).toContainEqual({ secretName: o.channel, provider: 'amazon', accountId: o.id });
      expect(json.unheldConnections).toContainEqual({ secretName: o.books, provider: 'xero' });
      expect(res.out).not.toContain(o.stagedValue);
      expect(stack.secrets.names()).toEqual(expect.arrayContaining([o.staged, o.books]));
      expect((await records().get(o.books))?.deletedAt).toBeUndefined();
    });

    it('shows an account\u2019s own orphans with the account, and none for an account that has none', async () => {
      const o = await accountWithOrphans();
      const other = await accountWithOrphans();
      const res = await cli(['show', o.id]);
      expect(res.code).toBe(EXIT.done);
      expect(res.out).toContain('  orphans:     reported only, nothing is deleted here:\n');
      expect(res.out).toContain(`    secret without a connection: ${o.staged} (created `);
      expect(res.out).toContain(`    connection without a secret: ${o.channel} (amazon, account ${o.id})`);
      expect(res.out).toContain(`    connection no account holds: ${o.books} (xero)`);
      // Another seller's orphans are theirs alone.
      for (const name of [other.staged, other.channel, other.books]) expect(res.out).not.toContain(name);
      expect(res.out).not.toContain(o.stagedValue);

      const json = JSON.parse((await cli(['show', o.id, '--json'])).out);
      expect(json.accounts[0].orphans).toEqual({
        secretsWithoutConnection: [{ name: o.staged, createdAt: expect.any(String), young: true }],
        connectionsWithoutSecret: [{ secretName: o.channel, provider: 'amazon', accountId: o.id }],
        unheldConnections: [{ secretName: o.books, provider: 'xero' }],
      });
      expect(stack.secrets.names()).toEqual(expect.arrayContaining([o.staged, o.books]));
      expect((await records().get(o.books))?.deletedAt).toBeUndefined();

      const { id: clean } = await pausedAccount();
      expect((await cli(['show', clean])).out).toContain('  orphans:     none\n');
      expect(JSON.parse((await cli(['show', clean, '--json'])).out).accounts[0].orphans).toEqual({
        secretsWithoutConnection: [],
        connectionsWithoutSecret: [],
        unheldConnections: [],
      });
    });
  });

  describe('with hostile text in the data', () => {
    const HOSTILE = 'Etsy\u001b[2K\r\u001b[32mSAFE \u001b]8;;https://evil.example\u0007x\u202e\u009b';
    const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

    /** A paused account whose name was written straight into the table, as a bad write or old data could. */
    async function hostileAccount() {
      const { seller, id } = await pausedAccount();
      const sellerId = (await seller.call('GET', '/api/me')).body.user.id as string;
      await dynamoClient().send(
        new UpdateCommand({
          TableName: 'onramp',
          Key: { pk: `SELLER#${sellerId}`, sk: `ACCOUNT#${id}` },
          UpdateExpression: 'SET #n = :n',
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: { ':n': HOSTILE },
        }),
      );
      return id;
    }

    it('prints no raw escape, bell, carriage return, C1 control or bidi override, in tables or JSON', async () => {
      const id = await hostileAccount();
      const runs = [
        await cli(['show', id]),
        await cli(['show', id, '--json']),
        await cli(['list', '--stuck', '--older-than', '0s']),
        await cli(['list', '--stuck', '--older-than', '0s', '--json']),
        await cli(['reset', id, '--reason', 'Ticket 13', '--dry-run']),
        await cli(['show', `nobody\u001b[2J@example.com`]),
      ];
      for (const { out, err } of runs) {
        expect(out).not.toMatch(RAW);
        expect(err).not.toMatch(RAW);
      }
      expect(runs[0]!.out).toContain('Etsy\\u001b[2K\\u000d\\u001b[32mSAFE');
      expect(runs[2]!.out).toContain(id);
      expect(JSON.parse(runs[1]!.out).accounts[0].name).toBe(HOSTILE);
      expect(JSON.parse(runs[3]!.out).accounts.find((a: { accountId: string }) => a.accountId === id).name).toBe(HOSTILE);
    });

    it('prints orphans whose records hold such text escaped, in lines and in JSON', async () => {
      const seller = await newSeller(stack);
      const sellerId = (await seller.call('GET', '/api/me')).body.user.id as string;
      const id = await connectedAccount(seller, { name: 'Amazon EU', channel: 'amazon', region: 'europe' });
      const channel = secretOf(stack, sellerId, id, 'channel');
      await dynamoClient().send(
        new UpdateCommand({
          TableName: TABLE_NAME,
          Key: recordKey(channel),
          UpdateExpression: 'SET #p = :p',
          ExpressionAttributeNames: { '#p': 'provider' },
          ExpressionAttributeValues: { ':p': HOSTILE },
        }),
      );
      await secretsManagerPort(secretsClient(), 'onramp/').remove(channel);
      const runs = [await cli(['orphans']), await cli(['orphans', '--json']), await cli(['show', id]), await cli(['show', id, '--json'])];
      for (const { out, err } of runs) {
        expect(out).not.toMatch(RAW);
        expect(err).not.toMatch(RAW);
      }
      expect(runs[0]!.out).toContain(`connection without a secret: ${channel} (Etsy\\u001b[2K\\u000d\\u001b[32mSAFE`);
      expect(runs[2]!.out).toContain(`connection without a secret: ${channel} (Etsy\\u001b[2K`);
      expect(JSON.parse(runs[1]!.out).connectionsWithoutSecret).toContainEqual({ secretName: channel, provider: HOSTILE, accountId: id });
      expect(JSON.parse(runs[3]!.out).accounts[0].orphans.connectionsWithoutSecret).toEqual([{ secretName: channel, provider: HOSTILE, accountId: id }]);
    });

    it('refuses a reason or an operator name with hidden characters as a usage error, and calls nothing', async () => {
      const { seller, id } = await pausedAccount();
      const reason = await cli(['reset', id, '--reason', 'Ticket\u001b[2K 14', '--yes']);
      expect(reason.code).toBe(EXIT.usage);
      expect(reason.err).toContain('--reason: Use letters, numbers and punctuation only');
      const operator = await cli(['--operator', 'sam\u202e', 'reset', id, '--reason', 'Ticket 14', '--yes']);
      expect(operator.code).toBe(EXIT.usage);
      expect((await seller.call('GET', `/api/accounts/${id}`)).body.account.setup.status).toBe('paused');
    });
  });
});
