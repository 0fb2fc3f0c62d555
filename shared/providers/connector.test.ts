/**
 * One record per provider: a definition (data) and a connector (its calls),
 * keyed by the provider's id. Leaving out a piece a definition calls for
 * fails to compile; the `@ts-expect-error` lines below are checked by
 * `npm run typecheck`, which fails if any of them compiles.
 */
import { describe, expect, it } from 'vitest';
import { BOOKS } from './books.js';
import type { ConnectorOf } from './connector.js';
import { CONNECTORS } from './connectors.js';
import type { ebay } from './ebay/definition.js';
import { BOOKS_PLATFORM_IDS, PROVIDERS } from './index.js';
import type { OAuthCodeProvider } from './types.js';
import type { walmart } from './walmart/definition.js';
import type { woocommerce } from './woocommerce/definition.js';
import { xero } from './xero/definition.js';

describe('the provider records', () => {
  it('give every provider a connector with each piece its definition calls for, and no other', () => {
    for (const p of PROVIDERS) {
      const c = CONNECTORS[p.id] as { oauth?: unknown; keys?: unknown; check?: unknown };
      expect({ id: p.id, oauth: !!c.oauth, keys: !!c.keys, check: !!c.check }).toEqual({
        id: p.id,
        oauth: p.kind !== 'api-keys',
        keys: 'keys' in p && !!p.keys,
        check: (p.calendar as { checked?: true }).checked === true,
      });
    }
  });

  it('give every bookkeeping platform its chart call', () => {
    expect(Object.keys(BOOKS).sort()).toEqual([...BOOKS_PLATFORM_IDS].sort());
  });

  it('do not compile when a piece is left out', () => {
    // @ts-expect-error Walmart's calendar says its keys are checked daily: its connector must have `check`.
    const noCheck: ConnectorOf<typeof walmart> = { keys: CONNECTORS.walmart.keys };
    // @ts-expect-error WooCommerce takes keys: its connector must have `keys`.
    const noKeys: ConnectorOf<typeof woocommerce> = { check: CONNECTORS.woocommerce.check };
    // @ts-expect-error eBay connects by consent: its connector must have `oauth`.
    const noOAuth: ConnectorOf<typeof ebay> = {};
    // @ts-expect-error eBay's calendar does not say `checked`: a check it would never run is refused too.
    const extraCheck: ConnectorOf<typeof ebay> = { oauth: CONNECTORS.ebay.oauth, check: CONNECTORS.walmart.check };
    // @ts-expect-error Every provider needs its connector.
    const missing: typeof CONNECTORS = { ...CONNECTORS, amazon: undefined };
    // @ts-expect-error Every bookkeeping platform needs its books calls.
    const noBooks: typeof BOOKS = { xero: BOOKS.xero };
    const { calendar: _calendar, ...withoutCalendar } = xero;
    // @ts-expect-error A definition needs its expiry calendar.
    const noCalendar: OAuthCodeProvider = withoutCalendar;
    expect([noCheck, noKeys, noOAuth, extraCheck, missing, noBooks, noCalendar]).toHaveLength(7);
  });
});
