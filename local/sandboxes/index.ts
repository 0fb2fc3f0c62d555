/** Every provider sandbox, and how the local stack registers Onramp's apps with them. */
import { createAmazonSandbox } from './amazon/index.js';
import { createEbaySandbox } from './ebay/index.js';
import { createEtsySandbox } from './etsy/index.js';
import { createQuickbooksSandbox } from './quickbooks/index.js';
import type { Registrations } from './registrations.js';
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

/** Onramp's app secrets (`<prefix><provider>`), as the operator fills them in the cloud, from the sandbox registrations. */
export function appSecretsFor(r: Registrations): Record<string, Record<string, string>> {
  return {
    amazon: { clientId: r.amazon.clientId, clientSecret: r.amazon.clientSecret, applicationId: r.amazon.applicationId },
    ebay: { clientId: r.ebay.clientId, clientSecret: r.ebay.clientSecret, ruName: r.ebay.ruName },
    shopify: { clientId: r.shopify.clientId, clientSecret: r.shopify.clientSecret },
    etsy: { clientId: r.etsy.keystring, clientSecret: r.etsy.sharedSecret },
    'tiktok-shop': { clientId: r['tiktok-shop'].appKey, clientSecret: r['tiktok-shop'].appSecret, serviceId: r['tiktok-shop'].serviceId },
    square: { clientId: r.square.applicationId, clientSecret: r.square.applicationSecret },
    xero: { clientId: r.xero.clientId, clientSecret: r.xero.clientSecret },
    quickbooks: { clientId: r.quickbooks.clientId, clientSecret: r.quickbooks.clientSecret },
  };
}
