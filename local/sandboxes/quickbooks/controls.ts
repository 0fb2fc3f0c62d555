/** The QuickBooks sandbox's test controls: the grant controls (`GrantControls`) and its token ledger (`TokenLedger`). */
import type { GrantControls, SandboxRequest, SandboxResponse, TokenLedger } from '../types.js';
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
