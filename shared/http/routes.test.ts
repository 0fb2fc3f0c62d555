import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as z from '../runtime/zod.js';
import { matchRoute, PATH_PARAMS } from './routes.js';

describe('path parameters', () => {
  it('takes as an account id exactly what zod takes as a UUID', () => {
    const ids = [
      randomUUID(),
      randomUUID().toUpperCase(),
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      '01890a5d-ac96-774b-bcce-b302099a8057',
      'not-an-account',
      '',
      `${randomUUID()}x`,
      ` ${randomUUID()}`,
      '123e4567-e89b-02d3-a456-426614174000',
      '123e4567-e89b-12d3-7456-426614174000',
      '../accounts',
    ];
    for (const id of ids) expect(PATH_PARAMS.id.test(id), id).toBe(z.safeParse(z.uuid(), id).success);
  });

  it('takes as a provider a lowercase slug, and nothing that could leave the path', () => {
    for (const ok of ['amazon', 'tiktok-shop', 'woocommerce']) expect(PATH_PARAMS.provider.test(ok), ok).toBe(true);
    for (const bad of ['', 'Amazon', '-ebay', 'ebay/..', 'ebay%2F', 'a'.repeat(41), 'ebay\n']) expect(PATH_PARAMS.provider.test(bad), bad).toBe(false);
  });

  it('matches a request to its route and its parameters, or names the methods a path allows', () => {
    const id = randomUUID();
    expect(matchRoute('GET', `/api/accounts/${id}`)).toMatchObject({ route: { fn: 'accounts' }, params: { id } });
    expect(matchRoute('DELETE', '/api/catalog')).toEqual({ allowed: ['GET'] });
    expect(matchRoute('GET', '/api/nowhere')).toBeUndefined();
  });
});
