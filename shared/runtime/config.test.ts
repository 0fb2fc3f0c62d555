import { describe, expect, it } from 'vitest';
import { connectEnv, parseEnv } from './config.js';

const env = { TABLE_NAME: 'onramp', STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111111111111:stateMachine:X', APP_ORIGIN: 'https://app.example.com/x' };

describe('parseEnv', () => {
  it('parses each variable, with its default where it is unset', () => {
    const parsed = parseEnv(connectEnv(), { ...env, ALLOWED_ORIGINS: ' https://a.example.com, ,https://b.example.com', COOKIE_SECURE: 'false' });
    expect(parsed).toMatchObject({
      APP_ORIGIN: 'https://app.example.com',
      ALLOWED_ORIGINS: ['https://a.example.com', 'https://b.example.com'],
      COOKIE_SECURE: false,
      SESSION_TTL_HOURS: 24 * 14,
      PROVIDER_TIMEOUT_MS: 8_000,
      ALLOW_LOCAL_STORES: false,
    });
  });

  it('fails naming every missing variable, and saying what it must be', () => {
    expect(() => parseEnv(connectEnv(), {})).toThrow(
      'Invalid environment: TABLE_NAME: Invalid input: expected string, received undefined; STATE_MACHINE_ARN: Invalid input: expected string, received undefined; APP_ORIGIN: Invalid input: expected string, received undefined',
    );
  });

  it.each([
    [{ APP_ORIGIN: 'not a url' }, 'APP_ORIGIN: Invalid URL'],
    [{ PROVIDER_TIMEOUT_MS: '30001' }, 'PROVIDER_TIMEOUT_MS: must be from 1 to 30000'],
    [{ SESSION_TTL_HOURS: '1.5' }, 'SESSION_TTL_HOURS: must be a whole number'],
    [{ SESSION_TTL_HOURS: '0' }, 'SESSION_TTL_HOURS: must be 1 or more'],
    [{ SESSION_TTL_HOURS: ' 12' }, 'SESSION_TTL_HOURS: must be a whole number'],
    [{ COOKIE_SECURE: 'yes' }, 'COOKIE_SECURE: Invalid option: expected one of "true"|"false"'],
    [{ PROVIDER_SANDBOX_ORIGIN: 'https://example.com' }, 'PROVIDER_SANDBOX_ORIGIN: must be a loopback origin (the local sandboxes)'],
  ])('fails on %o naming the variable: %s', (wrong, problem) => {
    expect(() => parseEnv(connectEnv(), { ...env, ...wrong })).toThrow(`Invalid environment: ${problem}`);
  });
});
