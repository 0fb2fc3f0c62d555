/** How a provider connects in a region on a day: by consent, with keys, or both, and keys the provider retired. */
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from './index.js';
import type { ProviderDefinition } from './types.js';
import { retiredAt, waysOf, type WaysOfProvider } from './ways.js';

const NOW = new Date('2026-12-06T12:00:00.000Z');
const both: WaysOfProvider = {
  kind: 'oauth-code',
  oauthRegions: ['US'],
  keys: { regions: ['US', 'MX'], retires: { after: '2027-04-30', message: 'Keys were retired.', regions: ['US'] } },
};

describe('the ways a provider connects', () => {
  it('are by consent alone for a consent provider, and by keys alone for a keys provider', () => {
    for (const p of PROVIDERS) {
      expect(waysOf(p as ProviderDefinition, 'regions' in p && p.regions ? p.regions[0]!.id : null, NOW)).toEqual({ oauth: p.kind !== 'api-keys', keys: 'keys' in p && !!p.keys });
    }
  });

  it('offer consent and keys where both are taken, and keys alone where consent is not', () => {
    expect(waysOf(both, 'US', NOW)).toEqual({ oauth: true, keys: true });
    expect(waysOf(both, 'MX', NOW)).toEqual({ oauth: false, keys: true });
    expect(waysOf(both, null, NOW)).toEqual({ oauth: false, keys: false });
  });

  it('take keys through the last day they work (read in UTC), and say they were retired from the next', () => {
    expect(retiredAt('2027-04-30', new Date('2027-04-30T23:59:59.999Z'))).toBe(false);
    expect(retiredAt('2027-04-30', new Date('2027-05-01T00:00:00.000Z'))).toBe(true);
    const after = new Date('2027-05-01T00:00:00.000Z');
    expect(waysOf(both, 'US', after)).toEqual({ oauth: true, keys: false, keysRetired: 'Keys were retired.' });
    // Retired in the regions named only: elsewhere keys are still the way.
    expect(waysOf(both, 'MX', after)).toEqual({ oauth: false, keys: true });
  });
});
