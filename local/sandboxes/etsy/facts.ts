/** The Etsy sandbox's test facts (`SandboxFacts`): its consent's accepting button and Onramp's registered app. */
import type { SandboxFacts } from '../types.js';

/** Etsy: the keystring is the client id; the shared secret goes only in `x-api-key` (`keystring:secret`). */
export interface EtsyRegistration {
  readonly keystring: string;
  readonly sharedSecret: string;
  readonly redirectUris: readonly string[];
}

export const ETSY_FACTS = {
  id: 'etsy',
  accept: { decision: 'grant', label: 'Grant access', choices: {} },
  registration: (callback: string): EtsyRegistration => ({ keystring: 'sandboxetsykeystring0001', sharedSecret: 'sandboxetsysharedsecret', redirectUris: [callback] }),
  appSecret: (r: EtsyRegistration) => ({ clientId: r.keystring, clientSecret: r.sharedSecret }),
} as const satisfies SandboxFacts<EtsyRegistration>;
