/** The QuickBooks sandbox's authorize request and consent page on `appcenter.intuit.com`: validation, the page, the seller's decision. */
import { escapeHtml as esc, redirect, withQuery } from '../http.js';
import type { SandboxResponse } from '../types.js';
import { AUTHORIZE_URL, base62, CODE_TTL_MS, COMPANY_SCOPES, errorPage, KNOWN_SCOPES, page, SCENARIOS, type AuthRequest, type QuickbooksState, type Scenario } from './common.js';
import { QUICKBOOKS_SANDBOX_COMPANY } from './company.js';
import { QUICKBOOKS_FACTS } from './facts.js';

export function quickbooksConsent(s: QuickbooksState) {
  const { ctx, codes, reg } = s;


  function validate(p: URLSearchParams): AuthRequest | string {
    const clientId = p.get('client_id');
    if (!clientId || clientId !== reg().clientId) return 'invalid_client: The client_id is missing or is not a registered app.';
    const redirectUri = p.get('redirect_uri');
    if (!redirectUri || !reg().redirectUris.includes(redirectUri)) return 'invalid_request: The redirect_uri is not one of the redirect URIs registered for this app.';
    if (p.get('response_type') !== 'code') return 'unsupported_response_type: response_type must be code.';
    const scopes = (p.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (!scopes.length) return 'invalid_scope: scope is missing.';
    const unknown = scopes.find((s) => !KNOWN_SCOPES.has(s));
    if (unknown) return `invalid_scope: ${unknown}`;
    const state = p.get('state');
    if (!state) return 'invalid_request: state is required.';
    return { clientId, redirectUri, scopes, state };
  }

  function consentPage(p: URLSearchParams, a: AuthRequest): SandboxResponse {
    const hidden = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state']
      .filter((n) => p.get(n) !== null)
      .map((n) => `<input type="hidden" name="${n}" value="${esc(p.get(n) ?? '')}">`);
    const company = a.scopes.some((s) => COMPANY_SCOPES.includes(s))
      ? `<p class="company">Company: <strong>${esc(QUICKBOOKS_SANDBOX_COMPANY.companyName)}</strong> (realm ${esc(QUICKBOOKS_SANDBOX_COMPANY.realmId)})</p>`
      : '';
    return page(
      200,
      'Intuit: connect Onramp to QuickBooks',
      `<h1>Intuit QuickBooks: connect Onramp to your company</h1>
${company}
<p>Onramp will be able to access:</p>
<ul>${a.scopes.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>
<form method="post" action="${esc(ctx.sandboxUrl(AUTHORIZE_URL))}">
${hidden.join('\n')}
<label for="scenario">Sandbox outcome</label>
<select id="scenario" name="scenario">
<option value="ok" selected>ok</option>
<option value="token_error">token_error</option>
<option value="token_slow">token_slow</option>
</select>
<div class="actions">
<button type="submit" name="decision" value="${QUICKBOOKS_FACTS.accept.decision}" class="primary">${esc(QUICKBOOKS_FACTS.accept.label)}</button>
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
    if (decision !== QUICKBOOKS_FACTS.accept.decision) return errorPage('The consent form was sent without a decision.');
    const scenario = (form.get('scenario') ?? 'ok') as Scenario;
    if (!SCENARIOS.includes(scenario)) return errorPage(`Unknown sandbox outcome: ${scenario}`);
    const now = ctx.now();
    const realmId = a.scopes.some((s) => COMPANY_SCOPES.includes(s)) ? QUICKBOOKS_SANDBOX_COMPANY.realmId : undefined;
    const code = `AB11${Math.floor(now / 1000)}${base62(36)}`;
    codes.set(code, { ...a, ...(realmId ? { realmId } : {}), expiresAt: now + CODE_TTL_MS, scenario, authTime: now, used: false });
    return redirect(withQuery(a.redirectUri, { code, state: a.state, realmId }, 'append'));
  }

  return { validate, consentPage, decide };
}
