/**
 * Amazon Selling Partner API sandbox (all regions), written from
 * docs/providers.md §1 (Amazon's own SP-API and Login with Amazon documentation):
 *
 * - the website-workflow consent page `/apps/authorize/consent` on every
 *   Seller Central host of §1.5, checking `application_id` (the SP-API app id,
 *   not the LWA client id), `state`, `redirect_uri` (registered; default the
 *   first registered) and carrying `version=beta` through;
 * - the callback `{redirect_uri}?state&selling_partner_id&spapi_oauth_code`
 *   (codes: 5 minutes, single use); Cancel returns
 *   `{redirect_uri}?state&error=access_denied` (Amazon's own format is
 *   unconfirmed, see §1.2);
 * - the LWA token endpoint `POST api.amazon.com/auth/o2/token` (form body,
 *   client credentials in the body), LWA's `{error_description, error}` errors;
 * - `GET /sellers/v1/marketplaceParticipations` on the three regional SP-API
 *   hosts, accepting only live access tokens granted for that region
 *   (`x-amz-access-token`), with SP-API's `{errors:[{code,message,details}]}`
 *   403 answers; each participation names the consenting seller's `storeName`
 *   (required in Amazon's model) and, as on Amazon, nothing names the selling
 *   partner id: only the unsigned callback carries it (§1.2, §1.4);
 * - two sandbox sellers: the scenario `other_seller` consents as the second,
 *   with its own merchant token and store name, so a test can tell two
 *   sellers apart by what the SP-API answers rather than by the redirect;
 * - the Appstore / Login-URI entry (§1.1): `appstoreLoginUrl()` gives the URL
 *   Amazon loads on the app's Login URI (`amazon_callback_uri`,
 *   `amazon_state`, `selling_partner_id`[, `version=beta`]); the app sends the
 *   browser back to `amazon_callback_uri?redirect_uri&amazon_state&state`,
 *   which redirects to the app's redirect URI with a code, as above.
 */
import { randomBytes } from 'node:crypto';
import { escapeHtml, html, htmlDocument, isForm, jsonWith, redirect, sleep, STRICT_PAGE_HEADERS, withQuery } from '../http.js';
import type { ControlledSandbox, GrantControls, SandboxContext, SandboxFactory, SandboxRequest, SandboxResponse } from '../types.js';
import { refreshFaults } from '../controls.js';
import { AMAZON_FACTS } from './facts.js';

type Region = 'na' | 'eu' | 'fe';

interface Marketplace {
  readonly id: string;
  readonly name: string;
  readonly countryCode: string;
  readonly defaultCurrencyCode: string;
  readonly defaultLanguageCode: string;
  readonly domainName: string;
}

const mp = (id: string, name: string, countryCode: string, defaultCurrencyCode: string, defaultLanguageCode: string): Marketplace => ({
  id,
  name,
  countryCode,
  defaultCurrencyCode,
  defaultLanguageCode,
  domainName: `www.${name.toLowerCase()}`,
});

/** Marketplace ids from docs/providers.md §1.5; names, currencies and languages as the Sellers API reports them. */
const MARKETPLACES = {
  US: mp('ATVPDKIKX0DER', 'Amazon.com', 'US', 'USD', 'en_US'),
  CA: mp('A2EUQ1WTGCTBG2', 'Amazon.ca', 'CA', 'CAD', 'en_CA'),
  MX: mp('A1AM78C64UM0Y8', 'Amazon.com.mx', 'MX', 'MXN', 'es_MX'),
  // The marketplace-ID page labels the UK "UK"; the API's marketplace object uses the ISO code GB (§1.5 notes).
  GB: mp('A1F83G8C2ARO7P', 'Amazon.co.uk', 'GB', 'GBP', 'en_GB'),
  DE: mp('A1PA6795UKMFR9', 'Amazon.de', 'DE', 'EUR', 'de_DE'),
  FR: mp('A13V1IB3VIYZZH', 'Amazon.fr', 'FR', 'EUR', 'fr_FR'),
  ES: mp('A1RKKUPIHCS9HS', 'Amazon.es', 'ES', 'EUR', 'es_ES'),
  IT: mp('APJ6JRA9NG5V4', 'Amazon.it', 'IT', 'EUR', 'it_IT'),
  NL: mp('A1805IZSGTT6HS', 'Amazon.nl', 'NL', 'EUR', 'nl_NL'),
  SE: mp('A2NODRKZP88ZB9', 'Amazon.se', 'SE', 'SEK', 'sv_SE'),
  PL: mp('A1C3SOZRARQ6R3', 'Amazon.pl', 'PL', 'PLN', 'pl_PL'),
  AE: mp('A2VIGQ35RCS4UG', 'Amazon.ae', 'AE', 'AED', 'en_AE'),
  SA: mp('A17E79C6D8DWNP', 'Amazon.sa', 'SA', 'SAR', 'ar_AE'),
  IN: mp('A21TJRUUN4KGV', 'Amazon.in', 'IN', 'INR', 'en_IN'),
  AU: mp('A39IBJ37TRP1C6', 'Amazon.com.au', 'AU', 'AUD', 'en_AU'),
  JP: mp('A1VC38T7YXB528', 'Amazon.co.jp', 'JP', 'JPY', 'ja_JP'),
  SG: mp('A19VAU5U5O7RUS', 'Amazon.sg', 'SG', 'SGD', 'en_SG'),
} as const;

