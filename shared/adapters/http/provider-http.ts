/**
 * Calls to providers: a timeout on every call, and, when a sandbox origin is
 * configured (the local stack), every provider URL `https://host/path` sent
 * to `<sandbox origin>/host/path` instead. A provider that cannot be reached
 * in time is a `provider_timeout` the seller can retry.
 */
import { ConnectError } from '../../domain/errors.js';
import type { ProviderHttp } from '../../ports/index.js';

export interface ProviderHttpOptions {
  readonly timeoutMs: number;
  /** The provider sandboxes' origin (loopback only); absent in the cloud. */
  readonly sandboxOrigin?: string | undefined;
  readonly fetch?: typeof fetch;
}

export function providerHttp(options: ProviderHttpOptions): ProviderHttp {
  const send = options.fetch ?? fetch;
  const target = (url: string) => {
    if (!options.sandboxOrigin) return url;
    const u = new URL(url);
    return `${options.sandboxOrigin}/${u.host.toLowerCase()}${u.pathname}${u.search}`;
  };
  return {
    locate: target,
    async fetch(url, init = {}) {
      try {
        // Never follow a provider's redirect with our credentials attached.
        return await send(target(url), { ...init, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (err) {
        const name = (err as Error)?.name;
        throw new ConnectError(name === 'TimeoutError' || name === 'AbortError' ? 'provider_timeout' : 'provider_error', `request failed (${name})`);
      }
    },
  };
}
