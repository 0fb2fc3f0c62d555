/** The expiry calendar and the health a seller reads from it. */
import { describe, expect, it } from 'vitest';
import { checkDueAt, expiryAfterConsent, expiryAfterRefresh, isChecked, refreshDueAt } from './calendar.js';
import { CHECKS } from '../providers/connectors.js';
import { consentRecord } from '../use-cases/health/record.js';
import { healthOf } from './health-status.js';
import type { ConnectionRecord } from './health.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY = 24 * 3600_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
const record = (over: Partial<ConnectionRecord>): ConnectionRecord => ({
  secretName: 'onramp/a/channel',
  provider: 'amazon',
  kind: 'channel',
  sellerId: 's',
  accountId: 'a',
  region: 'europe',
  fields: {},
  status: 'connected',
  generation: 1,
  connectedAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  ...over,
});

describe('the expiry calendar', () => {
  it('ends Amazon\u2019s consent 365 days after it was given, and no refresh moves it', () => {
    const e = expiryAfterConsent('amazon', { accessToken: 'a', refreshToken: 'r', accessTokenExpiresAt: at(1 / 24) }, NOW);
    expect(e.consentExpiresAt).toBe(at(365));
    expect(expiryAfterRefresh('amazon', { accessToken: 'b', refreshToken: 'r' }, new Date(at(100)), e).consentExpiresAt).toBe(at(365));
  });

  it('gives Xero\u2019s refresh token 60 days unused, renewed by each refresh', () => {
    const e = expiryAfterConsent('xero', { accessToken: 'a', refreshToken: 'r' }, NOW);
    expect(e.refreshTokenExpiresAt).toBe(at(60));
    expect(expiryAfterRefresh('xero', { accessToken: 'b', refreshToken: 's' }, new Date(at(10)), e).refreshTokenExpiresAt).toBe(at(70));
  });

  it('takes the lifetime the provider answers (QuickBooks\u2019 100 days, TikTok Shop\u2019s timestamp, eBay\u2019s 18 months) over its own', () => {
    expect(expiryAfterConsent('quickbooks', { accessToken: 'a', refreshToken: 'r', refreshTokenExpiresAt: at(100) }, NOW).refreshTokenExpiresAt).toBe(at(100));
    expect(expiryAfterConsent('tiktok-shop', { accessToken: 'a', refreshToken: 'r', refreshTokenExpiresAt: at(365) }, NOW).refreshTokenExpiresAt).toBe(at(365));
    const ebay = expiryAfterConsent('ebay', { accessToken: 'a', refreshToken: 'r', refreshTokenExpiresAt: at(547.5) }, NOW);
    // eBay's refresh does not renew its refresh token: the end stays where the consent put it.
    expect(expiryAfterRefresh('ebay', { accessToken: 'b', refreshToken: 'r' }, new Date(at(30)), ebay).refreshTokenExpiresAt).toBe(at(547.5));
  });

  it('refreshes every connection at least daily, a long-lived access token ahead of its end, and nothing that cannot refresh', () => {
    expect(refreshDueAt('xero', { status: 'connected', canRefresh: true, refreshTokenExpiresAt: at(60) }, NOW)).toBe(at(1));
    expect(refreshDueAt('tiktok-shop', { status: 'connected', canRefresh: true, accessTokenExpiresAt: at(0.5) }, NOW)).toBe(at(0.25));
    expect(refreshDueAt('shopify', { status: 'connected', canRefresh: false }, NOW)).toBeUndefined();
    expect(refreshDueAt('xero', { status: 'needs_reconnecting', canRefresh: true }, NOW)).toBeUndefined();
  });

  it('checks credentials that never expire (Walmart\u2019s and WooCommerce\u2019s keys, Shopify\u2019s offline token) a day on, and nothing that is refreshed instead', () => {
    for (const provider of ['walmart', 'woocommerce', 'shopify']) expect(checkDueAt(provider, { status: 'connected', canRefresh: false }, NOW)).toBe(at(1));
    // Shopify's expiring offline tokens are refreshed daily: the refresh is their check.
    expect(checkDueAt('shopify', { status: 'connected', canRefresh: true }, NOW)).toBeUndefined();
    expect(checkDueAt('walmart', { status: 'needs_reconnecting', canRefresh: false }, NOW)).toBeUndefined();
    // Square's refresh token does not expire either, but it is refreshed (weekly, and daily as the heartbeat).
    expect(checkDueAt('square', { status: 'connected', canRefresh: false }, NOW)).toBeUndefined();
  });

  it('has a check call for every provider it checks, and for no other', () => {
    expect(Object.keys(CHECKS).sort()).toEqual(['shopify', 'walmart', 'woocommerce']);
    for (const provider of Object.keys(CHECKS)) expect(isChecked(provider)).toBe(true);
  });

  it('records keys as Connected, expiring never, checked a day on; a permanent Shopify token likewise; an expiring one is refreshed instead', () => {
    const facts = { kind: 'channel' as const, sellerId: 's', accountId: 'a', region: 'US', fields: {}, now: NOW };
    const keys = { ...consentRecord({ ...facts, provider: 'walmart' }), secretName: 'onramp/a/channel', generation: 1 };
    expect(keys).toMatchObject({ status: 'connected', checkDueAt: at(1) });
    expect(keys).not.toHaveProperty('refreshDueAt');
    expect(healthOf(keys, new Date(at(1000)))).toMatchObject({ state: 'connected', expiresAt: null });
    expect(consentRecord({ ...facts, provider: 'shopify', tokens: { accessToken: 'shpat' } })).toMatchObject({ checkDueAt: at(1) });
    const expiring = consentRecord({ ...facts, provider: 'shopify', tokens: { accessToken: 'shpat', refreshToken: 'shprt', accessTokenExpiresAt: at(1 / 24) } });
    expect(expiring).not.toHaveProperty('checkDueAt');
    expect(expiring.refreshDueAt).toBeDefined();
  });
});

