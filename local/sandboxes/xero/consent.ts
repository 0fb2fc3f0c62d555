/** The Xero sandbox's authorize request and consent page on `login.xero.com`: validation, the page, the seller's decision. */
import { randomUUID } from 'node:crypto';
import { escapeHtml as esc, redirect, withQuery } from '../http.js';
import type { SandboxResponse } from '../types.js';
import { API_SCOPE, AUTHORIZE_URL, CODE_TTL_MS, errorPage, OIDC_SCOPES, page, randomHex, SCENARIOS, type AuthRequest, type Scenario, type XeroState } from './common.js';
import { XERO_FACTS } from './facts.js';
import { DEMO, XERO_SANDBOX_TENANTS, XERO_SANDBOX_USER } from './organisations.js';

export function xeroConsent(s: XeroState) {
  const { ctx, codes, connections, reg } = s;


  function validate(p: URLSearchParams): AuthRequest | string {
    const clientId = p.get('client_id');
    if (!clientId) return 'unauthorized_client: client_id is missing';
    if (clientId !== reg().clientId) return 'unauthorized_client: Unknown client or client not enabled';
    const redirectUri = p.get('redirect_uri');
    if (!redirectUri) return 'invalid_request: redirect_uri is missing';
    if (!reg().redirectUris.includes(redirectUri)) return 'invalid_request: Invalid redirect_uri';
    const responseType = p.get('response_type');
    if (responseType !== 'code') return `unsupported_response_type: ${responseType ?? 'response_type is missing'}`;
    const scopes = (p.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (!scopes.length) return 'invalid_scope: scope is missing';
    const unknown = scopes.find((s) => !OIDC_SCOPES.has(s) && !API_SCOPE.test(s));
    if (unknown) return `invalid_scope: ${unknown}`;
    const codeChallenge = p.get('code_challenge') ?? undefined;
    if (codeChallenge !== undefined) {
      if ((p.get('code_challenge_method') ?? 'plain') !== 'S256') return 'invalid_request: code_challenge_method must be S256 (plain is not allowed)';
      if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) return 'invalid_request: code_challenge is not a base64url SHA-256 hash';
    }
    const state = p.get('state') ?? undefined;
    const nonce = p.get('nonce') ?? undefined;
    return { clientId, redirectUri, scopes, ...(state !== undefined ? { state } : {}), ...(codeChallenge ? { codeChallenge } : {}), ...(nonce !== undefined ? { nonce } : {}) };
  }

  const needsOrganisations = (scopes: readonly string[]) => scopes.some((s) => !OIDC_SCOPES.has(s));

  function consentPage(p: URLSearchParams, a: AuthRequest): SandboxResponse {
    const hidden = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce']
      .filter((n) => p.get(n) !== null)
      .map((n) => `<input type="hidden" name="${n}" value="${esc(p.get(n) ?? '')}">`);
    const orgs = needsOrganisations(a.scopes)
      ? `<input type="hidden" name="tenant_default" value="${esc(DEMO.tenantId)}">
<fieldset>
<legend>Organisations to connect</legend>
${XERO_SANDBOX_TENANTS.map(
  (t, i) => `<div class="choice"><input type="checkbox" id="tenant-${i}" name="tenant" value="${esc(t.tenantId)}"${i === 0 ? ' checked' : ''}><label for="tenant-${i}">${esc(t.tenantName)}</label></div>`,
).join('\n')}
</fieldset>`
      : '';
    const scopeList = a.scopes.map((s) => `<li>${esc(s)}</li>`).join('');
    return page(
      200,
      'Xero: Onramp wants access to your organisation',
      `<h1>Xero: allow Onramp to access your Xero data?</h1>
<p>Signed in as ${esc(XERO_SANDBOX_USER.givenName)} ${esc(XERO_SANDBOX_USER.familyName)} (${esc(XERO_SANDBOX_USER.email)}).</p>
<p>Onramp is asking for:</p>
<ul>${scopeList}</ul>
<form method="post" action="${esc(ctx.sandboxUrl(AUTHORIZE_URL))}">
${hidden.join('\n')}
${orgs}
<label for="scenario">Sandbox outcome</label>
<select id="scenario" name="scenario">
<option value="ok" selected>ok</option>
<option value="token_error">token_error</option>
<option value="token_slow">token_slow</option>
</select>
<div class="actions">
<button type="submit" name="decision" value="${XERO_FACTS.accept.decision}" class="primary">${esc(XERO_FACTS.accept.label)}</button>
<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
</div>
</form>`,
    );
  }

  function decide(form: URLSearchParams): SandboxResponse {
    const a = validate(form);
    if (typeof a === 'string') return errorPage(a);
    const decision = form.get('decision');
    if (decision === 'cancel') return redirect(withQuery(a.redirectUri, { error: 'access_denied', state: a.state }, 'append'));
    if (decision !== XERO_FACTS.accept.decision) return errorPage('The consent form was sent without a decision.');
    const scenario = (form.get('scenario') ?? 'ok') as Scenario;
    if (!SCENARIOS.includes(scenario)) return errorPage(`Unknown sandbox outcome: ${scenario}`);
    const authEventId = randomUUID();
    const now = ctx.now();
    if (needsOrganisations(a.scopes)) {
      const picked = form.getAll('tenant').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
      const chosen = picked.length ? picked : (form.get('tenant_default') ?? '').split(',').map((v) => v.trim()).filter(Boolean);
      if (!chosen.length) return errorPage('Select at least one organisation to connect.');
      const tenants = chosen.map((id) => XERO_SANDBOX_TENANTS.find((t) => t.tenantId === id));
      if (tenants.some((t) => !t)) return errorPage('You do not have access to one of the organisations selected.');
      for (const t of tenants) {
        if (!t) continue;
        const k = `${a.clientId} ${t.tenantId}`;
        const existing = connections.get(k);
        if (existing) {
          existing.authEventId = authEventId;
          existing.updated = now;
        } else {
          connections.set(k, { id: randomUUID(), clientId: a.clientId, tenantId: t.tenantId, tenantName: t.tenantName, authEventId, created: now, updated: now });
        }
      }
    }
    const code = randomHex(32);
    const sessionId = randomHex(16);
    codes.set(code, { ...a, expiresAt: now + CODE_TTL_MS, scenario, authEventId, authTime: now, sessionId, used: false });
    return redirect(withQuery(a.redirectUri, { code, scope: a.scopes.join(' '), state: a.state, session_state: `${randomHex(16)}.${randomHex(8)}` }, 'append'));
  }

  return { validate, consentPage, decide };
}
