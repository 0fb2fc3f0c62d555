/** The Walmart sandbox's US OAuth 2.0 authorize request and consent page on `login.account.wal-mart.com` (docs/providers.md §7.2): validation, the page, the seller's decision. */
import { randomBytes } from 'node:crypto';
import { escapeHtml as esc, html, htmlDocument, isForm, redirect, STRICT_PAGE_HEADERS, withQuery } from '../http.js';
import type { SandboxRequest, SandboxResponse } from '../types.js';
import { CODE_TTL_MS, PENDING_TTL_MS, SCENARIOS, SELLER_SCOPES, WALMART_LOGIN_HOST, type Scenario, type WalmartAccess, type WalmartState } from './common.js';
import { WALMART_FACTS } from './facts.js';

/** The sandbox seller's store name, as the page shows it. */
const SELLER_NAME = 'Onramp Sandbox Goods';

const AREA_NAMES: Readonly<Record<string, string>> = {
  item: 'Items',
  price: 'Prices',
  lagtime: 'Lag time',
  inventory: 'Inventory',
  orders: 'Orders',
  returns: 'Returns',
  feeds: 'Feeds',
  reports: 'Reports',
  content: 'Content',
  fulfillment: 'Fulfillment',
};
const ACCESS_NAMES: Readonly<Record<WalmartAccess, string>> = { full_access: 'Full access', view_only: 'View only', no_access: 'No access' };

const SCENARIO_LABELS: Readonly<Record<Scenario, string>> = {
  ok: 'ok: normal authorization',
  token_error: 'token_error: the token endpoint answers this code with a 500',
  token_slow: 'token_slow: the token endpoint stalls before answering',
};

const STYLE = `
  :root { color-scheme: light; font-family: "Bogle", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; background: #f2f8fd; color: #2e2f32; }
  main { box-sizing: border-box; max-width: 32rem; margin: 0 auto; padding: 1.25rem 1rem 2rem; background: #fff; min-height: 100vh; }
  h1 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 1rem; }
  p, li { line-height: 1.5; }
  table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
  caption { text-align: left; padding-bottom: 0.5rem; line-height: 1.5; }
  th, td { text-align: left; padding: 0.4rem 0.25rem; border-bottom: 1px solid #e3e4e5; }
  .field { display: flex; flex-direction: column; gap: 0.35rem; margin: 1rem 0 1.25rem; }
  label { font-weight: 600; }
  select { font-size: 1rem; min-height: 44px; padding: 0 0.5rem; border: 1px solid #74767c; border-radius: 4px; background: #fff; color: inherit; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; }
  button { flex: 1 1 10rem; font-size: 1rem; font-weight: 700; min-height: 48px; border-radius: 24px; border: 2px solid #0071dc; cursor: pointer; }
  button.primary { background: #0071dc; color: #fff; }
  button.secondary { background: #fff; color: #0058ab; }
  .error { color: #b3231a; font-weight: 600; }
  :focus-visible { outline: 3px solid #2e2f32; outline-offset: 2px; }
`;

const page = (status: number, title: string, body: string): SandboxResponse => html(status, htmlDocument({ title, css: STYLE, body }), STRICT_PAGE_HEADERS);

/** A request Walmart would refuse: a 400 page and no form. */
const errorPage = (message: string): SandboxResponse =>
  page(
    400,
    'Authorization error – Walmart',
    `<h1>Walmart: Onramp cannot be authorized</h1>
<p class="error" role="alert">${esc(message)}</p>
<p>Return to the app that sent you here and try again.</p>`,
  );

interface AuthorizeRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
}

