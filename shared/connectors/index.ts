/**
 * The strategy for each kind of consent's callback: the engine looks it up by
 * the provider's `kind`. Starting a consent needs only its URL (`authorize.ts`).
 */
import type { OAuthProviderDefinition } from '../providers/types.js';
import { amazonConsent } from '../providers/amazon/consent.js';
import { oauthCode } from './oauth-code.js';
import { shopifyInstall } from '../providers/shopify/install.js';
import { tiktokShopAuthorization } from '../providers/tiktok-shop/authorization.js';
import type { ConnectStrategy, ProviderOfKind } from './types.js';

const STRATEGIES: { [K in OAuthProviderDefinition['kind']]: ConnectStrategy<ProviderOfKind<K>> } = {
  'oauth-code': oauthCode,
  'amazon-consent': amazonConsent,
  'shopify-install': shopifyInstall,
  'tiktok-shop': tiktokShopAuthorization,
};

export function strategyFor<P extends OAuthProviderDefinition>(p: P): ConnectStrategy<P> {
  return STRATEGIES[p.kind] as unknown as ConnectStrategy<P>;
}

export type { ConnectStrategy, Identity, TokenSet } from './types.js';
