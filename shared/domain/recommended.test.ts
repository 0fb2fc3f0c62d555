import { describe, expect, it } from 'vitest';
import { chartFromXero } from './chart.js';
import { goodMatch, planAccounts, recommendAccounts, withGoodMatches } from './recommended.js';

const chart = (rows: Record<string, unknown>[]) => chartFromXero(rows, []);
const bare = chart([
  { AccountID: 's', Code: '200', Name: 'Sales', Type: 'REVENUE', Status: 'ACTIVE' },
  { AccountID: 'bank', Code: '090', Name: 'Business Bank Account', Type: 'BANK', Status: 'ACTIVE' },
  { AccountID: 'bf', Code: '404', Name: 'Bank Fees', Type: 'OVERHEADS', Status: 'ACTIVE' },
  { AccountID: 'etsy', Code: '405', Name: 'Etsy Fees', Type: 'OVERHEADS', Status: 'ACTIVE' },
  { AccountID: 'vat', Code: '820', Name: 'VAT', Type: 'CURRLIAB', Status: 'ACTIVE' },
  { AccountID: 'x', Code: '615', Name: 'Prepaid', Type: 'CURRENT', Status: 'ACTIVE' },
]);

describe('recommended accounts', () => {
  it('recommends an account for each line with no good match, named for the channel, with codes not in use', () => {
    expect(recommendAccounts(bare, 'Amazon', 'GB')).toEqual([
      { category: 'clearing', name: 'Amazon Clearing', code: '616', kind: 'asset' },
      { category: 'fees', name: 'Amazon Fees', code: '406', kind: 'expense' },
      { category: 'collectedTax', name: 'Marketplace Collected VAT', code: '821', kind: 'liability' },
    ]);
    expect(recommendAccounts(bare, 'eBay', 'US').map((r) => r.name)).toEqual(['eBay Clearing', 'eBay Fees', 'Marketplace Facilitator Tax']);
  });

  it('counts a bank account, bank fees, another channel\u2019s fees or the seller\u2019s own VAT as no good match', () => {
    for (const c of ['clearing', 'fees', 'collectedTax'] as const) expect(goodMatch(bare, c, 'Amazon', 'GB')).toBeUndefined();
    expect(goodMatch(bare, 'fees', 'Etsy', 'GB')?.id).toBe('etsy');
  });

  it('recommends nothing where the chart has good accounts, and suggests the one Onramp created by its name', () => {
    const full = chart([
      ...[{ AccountID: 'mc', Code: '600', Name: 'Marketplace Clearing', Type: 'CURRENT', Status: 'ACTIVE' }],
      { AccountID: 'ac', Code: '616', Name: 'amazon clearing', Type: 'CURRENT', Status: 'ACTIVE' },
      { AccountID: 'sf', Code: '315', Name: 'Marketplace Selling Fees', Type: 'DIRECTCOSTS', Status: 'ACTIVE' },
      { AccountID: 'mv', Code: '821', Name: 'Marketplace Collected VAT', Type: 'CURRLIAB', Status: 'ACTIVE' },
    ]);
    expect(recommendAccounts(full, 'Amazon', 'GB')).toEqual([]);
    expect(withGoodMatches({ clearing: 'mc', sales: 's' }, full, 'Amazon', 'GB')).toEqual({ clearing: 'ac', sales: 's', fees: 'sf', collectedTax: 'mv' });
  });

  it('ignores archived accounts as matches but keeps their codes and names out of the plan', () => {
    const archived = chart([{ AccountID: 'old', Code: '616', Name: 'Amazon Clearing', Type: 'CURRENT', Status: 'ARCHIVED' }]);
    expect(goodMatch(archived, 'clearing', 'Amazon', 'GB')).toBeUndefined();
    expect(planAccounts(archived, 'Amazon', 'GB', { categories: ['clearing'] })).toEqual([{ category: 'clearing', name: 'Amazon Clearing', code: '616', kind: 'asset' }]);
    expect(planAccounts(chart([{ AccountID: 'o', Code: '615', Name: 'Other', Type: 'CURRENT', Status: 'ARCHIVED' }]), 'Amazon', 'GB', { categories: ['clearing'] })[0]?.code).toBe('616');
  });
});
