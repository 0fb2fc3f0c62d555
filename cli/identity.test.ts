import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT, run } from './support.js';

describe('onramp-support against AWS', () => {
  it('sends the caller identity from STS with a reset, beside the operator label', async () => {
    const arn = 'arn:aws:sts::111111111111:assumed-role/Support/sam';
    mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Arn: arn, Account: '111111111111', UserId: 'AROA:sam' });
    const lambda = mockClient(LambdaClient);
    const answer = { outcome: 'nothing_to_do', dryRun: true, message: 'Nothing to do.', accounts: [] };
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(answer)) as never });
    const stdout = new PassThrough();
    const code = await run(['--region', 'eu-west-1', '--operator', 'Sam (tier 2)', 'reset', 'acc-1', '--reason', 'Ticket 1', '--yes'], {
      stdout,
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      interactive: false,
      env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
      cwd: process.cwd(),
    });
    expect(code).toBe(EXIT.nothing_to_do);
    const payload = JSON.parse(new TextDecoder().decode(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array));
    expect(payload).toMatchObject({ action: 'reset', operator: 'Sam (tier 2)', caller: arn });
  });
});