describe('connection health', () => {
  it('is Connected with no record, and with an end more than 14 days away', () => {
    expect(healthOf(undefined, NOW)).toMatchObject({ state: 'connected', expiresAt: null });
    expect(healthOf(record({ consentExpiresAt: at(15) }), NOW)).toMatchObject({ state: 'connected', expiresAt: at(15), reason: null });
  });

  it('is Expiring soon, with the date, within 14 days of the consent or refresh token running out', () => {
    const h = healthOf(record({ consentExpiresAt: at(10), refreshTokenExpiresAt: at(200) }), NOW);
    expect(h).toMatchObject({ state: 'expiring_soon', expiresAt: at(10) });
    expect(h.message).toBe(`The connection to Amazon runs out on ${at(10).slice(0, 10)}: press Reconnect before then to keep it working.`);
  });

  it('Needs reconnecting once the consent or refresh token has run out, saying which', () => {
    expect(healthOf(record({ consentExpiresAt: at(-1) }), NOW)).toMatchObject({ state: 'needs_reconnecting', reason: 'consent_expired' });
    expect(healthOf(record({ provider: 'ebay', refreshTokenExpiresAt: at(-1) }), NOW)).toMatchObject({
      state: 'needs_reconnecting',
      reason: 'refresh_token_expired',
      message: 'The sign-in Onramp holds for eBay has expired.',
    });
  });

  it('Needs reconnecting with the reason the provider gave, in one sentence', () => {
    expect(healthOf(record({ provider: 'xero', kind: 'books', status: 'needs_reconnecting', reason: 'consent_revoked' }), NOW).message).toBe("Onramp's access was revoked at Xero.");
    expect(healthOf(record({ provider: 'shopify', status: 'needs_reconnecting', reason: 'app_uninstalled' }), NOW).message).toBe('The Onramp app was uninstalled from your Shopify store.');
    expect(healthOf(record({ provider: 'woocommerce', status: 'needs_reconnecting', reason: 'keys_rotated' }), NOW).message).toBe(
      'The API keys Onramp holds for WooCommerce were changed or removed.',
    );
  });
});
