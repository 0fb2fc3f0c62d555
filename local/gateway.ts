/**
 * The local HTTP gateway: `/api/*` becomes API Gateway v2 events for the same
 * handlers, dispatched on the one route table; everything else is the built
 * web app (a single-page app: unknown paths get index.html).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { matchRoute } from '../shared/http/routes.js';
import { logger } from '../shared/runtime/logger.js';
import { SECURITY_HEADERS } from '../shared/http/security-headers.js';
import type { LocalFunctions } from './functions.js';

const MAX_BODY = 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};


function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS, ...extra });
  res.end(text);
}

/** This machine's own names, each of which reaches a port on loopback. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Where a request belongs when it came to another local name for the app's
 * port (`localhost:3000` for `http://127.0.0.1:3000`): the app's own origin,
 * same path and query. The session cookie and every provider's return address
 * are the app's origin, so a seller on another name would sign up fine and
 * then come back from every provider without a session. Undefined: serve it here.
 */
export function oneOriginRedirect(host: string | undefined, target: string, appOrigin: string): string | undefined {
  if (!host || !appOrigin) return undefined;
  let asked: URL;
  let own: URL;
  try {
    asked = new URL(`http://${host}`);
    own = new URL(appOrigin);
  } catch {
    return undefined;
  }
  if (asked.host === own.host || !LOOPBACK_NAMES.has(asked.hostname) || !LOOPBACK_NAMES.has(own.hostname)) return undefined;
  if ((asked.port || '80') !== (own.port || '80')) return undefined;
  const at = new URL(target, own.origin);
  return `${own.origin}${at.pathname}${at.search}`;
}

export function createGateway(options: {
  functions: LocalFunctions;
  webRoot: string;
  config: Record<string, unknown>;
  /** The one origin the app is served on (what `npm start` prints); other local names for its port are sent there. */
  appOrigin?: () => string;
}) {
  const webRoot = path.resolve(options.webRoot);

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const match = matchRoute(req.method ?? 'GET', url.pathname);
    if (!match) return sendJson(res, 404, { error: { code: 'not_found', message: 'There is nothing here.' } });
    if ('allowed' in match) {
      return sendJson(res, 405, { error: { code: 'method_not_allowed', message: 'That action is not allowed here.' } }, { allow: match.allowed.join(', ') });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) {
        return sendJson(res, 413, { error: { code: 'payload_too_large', message: 'That request is too large.' } });
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (k === 'cookie' || v === undefined) continue;
      headers[k] = Array.isArray(v) ? v.join(',') : v;
    }
    const cookies = req.headers.cookie ? req.headers.cookie.split(';').map((c) => c.trim()).filter(Boolean) : undefined;
    const now = new Date();
    const routeKey = `${match.route.method} ${match.route.path}`;
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...(cookies ? { cookies } : {}),
      headers,
      ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      ...(Object.keys(match.params).length > 0 ? { pathParameters: match.params } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'local',
        http: {
          method: match.route.method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(body ? { body } : {}),
      isBase64Encoded: false,
    };
    let result: APIGatewayProxyStructuredResultV2;
    try {
      result = (await options.functions.invoke(match.route.fn, event)) as APIGatewayProxyStructuredResultV2;
    } catch (err) {
      // API Gateway answers a crashed function with a bare 500; so do we.
      logger.error('function crashed', { fn: match.route.fn, errorName: err instanceof Error ? err.name : 'unknown' });
      return sendJson(res, 500, { message: 'Internal Server Error' });
    }
    const outHeaders: Record<string, string | string[]> = { ...SECURITY_HEADERS };
    for (const [k, v] of Object.entries(result.headers ?? {})) outHeaders[k] = String(v);
    if (result.cookies?.length) outHeaders['set-cookie'] = result.cookies;
    res.writeHead(result.statusCode ?? 200, outHeaders);
    res.end(result.body ?? '');
  }

  function staticFile(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', ...SECURITY_HEADERS });
      res.end();
      return;
    }
    if (url.pathname === '/config.json') {
      return sendJson(res, 200, options.config);
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      rel = '/';
    }
    let file = path.resolve(webRoot, `.${rel}`);
    if (!file.startsWith(webRoot + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      file = path.join(webRoot, 'index.html');
    }
    if (!fs.existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('The web app has not been built. Run "npm run build:web" (npm start does it for you).');
      return;
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const immutable = file.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, {
      'content-type': type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    if (req.method === 'HEAD') return void res.end();
    fs.createReadStream(file).pipe(res);
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Before anything else: one origin, so the session and the providers' return addresses agree.
    const elsewhere = options.appOrigin ? oneOriginRedirect(req.headers.host, req.url ?? '/', options.appOrigin()) : undefined;
    if (elsewhere) {
      // 302 for a page or a download; 307 keeps any other method and its body.
      res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 302 : 307, { location: elsewhere, 'cache-control': 'no-store', ...SECURITY_HEADERS });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) await api(req, res, url);
      else staticFile(req, res, url);
    } catch (err) {
      logger.error('gateway error', { errorName: err instanceof Error ? err.name : 'unknown' });
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      else res.end();
    }
  };
}
