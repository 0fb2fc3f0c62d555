/**
 * Every sandbox's test facts in one typed place, read from each sandbox's
 * own `<provider>/facts.ts`: how its consent page is accepted, the app
 * Onramp registers with it, the keys it knows. Tests, e2e tests, the test
 * helpers and the bench read them here instead of restating them.
 */
import { AMAZON_FACTS } from './amazon/facts.js';
import { EBAY_FACTS } from './ebay/facts.js';
import { ETSY_FACTS } from './etsy/facts.js';
import { QUICKBOOKS_FACTS } from './quickbooks/facts.js';
import { SHOPIFY_FACTS } from './shopify/facts.js';
import { SQUARE_FACTS } from './square/facts.js';
import { TIKTOK_SHOP_FACTS } from './tiktok-shop/facts.js';
import type { ConsentAcceptance } from './types.js';
import { WALMART_FACTS } from './walmart/facts.js';
import { WOOCOMMERCE_FACTS } from './woocommerce/facts.js';
import { XERO_FACTS } from './xero/facts.js';

export { AMAZON_FACTS, EBAY_FACTS, ETSY_FACTS, QUICKBOOKS_FACTS, SHOPIFY_FACTS, SQUARE_FACTS, TIKTOK_SHOP_FACTS, WALMART_FACTS, WOOCOMMERCE_FACTS, XERO_FACTS };

export const SANDBOX_FACTS = {
  amazon: AMAZON_FACTS,
  ebay: EBAY_FACTS,
  shopify: SHOPIFY_FACTS,
  etsy: ETSY_FACTS,
  'tiktok-shop': TIKTOK_SHOP_FACTS,
  square: SQUARE_FACTS,
  walmart: WALMART_FACTS,
  woocommerce: WOOCOMMERCE_FACTS,
  xero: XERO_FACTS,
  quickbooks: QUICKBOOKS_FACTS,
} as const;

export type SandboxId = keyof typeof SANDBOX_FACTS;
type Facts = (typeof SANDBOX_FACTS)[SandboxId];

/** The sandboxes with a consent page. */
export type ConsentSandboxId = { [K in SandboxId]: (typeof SANDBOX_FACTS)[K] extends { accept: ConsentAcceptance } ? K : never }[SandboxId];
/** The sandboxes with which Onramp registers an app (the OAuth providers). */
export type RegisteredSandboxId = { [K in SandboxId]: (typeof SANDBOX_FACTS)[K] extends { registration: (callback: string) => unknown } ? K : never }[SandboxId];

/** How the consent page of the sandbox `id` is accepted (its decision, button label and choices); throws for a sandbox without one. */
export function acceptance(id: string): ConsentAcceptance {
  const facts = (SANDBOX_FACTS as Readonly<Record<string, Facts>>)[id];
  if (!facts || !('accept' in facts)) throw new Error(`The ${id} sandbox has no consent page`);
  return facts.accept;
}