const M = MARKETPLACES;
const NORTH_AMERICA: readonly Marketplace[] = [M.US, M.CA, M.MX];
const EUROPE: readonly Marketplace[] = [M.GB, M.DE, M.FR, M.ES, M.IT, M.NL, M.SE, M.PL];

interface SellerCentral {
  /** The SP-API region (endpoint) a consent on this host grants access to. */
  readonly region: Region;
  /** What the page calls it. */
  readonly label: string;
  /** The sandbox seller's marketplaces when consenting here. */
  readonly marketplaces: readonly Marketplace[];
}

/** Seller Central consent hosts (docs/providers.md §1.5 table). */
export const SELLER_CENTRAL_HOSTS: ReadonlyMap<string, SellerCentral> = new Map<string, SellerCentral>([
  ['sellercentral.amazon.com', { region: 'na', label: 'North America', marketplaces: NORTH_AMERICA }],
  ['sellercentral.amazon.ca', { region: 'na', label: 'North America', marketplaces: NORTH_AMERICA }],
  ['sellercentral.amazon.com.mx', { region: 'na', label: 'North America', marketplaces: NORTH_AMERICA }],
  ['sellercentral-europe.amazon.com', { region: 'eu', label: 'Europe', marketplaces: EUROPE }],
  ['sellercentral.amazon.nl', { region: 'eu', label: 'Europe', marketplaces: EUROPE }],
  ['sellercentral.amazon.se', { region: 'eu', label: 'Europe', marketplaces: EUROPE }],
  ['sellercentral.amazon.pl', { region: 'eu', label: 'Europe', marketplaces: EUROPE }],
  ['sellercentral.amazon.ae', { region: 'eu', label: 'United Arab Emirates', marketplaces: [M.AE] }],
  ['sellercentral.amazon.sa', { region: 'eu', label: 'Saudi Arabia', marketplaces: [M.SA] }],
  ['sellercentral.amazon.in', { region: 'eu', label: 'India', marketplaces: [M.IN] }],
  ['sellercentral.amazon.com.au', { region: 'fe', label: 'Australia', marketplaces: [M.AU] }],
  ['sellercentral.amazon.co.jp', { region: 'fe', label: 'Japan', marketplaces: [M.JP] }],
  ['sellercentral.amazon.sg', { region: 'fe', label: 'Singapore', marketplaces: [M.SG] }],
]);

const SP_API_HOSTS: ReadonlyMap<string, Region> = new Map<string, Region>([
  ['sellingpartnerapi-na.amazon.com', 'na'],
  ['sellingpartnerapi-eu.amazon.com', 'eu'],
  ['sellingpartnerapi-fe.amazon.com', 'fe'],
]);

const LWA_HOST = 'api.amazon.com';
const CONSENT_PATH = '/apps/authorize/consent';
const CONFIRM_PATH_PREFIX = '/apps/authorize/confirm/';
const TOKEN_PATH = '/auth/o2/token';
const PARTICIPATIONS_PATH = '/sellers/v1/marketplaceParticipations';

