/**
 * Amazon's Seller Central consent (outside plain OAuth: the consent URL takes
 * the SP-API `application_id`, and the callback carries `spapi_oauth_code`
 * and `selling_partner_id`); the token request is standard LWA, through the
 * shared exchange. The seller's marketplaces must be in the chosen region.
 */
import { ConnectError } from '../errors.js';
import type { AmazonConsentProvider } from '../providers/types.js';
import { amazonRegion } from './authorize.js';
import { jsonFrom } from './http.js';
import { exchangeCode } from './token.js';
import type { ConnectStrategy } from './types.js';

export const amazonConsent: ConnectStrategy<AmazonConsentProvider> = {
  readCallback(p, { query }) {
    const code = query[p.callback.code];
    return code && query.selling_partner_id ? { code } : { denied: true };
  },
  exchange(p, ctx) {
    return exchangeCode({ tokenUrl: p.tokenUrl, style: p.tokenRequest, app: ctx.app, code: ctx.code, redirectUri: ctx.redirectUri, http: ctx.http, now: ctx.now });
  },
  async identify(p, { account, http, tokens, query }) {
    const region = amazonRegion(p, account.region);
    const res = await http.fetch(`${region.urls.api}/sellers/v1/marketplaceParticipations`, {
      headers: { 'x-amz-access-token': tokens.accessToken, accept: 'application/json', 'user-agent': 'Onramp/1.0 (Language=TypeScript)' },
    });
    // A token from another region's consent is refused by this region's endpoint.
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new ConnectError('wrong_region', `SP-API answered ${res.status}`);
    }
    const body = await jsonFrom(res, 'marketplace participations');
    const payload = Array.isArray(body.payload) ? (body.payload as Record<string, any>[]) : [];
    const ours = new Set((region.marketplaces ?? []).map((m) => m.marketplaceId));
    const participating = payload.filter((e) => e?.participation?.isParticipating !== false && typeof e?.marketplace?.id === 'string');
    const inRegion = participating.filter((e) => ours.has(e.marketplace.id));
    if (inRegion.length === 0) throw new ConnectError('wrong_region', 'no marketplace of the chosen region');
    const storeName = inRegion.map((e) => e.storeName).find((s) => typeof s === 'string' && s) as string | undefined;
    const sellerId = query.selling_partner_id ?? '';
    return {
      id: `${sellerId}@${region.id}`,
      label: storeName ?? sellerId,
      details: [
        ...(storeName ? [{ label: 'Store', value: storeName }] : []),
        { label: 'Seller ID', value: sellerId },
        { label: 'Region', value: region.name },
        { label: 'Marketplaces', value: inRegion.map((e) => String(e.marketplace.domainName ?? e.marketplace.id)).join(', ') },
      ],
    };
  },
};
