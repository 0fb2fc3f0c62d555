import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withStack } from './test-helpers.js';
import type { LocalStack } from './stack.js';

let stack: LocalStack;
let sm: SecretsManagerClient;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-secrets-'));

beforeAll(async () => {
  stack = await withStack({ dataDir });
  sm = new SecretsManagerClient({});
});
afterAll(async () => {
  sm.destroy();
  await stack.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the local Secrets Manager endpoint', () => {
  it('creates, reads, updates, describes, lists by prefix and tag, and deletes a secret', async () => {
    const tags = [{ Key: 'onramp:account', Value: 'acc-1' }];
    await sm.send(new CreateSecretCommand({ Name: 'onramp/acc-1/channel', SecretString: '{"refresh":"r1"}', Tags: tags }));
    await sm.send(new CreateSecretCommand({ Name: 'other/x', SecretString: 'x' }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'onramp/acc-1/channel' }))).SecretString).toBe('{"refresh":"r1"}');
    await sm.send(new PutSecretValueCommand({ SecretId: 'onramp/acc-1/channel', SecretString: '{"refresh":"r2"}' }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'onramp/acc-1/channel' }))).SecretString).toBe('{"refresh":"r2"}');
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'onramp/acc-1/channel' }))).Tags).toEqual(tags);
    const byName = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['onramp/'] }] }));
    expect(byName.SecretList?.map((s) => s.Name)).toEqual(['onramp/acc-1/channel']);
    const byTag = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'tag-value', Values: ['acc-1'] }] }));
    expect(byTag.SecretList).toHaveLength(1);
    await sm.send(new DeleteSecretCommand({ SecretId: 'onramp/acc-1/channel', ForceDeleteWithoutRecovery: true }));
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'onramp/acc-1/channel' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses a second secret with the same name', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'onramp/dup', SecretString: 'a' }));
    await expect(sm.send(new CreateSecretCommand({ Name: 'onramp/dup', SecretString: 'b' }))).rejects.toMatchObject({ name: 'ResourceExistsException' });
  });

  it('persists secrets in a file only its owner can read', () => {
    const file = path.join(dataDir, 'secrets.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
