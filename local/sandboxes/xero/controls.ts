/** The Xero sandbox's test controls: the grant controls (`GrantControls`: revoke the grant, run out refresh tokens, fail refreshes) and the books controls (`BooksControls`: fail account creates, add an account by hand, list the create requests). */
import type { BooksControls, GrantControls } from '../types.js';
import { addAccount } from './accounts.js';
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

/** The books controls; an organisation is named by its tenant id (`XERO_SANDBOX_TENANTS`). */
export function xeroBooksControls(s: XeroState): BooksControls {
  const { createFaults, creates } = s;
  return {
    failNthCreate: (nth) => createFaults.failNth(nth),
    failNextCreate: () => createFaults.failNth(1),
    clearCreateFailures: () => createFaults.clear(),
    // The seller adds the account in Xero's chart of accounts screen: the same checks as the API.
    addAccount(org, account) {
      const tenantId = org.trim().toLowerCase();
      if (!s.charts.has(tenantId)) throw new Error(`The Xero sandbox has no organisation ${org}`);
      const result = addAccount(s, tenantId, { ...account });
      if ('errors' in result) throw new Error(result.errors.join(' '));
      return { ...result.account };
    },
    createRequests: (org) => creates.list(org.trim().toLowerCase()),
  };
}
