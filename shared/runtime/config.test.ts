import { describe, expect, it } from 'vitest';
import { authEnv, connectEnv, envSchema, header, oneOf, parseEnv, text } from './config.js';

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
      'Invalid environment: TABLE_NAME: must be set; STATE_MACHINE_ARN: must be set; APP_ORIGIN: must be set',
    );
  });

  it.each([
    [{ APP_ORIGIN: 'not a url' }, 'APP_ORIGIN: must be an http or https URL'],
    [{ APP_ORIGIN: 'ftp://app.example.com' }, 'APP_ORIGIN: must be an http or https URL'],
    [{ TABLE_NAME: '' }, 'TABLE_NAME: must not be empty'],
    [{ PROVIDER_TIMEOUT_MS: '30001' }, 'PROVIDER_TIMEOUT_MS: must be from 1 to 30000'],
    [{ SESSION_TTL_HOURS: '1.5' }, 'SESSION_TTL_HOURS: must be a whole number'],
    [{ SESSION_TTL_HOURS: '0' }, 'SESSION_TTL_HOURS: must be 1 or more'],
    [{ SESSION_TTL_HOURS: ' 12' }, 'SESSION_TTL_HOURS: must be a whole number'],
    [{ COOKIE_SECURE: 'yes' }, 'COOKIE_SECURE: must be true or false'],
    [{ CLIENT_ADDRESS_HEADER: '  ' }, 'CLIENT_ADDRESS_HEADER: must name a header'],
    [{ PROVIDER_SANDBOX_ORIGIN: 'https://example.com' }, 'PROVIDER_SANDBOX_ORIGIN: must be a loopback origin (the local sandboxes)'],
  ])('fails on %o naming the variable: %s', (wrong, problem) => {
    expect(() => parseEnv(connectEnv(), { ...env, ...wrong })).toThrow(`Invalid environment: ${problem}`);
  });

  it('names every bad variable at once, the missing and the malformed together', () => {
    expect(() => parseEnv(connectEnv(), { APP_ORIGIN: 'nope', PROVIDER_TIMEOUT_MS: 'x' })).toThrow(
      'Invalid environment: TABLE_NAME: must be set; STATE_MACHINE_ARN: must be set; APP_ORIGIN: must be an http or https URL; PROVIDER_TIMEOUT_MS: must be a whole number',
    );
  });

  it('reads each of the auth limits as a whole number above zero, and scrypt\u2019s cost within its range', () => {
    const parsed = parseEnv(authEnv(), { TABLE_NAME: 't', SIGN_IN_MAX_PER_CLIENT: '7', CLIENT_ADDRESS_HEADER: ' CloudFront-Viewer-Address ' });
    expect(parsed).toMatchObject({ SIGN_IN_MAX_PER_CLIENT: 7, SIGN_UP_MAX_PER_EMAIL: 5, PASSWORD_SCRYPT_LOG_N: 17, CLIENT_ADDRESS_HEADER: 'cloudfront-viewer-address' });
    expect(() => parseEnv(authEnv(), { TABLE_NAME: 't', PASSWORD_SCRYPT_LOG_N: '21' })).toThrow('PASSWORD_SCRYPT_LOG_N: must be from 14 to 20');
  });

  it('leaves an optional variable unset, and ignores variables it does not name', () => {
    const parsed = parseEnv(envSchema({ A: text({ optional: true }), H: header() }), { OTHER: 'x' });
    expect(parsed).toEqual({ A: undefined, H: undefined });
  });

  it('reads a choice in any case, and says the choices otherwise', () => {
    const level = envSchema({ LOG_LEVEL: oneOf(['DEBUG', 'INFO'], 'INFO') });
    expect(parseEnv(level, { LOG_LEVEL: 'debug' })).toEqual({ LOG_LEVEL: 'DEBUG' });
    expect(parseEnv(level, {})).toEqual({ LOG_LEVEL: 'INFO' });
    expect(() => parseEnv(level, { LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL: must be one of DEBUG, INFO');
  });
});