export function walmartConsent(s: WalmartState) {
  const { ctx, pending, codes, reg } = s;

  /** Checks `/authorize` as Walmart would; a string is the refusal. */
  function validate(q: URLSearchParams): AuthorizeRequest | string {
    const clientId = q.get('clientId');
    if (!clientId) return 'clientId is missing: this link does not name an app.';
    if (clientId !== reg().clientId) return 'Unknown clientId: no app is registered with this client ID.';
    const redirectUri = q.get('redirectUri');
    if (!redirectUri) return 'redirectUri is missing.';
    if (!reg().redirectUris.includes(redirectUri)) return 'The redirectUri is not registered for this app.';
    const responseType = q.get('responseType');
    if (responseType !== 'code') return `responseType must be code${responseType === null ? '' : `, not ${responseType}`}.`;
    const clientType = q.get('clientType');
    if (clientType === 'seller-ca' || clientType === 'seller-mx') {
      return `clientType ${clientType} is for another market: OAuth 2.0 here is for US sellers only (clientType=seller).`;
    }
    if (clientType !== 'seller') return `clientType must be seller${clientType === null ? '' : `, not ${clientType}`}.`;
    const state = q.get('state');
    if (!state) return 'state is missing.';
    const nonce = q.get('nonce');
    if (!nonce) return 'nonce is missing.';
    return { clientId, redirectUri, state, nonce };
  }

  function consentPage(a: AuthorizeRequest): SandboxResponse {
    const t = ctx.now();
    for (const [id, p] of pending) if (t - p.createdAt > PENDING_TTL_MS) pending.delete(id);
    const id = randomBytes(16).toString('base64url');
    pending.set(id, { ...a, createdAt: t });
    const action = ctx.sandboxUrl(`https://${WALMART_LOGIN_HOST}/authorize`);
    const rows = Object.entries(SELLER_SCOPES)
      .map(([area, level]) => `<tr><th scope="row">${esc(AREA_NAMES[area] ?? area)}</th><td>${esc(ACCESS_NAMES[level])}</td></tr>`)
      .join('\n');
    const options = SCENARIOS.map((o) => `<option value="${o}"${o === 'ok' ? ' selected' : ''}>${esc(SCENARIO_LABELS[o])}</option>`).join('');
    const body = `<h1>Walmart Marketplace: authorize Onramp</h1>
<p>Signed in to Seller Center as <strong>${esc(SELLER_NAME)}</strong> (Seller ID ${esc(WALMART_FACTS.sellerId)}).</p>
<table>
<caption>What Onramp asks to access in your Walmart seller account</caption>
<thead><tr><th scope="col">API area</th><th scope="col">Access</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<form method="post" action="${esc(action)}">
<input type="hidden" name="authorization_request" value="${esc(id)}">
<div class="field">
<label for="scenario">Sandbox outcome</label>
<select id="scenario" name="scenario">${options}</select>
</div>
<div class="actions">
<button type="submit" name="decision" value="${WALMART_FACTS.accept.decision}" class="primary">${esc(WALMART_FACTS.accept.label)}</button>
<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
</div>
</form>`;
    return page(200, 'Authorize Onramp – Walmart Marketplace', body);
  }

  function decide(req: SandboxRequest): SandboxResponse {
    if (!isForm(req)) return errorPage('The form was not submitted as application/x-www-form-urlencoded.');
    const form = new URLSearchParams(req.body);
    const id = form.get('authorization_request') ?? '';
    const p = pending.get(id);
    if (!p || ctx.now() - p.createdAt > PENDING_TTL_MS) return errorPage('This authorization request has expired. Start again from the app.');
    const decision = form.get('decision');
    if (decision === 'cancel') {
      pending.delete(id);
      // Walmart's denied-consent callback is unconfirmed (docs/providers.md §7.2, step 6):
      // this OAuth-style `error=access_denied` redirect is the sandbox's assumption.
      return redirect(withQuery(p.redirectUri, { error: 'access_denied', error_description: 'The seller cancelled the authorization', state: p.state }, 'append'));
    }
    if (decision !== WALMART_FACTS.accept.decision) return errorPage('Choose Authorize or Cancel.');
    const scenario = form.get('scenario') ?? 'ok';
    if (!(SCENARIOS as readonly string[]).includes(scenario)) return errorPage('Unknown sandbox outcome.');
    pending.delete(id);
    const code = randomBytes(24).toString('hex').toUpperCase();
    codes.set(code, {
      clientId: p.clientId,
      redirectUri: p.redirectUri,
      sellerId: WALMART_FACTS.sellerId,
      scenario: scenario as Scenario,
      expiresAt: ctx.now() + CODE_TTL_MS,
      used: false,
    });
    // The callback of §7.2 step 3: code, type=auth, clientId, sellerId, state.
    return redirect(withQuery(p.redirectUri, { code, type: 'auth', clientId: p.clientId, sellerId: WALMART_FACTS.sellerId, state: p.state }, 'append'));
  }

  /** `/authorize`: GET shows the page (or refuses the request), POST takes the seller's decision. */
  function authorize(req: SandboxRequest): SandboxResponse {
    if (req.method === 'GET') {
      const a = validate(req.query);
      return typeof a === 'string' ? errorPage(a) : consentPage(a);
    }
    if (req.method === 'POST') return decide(req);
    return { status: 405, headers: { allow: 'GET, POST' } };
  }

  return { authorize };
}
