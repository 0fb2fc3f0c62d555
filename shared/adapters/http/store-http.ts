/**
 * Requests to sellers' own stores (WooCommerce), behind the SSRF guard. A
 * store's address is whatever a seller typed, so before anything is sent:
 *
 * - the URL must pass `refusalOf` (https, no credentials, a public name, the
 *   default port; the local stack alone also allows http and loopback);
 * - the name is resolved once, and every address it resolves to must be
 *   public (not private, loopback, link-local, CGNAT, documentation,
 *   multicast or reserved, in IPv4 or IPv6: the cloud's metadata service
 *   at 169.254.169.254 and fd00:ec2::254 included);
 * - the connection is made to the address that was checked (the request's
 *   `lookup` answers with it), so a second DNS answer cannot point it
 *   elsewhere (DNS rebinding); TLS still verifies the certificate for the name;
 * - a redirect, when followed at all, goes through the same checks, and the
 *   Authorization header is dropped when it leaves the origin;
 * - every request has a deadline and a size limit on the answer.
 *
 * The resolver and the transport are injectable, so tests prove all of this
 * without a packet leaving the machine.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { StoreRequestError } from '../../domain/key-errors.js';
import type { StoreHttp, StoreResponse } from '../../ports/index.js';
import { refusalOf } from '../../domain/store-url.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}
/** Resolves a host name to its addresses (in the cloud: the system resolver). */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface TransportRequest {
  readonly url: URL;
  /** The checked address the connection must go to. */
  readonly address: string;
  readonly family: 4 | 6;
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly maxBytes: number;
}
export interface TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}
/** Sends one GET to one checked address (in the cloud: Node's http and https, pinned). */
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

export interface StoreHttpOptions {
  /** The local stack only: plain http and loopback stores (its sandbox store). Never in the cloud. */
  readonly allowLocal: boolean;
  /** The deadline of each request, DNS included. */
  readonly timeoutMs: number;
  readonly resolve?: Resolver;
  readonly transport?: Transport;
  readonly maxRedirects?: number;
  /** The largest answer read (system_status of a store with many plugins runs to a few hundred KB). */
  readonly maxBytes?: number;
}

// Everything that is not a public unicast address. IPv4 per the IANA special-purpose registry.
const V4_NOT_PUBLIC: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
// IPv6: only global unicast (2000::/3) can be public; within it, the IETF special-purpose
// block (Teredo and others), documentation and 6to4 (which embeds any IPv4 address) are not.
// Loopback, unique-local (fd00:ec2::254 is the metadata service), link-local, multicast,
// IPv4-mapped and NAT64 addresses all fall outside 2000::/3.
const V6_NOT_PUBLIC: readonly (readonly [string, number])[] = [
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
];

interface AddressLists {
  readonly v4NotPublic: BlockList;
  readonly v6GlobalUnicast: BlockList;
  readonly v6NotPublic: BlockList;
}
let lists: AddressLists | undefined;

/** The lists, made at the first check (most functions that bundle this module never check an address). */
function addressLists(): AddressLists {
  if (lists) return lists;
  const v4NotPublic = new BlockList();
  for (const [net, prefix] of V4_NOT_PUBLIC) v4NotPublic.addSubnet(net, prefix, 'ipv4');
  const v6GlobalUnicast = new BlockList();
  v6GlobalUnicast.addSubnet('2000::', 3, 'ipv6');
  const v6NotPublic = new BlockList();
  for (const [net, prefix] of V6_NOT_PUBLIC) v6NotPublic.addSubnet(net, prefix, 'ipv6');
  return (lists = { v4NotPublic, v6GlobalUnicast, v6NotPublic });
}

/** Whether `address` (an IPv4 or IPv6 address) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  const { v4NotPublic, v6GlobalUnicast, v6NotPublic } = addressLists();
  if (family === 4) return !v4NotPublic.check(address, 'ipv4');
  if (family === 6) return v6GlobalUnicast.check(address, 'ipv6') && !v6NotPublic.check(address, 'ipv6');
  return false;
}

const isLoopbackAddress = (address: string) => {
  const family = isIP(address);
  return (family === 4 && address.startsWith('127.')) || (family === 6 && (address === '::1' || address === '0:0:0:0:0:0:0:1'));
};

const systemResolver: Resolver = async (hostname) => {
  const found = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

const flatHeaders = (headers: http.IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]])));

/** Node's http and https, with the connection pinned to the checked address and a size limit on the answer. */
export const nodeTransport: Transport = (req) =>
  new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address: req.address, family: req.family }]);
      else callback(null, req.address, req.family);
    };
    const lib = req.url.protocol === 'https:' ? https : http;
    const request = lib.request(
      {
        protocol: req.url.protocol,
        hostname: req.url.hostname.replace(/^\[|\]$/g, ''),
        ...(req.url.port ? { port: Number(req.url.port) } : {}),
        path: `${req.url.pathname}${req.url.search}`,
        method: 'GET',
        headers: { ...req.headers, host: req.url.host },
        // No pooled sockets: each request connects to the address it was given.
        agent: false,
        lookup,
        signal: req.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > req.maxBytes) {
            fail(new StoreRequestError('too_large'));
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', fail);
      },
    );
    request.on('error', fail);
    request.end();
  });

