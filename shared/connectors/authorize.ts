/**
 * Each kind of consent's first step, the provider's consent URL, kept apart
 * from its callback (the code exchange and the identity call), so that
 * starting a consent bundles none of that. The strategies reuse these.
 */
import { ConnectError } from '../domain/errors.js';
import { SHOP_DOMAIN_FIELD } from '../providers/fields.js';
import { findRegion } from '../providers/index.js';
import type { AmazonConsentProvider, OAuthCodeProvider, OAuthProviderDefinition, Region, ShopifyInstallProvider, TikTokShopProvider } from '../providers/types.js';
import type { AuthorizeUrl, ProviderOfKind, StartContext } from './types.js';

/** The standard authorization-code flow's consent URL, with the PKCE challenge when there is one. */
export const oauthCodeAuthorizeUrl: AuthorizeUrl<OAuthCodeProvider> = (p, { app, state, redirectUri, codeChallenge }) => {
  const url = new URL(p.authorizeUrl);
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  if (p.scopes.length > 0) url.searchParams.set('scope', p.scopes.join(p.scopeSeparator));
  url.searchParams.set('state', state);
  if (codeChallenge) {
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.href;
};

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

/** The shop the seller entered (its `*.myshopify.com` domain). */
export const shopOf = (account: { fields: Readonly<Record<string, string>> }) => account.fields[SHOP_DOMAIN_FIELD.key] ?? '';

/** Shopify's install page, on the shop's own host. */
export const shopifyAuthorizeUrl: AuthorizeUrl<ShopifyInstallProvider> = (p, { app, account, state, redirectUri }) => {
  const url = new URL(p.authorizePath, `https://${shopOf(account)}`);
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('scope', p.scopes.join(p.scopeSeparator));
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', state);
  return url.href;
};

/** TikTok Shop's authorization page of the chosen market, which takes the Service ID (not the app key). */
export const tiktokShopAuthorizeUrl: AuthorizeUrl<TikTokShopProvider> = (p, { app, account, state }) => {
  const region = findRegion(p, account.region);
  if (!region?.urls?.authorize) throw new ConnectError('wrong_market', `no TikTok Shop market ${account.region}`);
  const url = new URL(region.urls.authorize);
  url.searchParams.set('service_id', app.serviceId ?? '');
  url.searchParams.set('state', state);
  return url.href;
};

const AUTHORIZE_URLS: { [K in OAuthProviderDefinition['kind']]: AuthorizeUrl<ProviderOfKind<K>> } = {
  'oauth-code': oauthCodeAuthorizeUrl,
  'amazon-consent': amazonAuthorizeUrl,
  'shopify-install': shopifyAuthorizeUrl,
  'tiktok-shop': tiktokShopAuthorizeUrl,
};

/** The provider's consent URL, by its kind. */
export function authorizeUrlFor(p: OAuthProviderDefinition, ctx: StartContext): string {
  return (AUTHORIZE_URLS[p.kind] as AuthorizeUrl)(p, ctx);
}
