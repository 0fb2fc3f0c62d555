/**
 * The local AWS endpoints (DynamoDB, Step Functions, Secrets Manager, Lambda
 * Invoke) answer only requests that (a) name this machine's loopback in
 * `Host`, so a web page cannot reach them through DNS rebinding, and (b) are
 * signed with this process's access key id, a random token shared with the
 * functions through the environment and with `npm run support` through the
 * local stack file (readable by its owner only). SigV4 puts the access key id
 * in clear in the `Authorization` header; the signature is not checked, the
 * token is the secret.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:http';

/** One token per process, so that a stack restarted in the same process keeps its clients working. */
export const LOCAL_ACCESS_KEY_ID = `ONRAMPLOCAL${randomBytes(16).toString('hex').toUpperCase()}`;
export const LOCAL_SECRET_ACCESS_KEY = 'local';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a request is refused, or undefined when it may proceed. */
export function refusal(req: Pick<IncomingMessage, 'headers'>, accessKeyId: string = LOCAL_ACCESS_KEY_ID): string | undefined {
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (!LOOPBACK_HOSTS.has(host)) return 'This endpoint answers on loopback only.';
  const credential = /Credential=([^/\s,]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
  const sent = Buffer.from(credential);
  const want = Buffer.from(accessKeyId);
  if (sent.length !== want.length || !timingSafeEqual(sent, want)) return 'The security token included in the request is invalid.';
  return undefined;
}

/** Answers a refused request as AWS would (403 UnrecognizedClientException). */
export function refuse(res: ServerResponse, message: string): void {
  const body = JSON.stringify({ __type: 'UnrecognizedClientException', message });
  res.writeHead(403, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'UnrecognizedClientException', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Puts the guard in front of a server's own request listeners (dynalite's, which we do not write). The access key id
 * is the stack's (`LOCAL_ACCESS_KEY_ID` of the thread that started it): another thread has its own random one.
 */
export function guardServer(server: Server, accessKeyId: string): void {
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const why = refusal(req, accessKeyId);
    if (why) return refuse(res, why);
    for (const listener of listeners) listener.call(server, req, res);
  });
}
