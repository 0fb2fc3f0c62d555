/**
 * The catalog: every sales channel and bookkeeping platform Onramp connects,
 * with where each applies. One source of truth for functions, web and tests.
 */

/** A marketplace an Amazon region connects (connecting a region connects all of them). */
export interface Marketplace {
  readonly domain: string;
  readonly country: string;
  readonly countryCode: string;
  readonly marketplaceId: string;
}

/** A region or market a channel can be connected in. */
export interface Region {
  readonly id: string;
  readonly name: string;
  readonly marketplaces?: readonly Marketplace[];
}

export type ChannelGroup = 'marketplace' | 'cart';
export type ConnectionKind = 'oauth' | 'keys';

export interface Channel {
  readonly id: string;
  readonly name: string;
  readonly group: ChannelGroup;
  readonly connection: ConnectionKind;
  readonly beta?: boolean;
  /** Present when the seller must pick one; absent when the channel is global. */
  readonly regions?: readonly Region[];
  /** What the seller must tell us about their store when creating the account. */
  readonly storeField?: 'shopDomain' | 'storeUrl';
}

export interface BooksPlatform {
  readonly id: string;
  readonly name: string;
  readonly connection: 'oauth';
}

export const CHANNEL_GROUPS: readonly { readonly id: ChannelGroup; readonly name: string }[] = [
  { id: 'marketplace', name: 'Online marketplaces' },
  { id: 'cart', name: 'Shopping carts & POS' },
];

const mp = (domain: string, country: string, countryCode: string, marketplaceId: string): Marketplace => ({
  domain,
  country,
  countryCode,
  marketplaceId,
});

/** Amazon's regions as sellers know them; marketplace ids from Amazon's SP-API reference. */
export const AMAZON_REGIONS = [
  {
    id: 'north-america',
    name: 'North America',
    marketplaces: [
      mp('amazon.com', 'United States', 'US', 'ATVPDKIKX0DER'),
      mp('amazon.ca', 'Canada', 'CA', 'A2EUQ1WTGCTBG2'),
      mp('amazon.com.mx', 'Mexico', 'MX', 'A1AM78C64UM0Y8'),
    ],
  },
  {
    id: 'europe',
    name: 'Europe',
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
  { id: 'australia', name: 'Australia', marketplaces: [mp('amazon.com.au', 'Australia', 'AU', 'A39IBJ37TRP1C6')] },
  { id: 'japan', name: 'Japan', marketplaces: [mp('amazon.co.jp', 'Japan', 'JP', 'A1VC38T7YXB528')] },
  // amazon.com.sg redirects to amazon.sg, the domain Amazon lists for this marketplace.
  { id: 'singapore', name: 'Singapore', marketplaces: [mp('amazon.sg', 'Singapore', 'SG', 'A19VAU5U5O7RUS')] },
  { id: 'uae', name: 'UAE', marketplaces: [mp('amazon.ae', 'United Arab Emirates', 'AE', 'A2VIGQ35RCS4UG')] },
  { id: 'saudi-arabia', name: 'Saudi Arabia', marketplaces: [mp('amazon.sa', 'Saudi Arabia', 'SA', 'A17E79C6D8DWNP')] },
  { id: 'india', name: 'India', marketplaces: [mp('amazon.in', 'India', 'IN', 'A21TJRUUN4KGV')] },
] as const satisfies readonly Region[];

export const CHANNELS = [
  { id: 'amazon', name: 'Amazon', group: 'marketplace', connection: 'oauth', regions: AMAZON_REGIONS },
  { id: 'ebay', name: 'eBay', group: 'marketplace', connection: 'oauth' },
  {
    id: 'walmart',
    name: 'Walmart',
    group: 'marketplace',
    connection: 'keys',
    regions: [
      { id: 'US', name: 'United States' },
      { id: 'MX', name: 'Mexico' },
    ],
  },
  { id: 'etsy', name: 'Etsy', group: 'marketplace', connection: 'oauth' },
  {
    id: 'tiktok-shop',
    name: 'TikTok Shop',
    group: 'marketplace',
    connection: 'oauth',
    regions: [
      { id: 'UK', name: 'United Kingdom' },
      { id: 'US', name: 'United States' },
    ],
  },
  { id: 'shopify', name: 'Shopify', group: 'cart', connection: 'oauth', storeField: 'shopDomain' },
  { id: 'square', name: 'Square', group: 'cart', connection: 'oauth', beta: true },
  { id: 'woocommerce', name: 'WooCommerce', group: 'cart', connection: 'keys', storeField: 'storeUrl' },
] as const satisfies readonly Channel[];

export const BOOKS_PLATFORMS = [
  { id: 'xero', name: 'Xero', connection: 'oauth' },
  { id: 'quickbooks', name: 'QuickBooks Online', connection: 'oauth' },
] as const satisfies readonly BooksPlatform[];

export type ChannelId = (typeof CHANNELS)[number]['id'];
export type BooksPlatformId = (typeof BOOKS_PLATFORMS)[number]['id'];

export const CHANNEL_IDS = CHANNELS.map((c) => c.id) as [ChannelId, ...ChannelId[]];

/** Finds a channel by id, or undefined for an id we do not offer. */
export function findChannel(id: string): Channel | undefined {
  return (CHANNELS as readonly Channel[]).find((c) => c.id === id);
}

/** Finds one of a channel's regions, or undefined when the channel has no such region. */
export function findRegion(channel: Channel, regionId: string): Region | undefined {
  return channel.regions?.find((r) => r.id === regionId);
}
