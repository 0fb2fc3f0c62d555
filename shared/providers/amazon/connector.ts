/** Amazon's calls (docs/providers.md §1): Seller Central's consent and the Sellers API identity (`consent.ts`). */
import type { ConnectorOf } from '../connector.js';
import { amazonConsent } from './consent.js';
import type { amazon } from './definition.js';

export const amazonConnector: ConnectorOf<typeof amazon> = { oauth: amazonConsent };
