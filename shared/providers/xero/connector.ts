/**
 * Xero's calls (docs/providers.md §9): the standard code flow, and its
 * identity call: the organisations approved in this consent (the access
 * token names its authentication event); several make the seller choose.
 */
import { ConnectError } from '../../domain/errors.js';
import { jsonFrom } from '../../connectors/http.js';
import { bearer, codeFinishWith, urlFrom } from '../../connectors/oauth-code.js';
import type { xero } from './definition.js';

export { codeStart as start, codeRefresh as refresh } from '../../connectors/oauth-code.js';

type Xero = typeof xero;

/** A claim of a JWT's payload, read without verifying (the token came straight from the token endpoint). */
function jwtClaim(jwt: string, claim: string): string | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const value = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>)[claim];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export const finish = /* @__PURE__ */ codeFinishWith<Xero>(async (p, { http, tokens }) => {
  // Only the organisations approved in this consent: the access token names its authentication event.
  const authEventId = jwtClaim(tokens.accessToken, 'authentication_event_id');
  const url = `${urlFrom(p.identity.url, { api: p.apiUrl })}${authEventId ? `?authEventId=${encodeURIComponent(authEventId)}` : ''}`;
  const res = await http.fetch(url, { headers: bearer(tokens.accessToken) });
  const body = await jsonFrom(res, 'Xero connections');
  const list = (Array.isArray(body) ? body : []) as Record<string, any>[];
  const orgs = list
    .filter((c) => c.tenantType === 'ORGANISATION' && typeof c.tenantId === 'string')
    .map((c) => ({ id: String(c.tenantId), name: String(c.tenantName ?? c.tenantId), connectionId: String(c.id ?? '') }));
  if (orgs.length === 0) throw new ConnectError('provider_error', 'Xero consent covered no organisation');
  if (orgs.length > 1) return { id: '', label: '', details: [], choices: orgs };
  const org = orgs[0]!;
  return { id: org.id, label: org.name, details: [{ label: 'Xero organisation', value: org.name }] };
});
