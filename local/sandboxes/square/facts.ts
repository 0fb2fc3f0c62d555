/** The Square sandbox's test facts (`SandboxFacts`): its consent's accepting button and Onramp's registered app. */
import type { SandboxFacts } from '../types.js';

export interface SquareRegistration {
  readonly applicationId: string;
  readonly applicationSecret: string;
  readonly redirectUrl: string;
}

export const SQUARE_FACTS = {
  id: 'square',
  accept: { decision: 'allow', label: 'Allow', choices: {} },
  registration: (callback: string): SquareRegistration => ({ applicationId: 'sq0idp-sandboxsquareapp', applicationSecret: 'sq0csp-sandbox-square-secret', redirectUrl: callback }),
  appSecret: (r: SquareRegistration) => ({ clientId: r.applicationId, clientSecret: r.applicationSecret }),
} as const satisfies SandboxFacts<SquareRegistration>;
