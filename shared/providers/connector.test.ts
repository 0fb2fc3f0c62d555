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
import { CHANNEL_CONNECT } from './registries.js';
import type { ebay } from './ebay/definition.js';
import { BOOKS_PLATFORM_IDS, PROVIDERS } from './index.js';
import type { OAuthCodeProvider } from './types.js';
import type { walmart } from './walmart/definition.js';
import type { woocommerce } from './woocommerce/definition.js';
import { xero } from './xero/definition.js';

describe('the provider records', () => {
  it('give every provider a connector with each piece its definition calls for, and no other', () => {
    for (const p of PROVIDERS) {
      const c = CONNECTORS[p.id] as { start?: unknown; finish?: unknown; refresh?: unknown; keys?: unknown; check?: unknown };
      expect({ id: p.id, start: !!c.start, finish: !!c.finish, refresh: !!c.refresh, keys: !!c.keys, check: !!c.check }).toEqual({
        id: p.id,
        start: p.kind !== 'api-keys',
        finish: p.kind !== 'api-keys',
        refresh: p.kind !== 'api-keys',
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
    // @ts-expect-error eBay connects by consent: its connector must have `start`, `finish` and `refresh`.
    const noOAuth: ConnectorOf<typeof ebay> = {};
    // @ts-expect-error Nor is a consent without its refresh a whole connector.
    const noRefresh: ConnectorOf<typeof ebay> = { start: CONNECTORS.ebay.start, finish: CONNECTORS.ebay.finish };
    // @ts-expect-error eBay's calendar does not say `checked`: a check it would never run is refused too.
    const extraCheck: ConnectorOf<typeof ebay> = { ...CONNECTORS.ebay, check: CONNECTORS.walmart.check };
    // @ts-expect-error A function's set of pieces must have the piece it is for, of every provider of its group.
    const noStart: (typeof CHANNEL_CONNECT)['ebay'] = {};
    // @ts-expect-error Every provider needs its connector.
    const missing: typeof CONNECTORS = { ...CONNECTORS, amazon: undefined };
    // @ts-expect-error Every bookkeeping platform needs its books calls.
    const noBooks: typeof BOOKS = { xero: BOOKS.xero };
    const { calendar: _calendar, ...withoutCalendar } = xero;
    // @ts-expect-error A definition needs its expiry calendar.
    const noCalendar: OAuthCodeProvider = withoutCalendar;
    expect([noCheck, noKeys, noOAuth, noRefresh, extraCheck, noStart, missing, noBooks, noCalendar]).toHaveLength(9);
  });
});