function failureOf(err: unknown, signal: AbortSignal): StoreRequestError {
  if (err instanceof StoreRequestError) return err;
  const e = err as { name?: string; code?: string } | undefined;
  if (signal.aborted || e?.name === 'AbortError' || e?.name === 'TimeoutError') return new StoreRequestError('timeout');
  const code = typeof e?.code === 'string' ? e.code : (e?.name ?? 'unknown');
  if (/^(ENOTFOUND|ENODATA|EAI_NONAME|EAI_NODATA)$/.test(code)) return new StoreRequestError('not_found', undefined, code);
  if (/CERT|SSL|TLS/.test(code)) return new StoreRequestError('tls', undefined, code);
  return new StoreRequestError('unreachable', undefined, code);
}

/** Runs `work` until `signal` aborts. */
function until<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new StoreRequestError('timeout'));
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new StoreRequestError('timeout'));
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(err);
      },
    );
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function storeHttp(options: StoreHttpOptions): StoreHttp {
  const resolve = options.resolve ?? systemResolver;
  const transport = options.transport ?? nodeTransport;
  const maxRedirects = options.maxRedirects ?? 3;
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const allowed = (address: string) => isPublicAddress(address) || (options.allowLocal && isLoopbackAddress(address));

  /** The one address this host may be reached at, or a refusal. */
  async function addressOf(hostname: string, signal: AbortSignal): Promise<ResolvedAddress> {
    const bare = hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(bare);
    if (literal) {
      if (!allowed(bare)) throw new StoreRequestError('private_address');
      return { address: bare, family: literal === 6 ? 6 : 4 };
    }
    let found: readonly ResolvedAddress[];
    try {
      found = await until(resolve(bare), signal);
    } catch (err) {
      throw failureOf(err, signal);
    }
    if (found.length === 0) throw new StoreRequestError('not_found');
    // A name with any non-public address is refused whole: which one a client picks is not ours to guess.
    if (found.some((a) => !allowed(a.address))) throw new StoreRequestError('private_address');
    return found.find((a) => a.family === 4) ?? found[0]!;
  }

  return {
    async get(rawUrl, { headers = {}, followRedirects = false, signal: outer } = {}): Promise<StoreResponse> {
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const signal = outer ? AbortSignal.any([outer, deadline]) : deadline;
      let url: URL;
      try {
        url = new URL(rawUrl);
      } catch {
        throw new StoreRequestError('refused', 'invalid');
      }
      let sent: Record<string, string> = { 'user-agent': 'Onramp/1.0', accept: 'application/json', ...headers };
      for (let hop = 0; ; hop++) {
        const refusal = refusalOf(url, { allowLocal: options.allowLocal });
        if (refusal) throw new StoreRequestError('refused', refusal);
        const target = await addressOf(url.hostname, signal);
        let res: TransportResponse;
        try {
          res = await until(transport({ url, address: target.address, family: target.family, headers: sent, signal, maxBytes }), signal);
        } catch (err) {
          throw failureOf(err, signal);
        }
        const location = res.headers.location;
        if (!followRedirects || !REDIRECTS.has(res.status) || !location) return { status: res.status, url: url.href, headers: res.headers, body: res.body };
        if (hop >= maxRedirects) throw new StoreRequestError('redirects');
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new StoreRequestError('redirects', undefined, 'bad location');
        }
        if (next.origin !== url.origin) {
          const { authorization: _dropped, ...rest } = sent;
          sent = rest;
        }
        url = next;
      }
    },
  };
}

/**
 * Whether this process may call local stores: only where `ALLOW_LOCAL_STORES`
 * is set (the local stack sets it), and never inside AWS Lambda, whatever its
 * environment says.
 */
export function localStoresAllowed(flag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag && env.AWS_LAMBDA_FUNCTION_NAME) throw new Error('ALLOW_LOCAL_STORES is set in AWS Lambda: refusing to start (it is for the local stack only)');
  return flag;
}
