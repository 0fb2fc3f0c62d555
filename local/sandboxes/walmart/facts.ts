/** The Walmart sandbox's test facts (`SandboxFacts`): the seller-issued keys it knows (no consent page: sellers paste keys). */
import type { SandboxFacts } from '../types.js';

export interface WalmartKeyPair {
  readonly clientId: string;
  readonly clientSecret: string;
}

export const WALMART_FACTS = {
  id: 'walmart',
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
} as const satisfies SandboxFacts & { keys: Readonly<Record<string, WalmartKeyPair>> };
