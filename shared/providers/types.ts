/**
 * What a provider is, as data. Each provider is one typed definition
 * (`<id>/definition.ts`, `satisfies ProviderDefinition`), discriminated by
 * how it connects; the catalog, account validation, views, web forms and
 * `npm run providers` are all derived from these definitions, and the
 * connection engine reads them. What data cannot say (its calls) is the
 * provider's connector (`<id>/connector.ts`, typed by `ConnectorOf` in
 * `connector.ts`), never an `if (provider === …)` branch.
 */

/** A marketplace an Amazon region connects (connecting a region connects all of them). */
export interface Marketplace {
  readonly domain: string;
  readonly country: string;
  readonly countryCode: string;
  readonly marketplaceId: string;
}

/** A region or market a provider is connected in, with its own endpoints where they differ. */
export interface Region {
  readonly id: string;
  readonly name: string;
  readonly marketplaces?: readonly Marketplace[];
  /** Per-region endpoints (Amazon's Seller Central and SP-API hosts, TikTok Shop's authorize host). */
  readonly urls?: Readonly<Record<string, string>>;
}

export type ChannelGroup = 'marketplace' | 'cart';

/** A field the seller enters about their store when creating the account. */
export interface AccountField {
  /** The name it is stored under in the account's fields. */
  readonly key: string;
  readonly label: string;
  readonly hint: string;
  readonly required: boolean;
  readonly inputType: 'text' | 'url';
  /** The pattern the value must match, and the sentence when it does not. */
  readonly pattern: RegExp;
  readonly message: string;
  /** Normalises what the seller typed before it is checked. */
  readonly normalise?: 'lowercase';
}

/** What the seller sees on the connect step. */
export interface ConnectCopy {
  readonly button: string;
  /** What will happen, in one or two sentences. */
  readonly explanation: string;
}

/** How the token request authenticates the app and carries its parameters. */
export type TokenRequestStyle =
  /** Form body, client id and secret in the body (RFC 6749 client_secret_post). */
  | 'form-body'
  /** Form body, client id and secret as HTTP Basic (client_secret_basic). */
  | 'form-basic'
  /** Form body, public client: client id only, PKCE verifier (Etsy). */
  | 'form-public'
  /** JSON body with the client id and secret (Square, Shopify). */
  | 'json-body'
  /** GET with the app key and secret in the query, answered in an envelope (TikTok Shop). */
  | 'get-query';

/** The first API call, which proves the connection and says who connected. */
export interface IdentityCall {
  readonly method: 'GET' | 'POST';
  /** URL template: `{api}` is the API base, `{shop}` the shop's host. */
  readonly url: string;
  readonly description: string;
}

/**
 * The expiry calendar's rules, from the provider's documented lifetimes: when
 * a connection lapses and when the scheduled refresher acts so that none does.
 */
export interface CalendarRules {
  /** The consent lapses this long after it was given, whatever is refreshed (Amazon's yearly authorisation). */
  readonly consentDays?: number;
  /** A refresh token lasts this long after it was issued or last used, when the answer does not say. */
  readonly refreshIdleDays?: number;
  /** Whether refreshing renews the refresh token's lifetime (rotating or rolling tokens). */
  readonly refreshRenews: boolean;
  /** Refresh a long-lived access token this many days before it expires (short ones are refreshed on use). */
  readonly accessAheadDays?: number;
  /**
   * Credentials with nothing to refresh (keys, a non-expiring token) are
   * checked once a day with the provider's cheapest authenticated call: the
   * connector must then have `check`.
   */
  readonly checked?: true;
}

/** The words a bookkeeping platform uses for what a connection posts to (Xero's organisation, QuickBooks' company). */
export interface BooksWords {
  readonly organisation: string;
  readonly organisations: string;
}

interface Common {
  readonly id: string;
  readonly name: string;
  readonly role: 'channel' | 'books';
  readonly group?: ChannelGroup;
  readonly beta?: boolean;
  /** Present when the seller must pick one; absent when the provider is global. */
  readonly regions?: readonly Region[];
  readonly accountFields: readonly AccountField[];
  readonly connect: ConnectCopy;
  readonly calendar: CalendarRules;
  /** Where the facts below come from (docs/providers.md sections). */
  readonly sources: readonly string[];
}

interface OAuthCommon extends Common {
  readonly tokenUrl: string;
  readonly tokenRequest: TokenRequestStyle;
  readonly scopes: readonly string[];
  readonly scopeSeparator: ' ' | ',';
  readonly pkce: 'S256' | 'none';
  /** Names of the callback's query parameters. */
  readonly callback: { readonly code: string; readonly state: string; readonly error: string; readonly extra?: readonly string[] };
  readonly identity: IdentityCall;
  /** The API base URL (global providers); regional ones put `api` in their region's urls. */
  readonly apiUrl?: string;
  /** The refresh grant must repeat the scopes (eBay). */
  readonly scopeOnRefresh?: boolean;
  /** The regions where the consent is offered, when not all of them (the others connect with keys). */
  readonly oauthRegions?: readonly string[];
  /** Keys as the other way to connect, where the provider still takes them. */
  readonly keys?: KeyConnect;
}

