/** Amazon Selling Partner API: Seller Central consent per region (docs/providers.md §1). */
import type { AmazonConsentProvider, Marketplace } from '../types.js';

const mp = (domain: string, country: string, countryCode: string, marketplaceId: string): Marketplace => ({ domain, country, countryCode, marketplaceId });
const NA = 'https://sellingpartnerapi-na.amazon.com';
const EU = 'https://sellingpartnerapi-eu.amazon.com';
const FE = 'https://sellingpartnerapi-fe.amazon.com';

export const amazon = {
  id: 'amazon',
  name: 'Amazon',
  role: 'channel',
  group: 'marketplace',
  kind: 'amazon-consent',
  connect: {
    button: 'Connect to Amazon',
    explanation:
      'You will sign in to Amazon Seller Central and confirm that Onramp may read your sales and settlements. Connecting a region connects all of its marketplaces.',
  },
  accountFields: [],
  // Marketplace ids from Amazon's SP-API reference; consent hosts from its Seller Central URL table.
  regions: [
    {
      id: 'north-america',
      name: 'North America',
      urls: { consent: 'https://sellercentral.amazon.com', api: NA },
      marketplaces: [
        mp('amazon.com', 'United States', 'US', 'ATVPDKIKX0DER'),
        mp('amazon.ca', 'Canada', 'CA', 'A2EUQ1WTGCTBG2'),
        mp('amazon.com.mx', 'Mexico', 'MX', 'A1AM78C64UM0Y8'),
      ],
    },
    {
      id: 'europe',
      name: 'Europe',
      urls: { consent: 'https://sellercentral-europe.amazon.com', api: EU },
      marketplaces: [
        mp('amazon.co.uk', 'United Kingdom', 'GB', 'A1F83G8C2ARO7P'),
        mp('amazon.de', 'Germany', 'DE', 'A1PA6795UKMFR9'),
        mp('amazon.fr', 'France', 'FR', 'A13V1IB3VIYZZH'),
        mp('amazon.es', 'Spain', 'ES', 'A1RKKUPIHCS9HS'),
        mp('amazon.it', 'Italy', 'IT', 'APJ6JRA9NG5V4'),
        mp('amazon.nl', 'Netherlands', 'NL', 'A1805IZSGTT6HS'),
        mp('amazon.se', 'Sweden', 'SE', 'A2NODRKZP88ZB9'),
        mp('amazon.pl', 'Poland', 'PL', 'A1C3SOZRARQ6R3'),
      ],
    },
    { id: 'australia', name: 'Australia', urls: { consent: 'https://sellercentral.amazon.com.au', api: FE }, marketplaces: [mp('amazon.com.au', 'Australia', 'AU', 'A39IBJ37TRP1C6')] },
    { id: 'japan', name: 'Japan', urls: { consent: 'https://sellercentral.amazon.co.jp', api: FE }, marketplaces: [mp('amazon.co.jp', 'Japan', 'JP', 'A1VC38T7YXB528')] },
    // amazon.com.sg redirects to amazon.sg, the domain Amazon lists for this marketplace.
    { id: 'singapore', name: 'Singapore', urls: { consent: 'https://sellercentral.amazon.sg', api: FE }, marketplaces: [mp('amazon.sg', 'Singapore', 'SG', 'A19VAU5U5O7RUS')] },
    { id: 'uae', name: 'UAE', urls: { consent: 'https://sellercentral.amazon.ae', api: EU }, marketplaces: [mp('amazon.ae', 'United Arab Emirates', 'AE', 'A2VIGQ35RCS4UG')] },
    { id: 'saudi-arabia', name: 'Saudi Arabia', urls: { consent: 'https://sellercentral.amazon.sa', api: EU }, marketplaces: [mp('amazon.sa', 'Saudi Arabia', 'SA', 'A17E79C6D8DWNP')] },
    { id: 'india', name: 'India', urls: { consent: 'https://sellercentral.amazon.in', api: EU }, marketplaces: [mp('amazon.in', 'India', 'IN', 'A21TJRUUN4KGV')] },
  ],
  consentPath: '/apps/authorize/consent',
  // Login with Amazon: one token host for every region, credentials in the form body.
  tokenUrl: 'https://api.amazon.com/auth/o2/token',
  tokenRequest: 'form-body',
  // SP-API has no scopes: access follows the roles chosen when the app was registered.
  scopes: [],
  scopeSeparator: ' ',
  pkce: 'none',
  // The callback is unsigned (only `state` protects it): its `selling_partner_id` is shown as reported, never compared.
  callback: { code: 'spapi_oauth_code', state: 'state', error: 'error', extra: ['selling_partner_id', 'mws_auth_token'] },
  // No SP-API answer names the selling partner id: who connected is the store name this answer reports in the region.
  identity: {
    method: 'GET',
    url: '{api}/sellers/v1/marketplaceParticipations',
    description: 'marketplaces the seller participates in and the store name, which identifies the seller (x-amz-access-token)',
  },
  // The seller must authorise again every 365 days, whatever is refreshed.
  calendar: { consentDays: 365, refreshRenews: false },
  sources: ['docs/providers.md §1'],
} as const satisfies AmazonConsentProvider;
