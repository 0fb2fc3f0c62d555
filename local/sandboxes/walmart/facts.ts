/**
 * The Walmart sandbox's test facts (`SandboxFacts`): the US OAuth 2.0 consent's
 * accepting button, Onramp's registered Solution Provider app and the sandbox
 * seller who authorizes it, and the seller-issued (Delegated Access) keys it knows.
 */
import type { SandboxFacts } from '../types.js';

export interface WalmartKeyPair {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Onramp's Solution Provider app (US OAuth 2.0, docs/providers.md §7.2): its client id and secret, and the redirect URIs registered for it. */
export interface WalmartRegistration {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

export const WALMART_FACTS = {
  id: 'walmart',
  accept: { decision: 'authorize', label: 'Authorize', choices: {} },
  registration: (callback: string): WalmartRegistration => ({
    clientId: 'sandbox-walmart-oauth-app',
    clientSecret: 'sandbox-walmart-oauth-secret',
    redirectUris: [callback],
  }),
  appSecret: (r: WalmartRegistration) => ({ clientId: r.clientId, clientSecret: r.clientSecret }),
  /** The US seller who signs in to the consent page: the callback's `sellerId`, and the `WM_PARTNER.ID` its tokens need. */
  sellerId: '101234567',
  /** The seller-issued keys the sandbox knows (`WALMART_SANDBOX_KEYS` gives each its market, access and control). */
  keys: {
    /** A US seller; Reports `view_only`. */
    us: { clientId: 'sandbox-walmart-us', clientSecret: 'sandbox-secret-us' },
    /** A Mexico seller; only with `WM_MARKET: mx`. */
    mx: { clientId: 'sandbox-walmart-mx', clientSecret: 'sandbox-secret-mx' },
    /** A US seller without access to Reports. */
    noReports: { clientId: 'sandbox-walmart-noreports', clientSecret: 'sandbox-secret-noreports' },
    /** The token endpoint answers 500. */
    down: { clientId: 'sandbox-walmart-down', clientSecret: 'sandbox-secret-down' },
    /** The token endpoint stalls `ctx.slowMs`, then issues a token. */
    slow: { clientId: 'sandbox-walmart-slow', clientSecret: 'sandbox-secret-slow' },
  },
} as const satisfies SandboxFacts<WalmartRegistration> & { sellerId: string; keys: Readonly<Record<string, WalmartKeyPair>> };
