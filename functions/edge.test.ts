import { afterEach, describe, expect, it } from 'vitest';
import { ORIGIN_SECRET_HEADER, isOwnOrigin, requireEdge, resetEdgeConfig } from './edge.js';
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

afterEach(() => configure({ SITE_ORIGIN: undefined, ALLOWED_ORIGINS: undefined, ORIGIN_VERIFY_SECRET: undefined }));

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
  it('lets every request through when no origin secret is configured (the local stack)', () => {
    configure({});
    expect(() => requireEdge(httpEvent('GET /api/catalog'))).not.toThrow();
  });

  it('refuses a request without the secret CloudFront sends, or with a wrong one', () => {
    configure({ ORIGIN_VERIFY_SECRET: SECRET });
    expect(() => requireEdge(httpEvent('GET /api/catalog'))).toThrow(/own web address/);
    expect(() => requireEdge(httpEvent('GET /api/catalog', { headers: { [ORIGIN_SECRET_HEADER]: `${SECRET}x` } }))).toThrow();
    expect(() => requireEdge(httpEvent('GET /api/catalog', { headers: { [ORIGIN_SECRET_HEADER]: SECRET } }))).not.toThrow();
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
