/** QuickBooks Online's calls (docs/providers.md §10): the standard code flow, and its identity call, the company the callback's `realmId` names. */
import { ConnectError } from '../../domain/errors.js';
import { jsonFrom } from '../../connectors/http.js';
import { bearer, codeFinishWith, urlFrom } from '../../connectors/oauth-code.js';
import type { quickbooks } from './definition.js';

export { codeStart as start, codeRefresh as refresh } from '../../connectors/oauth-code.js';

type QuickBooks = typeof quickbooks;

export const finish = /* @__PURE__ */ codeFinishWith<QuickBooks>(async (p, { http, tokens, query }) => {
  const realmId = query.realmId ?? '';
  if (!/^\d{1,32}$/.test(realmId)) throw new ConnectError('provider_error', 'QuickBooks callback has no realmId');
  const url = urlFrom(p.identity.url, { api: p.apiUrl, realmId });
  const body = await jsonFrom(await http.fetch(url, { headers: bearer(tokens.accessToken) }), 'QuickBooks company info');
  const info = (body.CompanyInfo ?? {}) as Record<string, any>;
  const name = typeof info.CompanyName === 'string' && info.CompanyName ? info.CompanyName : `Company ${realmId}`;
  return { id: realmId, label: name, details: [{ label: 'QuickBooks company', value: name }] };
});
