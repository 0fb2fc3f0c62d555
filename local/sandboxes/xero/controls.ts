/** The Xero sandbox's test controls (`GrantControls`): revoke the grant, run out refresh tokens, fail refreshes. */
import type { GrantControls } from '../types.js';
import { REFRESH_GRACE_MS, REFRESH_IDLE_MS, type XeroState } from './common.js';

export function xeroControls(s: XeroState): GrantControls {
  const { ctx, accessTokens, refreshTokens, connections, faults, reg } = s;
  return {
    // The seller disconnects the app in Xero: its connections and every token go.
    revokeGrants() {
      const n = refreshTokens.size;
      refreshTokens.clear();
      accessTokens.clear();
      for (const [k, c] of connections) if (c.clientId === reg().clientId) connections.delete(k);
      return n;
    },
    // Unused for 60 days: the idle limit.
    expireRefreshTokens() {
      for (const record of refreshTokens.values()) {
        record.issuedAt = ctx.now() - REFRESH_IDLE_MS - 1;
        if (record.consumedAt !== undefined) record.consumedAt = ctx.now() - REFRESH_GRACE_MS - 1;
      }
      return refreshTokens.size;
    },
    failRefresh: (mode) => faults.set(mode),
  };
}
