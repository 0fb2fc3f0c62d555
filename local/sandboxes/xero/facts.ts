/** The Xero sandbox's test facts (`SandboxFacts`): its consent's accepting button and Onramp's registered app. */
import type { SandboxFacts } from '../types.js';

export interface XeroRegistration {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

export const XERO_FACTS = {
  id: 'xero',
  /** **Allow access**, with the first organisation (Demo Company (UK)) ticked as the page has it. */
  accept: { decision: 'allow', label: 'Allow access', choices: {} },
  registration: (callback: string): XeroRegistration => ({ clientId: 'SANDBOXXEROCLIENTID0000000000001', clientSecret: 'sandbox-xero-client-secret', redirectUris: [callback] }),
  appSecret: (r: XeroRegistration) => ({ clientId: r.clientId, clientSecret: r.clientSecret }),
} as const satisfies SandboxFacts<XeroRegistration>;
