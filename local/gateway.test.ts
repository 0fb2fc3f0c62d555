/**
 * The local gateway serves the app on one origin, the one `npm start` prints:
 * a request to another local name for the same port is sent there, same path
 * and query, before anything else.
 */
import fs from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalFunctions } from './functions.js';
import { createGateway, oneOriginRedirect } from './gateway.js';

describe('oneOriginRedirect', () => {
  const origin = 'http://127.0.0.1:3000';

  it('sends the other local names for the port to the app\u2019s origin, with the path and query', () => {
    expect(oneOriginRedirect('localhost:3000', '/accounts/a1/setup?connect=automatic', origin)).toBe('http://127.0.0.1:3000/accounts/a1/setup?connect=automatic');
    expect(oneOriginRedirect('LOCALHOST:3000', '/', origin)).toBe('http://127.0.0.1:3000/');
    expect(oneOriginRedirect('[::1]:3000', '/api/oauth/amazon/callback?state=s&code=c', origin)).toBe('http://127.0.0.1:3000/api/oauth/amazon/callback?state=s&code=c');
    expect(oneOriginRedirect('127.0.0.1:3000', '/login', 'http://localhost:3000')).toBe('http://localhost:3000/login');
  });

  it('stays on the app\u2019s origin whatever the path says', () => {
    expect(oneOriginRedirect('localhost:3000', '//evil.example/x', origin)).toBe('http://127.0.0.1:3000/x');
    expect(oneOriginRedirect('localhost:3000', 'http://evil.example/x?y', origin)).toBe('http://127.0.0.1:3000/x?y');
  });

  it('serves the app\u2019s own origin, other ports, other names, and requests without a Host', () => {
    expect(oneOriginRedirect('127.0.0.1:3000', '/', origin)).toBeUndefined();
    expect(oneOriginRedirect('localhost:3100', '/', origin)).toBeUndefined();
    expect(oneOriginRedirect('localhost', '/', origin)).toBeUndefined();
    expect(oneOriginRedirect('onramp.example.com:3000', '/', origin)).toBeUndefined();
    expect(oneOriginRedirect(undefined, '/', origin)).toBeUndefined();
    expect(oneOriginRedirect('localhost:3000', '/', '')).toBeUndefined();
    expect(oneOriginRedirect('localhost:3000', '/', 'http://192.0.2.1:3000')).toBeUndefined();
  });
});

describe('the gateway on one origin', () => {
  let server: http.Server;
  let port: number;
  let webRoot: string;
  const invoked: string[] = [];

  beforeAll(async () => {
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-gateway-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Onramp</title>');
    const functions = {
      invoke: async (fn: string) => {
        invoked.push(fn);
        return { statusCode: 200, body: '{}' };
      },
    } as unknown as LocalFunctions;
    server = http.createServer(createGateway({ functions, webRoot, config: { apiBase: '/api' }, appOrigin: () => `http://127.0.0.1:${port}` }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(webRoot, { recursive: true, force: true });
  });

  /** A request to the gateway with the given Host header (as a browser on that name sends it). */
  const request = (method: string, host: string, target: string, body?: string) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: target, headers: { host, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('redirects a page on localhost to the printed origin, same path and query', async () => {
    const res = await request('GET', `localhost:${port}`, '/accounts/a1/setup?connect=automatic');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`http://127.0.0.1:${port}/accounts/a1/setup?connect=automatic`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('redirects [::1] too, and an API call before any function runs (307 keeps a POST a POST)', async () => {
    expect((await request('GET', `[::1]:${port}`, '/')).headers.location).toBe(`http://127.0.0.1:${port}/`);
    const res = await request('POST', `localhost:${port}`, '/api/auth/signup', '{}');
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe(`http://127.0.0.1:${port}/api/auth/signup`);
    expect(invoked).toEqual([]);
  });

  it('serves the printed origin itself', async () => {
    const page = await request('GET', `127.0.0.1:${port}`, '/accounts');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Onramp</title>');
    expect((await request('GET', `127.0.0.1:${port}`, '/api/accounts')).status).toBe(200);
    expect(invoked).toEqual(['accounts']);
  });
});
