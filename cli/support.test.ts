import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../shared/adapters/aws.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSeller, settled, type Client } from '../local/test-helpers.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { EXIT, run } from './support.js';
import { refreshDueConnections } from '../shared/health/job.js';
import { grantControls } from '../local/sandboxes/controls.js';
import { connectedAccount, DAY_MS, keysAccount, refresherInstance } from '../local/health-helpers.js';
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
