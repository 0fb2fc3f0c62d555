import { CreateSecretCommand, PutSecretValueCommand, ResourceExistsException, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretExistsError } from '../../domain/errors.js';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { secretsManagerPort } from './secrets.js';

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'eu-west-1' });
const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

beforeEach(() => sm.reset());

describe('secretsManagerPort', () => {
  it('creates each connection secret with the customer-managed key', async () => {
    sm.on(CreateSecretCommand).resolves({});
    await secretsManagerPort(client, 'onramp/', KEY).create('onramp/acc-1/channel', { refreshToken: 'r' }, { accountId: 'acc-1', sellerId: 's-1' });
    expect(sm.commandCalls(CreateSecretCommand)[0]!.args[0].input).toMatchObject({ Name: 'onramp/acc-1/channel', KmsKeyId: KEY });
  });

  it('leaves the key to Secrets Manager when none is configured (the local stack)', async () => {
    sm.on(CreateSecretCommand).resolves({});
    await secretsManagerPort(client, 'onramp/').create('onramp/acc-1/books', { refreshToken: 'r' }, { accountId: 'acc-1', sellerId: 's-1' });
    expect(sm.commandCalls(CreateSecretCommand)[0]!.args[0].input.KmsKeyId).toBeUndefined();
  });

  it('never replaces a secret when creating one, and never creates one when putting a value', async () => {
    sm.on(CreateSecretCommand).rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    sm.on(PutSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    const port = secretsManagerPort(client, 'onramp/');
    await expect(port.create('onramp/acc-1/channel-1', { k: 'v' }, { accountId: 'acc-1', sellerId: 's-1' })).rejects.toBeInstanceOf(SecretExistsError);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(await port.put('onramp/acc-1/channel-1', { k: 'v' })).toBe(false);
    expect(sm.commandCalls(CreateSecretCommand)).toHaveLength(1);
  });
});
