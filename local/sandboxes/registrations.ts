/**
 * The apps Onramp has registered with each provider, as the provider's own
 * developer console would hold them. Each sandbox states its own in its
 * `facts.ts` (`registration`); the sandboxes check requests against these,
 * and the local stack seeds the same values into Onramp's app secrets (as
 * the CDK-named app secrets hold them in the cloud). Sandbox values only.
 */
import { SANDBOX_FACTS, type RegisteredSandboxId } from './facts.js';

export type Registrations = {
  readonly [K in RegisteredSandboxId]: ReturnType<(typeof SANDBOX_FACTS)[K]['registration']>;
};

/** The registrations for an Onramp web app served at `appOrigin` (callbacks at `/api/oauth/<provider>/callback`). */
export function sandboxRegistrations(appOrigin: string): Registrations {
  const callback = (provider: string) => `${appOrigin}/api/oauth/${provider}/callback`;
  const f = SANDBOX_FACTS;
  return {
    amazon: f.amazon.registration(callback('amazon')),
    ebay: f.ebay.registration(callback('ebay')),
    shopify: f.shopify.registration(callback('shopify')),
    etsy: f.etsy.registration(callback('etsy')),
    'tiktok-shop': f['tiktok-shop'].registration(callback('tiktok-shop')),
    square: f.square.registration(callback('square')),
    xero: f.xero.registration(callback('xero')),
    quickbooks: f.quickbooks.registration(callback('quickbooks')),
  };
}

/** Onramp's app secrets (`<prefix><provider>`), as the operator fills them in the cloud, from the sandbox registrations. */
export function appSecretsFor(r: Registrations): Record<string, Record<string, string>> {
  const f = SANDBOX_FACTS;
  return {
    amazon: { ...f.amazon.appSecret(r.amazon) },
    ebay: { ...f.ebay.appSecret(r.ebay) },
    shopify: { ...f.shopify.appSecret(r.shopify) },
    etsy: { ...f.etsy.appSecret(r.etsy) },
    'tiktok-shop': { ...f['tiktok-shop'].appSecret(r['tiktok-shop']) },
    square: { ...f.square.appSecret(r.square) },
    xero: { ...f.xero.appSecret(r.xero) },
    quickbooks: { ...f.quickbooks.appSecret(r.quickbooks) },
  };
}
