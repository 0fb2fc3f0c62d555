/**
 * Every provider Onramp connects, in the order sellers see them. Adding a
 * provider is adding its definition file and listing it here; the catalog,
 * validation, views and forms follow from the definition.
 */
import { amazon } from './amazon/definition.js';
import { ebay } from './ebay/definition.js';
import { etsy } from './etsy/definition.js';
import { quickbooks } from './quickbooks/definition.js';
import { shopify } from './shopify/definition.js';
import { square } from './square/definition.js';
import { tiktokShop } from './tiktok-shop/definition.js';
import type { OAuthProviderDefinition, ProviderDefinition, Region } from './types.js';
import { walmart } from './walmart/definition.js';
import { woocommerce } from './woocommerce/definition.js';
import { xero } from './xero/definition.js';

export const PROVIDERS = [amazon, ebay, walmart, etsy, tiktokShop, shopify, square, woocommerce, xero, quickbooks] as const satisfies readonly ProviderDefinition[];

export type Provider = (typeof PROVIDERS)[number];
export type ProviderId = Provider['id'];
export type ChannelProvider = Extract<Provider, { role: 'channel' }>;
export type ChannelId = ChannelProvider['id'];
export type BooksProvider = Extract<Provider, { role: 'books' }>;
export type BooksPlatformId = BooksProvider['id'];
export type OAuthProvider = Extract<Provider, { kind: OAuthProviderDefinition['kind'] }>;
export type OAuthProviderId = OAuthProvider['id'];
/** The store fields any provider asks for at account creation (Shopify's shop, WooCommerce's store address). */
export type AccountFieldKey = Provider['accountFields'][number]['key'];

const isChannel = (p: Provider): p is ChannelProvider => p.role === 'channel';
const isBooks = (p: Provider): p is BooksProvider => p.role === 'books';
const isOAuth = (p: Provider): p is OAuthProvider => p.kind !== 'api-keys';

export const CHANNEL_PROVIDERS: readonly ChannelProvider[] = PROVIDERS.filter(isChannel);
export const BOOKS_PROVIDERS: readonly BooksProvider[] = PROVIDERS.filter(isBooks);
export const OAUTH_PROVIDERS: readonly OAuthProvider[] = PROVIDERS.filter(isOAuth);

export const PROVIDER_IDS = PROVIDERS.map((p) => p.id) as [ProviderId, ...ProviderId[]];
export const CHANNEL_IDS = CHANNEL_PROVIDERS.map((p) => p.id) as [ChannelId, ...ChannelId[]];
export const BOOKS_PLATFORM_IDS = BOOKS_PROVIDERS.map((p) => p.id) as [BooksPlatformId, ...BooksPlatformId[]];
export const OAUTH_PROVIDER_IDS = OAUTH_PROVIDERS.map((p) => p.id) as [OAuthProviderId, ...OAuthProviderId[]];

/** Finds a provider by id, or undefined for an id we do not offer. */
export function findProvider(id: string): ProviderDefinition | undefined {
  return (PROVIDERS as readonly ProviderDefinition[]).find((p) => p.id === id);
}

/** Finds one of a provider's regions, or undefined when it has no such region. */
export function findRegion(provider: Pick<ProviderDefinition, 'regions'>, regionId: string | null | undefined): Region | undefined {
  return regionId ? provider.regions?.find((r) => r.id === regionId) : undefined;
}

export type { ProviderDefinition, OAuthProviderDefinition, Region } from './types.js';