interface SandboxSeller {
  /** The merchant token the callback carries as `selling_partner_id`. */
  readonly sellingPartnerId: string;
  /** The name Seller Central shows for the signed-in seller. */
  readonly name: string;
  /** The store name the Sellers API reports in each participation. */
  readonly storeName: string;
}

/** The sandbox seller who consents by default: a stable merchant id and store name. */
export const AMAZON_SANDBOX_SELLER = { sellingPartnerId: 'A1SANDBOXSELLER', name: 'Onramp Sandbox Seller', storeName: 'Onramp Sandbox Store' } as const satisfies SandboxSeller;
/** The seller who consents in the `other_seller` scenario: another merchant token and store. */
export const AMAZON_SANDBOX_OTHER_SELLER = { sellingPartnerId: 'A2SECONDSELLER', name: 'Second Sandbox Seller', storeName: 'Second Sandbox Store' } as const satisfies SandboxSeller;

const CODE_TTL_MS = 5 * 60 * 1000;
/** How long an Appstore `amazon_state` stays usable (undocumented; the sandbox's choice). */
const AMAZON_STATE_TTL_MS = 10 * 60 * 1000;
const DEFAULT_ACCESS_TTL_S = 3600;
/** The seller must re-authorize every 365 days (§1.3); after that the refresh token stops working. */
const AUTHORIZATION_TTL_MS = 365 * 24 * 60 * 60 * 1000;
const GRANTLESS_SCOPES = new Set(['sellingpartnerapi::notifications', 'sellingpartnerapi::migration']);

const SCENARIOS = ['ok', 'token_error', 'token_slow', 'other_region', 'other_seller'] as const;
type Scenario = (typeof SCENARIOS)[number];
const SCENARIO_LABELS: Record<Scenario, string> = {
  ok: 'ok: normal authorization',
  token_error: 'token_error: the token endpoint answers this code with a 500',
  token_slow: 'token_slow: the token endpoint stalls before answering',
  other_region: 'other_region: the seller’s marketplaces are in another region',
  other_seller: `other_seller: ${AMAZON_SANDBOX_OTHER_SELLER.name} (merchant token ${AMAZON_SANDBOX_OTHER_SELLER.sellingPartnerId}) consents instead`,
};

interface Grant {
  readonly region: Region;
  readonly marketplaces: readonly Marketplace[];
  /** The seller who consented: the SP-API answers for them. */
  readonly seller: SandboxSeller;
}
interface CodeRecord extends Grant {
  readonly redirectUri: string;
  readonly scenario: Scenario;
  readonly expiresAt: number;
  used: boolean;
}
interface RefreshRecord extends Grant {
  readonly expiresAt: number;
}
interface AccessRecord {
  /** Undefined for a grantless (client_credentials) token: it acts for no seller. */
  readonly grant: Grant | undefined;
  readonly expiresAt: number;
}

// ---------------------------------------------------------------------------
// HTML

const STYLE = [
  'body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f3f3f3;color:#0f1111;line-height:1.5}',
  'main{box-sizing:border-box;max-width:36rem;margin:0 auto;padding:1.25rem;background:#fff;min-height:100vh}',
  'h1{font-size:1.375rem;margin:0 0 1rem}',
  '.note{background:#fef8e8;border-left:4px solid #c45500;padding:.5rem .75rem}',
  '.error{color:#b12704;font-weight:600;border-left:4px solid #b12704;padding:.25rem .75rem}',
  '.field{margin:1rem 0}',
  '.check{display:flex;gap:.5rem;align-items:flex-start}',
  '.check input{width:1.25rem;height:1.25rem;margin-top:.15rem;flex:none}',
  'label{font-weight:600}',
  'select{display:block;width:100%;font-size:1rem;padding:.5rem;margin-top:.25rem}',
  '.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}',
  'button{font-size:1rem;min-height:2.75rem;padding:.5rem 1.25rem;border-radius:.5rem;border:1px solid #888c8c;background:#fff;cursor:pointer}',
  'button[value=confirm]{background:#ffd814;border-color:#fcd200}',
  'button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #007185;outline-offset:2px}',
  'ul{padding-left:1.25rem}',
].join('');

function htmlPage(status: number, title: string, body: string): SandboxResponse {
  return html(status, htmlDocument({ title, css: STYLE, body }), STRICT_PAGE_HEADERS);
}

