import { describe, expect, it } from 'vitest';
import { toAccount } from './accounts.js';

const item = (extra: Record<string, unknown>) => ({
  id: 'a1',
  sellerId: 's1',
  name: 'Shop',
  channel: 'shopify',
  region: null,
  step: 'connect_channel',
  status: 'in_progress',
  version: 1,
  executionArn: null,
  connections: [],
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...extra,
});

describe('reading an account item', () => {
  it('reads the store fields kept under `fields`, whatever their names', () => {
    expect(toAccount(item({ fields: { shopDomain: 'a.myshopify.com', anyNewField: 'x' } })).fields).toEqual({ shopDomain: 'a.myshopify.com', anyNewField: 'x' });
  });

  it('reads the store fields of an item written before they were grouped, at the top level', () => {
    expect(toAccount(item({ shopDomain: 'a.myshopify.com' })).fields).toEqual({ shopDomain: 'a.myshopify.com' });
    expect(toAccount(item({ storeUrl: 'https://shop.example' })).fields).toEqual({ storeUrl: 'https://shop.example' });
  });

  it('takes no other top-level attribute for a store field, and prefers the grouped value', () => {
    expect(toAccount(item({ gsi1pk: 'ACCOUNT#a1', entity: 'account' })).fields).toEqual({});
    expect(toAccount(item({ storeUrl: 'https://old.example', fields: { storeUrl: 'https://new.example' } })).fields).toEqual({ storeUrl: 'https://new.example' });
  });
});
