/** eBay's calls (docs/providers.md §2): the standard code flow (RuName as the redirect), and its identity call, the eBay user. */
import { jsonFrom, str } from '../../connectors/http.js';
import { bearer, codeFinishWith, urlFrom } from '../../connectors/oauth-code.js';
import type { ebay } from './definition.js';

export { codeStart as start, codeRefresh as refresh } from '../../connectors/oauth-code.js';

type Ebay = typeof ebay;

export const finish = /* @__PURE__ */ codeFinishWith<Ebay>(async (p, { http, tokens }) => {
  const body = await jsonFrom(await http.fetch(urlFrom(p.identity.url, { api: p.apiUrl }), { headers: bearer(tokens.accessToken) }), 'eBay identity');
  const username = str(body, 'username', 'eBay identity');
  return {
    id: str(body, 'userId', 'eBay identity'),
    label: username,
    details: [
      { label: 'eBay user', value: username },
      ...(typeof body.registrationMarketplaceId === 'string' ? [{ label: 'Registered on', value: body.registrationMarketplaceId }] : []),
    ],
  };
});
