/**
 * Square's calls (docs/providers.md §6): the standard code flow with a JSON
 * token request, its own JSON refresh (a refusal is a 401 with
 * `UNAUTHORIZED`-category errors), and its identity call, the merchant.
 */
import { jsonFrom, str } from '../../connectors/http.js';
import { bearer, codeFinishWith, urlFrom } from '../../connectors/oauth-code.js';
import { RefreshRefusedError } from '../../connectors/refresh.js';
import { tokenSet } from '../../connectors/token.js';
import type { RefreshCall, TokenSet } from '../../connectors/types.js';
import type { square } from './definition.js';

export { codeStart as start } from '../../connectors/oauth-code.js';

type Square = typeof square;

/** Square's JSON refresh request; a refusal is a 401 with `UNAUTHORIZED`-category errors. */
export async function refresh(p: Square, x: RefreshCall): Promise<TokenSet> {
  const res = await x.http.fetch(p.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ client_id: x.app.clientId, client_secret: x.app.clientSecret, grant_type: 'refresh_token', refresh_token: x.refreshToken }),
  });
  if (res.status === 401 || res.status === 400) {
    const text = await res.text();
    throw new RefreshRefusedError(/expired/i.test(text) ? 'refresh_token_expired' : 'consent_revoked', `http_${res.status}`);
  }
  return tokenSet(await jsonFrom(res, 'Square token endpoint'), x.now, 'refresh answer');
}

export const finish = /* @__PURE__ */ codeFinishWith<Square>(async (p, { http, tokens }) => {
  const body = await jsonFrom(await http.fetch(urlFrom(p.identity.url, { api: p.apiUrl }), { headers: bearer(tokens.accessToken) }), 'Square merchant');
  const merchant = (body.merchant ?? {}) as Record<string, any>;
  const id = str(merchant, 'id', 'Square merchant');
  const name = typeof merchant.business_name === 'string' && merchant.business_name ? merchant.business_name : id;
  return {
    id,
    label: name,
    details: [
      { label: 'Square business', value: name },
      ...(typeof merchant.country === 'string' ? [{ label: 'Country', value: merchant.country }] : []),
    ],
  };
});
