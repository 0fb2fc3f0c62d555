/**
 * Every provider's connector, by its id: the mapped type over `ProviderId`
 * makes a provider without a connector, or a connector without a piece its
 * definition calls for (`ConnectorOf`), fail to compile. The functions that
 * serve every provider are given these; the others, fewer (`registries.ts`).
 */
import { amazonConnector } from './amazon/connector.js';
import type { Check, ConnectorOf } from './connector.js';
import { ebayConnector } from './ebay/connector.js';
import { etsyConnector } from './etsy/connector.js';
import type { ProviderId } from './index.js';
import { quickbooksConnector } from './quickbooks/connector.js';
import { shopifyConnector } from './shopify/connector.js';
import { squareConnector } from './square/connector.js';
import { tiktokShopConnector } from './tiktok-shop/connector.js';
import { walmartConnector } from './walmart/connector.js';
import { woocommerceConnector } from './woocommerce/connector.js';
import { xeroConnector } from './xero/connector.js';
import type { ProviderById } from './registry.js';

export type { ProviderById } from './registry.js';

export const CONNECTORS: { readonly [K in ProviderId]: ConnectorOf<ProviderById<K>> } = {
  amazon: amazonConnector,
  ebay: ebayConnector,
  walmart: walmartConnector,
  etsy: etsyConnector,
  'tiktok-shop': tiktokShopConnector,
  shopify: shopifyConnector,
  square: squareConnector,
  woocommerce: woocommerceConnector,
  xero: xeroConnector,
  quickbooks: quickbooksConnector,
};

/** The providers whose credentials are checked daily, with their check (those whose calendar says `checked`). */
export const CHECKS: Readonly<Record<string, Check>> = Object.fromEntries(Object.entries(CONNECTORS).flatMap(([id, c]) => ('check' in c && c.check ? [[id, c.check]] : [])));