function errorPage(message: string): SandboxResponse {
  return htmlPage(
    400,
    'Authorization request refused – Amazon Seller Central',
    `<h1>Amazon Seller Central: this authorization request cannot be completed</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
<p>Return to the application that sent you here and try again.</p>`,
  );
}

// ---------------------------------------------------------------------------
// JSON

/** LWA and the SP-API label their JSON `application/json;charset=UTF-8`. */
const json = jsonWith({ 'content-type': 'application/json;charset=UTF-8' });

/** LWA errors: `{"error_description": …, "error": …}` (the order LWA writes them). */
const lwaError = (status: number, error: string, description: string): SandboxResponse =>
  json(status, { error_description: description, error }, { pragma: 'no-cache' });

/** SP-API errors: `{"errors":[{"code","message","details"}]}`, 403 with `x-amzn-ErrorType`. */
const spApiDenied = (details: string): SandboxResponse =>
  json(
    403,
    { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details }] },
    { 'x-amzn-errortype': 'AccessDeniedException', 'x-amzn-requestid': requestId() },
  );

// ---------------------------------------------------------------------------
// Helpers

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomAlnum(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length] ?? 'A';
  return out;
}
const requestId = (): string => {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const parseScenario = (value: string | null): Scenario => (SCENARIOS as readonly string[]).includes(value ?? '') ? (value as Scenario) : 'ok';

/** Where the `other_region` scenario puts the seller: Europe-endpoint hosts get North America, every other host Europe. */
const otherRegionMarketplaces = (region: Region): readonly Marketplace[] => (region === 'eu' ? NORTH_AMERICA : EUROPE);

// ---------------------------------------------------------------------------

interface AmazonStateRecord {
  readonly host: string;
  readonly beta: boolean;
  readonly expiresAt: number;
  used: boolean;
}

/** The Amazon sandbox, plus the Appstore entry Amazon itself starts (there is no Appstore page to click in the sandbox). */
export interface AmazonSandbox extends ControlledSandbox {
  /**
   * The URL Amazon loads on the app's Login URI after the seller authorizes on
   * the Appstore of `host` (default `sellercentral.amazon.com`): `loginUri` with
   * `amazon_callback_uri`, `amazon_state`, `selling_partner_id` and, for a
   * test (draft) workflow, `version=beta`.
   */
  appstoreLoginUrl(loginUri: string, options?: { readonly host?: string; readonly beta?: boolean }): string;
}

interface AuthorizeRequest {
  readonly host: string;
  readonly sellerCentral: SellerCentral;
  readonly state: string;
  readonly redirectUri: string;
  readonly beta: boolean;
}

export const createAmazonSandbox: SandboxFactory = (ctx: SandboxContext): AmazonSandbox => {
  const reg = ctx.registrations.amazon;
  const codes = new Map<string, CodeRecord>();
  const refreshTokens = new Map<string, RefreshRecord>();
  const accessTokens = new Map<string, AccessRecord>();
  const amazonStates = new Map<string, AmazonStateRecord>();

  const accessTtlSeconds = () => ctx.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TTL_S;

  /** Checks an authorize request the way Seller Central does; a string is the refusal. */
  function readAuthorize(host: string, params: URLSearchParams): AuthorizeRequest | string {
    const sellerCentral = SELLER_CENTRAL_HOSTS.get(host);
    if (!sellerCentral) return 'Unknown Seller Central host.';
    const applicationId = params.get('application_id') ?? '';
    if (!applicationId) return 'The application_id parameter is missing.';
    if (applicationId === reg.clientId)
      return `“${applicationId}” is a Login with Amazon client identifier, not a Selling Partner API application id (amzn1.sp.solution.…).`;
    if (applicationId !== reg.applicationId) return `No Selling Partner API application with id “${applicationId}” exists.`;
    const state = params.get('state') ?? '';
    if (!state) return 'The state parameter is missing.';
    const given = params.get('redirect_uri') ?? '';
    const redirectUri = given || reg.redirectUris[0];
    if (!redirectUri) return 'The application has no OAuth redirect URI registered.';
    if (!reg.redirectUris.includes(redirectUri)) return `The redirect_uri “${given}” is not one of the application’s registered OAuth redirect URIs.`;
    return { host, sellerCentral, state, redirectUri, beta: params.get('version') === 'beta' };
  }

  function consentPage(a: AuthorizeRequest, scenario: Scenario, agreeError: boolean): SandboxResponse {
    const action = ctx.sandboxUrl(`https://${a.host}${CONSENT_PATH}`);
    const hidden: [string, string][] = [
      ['application_id', reg.applicationId],
      ['state', a.state],
      ['redirect_uri', a.redirectUri],
      ...(a.beta ? ([['version', 'beta']] as [string, string][]) : []),
    ];
    const options = SCENARIOS.map(
      (s) => `<option value="${s}"${s === scenario ? ' selected' : ''}>${escapeHtml(SCENARIO_LABELS[s])}</option>`,
    ).join('\n');
    const marketplaces = a.sellerCentral.marketplaces.map((m) => `<li>${escapeHtml(m.name)}</li>`).join('');
    const body = `<h1>Amazon Seller Central: authorize Onramp</h1>
${a.beta ? '<p class="note">Test authorization of a draft application (<code>version=beta</code>).</p>' : ''}
${agreeError ? '<p class="error" id="agree-error" role="alert">Tick the box to authorize Onramp before you press Confirm.</p>' : ''}
<p>You are signed in to Seller Central (${escapeHtml(a.sellerCentral.label)}) as <strong>${escapeHtml(AMAZON_SANDBOX_SELLER.name)}</strong> (merchant token ${AMAZON_SANDBOX_SELLER.sellingPartnerId}).</p>
<p>Onramp is asking for access to your seller account data in this region:</p>
<ul>${marketplaces}</ul>
<form method="post" action="${escapeHtml(action)}">
${hidden.map(([n, v]) => `<input type="hidden" name="${n}" value="${escapeHtml(v)}">`).join('\n')}
<div class="field check">
<input type="checkbox" id="agree" name="agree" value="yes"${agreeError ? ' aria-invalid="true" aria-describedby="agree-error"' : ''}>
<label for="agree">I authorize Onramp to access my Amazon seller account</label>
</div>
<div class="field">
<label for="scenario">Sandbox outcome</label>
<select id="scenario" name="scenario">
${options}
</select>
</div>
<div class="actions">
<button type="submit" name="decision" value="${AMAZON_FACTS.accept.decision}">${escapeHtml(AMAZON_FACTS.accept.label)}</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`;
    return htmlPage(200, 'Authorize Onramp – Amazon Seller Central', body);
  }

  function handleConsent(req: SandboxRequest): SandboxResponse {
    if (req.method === 'GET') {
      const a = readAuthorize(req.host, req.query);
      return typeof a === 'string' ? errorPage(a) : consentPage(a, 'ok', false);
    }
    if (req.method !== 'POST') return { status: 405, headers: { allow: 'GET, POST' } };
    if (!isForm(req)) return errorPage('The form was not submitted as application/x-www-form-urlencoded.');
    const form = new URLSearchParams(req.body);
    const a = readAuthorize(req.host, form);
    if (typeof a === 'string') return errorPage(a);
    const scenario = parseScenario(form.get('scenario'));
    const decision = form.get('decision');
    if (decision === 'cancel') return redirect(withQuery(a.redirectUri, { state: a.state, error: 'access_denied' }));
    if (decision !== AMAZON_FACTS.accept.decision) return errorPage('Choose Confirm or Cancel.');
    if (!form.get('agree')) return consentPage(a, scenario, true);
    return callback(a.sellerCentral, a.redirectUri, a.state, scenario);
  }

  /** Issues a code and sends the browser to the app's redirect URI (§1.2). */
  function callback(sellerCentral: SellerCentral, redirectUri: string, state: string, scenario: Scenario): SandboxResponse {
    const code = `AN${randomAlnum(18)}`;
    const marketplaces = scenario === 'other_region' ? otherRegionMarketplaces(sellerCentral.region) : sellerCentral.marketplaces;
    const seller: SandboxSeller = scenario === 'other_seller' ? AMAZON_SANDBOX_OTHER_SELLER : AMAZON_SANDBOX_SELLER;
    codes.set(code, { region: sellerCentral.region, marketplaces, seller, redirectUri, scenario, expiresAt: ctx.now() + CODE_TTL_MS, used: false });
    return redirect(withQuery(redirectUri, { state, selling_partner_id: seller.sellingPartnerId, spapi_oauth_code: code }));
  }

  /** `amazon_callback_uri`: the app returns here from its Login URI with `amazon_state`, its own `state` and optionally `redirect_uri`. */
  function handleAppstoreConfirm(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'GET') return { status: 405, headers: { allow: 'GET' } };
    let applicationId: string;
    try {
      applicationId = decodeURIComponent(req.path.slice(CONFIRM_PATH_PREFIX.length));
    } catch {
      return errorPage('Malformed application id.');
    }
    if (applicationId !== reg.applicationId) return errorPage(`No Selling Partner API application with id “${applicationId}” exists.`);
    const amazonState = req.query.get('amazon_state') ?? '';
    const issued = amazonStates.get(amazonState);
    if (!issued || issued.used || issued.host !== req.host || ctx.now() >= issued.expiresAt)
      return errorPage('The amazon_state parameter is missing, unknown, expired or already used.');
    if (issued.beta && req.query.get('version') !== 'beta') return errorPage('This test authorization needs version=beta on the callback.');
    const params = new URLSearchParams(req.query);
    params.set('application_id', applicationId);
    const a = readAuthorize(req.host, params);
    if (typeof a === 'string') return errorPage(a);
    issued.used = true;
    return callback(a.sellerCentral, a.redirectUri, a.state, 'ok');
  }

  function issueAccessToken(grant: Grant | undefined): { token: string; expiresIn: number } {
    const token = `Atza|IwEBI${randomBytes(96).toString('base64url')}`;
    const expiresIn = accessTtlSeconds();
    accessTokens.set(token, { grant, expiresAt: ctx.now() + expiresIn * 1000 });
    return { token, expiresIn };
  }

  async function handleToken(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method !== 'POST') return json(405, { error_description: 'The HTTP method is not allowed; use POST.', error: 'invalid_request' }, { allow: 'POST' });
    if (!isForm(req)) return lwaError(400, 'invalid_request', 'The request has an invalid parameter : Content-Type must be application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body);
    const grantType = form.get('grant_type');
    if (!grantType) return lwaError(400, 'invalid_request', 'The request is missing a required parameter : grant_type');
    const clientId = form.get('client_id');
    if (!clientId) return lwaError(400, 'invalid_request', 'The request is missing a required parameter : client_id');
    if (clientId !== reg.clientId || form.get('client_secret') !== reg.clientSecret) return lwaError(401, 'invalid_client', 'Client authentication failed');

    if (grantType === 'authorization_code') {
      const code = form.get('code');
      if (!code) return lwaError(400, 'invalid_request', 'The request is missing a required parameter : code');
      const redirectUri = form.get('redirect_uri');
      if (!redirectUri) return lwaError(400, 'invalid_request', 'The request is missing a required parameter : redirect_uri');
      const found = codes.get(code);
      if (found?.scenario === 'token_slow') await sleep(ctx.slowMs);
      const record = codes.get(code);
      if (!record || record.used || ctx.now() >= record.expiresAt) return lwaError(400, 'invalid_grant', 'The request has an invalid grant parameter : code');
      if (record.scenario === 'token_error') return lwaError(500, 'ServerError', 'The authorization server encountered an unexpected error.');
      if (redirectUri !== record.redirectUri) return lwaError(400, 'invalid_grant', 'The request has an invalid grant parameter : redirect_uri');
      record.used = true;
      const grant: Grant = { region: record.region, marketplaces: record.marketplaces, seller: record.seller };
      const refreshToken = `Atzr|IwEBI${randomBytes(96).toString('base64url')}`;
      refreshTokens.set(refreshToken, { ...grant, expiresAt: ctx.now() + AUTHORIZATION_TTL_MS });
      const access = issueAccessToken(grant);
      return json(200, { access_token: access.token, refresh_token: refreshToken, token_type: 'bearer', expires_in: access.expiresIn }, { pragma: 'no-cache' });
    }

    if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token');
      if (!refreshToken) return lwaError(400, 'invalid_request', 'The request is missing a required parameter : refresh_token');
      const fault = await faults.answer(lwaError(500, 'ServerError', 'The authorization server encountered an unexpected error.'));
      if (fault) return fault;
      const record = refreshTokens.get(refreshToken);
      if (!record || ctx.now() >= record.expiresAt) return lwaError(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token');
      const access = issueAccessToken({ region: record.region, marketplaces: record.marketplaces, seller: record.seller });
      return json(200, { access_token: access.token, refresh_token: refreshToken, token_type: 'bearer', expires_in: access.expiresIn }, { pragma: 'no-cache' });
    }

    if (grantType === 'client_credentials') {
      const scope = form.get('scope');
      if (!scope) return lwaError(400, 'invalid_request', 'The request is missing a required parameter : scope');
      if (!GRANTLESS_SCOPES.has(scope)) return lwaError(400, 'invalid_scope', 'An unknown scope was requested');
      const access = issueAccessToken(undefined);
      return json(200, { access_token: access.token, scope, token_type: 'bearer', expires_in: access.expiresIn }, { pragma: 'no-cache' });
    }

    return lwaError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server');
  }

  function handleParticipations(req: SandboxRequest, region: Region): SandboxResponse | undefined {
    if (req.method !== 'GET') return undefined;
    const header = req.headers['x-amz-access-token'];
    const token = Array.isArray(header) ? header[0] : header;
    if (!token) return spApiDenied('');
    const record = accessTokens.get(token);
    if (!record) return spApiDenied('The access token you provided is revoked, malformed or invalid.');
    if (ctx.now() >= record.expiresAt) return spApiDenied('The access token you provided has expired.');
    // A grantless token acts for no seller, and a token is only good on its own region's endpoint.
    const grant = record.grant;
    if (!grant || grant.region !== region) return spApiDenied('');
    const payload = grant.marketplaces.map((marketplace) => ({
      marketplace: { ...marketplace },
      participation: { isParticipating: true, hasSuspendedListings: false },
      storeName: grant.seller.storeName,
    }));
    return json(200, { payload }, { 'x-amzn-requestid': requestId() });
  }

  /* ---------------- test controls: revoke a grant, run out refresh tokens, fail refreshes (GrantControls) ---------------- */

  const faults = refreshFaults(ctx);
  const controls: GrantControls = {
    revokeGrants() {
      const n = refreshTokens.size;
      refreshTokens.clear();
      for (const [token, record] of accessTokens) if (record.grant) accessTokens.delete(token);
      return n;
    },
    expireRefreshTokens() {
      for (const [token, record] of refreshTokens) refreshTokens.set(token, { ...record, expiresAt: ctx.now() });
      return refreshTokens.size;
    },
    failRefresh: (mode) => faults.set(mode),
  };

  return {
    id: 'amazon',
    controls,
    appstoreLoginUrl(loginUri, options = {}) {
      const host = options.host ?? 'sellercentral.amazon.com';
      if (!SELLER_CENTRAL_HOSTS.has(host)) throw new Error(`not a Seller Central host: ${host}`);
      const amazonState = randomBytes(24).toString('base64url');
      amazonStates.set(amazonState, { host, beta: options.beta ?? false, expiresAt: ctx.now() + AMAZON_STATE_TTL_MS, used: false });
      const url = new URL(loginUri);
      url.searchParams.set('amazon_callback_uri', ctx.sandboxUrl(`https://${host}${CONFIRM_PATH_PREFIX}${encodeURIComponent(reg.applicationId)}`));
      url.searchParams.set('amazon_state', amazonState);
      url.searchParams.set('selling_partner_id', AMAZON_SANDBOX_SELLER.sellingPartnerId);
      if (options.beta) url.searchParams.set('version', 'beta');
      return url.href;
    },
    hosts: (host) => SELLER_CENTRAL_HOSTS.has(host) || host === LWA_HOST || SP_API_HOSTS.has(host),
    async handle(req) {
      if (SELLER_CENTRAL_HOSTS.has(req.host)) {
        if (req.path === CONSENT_PATH) return handleConsent(req);
        if (req.path.startsWith(CONFIRM_PATH_PREFIX)) return handleAppstoreConfirm(req);
        return undefined;
      }
      if (req.host === LWA_HOST) return req.path === TOKEN_PATH ? handleToken(req) : undefined;
      const region = SP_API_HOSTS.get(req.host);
      if (region && req.path === PARTICIPATIONS_PATH) return handleParticipations(req, region);
      return undefined;
    },
  };
};
