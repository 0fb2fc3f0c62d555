/**
 * Amazon's Seller Central consent (outside plain OAuth: the consent URL takes
 * the SP-API `application_id`, and the callback carries `spapi_oauth_code`
 * and `selling_partner_id`); the token request is standard LWA, through the
 * shared exchange. The seller's marketplaces must be in the chosen region.
 *
 * Who connected comes only from the authenticated Sellers API answer: the
 * store name it reports in the chosen region. The callback is not signed
 * (docs/providers.md §1.2), so its `selling_partner_id` is shown as the redirect
 * reported it and is never part of the identity the checks compare.
 */
import { ConnectError } from '../../domain/errors.js';
import { findRegion } from '../index.js';
import type { AmazonConsentProvider, Region } from '../types.js';
import { urlFrom } from '../../connectors/oauth-code.js';
import { jsonFrom } from '../../connectors/http.js';
import { exchangeCode } from '../../connectors/token.js';
import type { AuthorizeUrl, ConsentFinish, Identity } from '../../connectors/types.js';

/** How the connection's details name the `selling_partner_id` of the unsigned redirect. */
export const REPORTED_MERCHANT_TOKEN_LABEL = 'Merchant token (as reported by Amazon\u2019s redirect)';

/** A merchant token shaped as Amazon's are (letters and digits); anything else on the redirect is not shown. */
const MERCHANT_TOKEN = /^[A-Za-z0-9]{1,64}$/;

/**
 * The identity the checks compare (the same seller connected twice,
 * Reconnect's same seller): the region and the store name(s) the
 * authenticated Sellers API answer reports there, never the redirect's
 * `selling_partner_id`, which anyone holding the redirect can change.
 */
export function amazonIdentityId(regionId: string, storeNames: readonly string[]): string {
  return `store:${[...storeNames].sort().map(encodeURIComponent).join(',')}@${regionId}`;
}

/** The Amazon region the seller chose, with its Seller Central and SP-API hosts. */
export function amazonRegion(p: AmazonConsentProvider, regionId: string | null): Region & { urls: Record<string, string> } {
  const region = findRegion(p, regionId);
  if (!region?.urls) throw new ConnectError('wrong_region', `no Amazon region ${regionId}`);
  return region as Region & { urls: Record<string, string> };
}

/** Seller Central's consent page of the chosen region, which takes the SP-API `application_id`. */
export const amazonAuthorizeUrl: AuthorizeUrl<AmazonConsentProvider> = (p, { app, account, state, redirectUri }) => {
  const region = amazonRegion(p, account.region);
  const url = new URL(p.consentPath, region.urls.consent);
  url.searchParams.set('application_id', app.applicationId ?? '');
  url.searchParams.set('state', state);
  url.searchParams.set('redirect_uri', redirectUri);
  return url.href;
};

/** Amazon's callback (its connector's `finish`): the token request is standard LWA, and so is the refresh (`standardRefresh`). */
export const amazonFinish: ConsentFinish<AmazonConsentProvider> = {
  readCallback(p, { query }) {
    const code = query[p.callback.code];
    return code && query.selling_partner_id ? { code } : { denied: true };
  },
  exchange(p, ctx) {
    return exchangeCode({ tokenUrl: p.tokenUrl, style: p.tokenRequest, app: ctx.app, code: ctx.code, redirectUri: ctx.redirectUri, http: ctx.http, now: ctx.now });
  },
  async identify(p, { account, http, tokens, query }): Promise<Identity> {
    const region = amazonRegion(p, account.region);
    const res = await http.fetch(urlFrom(p.identity.url, { api: region.urls.api ?? '' }), {
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
    // Amazon's model requires `storeName`; without it the answer names no seller, and the redirect's id proves nothing.
    const storeNames = [...new Set(inRegion.map((e) => (typeof e.storeName === 'string' ? e.storeName.trim() : '')).filter((s) => s))].sort();
    if (storeNames.length === 0) throw new ConnectError('provider_error', 'marketplace participations name no store');
    const store = storeNames.join(', ');
    const reported = query.selling_partner_id ?? '';
    return {
      id: amazonIdentityId(region.id, storeNames),
      label: store,
      details: [
        { label: storeNames.length > 1 ? 'Stores' : 'Store', value: store },
        { label: 'Region', value: region.name },
        { label: 'Marketplaces', value: inRegion.map((e) => String(e.marketplace.domainName ?? e.marketplace.id)).join(', ') },
        ...(MERCHANT_TOKEN.test(reported) ? [{ label: REPORTED_MERCHANT_TOKEN_LABEL, value: reported }] : []),
      ],
    };
  },
};
