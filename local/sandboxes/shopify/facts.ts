/** The Shopify sandbox's test facts (`SandboxFacts`): its install page's accepting button and Onramp's registered app. */
import type { SandboxFacts } from '../types.js';

export interface ShopifyRegistration {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

export const SHOPIFY_FACTS = {
  id: 'shopify',
  accept: { decision: 'install', label: 'Install app', choices: {} },
  registration: (callback: string): ShopifyRegistration => ({ clientId: 'sandbox-shopify-api-key', clientSecret: 'shpss_sandboxshopifysecret', redirectUris: [callback] }),
  appSecret: (r: ShopifyRegistration) => ({ clientId: r.clientId, clientSecret: r.clientSecret }),
} as const satisfies SandboxFacts<ShopifyRegistration>;
