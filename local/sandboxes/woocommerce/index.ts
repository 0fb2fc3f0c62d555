/**
 * WooCommerce sandbox: two self-hosted WordPress sites (docs/providers.md §8).
 *
 * - `woocommerce` (store URL `<sandbox origin>/woocommerce`): WordPress +
 *   WooCommerce. `/` is the shop's home page; `/wp-json/` the WordPress REST
 *   index; `/wp-json/wc/v3/system_status` and `/wp-json/wc/v3/orders` need a
 *   consumer key/secret (HTTP Basic, or `consumer_key`/`consumer_secret`
 *   query parameters); `/wc-auth/v1/authorize` is the app-authentication
 *   page that creates keys and POSTs them server-to-server to `callback_url`.
 * - `not-woocommerce` (`<sandbox origin>/not-woocommerce`): a WordPress site
 *   with the REST API switched off: its home page is HTML and every
 *   `/wp-json/…` (and `/wc-auth/…`) path is the theme's HTML 404 page.
 *
 * The behaviour follows WooCommerce's own code (`class-wc-auth.php`,
 * `class-wc-rest-authentication.php`): errors are WordPress REST errors
 * `{code, message, data: {status}}`; refused wc-auth requests are WordPress's
 * "Access denied" page with status 401.
 *
 * Fixture keys (all belong to the store owner, who can `manage_woocommerce`):
 * - `ck_sandbox_read` / `cs_sandbox_read`: permission `read`.
 * - `ck_sandbox_write` / `cs_sandbox_write`: permission `read_write`.
 * - `ck_sandbox_writeonly` / `cs_sandbox_writeonly`: permission `write` (cannot read).
 * Keys created by the wc-auth flow work with the permission granted.
 *
 * The sandbox plays an HTTPS store over plain HTTP, so Basic auth is accepted
 * (a real store accepts Basic only over HTTPS; over HTTP it wants OAuth 1.0a,
 * which this sandbox does not play).
 *
 * Grant controls (`controls`, `GrantControls` in `types.ts`):
 * - `revokeGrants()`: the store owner revoked the REST API keys
 *   (WooCommerce > Settings > Advanced > REST API > Revoke, which deletes
 *   them): every key there was until now, fixtures included, is unknown
 *   afterwards, so a request with it is anonymous and the route refuses it
 *   (401 `woocommerce_rest_cannot_view` "Sorry, you cannot list resources."
 *   on reads). Keys the wc-auth flow creates afterwards work. Returns how
 *   many keys went.
 * - `expireRefreshTokens()`: WooCommerce keys have no refresh token and do
 *   not expire (§8.3). Returns 0 and changes nothing.
 * - `failRefresh(mode)`: `error` makes the WooCommerce REST API (`/wc/…`
 *   routes, `system_status` among them) answer WordPress's fatal-error answer
 *   for REST requests, 500 `{code: "internal_server_error", message:
 *   "<p>There has been a critical error on this website.</p>…", data:
 *   {status: 500}, additional_errors: []}` (`WP_Fatal_Error_Handler` through
 *   `_json_wp_die_handler`); `timeout` stalls them `ctx.slowMs` first; `null`
 *   restores them.
 */
import { randomBytes } from 'node:crypto';
import { refreshFaults } from '../controls.js';
import { basicCredentials, escapeHtml as esc, html, jsonWith, redirect, safeEqual, withQuery } from '../http.js';
import type { ControlledSandbox, GrantControls, SandboxContext, SandboxFactory, SandboxRequest, SandboxResponse } from '../types.js';
import { WOOCOMMERCE_FACTS } from './facts.js';

export const WOO_STORE_HOST = 'woocommerce';
export const NOT_WOO_HOST = 'not-woocommerce';

type Permission = 'read' | 'write' | 'read_write';

interface ApiKey {
  readonly keyId: number;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly permissions: Permission;
  readonly description: string;
}

