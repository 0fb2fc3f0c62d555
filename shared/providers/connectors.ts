/**
 * Every provider's connector, by its id: each provider's `connector.ts`, a
 * module whose exports are its pieces. The mapped type over `ProviderId`
 * makes a provider without a connector, or a connector without a piece its
 * definition calls for (`ConnectorOf`), fail to compile. This whole set is
 * for the tools and tests that use every piece of every provider; each
 * function is given only the pieces of what it does (`registries.ts`).
 */
import * as amazon from './amazon/connector.js';
import type { Check, ConnectorOf } from './connector.js';
import * as ebay from './ebay/connector.js';
import * as etsy from './etsy/connector.js';
import type { ProviderId } from './index.js';
import * as quickbooks from './quickbooks/connector.js';
import * as shopify from './shopify/connector.js';
import * as square from './square/connector.js';
import * as tiktokShop from './tiktok-shop/connector.js';
import * as walmart from './walmart/connector.js';
import * as woocommerce from './woocommerce/connector.js';
import * as xero from './xero/connector.js';
import type { ProviderById } from './registry.js';

export type { ProviderById } from './registry.js';

export const CONNECTORS: { readonly [K in ProviderId]: ConnectorOf<ProviderById<K>> } = {
  amazon,
  ebay,
  walmart,
  etsy,
  'tiktok-shop': tiktokShop,
  shopify,
  square,
  woocommerce,
  xero,
  quickbooks,
};

/** The providers whose credentials are checked daily, with their check (those whose calendar says `checked`). */
export const CHECKS: Readonly<Record<string, Check>> = Object.fromEntries(Object.entries(CONNECTORS).flatMap(([id, c]) => ('check' in c && c.check ? [[id, c.check]] : [])));
