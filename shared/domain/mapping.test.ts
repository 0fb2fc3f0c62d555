import { describe, expect, it } from 'vitest';
import { chartFromQuickbooks, chartFromXero } from './chart.js';
import { CATEGORIES, checkMapping, firstOfMonth, marketplaceCountries, suggestMapping } from './mapping.js';

const xero = chartFromXero(
  [
    { AccountID: 's', Code: '200', Name: 'Sales', Type: 'REVENUE', Status: 'ACTIVE' },
    { AccountID: 'old', Code: '201', Name: 'Sales (old)', Type: 'REVENUE', Status: 'ARCHIVED' },
    { AccountID: 'ship', Code: '210', Name: 'Shipping Income', Type: 'REVENUE', Status: 'ACTIVE' },
    { AccountID: 'fee', Code: '315', Name: 'Marketplace Selling Fees', Type: 'DIRECTCOSTS', Status: 'ACTIVE' },
    { AccountID: 'ad', Code: '400', Name: 'Advertising', Type: 'OVERHEADS', Status: 'ACTIVE' },
    { AccountID: 'vat', Code: '821', Name: 'Marketplace Collected VAT', Type: 'CURRLIAB', Status: 'ACTIVE' },
    { AccountID: 'clr', Code: '615', Name: 'Marketplace Clearing', Type: 'CURRENT', Status: 'ACTIVE' },
    { AccountID: 'bank', Code: '090', Name: 'Business Bank Account', Type: 'BANK', Status: 'ACTIVE' },
  ],
  [
    { TaxType: 'OUTPUT2', Name: '20% (VAT on Income)', EffectiveRate: 20, Status: 'ACTIVE' },
    { TaxType: 'ZERORATEDOUTPUT', Name: 'Zero Rated Income', EffectiveRate: 0, Status: 'ACTIVE' },
    { TaxType: 'NONE', Name: 'No VAT', EffectiveRate: 0, Status: 'ACTIVE' },
  ],
);

describe('suggestMapping', () => {
  it('suggests an active account of a fitting kind for every category, by name first', () => {
    const s = suggestMapping(xero, { channel: 'amazon', region: 'europe' }, 'GB', new Date('2026-11-27T12:00:00Z'));
    expect(Object.keys(s.accounts).sort()).toEqual(CATEGORIES.map((c) => c.id).sort());
    expect(s.accounts).toMatchObject({ sales: 's', shipping: 'ship', fees: 'fee', advertising: 'ad', collectedTax: 'vat', clearing: 'clr' });
    expect(Object.values(s.accounts)).not.toContain('old');
  });

  it('suggests UK VAT for the UK marketplace and zero-rated income for the EU ones, from the first of the month', () => {
    const s = suggestMapping(xero, { channel: 'amazon', region: 'europe' }, 'GB', new Date('2026-11-27T12:00:00Z'));
    expect(s.taxRates.GB).toBe('OUTPUT2');
    expect(s.taxRates.DE).toBe('ZERORATEDOUTPUT');
    expect(Object.keys(s.taxRates)).toHaveLength(8);
    expect(s.startDate).toBe('2026-11-01');
    expect(firstOfMonth(new Date('2027-01-31T23:00:00Z'))).toBe('2027-01-01');
  });

  it('gives channels without marketplaces one entry for all sales', () => {
    expect(marketplaceCountries({ channel: 'ebay', region: null })).toEqual([{ code: 'ALL', name: 'All sales' }]);
    expect(marketplaceCountries({ channel: 'tiktok-shop', region: 'UK' })).toEqual([{ code: 'GB', name: 'United Kingdom' }]);
  });
});

describe('checkMapping', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  const ok = suggestMapping(xero, { channel: 'ebay', region: null }, 'GB', now);

  it('accepts the suggestions', () => {
    expect(checkMapping(xero, { channel: 'ebay', region: null }, ok, 'Xero', now)).toEqual({});
  });

  it('names an archived account, one of the wrong kind, a missing rate and a future date', () => {
    const problems = checkMapping(xero, { channel: 'ebay', region: null }, { accounts: { ...ok.accounts, sales: 'old', advertising: 'bank' }, taxRates: {}, startDate: '2027-01-01' }, 'Xero', now);
    expect(problems['accounts.sales']).toMatch(/archived in Xero/);
    expect(problems['accounts.advertising']).toMatch(/does not fit advertising/);
    expect(problems['taxRates.ALL']).toMatch(/Choose a tax rate/);
    expect(problems.startDate).toMatch(/not in the future/);
  });
});

describe('chartFromQuickbooks', () => {
  it('sums a tax code\u2019s sales rates and keeps inactive accounts as inactive', () => {
    const chart = chartFromQuickbooks(
      [{ Id: '1', Name: 'Sales of Product Income', Classification: 'Revenue', AccountType: 'Income', Active: true }, { Id: '2', Name: 'PayPal (deleted)', Classification: 'Asset', AccountType: 'Bank', Active: false }],
      [{ Id: '10', Name: 'California', Active: true, SalesTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: 'a' } }, { TaxRateRef: { value: 'b' } }] } }],
      [{ Id: 'a', RateValue: 7.25 }, { Id: 'b', RateValue: 1 }],
    );
    expect(chart.taxRates[0]).toMatchObject({ id: '10', rate: 8.25 });
    expect(chart.accounts.find((a) => a.id === '2')).toMatchObject({ kind: 'bank', active: false });
  });
});