export const WOO_SANDBOX_KEYS: readonly { readonly consumerKey: string; readonly consumerSecret: string; readonly permissions: Permission }[] = Object.values(WOOCOMMERCE_FACTS.keys);

const STORE_NAME = 'Sandbox Store';
const WC_VERSION = '10.3.3';
const WP_VERSION = '6.8.3';
/** WooCommerce posts keys with a 60-second timeout (`post_consumer_data`). */
const CALLBACK_TIMEOUT_MS = 60_000;
/** WordPress nonces live 12–24 hours. */
const NONCE_TTL_MS = 24 * 60 * 60 * 1000;
const AUTH_PARAMS = ['app_name', 'user_id', 'return_url', 'callback_url', 'scope'] as const;
type AuthParams = Record<(typeof AUTH_PARAMS)[number], string>;

const SCOPE_LABEL: Record<Permission, string> = { read: 'Read', write: 'Write', read_write: 'Read/Write' };
/** What each scope allows, in WooCommerce's words (`get_permissions_in_scope`). */
const SCOPE_PERMISSIONS: Record<Permission, readonly string[]> = {
  read: ['View coupons', 'View customers', 'View orders and sales reports', 'View products'],
  write: ['Create webhooks', 'Create coupons', 'Create customers', 'Create orders', 'Create products'],
  read_write: ['Create webhooks', 'View and manage coupons', 'View and manage customers', 'View and manage orders and sales reports', 'View and manage products'],
};

const isPermission = (s: string): s is Permission => s === 'read' || s === 'write' || s === 'read_write';

function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** `wc_rand_hash()`: 40 hex characters. */
const randHash = () => randomBytes(20).toString('hex');

