/**
 * Every provider's connector, by its id: the mapped type over `ProviderId`
 * makes a provider without a connector, or a connector without a piece its
 * definition calls for (`ConnectorOf`), fail to compile.
 */
import { amazonConnector } from './amazon/connector.js';
import type { CheckCall } from '../connectors/check.js';
import type { KeysStrategy } from '../connectors/keys.js';
import type { ConnectStrategy, RefreshCall, StartContext, TokenSet } from '../connectors/types.js';
import type { Check, ConnectorOf } from './connector.js';
import { ebayConnector } from './ebay/connector.js';
import { etsyConnector } from './etsy/connector.js';
import type { Provider, ProviderId } from './index.js';
import type { KeysProviderDefinition, OAuthProviderDefinition } from './types.js';
import { quickbooksConnector } from './quickbooks/connector.js';
import { shopifyConnector } from './shopify/connector.js';
import { squareConnector } from './square/connector.js';
import { tiktokShopConnector } from './tiktok-shop/connector.js';
import { walmartConnector } from './walmart/connector.js';
import { woocommerceConnector } from './woocommerce/connector.js';
import { xeroConnector } from './xero/connector.js';

/** The provider with this id. */
export type ProviderById<K extends ProviderId> = Extract<Provider, { readonly id: K }>;

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

/** A provider's connector. */
export function connectorOf<P extends Provider>(p: P): ConnectorOf<P> {
  return CONNECTORS[p.id] as unknown as ConnectorOf<P>;
}

/** The providers whose credentials are checked daily, with their check (those whose calendar says `checked`). */
export const CHECKS: Readonly<Record<string, Check>> = Object.fromEntries(Object.entries(CONNECTORS).flatMap(([id, c]) => ('check' in c && c.check ? [[id, c.check]] : [])));

/** The consent strategy of a provider that connects by consent. */
export function oauthOf(p: OAuthProviderDefinition): ConnectStrategy {
  const oauth = (CONNECTORS as Readonly<Record<string, { readonly oauth?: unknown }>>)[p.id]?.oauth;
  if (!oauth) throw new Error(`${p.id} does not connect by consent`);
  return oauth as ConnectStrategy;
}

/** The provider's consent URL. */
export const authorizeUrlFor = (p: OAuthProviderDefinition, ctx: StartContext): string => oauthOf(p).authorizeUrl(p, ctx);

/** The key strategy of a provider that takes keys. */
export function keysOf(p: KeysProviderDefinition): KeysStrategy {
  const keys = (CONNECTORS as Readonly<Record<string, { readonly keys?: unknown }>>)[p.id]?.keys;
  if (!keys) throw new Error(`${p.id} takes no keys`);
  return keys as KeysStrategy;
}

/** Checks the stored credentials with the provider: returns when they work, throws otherwise. */
export async function providerCheck(provider: string, x: CheckCall): Promise<void> {
  const check = CHECKS[provider];
  if (!check) throw new Error(`No check for ${provider}`);
  await check(x);
}

/** Refreshes with the provider's own call. A provider that does not rotate answers no refresh token: the old one stays. */
export async function providerRefresh(p: OAuthProviderDefinition, x: RefreshCall): Promise<TokenSet> {
  const tokens = await oauthOf(p).refresh(p, x);
  return { ...tokens, refreshToken: tokens.refreshToken ?? x.refreshToken };
}
