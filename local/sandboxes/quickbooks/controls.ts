/** The QuickBooks sandbox's test controls: the grant controls (`GrantControls`), its token ledger (`TokenLedger`) and the books controls (`BooksControls`). */
import type { BooksControls, GrantControls, SandboxRequest, SandboxResponse, TokenLedger } from '../types.js';
import { addAccount } from './accounts.js';
import { REFRESH_HARD_MS, type Grant, type QuickbooksState } from './common.js';
import { QUICKBOOKS_SANDBOX_COMPANY } from './company.js';

/** `issue` is the token endpoint's (`tokens.ts`): the ledger mints a grant as a code exchange answers it. */
export function quickbooksControls(s: QuickbooksState, issue: (req: SandboxRequest, grant: Grant, idToken: boolean) => SandboxResponse): { controls: GrantControls; ledger: TokenLedger } {
  const { ctx, accessTokens, refreshTokens, faults, reg } = s;

  const controls: GrantControls = {
    revokeGrants() {
      for (const { grant } of [...refreshTokens.values(), ...accessTokens.values()]) grant.revoked = true;
      return refreshTokens.size;
    },
    expireRefreshTokens() {
      for (const [token, record] of refreshTokens) refreshTokens.set(token, { ...record, expiresAt: ctx.now() });
      return refreshTokens.size;
    },
    failRefresh: (mode) => faults.set(mode),
  };
  const ledger: TokenLedger = {
    mintGrant() {
      const now = ctx.now();
      const grant: Grant = { clientId: reg().clientId, scopes: ['com.intuit.quickbooks.accounting'], realmId: QUICKBOOKS_SANDBOX_COMPANY.realmId, authTime: now, hardExpiresAt: now + REFRESH_HARD_MS, revoked: false };
      return JSON.parse(issue({ method: 'POST', host: 'oauth.platform.intuit.com', path: '/oauth2/v1/tokens/bearer', query: new URLSearchParams(), headers: {}, body: '' }, grant, false).body as string) as Record<string, unknown>;
    },
    isCurrentRefreshToken(token) {
      const record = refreshTokens.get(token);
      return !!record && !record.grant.revoked && record.expiresAt > ctx.now();
    },
  };

  return { controls, ledger };
}

/** The books controls; a company is named by its realm id (`QUICKBOOKS_SANDBOX_COMPANY.realmId`). */
export function quickbooksBooksControls(s: QuickbooksState): BooksControls {
  const { createFaults, creates } = s;
  return {
    failNthCreate: (nth) => createFaults.failNth(nth),
    failNextCreate: () => createFaults.failNth(1),
    clearCreateFailures: () => createFaults.clear(),
    // The seller adds the account in QuickBooks' chart of accounts screen: the same checks as the API.
    addAccount(realmId, account) {
      if (!s.addedAccounts.has(realmId)) throw new Error(`The QuickBooks sandbox has no company ${realmId}`);
      const result = addAccount(s, realmId, { ...account });
      if ('fault' in result) throw new Error(`${result.fault.message}: ${result.fault.detail}`);
      return { ...result.account };
    },
    createRequests: (realmId) => creates.list(realmId),
  };
}