// ---------------------------------------------------------------------------
// HTML

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;background:#f0f0f1;color:#1e1e1e}
  main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #c3c4c7;border-radius:4px}
  h1{font-size:1.375rem;line-height:1.3;margin:0 0 1rem}
  .actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}
  button{font:inherit;padding:.625rem 1.25rem;border-radius:4px;border:1px solid #2271b1;cursor:pointer;min-height:44px}
  button[value=approve]{background:#2271b1;color:#fff}
  button[value=deny]{background:#fff;color:#2271b1}
  button:focus-visible,a:focus-visible{outline:3px solid #72aee6;outline-offset:2px}
  a{color:#2271b1}
  @media (max-width:420px){main{margin:0;border:0;border-radius:0;min-height:100vh}.actions button{flex:1 1 100%}}
`;

function page(title: string, inner: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${inner}</main></body></html>`
  );
}

/** WordPress's own page headers. */
const PAGE_HEADERS = { 'content-type': 'text/html; charset=UTF-8', 'x-frame-options': 'SAMEORIGIN' } as const;

/** WordPress's `wp_die()` page as WooCommerce's wc-auth uses it: title "Access denied", status 401. */
const accessDenied = (message: string) =>
  html(401, page('Access denied', `<h1>WooCommerce: Access denied</h1><p>${esc(`Error: ${message}.`)}</p>`), PAGE_HEADERS);

const notFoundPage = (siteName: string) =>
  html(404, page(`Page not found – ${siteName}`, `<h1>Page not found</h1><p>It looks like nothing was found at this location.</p>`), PAGE_HEADERS);

// ---------------------------------------------------------------------------
// REST

interface WpError {
  readonly code: string;
  readonly message: string;
  readonly status: number;
}

/** The WordPress REST API's own headers. */
const json = jsonWith({
  'content-type': 'application/json; charset=UTF-8',
  'x-robots-tag': 'noindex',
  'x-content-type-options': 'nosniff',
  'access-control-expose-headers': 'X-WP-Total, X-WP-TotalPages, Link',
});

const restError = (e: WpError) => json(e.status, { code: e.code, message: e.message, data: { status: e.status } });

const NO_ROUTE: WpError = { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', status: 404 };

/**
 * A PHP fatal error during a REST request: `WP_Fatal_Error_Handler` dies with
 * `internal_server_error`, which `_json_wp_die_handler` answers as JSON, 500.
 */
const criticalError = () =>
  json(500, {
    code: 'internal_server_error',
    message:
      '<p>There has been a critical error on this website.</p>' +
      '<p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>',
    data: { status: 500 },
    additional_errors: [],
  });

export const createWoocommerceSandbox: SandboxFactory = (ctx: SandboxContext): ControlledSandbox => {
  // WordPress's home URL carries no trailing slash.
  const storeUrl = ctx.sandboxUrl(`https://${WOO_STORE_HOST}/`).replace(/\/$/, '');
  const otherUrl = ctx.sandboxUrl(`https://${NOT_WOO_HOST}/`).replace(/\/$/, '');
  const keys = new Map<string, ApiKey>();
  const nonces = new Map<string, number>();
  let nextKeyId = 1;

  const addKey = (consumerKey: string, consumerSecret: string, permissions: Permission, description: string): ApiKey => {
    const key: ApiKey = { keyId: nextKeyId++, consumerKey, consumerSecret, permissions, description };
    keys.set(consumerKey, key);
    return key;
  };
  for (const k of WOO_SANDBOX_KEYS) addKey(k.consumerKey, k.consumerSecret, k.permissions, `Sandbox fixture (${k.permissions})`);

  const faults = refreshFaults(ctx);

  const orders: Record<string, unknown>[] = [sampleOrder(1001, 'processing', '24.99', '2026-01-05T10:15:00'), sampleOrder(1002, 'completed', '59.50', '2026-01-06T16:42:10')];

  // --- authentication (WC_REST_Authentication, HTTPS branch) -----------------

  /**
   * Basic auth (query parameters first, when both are present). An unknown
   * consumer key leaves the request anonymous (the route's own permission
   * check then refuses it); a known key with the wrong secret is an
   * authentication error.
   */
  function authenticate(req: SandboxRequest): { key?: ApiKey; error?: WpError } {
    let ck = req.query.get('consumer_key') ?? '';
    let cs = req.query.get('consumer_secret') ?? '';
    if (!ck || !cs) {
      ck = '';
      cs = '';
      const basic = basicCredentials(header(req, 'authorization'));
      if (basic) {
        ck = basic.id;
        cs = basic.secret;
      }
    }
    if (!ck || !cs) return {};
    const key = keys.get(ck);
    if (!key) return {};
    if (!safeEqual(key.consumerSecret, cs)) return { error: { code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.', status: 401 } };
    return { key };
  }

  /** `check_permissions`: the key's own read/write permission, before any route runs. */
  function checkKeyPermissions(key: ApiKey, method: string): WpError | undefined {
    switch (method) {
      case 'HEAD':
      case 'GET':
        return key.permissions === 'read' || key.permissions === 'read_write'
          ? undefined
          : { code: 'woocommerce_rest_authentication_error', message: 'The API key provided does not have read permissions.', status: 401 };
      case 'POST':
      case 'PUT':
      case 'PATCH':
      case 'DELETE':
        return key.permissions === 'write' || key.permissions === 'read_write'
          ? undefined
          : { code: 'woocommerce_rest_authentication_error', message: 'The API key provided does not have write permissions.', status: 401 };
      case 'OPTIONS':
        return undefined;
      default:
        return { code: 'woocommerce_rest_authentication_error', message: 'Unknown request method.', status: 401 };
    }
  }

  const cannotList: WpError = { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', status: 401 };

  async function rest(req: SandboxRequest, rawRoute: string): Promise<SandboxResponse> {
    const route = `/${rawRoute.replace(/^\/+|\/+$/g, '')}`;
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (route === '/') return isRead ? json(200, wpIndex(), { link: `<${storeUrl}/wp-json/>; rel="https://api.w.org/"` }) : restError(NO_ROUTE);

    let key: ApiKey | undefined;
    if (route.startsWith('/wc/') || route.startsWith('/wc-')) {
      const fault = await faults.answer(criticalError());
      if (fault) return fault;
      const auth = authenticate(req);
      if (auth.error) return restError(auth.error);
      key = auth.key;
      if (key) {
        const denied = checkKeyPermissions(key, req.method);
        if (denied) return restError(denied);
      }
    }

    if (route === '/wc/v3') return isRead ? json(200, namespaceIndex()) : restError(NO_ROUTE);
    if (route === '/wc/v3/system_status') {
      if (!isRead) return restError(NO_ROUTE);
      if (!key) return restError(cannotList);
      return json(200, systemStatus());
    }
    if (route === '/wc/v3/orders') {
      if (isRead) {
        if (!key) return restError(cannotList);
        return json(200, orders, { 'x-wp-total': String(orders.length), 'x-wp-totalpages': '1' });
      }
      if (req.method === 'POST') {
        if (!key) return restError({ code: 'woocommerce_rest_cannot_create', message: 'Sorry, you are not allowed to create resources.', status: 401 });
        let input: Record<string, unknown> = {};
        try {
          const parsed: unknown = req.body ? JSON.parse(req.body) : {};
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
        } catch {
          return restError({ code: 'rest_invalid_json', message: 'Invalid JSON body passed.', status: 400 });
        }
        const status = typeof input.status === 'string' ? input.status : 'pending';
        const order = sampleOrder(1001 + orders.length, status, '0.00', new Date(ctx.now()).toISOString().slice(0, 19));
        orders.push(order);
        return json(201, order, { location: `${storeUrl}/wp-json/wc/v3/orders/${String(order.id)}` });
      }
      return restError(NO_ROUTE);
    }
    return restError(NO_ROUTE);
  }

  function wpIndex() {
    return {
      name: STORE_NAME,
      description: 'A WooCommerce store for Onramp’s local sandbox',
      url: storeUrl,
      home: storeUrl,
      gmt_offset: '0',
      timezone_string: 'Europe/London',
      page_for_posts: 0,
      page_on_front: 0,
      show_on_front: 'posts',
      namespaces: ['oembed/1.0', 'wc/store', 'wc/store/v1', 'wc/v1', 'wc/v2', 'wc/v3', 'wc-admin', 'wc-analytics', 'wc-telemetry', 'wp/v2', 'wp-site-health/v1', 'wp-block-editor/v1'],
      authentication: [],
      routes: {
        '/': { namespace: '', methods: ['GET'], endpoints: [{ methods: ['GET'], args: {} }], _links: { self: [{ href: `${storeUrl}/wp-json/` }] } },
        '/wc/v3': { namespace: 'wc/v3', methods: ['GET'], endpoints: [{ methods: ['GET'], args: {} }], _links: { self: [{ href: `${storeUrl}/wp-json/wc/v3` }] } },
      },
      site_logo: 0,
      site_icon: 0,
      site_icon_url: '',
      _links: { help: [{ href: 'https://developer.wordpress.org/rest-api/' }] },
    };
  }

  function namespaceIndex() {
    const route = (path: string, methods: string[]) => ({ namespace: 'wc/v3', methods, endpoints: [{ methods, args: {} }], _links: { self: [{ href: `${storeUrl}/wp-json${path}` }] } });
    return {
      namespace: 'wc/v3',
      routes: {
        '/wc/v3': route('/wc/v3', ['GET']),
        '/wc/v3/orders': route('/wc/v3/orders', ['GET', 'POST']),
        '/wc/v3/system_status': route('/wc/v3/system_status', ['GET']),
      },
      _links: { up: [{ href: `${storeUrl}/wp-json/` }] },
    };
  }

  function systemStatus() {
    return {
      environment: {
        home_url: storeUrl,
        site_url: storeUrl,
        store_id: 'c0ffee00-sand-b0x0-0000-000000000001',
        version: WC_VERSION,
        log_directory: '/var/www/html/wp-content/uploads/wc-logs/',
        log_directory_writable: true,
        wp_version: WP_VERSION,
        wp_multisite: false,
        wp_memory_limit: 268435456,
        wp_debug_mode: false,
        wp_cron: true,
        language: 'en_GB',
        external_object_cache: null,
        server_info: 'nginx/1.27.0',
        php_version: '8.3.12',
        php_post_max_size: 67108864,
        php_max_execution_time: 60,
        php_max_input_vars: 1000,
        curl_version: '8.9.1, OpenSSL/3.0.13',
        suhosin_installed: false,
        max_upload_size: 67108864,
        mysql_version: '8.0.39',
        mysql_version_string: '8.0.39',
        default_timezone: 'UTC',
        fsockopen_or_curl_enabled: true,
        soapclient_enabled: true,
        domdocument_enabled: true,
        gzip_enabled: true,
        mbstring_enabled: true,
        remote_post_successful: true,
        remote_post_response: 200,
        remote_get_successful: true,
        remote_get_response: 200,
      },
      database: { wc_database_version: WC_VERSION, database_prefix: 'wp_', maxmind_geoip_database: '', database_tables: { woocommerce: {}, other: {} }, database_size: { data: 4.2, index: 1.3 } },
      active_plugins: [
        {
          plugin: 'woocommerce/woocommerce.php',
          name: 'WooCommerce',
          version: WC_VERSION,
          version_latest: WC_VERSION,
          url: 'https://woocommerce.com/',
          author_name: 'Automattic',
          author_url: 'https://woocommerce.com',
          network_activated: false,
        },
      ],
      inactive_plugins: [],
      dropins_mu_plugins: { dropins: [], mu_plugins: [] },
      theme: {
        name: 'Storefront',
        version: '4.6.1',
        version_latest: '4.6.1',
        author_url: 'https://woocommerce.com/',
        is_child_theme: false,
        is_block_theme: false,
        has_woocommerce_support: true,
        has_woocommerce_file: false,
        has_outdated_templates: false,
        overrides: [],
        parent_name: '',
        parent_version: '',
        parent_version_latest: '',
        parent_author_url: '',
      },
      settings: {
        api_enabled: true,
        force_ssl: false,
        // WooCommerce reports the symbol as the HTML entity get_woocommerce_currency_symbol() returns.
        currency: 'GBP',
        currency_symbol: '&pound;',
        currency_position: 'left',
        thousand_separator: ',',
        decimal_separator: '.',
        number_of_decimals: 2,
        geolocation_enabled: false,
        taxonomies: { external: 'external', grouped: 'grouped', simple: 'simple', variable: 'variable' },
        product_visibility_terms: { 'exclude-from-catalog': 'exclude-from-catalog', 'exclude-from-search': 'exclude-from-search', featured: 'featured', outofstock: 'outofstock' },
        woocommerce_com_connected: 'no',
        enforce_approved_download_directories: true,
        order_datastore: 'Automattic\\WooCommerce\\Internal\\DataStores\\Orders\\OrdersTableDataStore',
        HPOS_enabled: true,
        HPOS_sync_enabled: false,
        enabled_features: ['analytics', 'custom_order_tables', 'remote_logging'],
      },
      security: { secure_connection: true, hide_errors: true },
      pages: [
        { page_name: 'Shop base', page_id: '5', page_set: true, page_exists: true, page_visible: true, shortcode: '', block: '', shortcode_required: false, shortcode_present: false, block_present: false, block_required: false },
        { page_name: 'Cart', page_id: '6', page_set: true, page_exists: true, page_visible: true, shortcode: '[woocommerce_cart]', block: 'woocommerce/cart', shortcode_required: false, shortcode_present: false, block_present: true, block_required: true },
        { page_name: 'Checkout', page_id: '7', page_set: true, page_exists: true, page_visible: true, shortcode: '[woocommerce_checkout]', block: 'woocommerce/checkout', shortcode_required: false, shortcode_present: false, block_present: true, block_required: true },
        { page_name: 'My account', page_id: '8', page_set: true, page_exists: true, page_visible: true, shortcode: '[woocommerce_my_account]', block: '', shortcode_required: true, shortcode_present: true, block_present: false, block_required: false },
      ],
      post_type_counts: [
        { type: 'attachment', count: '12' },
        { type: 'page', count: '6' },
        { type: 'product', count: '8' },
      ],
    };
  }

  function sampleOrder(id: number, status: string, total: string, created: string): Record<string, unknown> {
    return {
      id,
      parent_id: 0,
      status,
      currency: 'GBP',
      version: WC_VERSION,
      prices_include_tax: true,
      date_created: created,
      date_created_gmt: created,
      date_modified: created,
      date_modified_gmt: created,
      discount_total: '0.00',
      discount_tax: '0.00',
      shipping_total: '0.00',
      shipping_tax: '0.00',
      cart_tax: '0.00',
      total,
      total_tax: '0.00',
      customer_id: 0,
      order_key: `wc_order_${randomBytes(7).toString('hex')}`,
      billing: { first_name: 'Sam', last_name: 'Sandbox', company: '', address_1: '1 Test Street', address_2: '', city: 'London', state: '', postcode: 'EC1A 1BB', country: 'GB', email: 'sam@example.com', phone: '' },
      shipping: { first_name: 'Sam', last_name: 'Sandbox', company: '', address_1: '1 Test Street', address_2: '', city: 'London', state: '', postcode: 'EC1A 1BB', country: 'GB', phone: '' },
      payment_method: 'cod',
      payment_method_title: 'Cash on delivery',
      transaction_id: '',
      customer_ip_address: '',
      customer_user_agent: '',
      created_via: 'checkout',
      customer_note: '',
      date_completed: status === 'completed' ? created : null,
      date_paid: status === 'pending' ? null : created,
      cart_hash: '',
      number: String(id),
      meta_data: [],
      line_items: [
        {
          id: id * 10 + 1,
          name: 'Sandbox T-shirt',
          product_id: 42,
          variation_id: 0,
          quantity: 1,
          tax_class: '',
          subtotal: total,
          subtotal_tax: '0.00',
          total,
          total_tax: '0.00',
          taxes: [],
          meta_data: [],
          sku: 'SANDBOX-TEE',
          price: Number(total),
          image: { id: '', src: '' },
          parent_name: null,
        },
      ],
      tax_lines: [],
      shipping_lines: [],
      fee_lines: [],
      coupon_lines: [],
      refunds: [],
      payment_url: `${storeUrl}/checkout/order-pay/${id}/`,
      is_editable: status === 'pending',
      needs_payment: status === 'pending',
      needs_processing: status === 'processing',
      currency_symbol: '£',
      _links: { self: [{ href: `${storeUrl}/wp-json/wc/v3/orders/${id}` }], collection: [{ href: `${storeUrl}/wp-json/wc/v3/orders` }] },
    };
  }

  // --- wc-auth (WC_Auth) ------------------------------------------------------

  /** `get_formatted_url`: URL-decoded, `https://` prepended when there is no scheme. */
  const formatUrl = (u: string) => {
    let url = u;
    try {
      url = decodeURIComponent(u.replace(/\+/g, ' '));
    } catch {
      // keep it as given
    }
    return url.includes('://') ? url : `https://${url}`;
  };

  const isLoopbackHttp = (u: URL) => u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);

  /** `make_validation`: all five parameters, scope, valid URLs, an SSL callback. Throws the message WooCommerce shows. */
  function validate(source: URLSearchParams): AuthParams {
    const data = {} as AuthParams;
    for (const name of AUTH_PARAMS) {
      // PHP reads `name[]=…` as an array (not a scalar) and keeps the last of repeated values.
      if (source.has(`${name}[]`)) throw new Error(`Invalid parameter ${name}`);
      const value = source.getAll(name).at(-1);
      if (!value || value === '0') throw new Error(`Missing parameter ${name}`);
      data[name] = value;
    }
    if (!isPermission(data.scope)) throw new Error(`Invalid scope ${data.scope}`);
    for (const name of ['return_url', 'callback_url'] as const) {
      const url = formatUrl(data[name]);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new Error(`The ${url} is not a valid URL`);
      }
      if (!parsed.hostname) throw new Error(`The ${url} is not a valid URL`);
    }
    const callback = new URL(formatUrl(data.callback_url));
    // The local app runs on plain http, so loopback http callbacks are allowed too.
    if (callback.protocol !== 'https:' && !isLoopbackHttp(callback)) throw new Error('The callback_url needs to be over SSL');
    return data;
  }

  function authorizePage(data: AuthParams): SandboxResponse {
    const scope = data.scope as Permission;
    const nonce = randHash();
    nonces.set(nonce, ctx.now() + NONCE_TTL_MS);
    const action = ctx.sandboxUrl(`https://${WOO_STORE_HOST}/wc-auth/v1/access_granted`);
    const hidden = [...AUTH_PARAMS.map((n) => [n, data[n]] as const), ['wc_auth_nonce', nonce] as const]
      .map(([n, v]) => `<input type="hidden" name="${n}" value="${esc(v)}">`)
      .join('');
    const appName = esc(data.app_name);
    const inner =
      `<h1>WooCommerce: ${appName} would like to connect to ${esc(STORE_NAME)}</h1>` +
      `<p>This will give &quot;${appName}&quot; <strong>${SCOPE_LABEL[scope]}</strong> access which will allow it to:</p>` +
      `<ul>${SCOPE_PERMISSIONS[scope].map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` +
      `<p>Logged in as <strong>admin</strong> (store owner).</p>` +
      `<form method="post" action="${esc(action)}" aria-label="Grant ${appName} access">${hidden}` +
      `<div class="actions"><button type="submit" name="decision" value="${WOOCOMMERCE_FACTS.accept.decision}">${esc(WOOCOMMERCE_FACTS.accept.label)}</button>` +
      `<button type="submit" name="decision" value="deny">Deny</button></div></form>`;
    return html(200, page(`WooCommerce › ${data.app_name} would like to connect to ${STORE_NAME}`, inner), PAGE_HEADERS);
  }

  async function accessGranted(data: AuthParams): Promise<SandboxResponse> {
    const scope = data.scope as Permission;
    const stamp = new Date(ctx.now()).toISOString().slice(0, 19).replace('T', ' ');
    const key = addKey(`ck_${randHash()}`, `cs_${randHash()}`, scope, `${data.app_name.slice(0, 170)} - API (${stamp})`);
    const consumerData = { key_id: key.keyId, user_id: data.user_id, consumer_key: key.consumerKey, consumer_secret: key.consumerSecret, key_permissions: key.permissions };
    try {
      // Server-to-server, loopback only (ctx.fetch). Redirects are not followed: anything but 200 fails.
      const res = await ctx.fetch(formatUrl(data.callback_url), {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=UTF-8' },
        body: JSON.stringify(consumerData),
        redirect: 'manual',
        signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status !== 200) throw new Error('An error occurred in the request and at the time were unable to send the consumer data');
    } catch (e) {
      keys.delete(key.consumerKey);
      return accessDenied(e instanceof Error ? e.message : String(e));
    }
    return redirect(withQuery(formatUrl(data.return_url), { success: '1', user_id: data.user_id }));
  }

  async function wcAuth(req: SandboxRequest, route: string): Promise<SandboxResponse> {
    // WooCommerce reads $_REQUEST: query and form body together.
    const params = new URLSearchParams(req.query);
    const isForm = (header(req, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
    if (req.method === 'POST' && isForm) for (const [k, v] of new URLSearchParams(req.body)) params.append(k, v);

    let data: AuthParams;
    try {
      data = validate(params);
    } catch (e) {
      return accessDenied((e as Error).message);
    }

    if (route === 'login') {
      // The sandbox's store owner is signed in: WooCommerce sends them straight on to authorize.
      const next = new URL(ctx.sandboxUrl(`https://${WOO_STORE_HOST}/wc-auth/v1/authorize`));
      for (const n of AUTH_PARAMS) next.searchParams.set(n, data[n]);
      return redirect(next.href);
    }
    // Like WooCommerce (which reads $_REQUEST), the routes answer whatever the method.
    if (route === 'authorize') return authorizePage(data);
    if (route === 'access_granted') {
      const nonce = params.get('wc_auth_nonce') ?? '';
      const expires = nonces.get(nonce);
      nonces.delete(nonce);
      if (expires === undefined || ctx.now() > expires) return accessDenied('Invalid nonce verification');
      const decision = params.get('decision');
      if (decision === 'deny' || decision === 'cancel') {
        return redirect(withQuery(formatUrl(data.return_url), { success: '0', user_id: data.user_id }));
      }
      if (decision !== WOOCOMMERCE_FACTS.accept.decision) return accessDenied('You do not have permission to access this page');
      return accessGranted(data);
    }
    return accessDenied('You do not have permission to access this page');
  }

  // --- pages --------------------------------------------------------------------

  const homePage = (siteName: string, siteUrl: string, shop: boolean) =>
    html(
      200,
      page(
        siteName,
        `<h1>${esc(siteName)}</h1>` +
          (shop
            ? `<p>Welcome to our shop. Browse the <a href="${esc(`${siteUrl}/shop/`)}">latest products</a>.</p>`
            : `<p>Just another WordPress site. The REST API is switched off here.</p>`),
      ),
      shop ? { ...PAGE_HEADERS, link: `<${storeUrl}/wp-json/>; rel="https://api.w.org/"` } : PAGE_HEADERS,
    );

  async function store(req: SandboxRequest): Promise<SandboxResponse> {
    const path = req.path;
    if (path === '/' || path === '/index.php') {
      const restRoute = req.query.get('rest_route');
      if (restRoute !== null) return rest(req, restRoute);
      return homePage(STORE_NAME, storeUrl, true);
    }
    if (path === '/wp-json' || path.startsWith('/wp-json/')) return rest(req, path.slice('/wp-json'.length));
    const auth = /^\/wc-auth\/v1\/([^/]+)\/?$/.exec(path);
    if (auth?.[1]) return wcAuth(req, auth[1].toLowerCase());
    return notFoundPage(STORE_NAME);
  }

  function notWoo(req: SandboxRequest): SandboxResponse {
    if (req.path === '/' || req.path === '/index.php') return homePage('Just a WordPress Site', otherUrl, false);
    return notFoundPage('Just a WordPress Site');
  }

  /* ---------------- test controls: revoke the REST API keys, fail REST calls (GrantControls) ---------------- */

  const controls: GrantControls = {
    // The store owner revoked the keys under WooCommerce > Settings > Advanced > REST API, which
    // deletes them: a request with one is anonymous from then on, as with any unknown key.
    revokeGrants() {
      const n = keys.size;
      keys.clear();
      return n;
    },
    // WooCommerce REST API keys have no refresh token and never expire (§8.3): nothing to run out.
    expireRefreshTokens: () => 0,
    failRefresh: (mode) => faults.set(mode),
  };

  return {
    id: 'woocommerce',
    controls,
    hosts: (host) => host === WOO_STORE_HOST || host === NOT_WOO_HOST,
    handle: async (req) => (req.host === NOT_WOO_HOST ? notWoo(req) : store(req)),
  };
};
