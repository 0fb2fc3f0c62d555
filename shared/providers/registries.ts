/**
 * The connectors of the functions that serve only some providers, each
 * mapped over the providers their routes reach, so that a provider added to
 * one of those groups without its connector here fails to compile. The
 * functions that serve every provider are given `CONNECTORS`.
 */
import type { ConnectorOf } from './connector.js';
import { amazonConnector } from './amazon/connector.js';
import { ebayConnector } from './ebay/connector.js';
import { etsyConnector } from './etsy/connector.js';
import type { BooksPlatformId, OAuthProviderId, Provider } from './index.js';
import { quickbooksConnector } from './quickbooks/connector.js';
import type { ProviderById } from './registry.js';
import { shopifyConnector } from './shopify/connector.js';
import { squareConnector } from './square/connector.js';
import { tiktokShopConnector } from './tiktok-shop/connector.js';
import { walmartConnector } from './walmart/connector.js';
import { woocommerceConnector } from './woocommerce/connector.js';
import { xeroConnector } from './xero/connector.js';

type ConnectorsOf<Id extends Provider['id']> = { readonly [K in Id]: ConnectorOf<ProviderById<K>> };

/** The books' platforms: connecting them (consent), and refreshing their tokens to read the chart. */
export const BOOKS_CONNECTORS: ConnectorsOf<BooksPlatformId> = { xero: xeroConnector, quickbooks: quickbooksConnector };

/** Every provider that connects by consent: what finishes a consent at its callback. */
export const CONSENT_CONNECTORS: ConnectorsOf<OAuthProviderId> = {
  amazon: amazonConnector,
  ebay: ebayConnector,
  walmart: walmartConnector,
  etsy: etsyConnector,
  'tiktok-shop': tiktokShopConnector,
  shopify: shopifyConnector,
  square: squareConnector,
  xero: xeroConnector,
  quickbooks: quickbooksConnector,
};

/** The providers whose stores create keys in one click and post them to us (WooCommerce). */
export type OneClickProviderId = Extract<Provider, { readonly keys: { readonly automatic: object } }>['id'];

/** What receives keys a store posts, and decides them when the seller's browser comes back. */
export const ONE_CLICK_CONNECTORS: ConnectorsOf<OneClickProviderId> = { woocommerce: woocommerceConnector };
