import { afterEach, describe, expect, it, vi } from 'vitest';
import { ORIGIN_SECRET_HEADER, ORIGIN_SECRET_TTL_MS, isOwnOrigin, requireEdge, resetEdgeConfig, setOriginSecretLoader } from './edge.js';
import { httpHandler, route } from './http.js';
import { httpEvent, lambdaContext } from './test-events.js';

const SECRET = 'a-secret-only-cloudfront-knows-0123456789';

function configure(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEdgeConfig();
}

afterEach(() => {
  configure({ SITE_ORIGIN: undefined, ALLOWED_ORIGINS: undefined, ORIGIN_VERIFY_SECRET: undefined, ORIGIN_VERIFY_SECRET_ARN: undefined });
  setOriginSecretLoader(undefined);
  vi.useRealTimers();
});

describe('isOwnOrigin', () => {
  it('matches the configured site origin on scheme, host and port', () => {
    configure({ SITE_ORIGIN: 'https://d111111abcdef8.cloudfront.net' });
    expect(isOwnOrigin('https://d111111abcdef8.cloudfront.net')).toBe(true);
    expect(isOwnOrigin('https://D111111ABCDEF8.cloudfront.net:443')).toBe(true);
    expect(isOwnOrigin('http://d111111abcdef8.cloudfront.net')).toBe(false);
    expect(isOwnOrigin('https://d111111abcdef8.cloudfront.net:8443')).toBe(false);
    expect(isOwnOrigin('https://evil.example')).toBe(false);
    expect(isOwnOrigin('null')).toBe(false);
  });

  it('refuses every origin when no site origin is configured', () => {
    configure({});
    expect(isOwnOrigin('https://d111111abcdef8.cloudfront.net')).toBe(false);
  });
});

describe('requireEdge', () => {
  it('lets every request through when no origin secret is configured (the local stack)', async () => {
    configure({});
    await expect(requireEdge(httpEvent('GET /api/catalog'))).resolves.toBeUndefined();
  });

  it('refuses a request without the secret CloudFront sends, or with a wrong one', async () => {
    configure({ ORIGIN_VERIFY_SECRET: SECRET });
    await expect(requireEdge(httpEvent('GET /api/catalog'))).rejects.toThrow(/own web address/);
    await expect(requireEdge(httpEvent('GET /api/catalog', { headers: { [ORIGIN_SECRET_HEADER]: `${SECRET}x` } }))).rejects.toThrow();
    await expect(requireEdge(httpEvent('GET /api/catalog', { headers: { [ORIGIN_SECRET_HEADER]: SECRET } }))).resolves.toBeUndefined();
  });

  it('reads the secret from Secrets Manager by its ARN once, at the first request, and again only after a while', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const reads: string[] = [];
    setOriginSecretLoader(async (id) => (reads.push(id), SECRET));
    configure({ ORIGIN_VERIFY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:OriginSecret-AbCdEf' });
    const good = httpEvent('GET /api/catalog', { headers: { [ORIGIN_SECRET_HEADER]: SECRET } });
    await expect(requireEdge(good)).resolves.toBeUndefined();
    await expect(requireEdge(httpEvent('GET /api/catalog'))).rejects.toThrow(/own web address/);
    await expect(requireEdge(good)).resolves.toBeUndefined();
    expect(reads).toEqual(['arn:aws:secretsmanager:eu-west-1:111111111111:secret:OriginSecret-AbCdEf']);
    vi.setSystemTime(Date.now() + ORIGIN_SECRET_TTL_MS + 1);
    await requireEdge(good);
    expect(reads).toHaveLength(2);
  });

  it('answers 503, not 403, when the secret cannot be read, and reads it again on the next request', async () => {
    let fail = true;
    setOriginSecretLoader(async () => {
      if (fail) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      return SECRET;
    });
    configure({ ORIGIN_VERIFY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:OriginSecret-AbCdEf' });
    const handler = httpHandler({ 'GET /api/catalog': route({ handle: async () => ({ body: {} }) }) });
    const event = () => httpEvent('GET /api/catalog', { headers: { [ORIGIN_SECRET_HEADER]: SECRET } });
    expect((await handler(event(), lambdaContext('r1'))).statusCode).toBe(503);
    fail = false;
    expect((await handler(event(), lambdaContext('r2'))).statusCode).toBe(200);
  });

  it('answers 403 from every HTTP handler to a request that went around CloudFront, before any route runs', async () => {
    configure({ ORIGIN_VERIFY_SECRET: SECRET });
    let ran = false;
    const handler = httpHandler({ 'GET /api/catalog': route({ handle: async () => ((ran = true), { body: {} }) }) });
    const res = await handler(httpEvent('GET /api/catalog'), lambdaContext('r1'));
    expect(res.statusCode).toBe(403);
    expect(ran).toBe(false);
    expect((await handler(httpEvent('GET /api/catalog', { headers: { [ORIGIN_SECRET_HEADER]: SECRET } }), lambdaContext('r2'))).statusCode).toBe(200);
  });
});
