/**
 * The apps Onramp has registered with each provider, as the provider's own
 * developer console would hold them. The sandboxes check requests against
 * these; the local stack seeds the same values into Onramp's app secrets
 * (as the CDK-named app secrets hold them in the cloud). Sandbox values only.
 */

export interface Registrations {
  readonly amazon: { readonly applicationId: string; readonly clientId: string; readonly clientSecret: string; readonly redirectUris: readonly string[] };
  readonly ebay: {
    readonly clientId: string;
    readonly clientSecret: string;
    /** The RuName: eBay's name for the app's redirect; the app sends it as `redirect_uri`. */
    readonly ruName: string;
    /** Where the RuName sends the browser when the seller agrees, and when they decline. */
    readonly acceptUrl: string;
    readonly declineUrl: string;
  };
  readonly shopify: { readonly clientId: string; readonly clientSecret: string; readonly redirectUris: readonly string[] };
  /** Etsy: the keystring is the client id; the shared secret goes only in `x-api-key` (`keystring:secret`). */
  readonly etsy: { readonly keystring: string; readonly sharedSecret: string; readonly redirectUris: readonly string[] };
  readonly 'tiktok-shop': { readonly appKey: string; readonly appSecret: string; readonly serviceId: string; readonly redirectUrl: string };
  readonly square: { readonly applicationId: string; readonly applicationSecret: string; readonly redirectUrl: string };
  readonly xero: { readonly clientId: string; readonly clientSecret: string; readonly redirectUris: readonly string[] };
  readonly quickbooks: { readonly clientId: string; readonly clientSecret: string; readonly redirectUris: readonly string[] };
}

/** The registrations for an Onramp web app served at `appOrigin` (callbacks at `/api/oauth/<provider>/callback`). */
export function sandboxRegistrations(appOrigin: string): Registrations {
  const callback = (provider: string) => `${appOrigin}/api/oauth/${provider}/callback`;
  return {
    amazon: {
      applicationId: 'amzn1.sp.solution.0nramp00-sand-b0x0-0000-000000000001',
      clientId: 'amzn1.application-oa2-client.onrampsandbox0001',
      clientSecret: 'amzn1.oa2-cs.v1.sandbox-amazon-client-secret',
      redirectUris: [callback('amazon')],
    },
    ebay: {
      clientId: 'OnrampSa-Onramp-PRD-0sandbox0-00000001',
      clientSecret: 'PRD-sandbox-ebay-client-secret',
      ruName: 'Onramp_Sandbox-OnrampSa-Onramp-abcdefg',
      acceptUrl: callback('ebay'),
      declineUrl: `${callback('ebay')}?declined=1`,
    },
    shopify: { clientId: 'sandbox-shopify-api-key', clientSecret: 'shpss_sandboxshopifysecret', redirectUris: [callback('shopify')] },
    etsy: { keystring: 'sandboxetsykeystring0001', sharedSecret: 'sandboxetsysharedsecret', redirectUris: [callback('etsy')] },
    'tiktok-shop': {
      appKey: '6sandboxtiktokkey',
      appSecret: 'sandbox-tiktok-app-secret',
      serviceId: '7300000000000000001',
      redirectUrl: callback('tiktok-shop'),
    },
    square: { applicationId: 'sq0idp-sandboxsquareapp', applicationSecret: 'sq0csp-sandbox-square-secret', redirectUrl: callback('square') },
    xero: { clientId: 'SANDBOXXEROCLIENTID0000000000001', clientSecret: 'sandbox-xero-client-secret', redirectUris: [callback('xero')] },
    quickbooks: { clientId: 'ABsandboxquickbooksclientid', clientSecret: 'sandbox-quickbooks-client-secret', redirectUris: [callback('quickbooks')] },
  };
}
