/** QuickBooks Online's books calls (docs/providers.md §10): the chart of accounts and tax codes and rates, through its query endpoint. */
import { jsonFrom } from '../../connectors/http.js';
import { chartFromQuickbooks, type Chart } from '../../domain/chart.js';
import { ConnectError } from '../../domain/errors.js';
import type { ProviderHttp } from '../../ports/index.js';
import type { BooksConnector, BooksRef } from '../books.js';
import { quickbooksAccountType, quickbooksCreate } from './create.js';
import { quickbooks } from './definition.js';

async function chart(http: ProviderHttp, ref: BooksRef, accessToken: string): Promise<Chart> {
  const query = async (q: string, entity: string) => {
    const url = `${quickbooks.apiUrl}/v3/company/${encodeURIComponent(ref.identity)}/query?query=${encodeURIComponent(q)}&minorversion=75`;
    const res = await http.fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new ConnectError('expired', `api: QuickBooks answered ${res.status}`);
    }
    const body = await jsonFrom(res, `QuickBooks ${entity} query`);
    return ((body.QueryResponse ?? {})[entity] ?? []) as Record<string, any>[];
  };
  const [accounts, codes, rates] = await Promise.all([
    query('select * from Account where Active IN (true, false) MAXRESULTS 1000', 'Account'),
    query('select * from TaxCode MAXRESULTS 1000', 'TaxCode'),
    query('select * from TaxRate MAXRESULTS 1000', 'TaxRate'),
  ]);
  return chartFromQuickbooks(accounts, codes, rates);
}

export const quickbooksBooks: BooksConnector = { chart, accountType: quickbooksAccountType, create: quickbooksCreate };
