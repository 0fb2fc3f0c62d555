/** The eBay sandbox's test facts (`SandboxFacts`): its consent's accepting button and Onramp's registered app. */
import type { SandboxFacts } from '../types.js';

export interface EbayRegistration {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The RuName: eBay's name for the app's redirect; the app sends it as `redirect_uri`. */
  readonly ruName: string;
  /** Where the RuName sends the browser when the seller agrees, and when they decline. */
  readonly acceptUrl: string;
  readonly declineUrl: string;
}

export const EBAY_FACTS = {
  id: 'ebay',
  accept: { decision: 'agree', label: 'I agree', choices: {} },
  registration: (callback: string): EbayRegistration => ({
    clientId: 'OnrampSa-Onramp-PRD-0sandbox0-00000001',
    clientSecret: 'PRD-sandbox-ebay-client-secret',
    ruName: 'Onramp_Sandbox-OnrampSa-Onramp-abcdefg',
    acceptUrl: callback,
    declineUrl: `${callback}?declined=1`,
  }),
  appSecret: (r: EbayRegistration) => ({ clientId: r.clientId, clientSecret: r.clientSecret, ruName: r.ruName }),
} as const satisfies SandboxFacts<EbayRegistration>;
