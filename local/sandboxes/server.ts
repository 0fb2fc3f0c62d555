/**
 * The provider sandboxes' server: one origin of its own (never the app's),
 * where `<origin>/<host>/<path>` plays `https://<host>/<path>` for the
 * sandbox that claims `<host>`. It records every request a sandbox receives,
 * as it arrives (so a call a test makes a sandbox stall is that test's, not a
 * later one's), so tests can count what reached a provider.
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registrations } from './registrations.js';
import type { Sandbox, SandboxContext, SandboxFactory, SandboxRequest } from './types.js';

export interface SandboxServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly registrations: (origin: string) => Registrations;
  readonly factories: readonly SandboxFactory[];
  readonly slowMs?: number;
  readonly accessTokenTtlSeconds?: number;
  readonly now?: () => number;
}

export interface RecordedCall {
  readonly method: string;
  readonly host: string;
  readonly path: string;
}

export interface SandboxServer {
  readonly origin: string;
  readonly sandboxes: readonly Sandbox[];
  /** Every request answered, in order (method, host, path: never a body). */
  readonly calls: RecordedCall[];
  /** Maps a real provider URL to this server. */
  sandboxUrl(realUrl: string): string;
  /** Moves the sandboxes' clock forward. */
  advance(ms: number): void;
  stop(): Promise<void>;
}

/** `https://host/p?q` → `<origin>/host/p?q`; a URL already on the sandbox origin is left as it is. */
export function toSandboxUrl(origin: string, realUrl: string): string {
  if (realUrl.startsWith(`${origin}/`)) return realUrl;
  const u = new URL(realUrl);
  return `${origin}/${u.host.toLowerCase()}${u.pathname}${u.search}`;
}

const MAX_BODY = 256 * 1024;

export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const listenHost = options.host ?? '127.0.0.1';
  let skew = 0;
  const now = () => (options.now?.() ?? Date.now()) + skew;
  const calls: RecordedCall[] = [];
  let sandboxes: Sandbox[] = [];

  const server: Server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const [, host = '', ...rest] = url.pathname.split('/');
      const sandbox = sandboxes.find((s) => s.hosts(host.toLowerCase()));
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY) {
          res.writeHead(413).end();
          return;
        }
        chunks.push(chunk as Buffer);
      }
      const request: SandboxRequest = {
        method: req.method ?? 'GET',
        host: host.toLowerCase(),
        path: `/${rest.join('/')}`,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      if (sandbox) calls.push({ method: request.method, host: request.host, path: request.path });
      const answer = sandbox ? await sandbox.handle(request) : undefined;
      if (!answer) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
        return;
      }
      res.writeHead(answer.status, { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', ...answer.headers });
      res.end(answer.body ?? '');
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Sandbox error');
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, listenHost, () => resolve((server.address() as AddressInfo).port));
  });
  const origin = `http://${listenHost === '0.0.0.0' ? 'localhost' : listenHost}:${port}`;
  const ctx: SandboxContext = {
    origin,
    sandboxUrl: (u) => toSandboxUrl(origin, u),
    registrations: options.registrations(origin),
    now,
    slowMs: options.slowMs ?? 30_000,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
    fetch: (input, init) => {
      const target = new URL(input instanceof Request ? input.url : String(input));
      // A sandbox only ever calls back to this machine.
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) return Promise.reject(new Error('sandbox calls only loopback'));
      return fetch(input, init);
    },
  };
  sandboxes = options.factories.map((f) => f(ctx));
  return {
    origin,
    sandboxes,
    calls,
    sandboxUrl: ctx.sandboxUrl,
    advance: (ms) => {
      skew += ms;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
