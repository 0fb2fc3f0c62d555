/** Every provider sandbox, and how the local stack registers Onramp's apps with them. */
import { createAmazonSandbox } from './amazon/index.js';
import { createEbaySandbox } from './ebay/index.js';
import { createEtsySandbox } from './etsy/index.js';
import { createQuickbooksSandbox } from './quickbooks/index.js';
import { createShopifySandbox } from './shopify/index.js';
import { createSquareSandbox } from './square/index.js';
import { createTiktokShopSandbox } from './tiktok-shop/index.js';
import type { SandboxFactory } from './types.js';
import { createWalmartSandbox } from './walmart/index.js';
import { createWoocommerceSandbox } from './woocommerce/index.js';
import { createXeroSandbox } from './xero/index.js';

export const SANDBOXES: readonly SandboxFactory[] = [
  createAmazonSandbox,
  createEbaySandbox,
  createEtsySandbox,
  createShopifySandbox,
  createSquareSandbox,
  createTiktokShopSandbox,
  createWalmartSandbox,
  createWoocommerceSandbox,
  createXeroSandbox,
  createQuickbooksSandbox,
];

/** Onramp's app secrets, from the sandbox registrations (each sandbox's `facts.ts`). */
export { appSecretsFor } from './registrations.js';
