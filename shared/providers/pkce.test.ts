/** PKCE is sent to exactly the providers the security docs say accept it, and their docs name each one. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OAUTH_PROVIDERS } from './index.js';

const section = (() => {
  const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
  const start = doc.indexOf('## PKCE');
  return doc.slice(start, doc.indexOf('\n## ', start + 1) === -1 ? undefined : doc.indexOf('\n## ', start + 1));
})();

describe('PKCE', () => {
  it('is sent to Etsy and Xero, the providers whose documentation accepts it beside a secret or requires it', () => {
    expect(OAUTH_PROVIDERS.filter((p) => p.pkce === 'S256').map((p) => p.id).sort()).toEqual(['etsy', 'xero']);
  });

  it('is accounted for in the security docs for every consent provider', () => {
    for (const p of OAUTH_PROVIDERS) expect(section, p.name).toContain(p.name.split(' ')[0]);
  });
});
