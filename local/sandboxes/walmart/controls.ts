/** The Walmart sandbox's test controls (`GrantControls`, plus `issueKey`): revoke the seller's keys and OAuth grants, run out refresh tokens, fail token calls, issue a key. */
import type { GrantControls } from '../types.js';
import type { WalmartState } from './common.js';
import type { walmartKeys, WalmartIssuedKey } from './keys.js';

/** The Walmart sandbox's controls: the grant controls, and the seller issuing a new key. */
export interface WalmartControls extends GrantControls {
  /** The seller adds a new key for the Solution Provider (Developer Portal → API Keys, §7.1), for `market` (default `us`), with the seller's usual scopes. */
  issueKey(market?: 'us' | 'mx'): WalmartIssuedKey;
}

export function walmartGrantControls(s: WalmartState, keys: ReturnType<typeof walmartKeys>): WalmartControls {
  const { ctx, faults } = s;
  return {
    // The seller reset the client secrets (or deleted the keys) in the Developer Portal and
    // disconnected the OAuth app: no old id/secret pair mints a token any more, no refresh
    // token refreshes, and every access token minted from either stops working.
    revokeGrants() {
      const n = s.keys.size + s.refreshTokens.size;
      s.keys.clear();
      s.refreshTokens.clear();
      s.codes.clear();
      s.tokens.clear();
      return n;
    },
    // Delegated Access keys get no refresh token (§7.1); the OAuth refresh tokens reach the end of their 365 days.
    expireRefreshTokens() {
      for (const grant of s.refreshTokens.values()) grant.expiresAt = ctx.now() - 1;
      return s.refreshTokens.size;
    },
    failRefresh: (mode) => faults.set(mode),
    issueKey: (market = 'us') => keys.issueKey(market),
  };
}