/** The standard authorization-code flow (eBay, Etsy, Square, Xero, QuickBooks). */
export interface OAuthCodeProvider extends OAuthCommon {
  readonly kind: 'oauth-code';
  readonly authorizeUrl: string;
  /** What the app sends as `redirect_uri`: its callback URL, or a registered name (eBay's RuName). */
  readonly redirectUri: 'callback-url' | 'registered-name';
  /** Books: the country whose tax rates Accounts & Taxes suggests for domestic sales. */
  readonly taxCountry?: string;
  /** Books: what a connection posts to, in the platform's words. */
  readonly words?: BooksWords;
  /**
   * Books, where `scopes` only read the chart: the scopes of a consent that
   * also lets Onramp add accounts to it, asked only when the seller presses
   * Reconnect with permission to add accounts (Xero's `accounting.settings`).
   */
  readonly writeScopes?: readonly string[];
}

/** Amazon's Seller Central consent: per-region consent host, `application_id`, `spapi_oauth_code`. */
export interface AmazonConsentProvider extends OAuthCommon {
  readonly kind: 'amazon-consent';
  readonly regions: readonly Region[];
  /** Path of the consent page on the region's Seller Central host. */
  readonly consentPath: string;
}

/** Shopify's install flow: per-shop host, HMAC-signed callback. */
export interface ShopifyInstallProvider extends OAuthCommon {
  readonly kind: 'shopify-install';
  readonly authorizePath: string;
  readonly apiVersion: string;
  /** How old a signed callback may be. */
  readonly hmacMaxAgeSeconds: number;
}

/** TikTok Shop's service authorization: per-market host, `service_id`, GET token call in an envelope. */
export interface TikTokShopProvider extends OAuthCommon {
  readonly kind: 'tiktok-shop';
  /** The refresh call, a GET like the token call. */
  readonly refreshUrl: string;
  readonly regions: readonly Region[];
}

/** A key the seller pastes on the connect step (Walmart's Client ID, WooCommerce's Consumer Secret). */
export interface KeyField {
  /** The name in the request body. */
  readonly key: 'clientId' | 'clientSecret' | 'consumerKey' | 'consumerSecret';
  /** The field's label, which is also its accessible name. */
  readonly label: string;
  /** A secret: typed into a password input, never shown back, not even in part. */
  readonly secret: boolean;
  /** What the value must look like (after trimming), and the sentence when it is missing or does not. */
  readonly pattern: RegExp;
  readonly message: string;
  /** Shown on the account page by its last four characters only (the key's id half, never a secret). */
  readonly showLastFour?: boolean;
}

/** How a keys provider connects: the keys, how the seller creates them, and one-click creation where the provider has it. */
export interface KeyConnect {
  readonly fields: readonly KeyField[];
  /** What the keys form says first, when keys are the other way to connect (the consent's explanation is the step's). */
  readonly explanation?: string;
  /** The regions where keys are offered, when not all of them. */
  readonly regions?: readonly string[];
  /**
   * The day after which the provider no longer takes these keys (YYYY-MM-DD,
   * the last day they work), in which regions (all when absent), and what the
   * form says from then on.
   */
  readonly retires?: { readonly after: string; readonly message: string; readonly regions?: readonly string[] };
  /** The calls that check the keys: absolute URLs, or paths on the seller's own store. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Short, numbered steps for creating the keys, in the provider's own menu names. */
  readonly steps: readonly string[];
  /** WooCommerce's app-authentication endpoint: the store creates the keys and posts them to us. */
  readonly automatic?: {
    readonly button: string;
    readonly explanation: string;
    /** Path of the authorize page on the store. */
    readonly authorizePath: string;
    /** The name the store shows the merchant, and the permission asked for. */
    readonly appName: string;
    readonly scope: 'read';
  };
}

/** Keys the seller pastes (Walmart, WooCommerce). */
export interface ApiKeysProvider extends Common {
  readonly kind: 'api-keys';
  readonly keys: KeyConnect;
}

export type OAuthProviderDefinition = OAuthCodeProvider | AmazonConsentProvider | ShopifyInstallProvider | TikTokShopProvider;
export type ProviderDefinition = OAuthProviderDefinition | ApiKeysProvider;
export type ConnectKind = ProviderDefinition['kind'];
/** A provider that takes keys, as its way to connect or as the other one. */
export type KeysProviderDefinition = ProviderDefinition & { readonly keys: KeyConnect };
