/**
 * The pieces of the providers' connectors each function carries: only those
 * of what it does (starting a consent, finishing one, taking keys, refreshing
 * and checking), of only the providers its routes reach, so that a function
 * bundles no other call. Each set is mapped over its providers with the
 * pieces it needs (`PiecesOf`): a provider added to a group, or a piece to a
 * definition, without its connector's piece here fails to compile.
 */
import * as amazon from './amazon/connector.js';
import type { Piece, PiecesOf } from './connector.js';
import * as ebay from './ebay/connector.js';
import * as etsy from './etsy/connector.js';
import type { BooksPlatformId, OAuthProviderId, Provider, ProviderId } from './index.js';
import * as quickbooks from './quickbooks/connector.js';
import type { ProviderById } from './registry.js';
import * as shopify from './shopify/connector.js';
import * as square from './square/connector.js';
import * as tiktokShop from './tiktok-shop/connector.js';
import * as walmart from './walmart/connector.js';
import * as woocommerce from './woocommerce/connector.js';
import * as xero from './xero/connector.js';

type Pieces<Id extends ProviderId, K extends Piece> = { readonly [I in Id]: PiecesOf<ProviderById<I>, K> };

/**
 * Connecting a sales channel (the connect function): every consent's URL, and
 * every keys channel's keys (checked, stored, or created in one click).
 */
export const CHANNEL_CONNECT: Pieces<ProviderId, 'start' | 'keys'> = {
  amazon: { start: amazon.start },
  ebay: { start: ebay.start },
  walmart: { start: walmart.start, keys: walmart.keys },
  etsy: { start: etsy.start },
  'tiktok-shop': { start: tiktokShop.start },
  shopify: { start: shopify.start },
  square: { start: square.start },
  woocommerce: { keys: woocommerce.keys },
  xero: { start: xero.start },
  quickbooks: { start: quickbooks.start },
};

/** Every provider that connects by consent: what finishes a consent at its callback. */
export const CONSENT_FINISH: Pieces<OAuthProviderId, 'finish'> = {
  amazon: { finish: amazon.finish },
  ebay: { finish: ebay.finish },
  walmart: { finish: walmart.finish },
  etsy: { finish: etsy.finish },
  'tiktok-shop': { finish: tiktokShop.finish },
  shopify: { finish: shopify.finish },
  square: { finish: square.finish },
  xero: { finish: xero.finish },
  quickbooks: { finish: quickbooks.finish },
};

/** The books' platforms: starting their consent, and refreshing their tokens to read and write the chart. */
export const BOOKS_CONNECT: Pieces<BooksPlatformId, 'start' | 'refresh'> = {
  xero: { start: xero.start, refresh: xero.refresh },
  quickbooks: { start: quickbooks.start, refresh: quickbooks.refresh },
};

/** The providers whose stores create keys in one click and post them to us (WooCommerce). */
export type OneClickProviderId = Extract<Provider, { readonly keys: { readonly automatic: object } }>['id'];

/** What receives keys a store posts, and decides them when the seller's browser comes back. */
export const ONE_CLICK: Pieces<OneClickProviderId, 'keys'> = { woocommerce: { keys: woocommerce.keys } };

/** The scheduled refresher: every provider's refresh, and the daily check of those whose calendar says `checked`. */
export const REFRESH_AND_CHECK: Pieces<ProviderId, 'refresh' | 'check'> = {
  amazon: { refresh: amazon.refresh },
  ebay: { refresh: ebay.refresh },
  walmart: { refresh: walmart.refresh, check: walmart.check },
  etsy: { refresh: etsy.refresh },
  'tiktok-shop': { refresh: tiktokShop.refresh },
  shopify: { refresh: shopify.refresh, check: shopify.check },
  square: { refresh: square.refresh },
  woocommerce: { check: woocommerce.check },
  xero: { refresh: xero.refresh },
  quickbooks: { refresh: quickbooks.refresh },
};
