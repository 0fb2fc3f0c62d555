/** The QuickBooks sandbox's test facts (`SandboxFacts`): its consent's accepting button and Onramp's registered app. */
import type { SandboxFacts } from '../types.js';

export interface QuickbooksRegistration {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

export const QUICKBOOKS_FACTS = {
  id: 'quickbooks',
  accept: { decision: 'connect', label: 'Connect', choices: {} },
  registration: (callback: string): QuickbooksRegistration => ({ clientId: 'ABsandboxquickbooksclientid', clientSecret: 'sandbox-quickbooks-client-secret', redirectUris: [callback] }),
  appSecret: (r: QuickbooksRegistration) => ({ clientId: r.clientId, clientSecret: r.clientSecret }),
} as const satisfies SandboxFacts<QuickbooksRegistration>;
