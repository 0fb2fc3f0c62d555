/** The Amazon sandbox's test facts (`SandboxFacts`): its consent's accepting controls and Onramp's registered app. */
import type { SandboxFacts } from '../types.js';

export interface AmazonRegistration {
  readonly applicationId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

export const AMAZON_FACTS = {
  id: 'amazon',
  /** The `agree` box must be ticked (its value is `yes`), then **Confirm**. */
  accept: { decision: 'confirm', label: 'Confirm', choices: { agree: 'yes' } },
  registration: (callback: string): AmazonRegistration => ({
    applicationId: 'amzn1.sp.solution.0nramp00-sand-b0x0-0000-000000000001',
    clientId: 'amzn1.application-oa2-client.onrampsandbox0001',
    clientSecret: 'amzn1.oa2-cs.v1.sandbox-amazon-client-secret',
    redirectUris: [callback],
  }),
  appSecret: (r: AmazonRegistration) => ({ clientId: r.clientId, clientSecret: r.clientSecret, applicationId: r.applicationId }),
} as const satisfies SandboxFacts<AmazonRegistration>;
