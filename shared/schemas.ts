/**
 * zod schemas for every request and response of the API, shared with the web
 * app so both sides agree on every shape. Messages are written for sellers.
 */
import * as z from './zod.js';
import { BOOKS_PLATFORMS, BOOKS_PLATFORM_IDS, CHANNEL_GROUPS, CHANNEL_IDS, findChannel, findRegion, type ChannelId } from './catalog.js';
import { CATEGORIES, type CategoryId } from './books/mapping.js';
import { CHANNEL_PROVIDERS } from './providers/index.js';
import type { AccountField } from './providers/types.js';
import { ACCOUNT_EVENT_TYPES } from './model.js';
import { plainText } from './text.js';
import { KEY_FIELD_KEYS, keysFormView, pastedKey } from './key-schemas.js';
import type { KeyField } from './providers/types.js';
import { SETUP_STATUSES, SETUP_STEPS } from './wizard.js';
import { HEALTH_STATES, RECONNECT_REASONS } from './health/model.js';

export * from './auth-schemas.js';

/** The store fields any provider may ask for (each provider says which it takes). */
const ACCOUNT_FIELD_KEYS = [...new Set(CHANNEL_PROVIDERS.flatMap((p) => p.accountFields.map((f) => f.key)))] as AccountField['key'][];

const accountFields = z.strictObject({
  name: plainText(
    z.string({ error: 'Give the account a name.' }).check(
      z.trim(),
      z.minLength(1, { error: 'Give the account a name, like "Amazon EU".' }),
      z.maxLength(60, { error: 'Use at most 60 characters for the account name.' }),
    ),
    'the account name',
  ),
  channel: z.enum(CHANNEL_IDS, { error: 'Choose one of the sales channels we offer.' }),
  region: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))),
  ...Object.fromEntries(ACCOUNT_FIELD_KEYS.map((k) => [k, z.optional(z.string().check(z.trim(), z.maxLength(2048)))])),
} as { name: z.ZodMiniString<string>; channel: z.ZodMiniEnum<{ [K in ChannelId]: K }>; region: z.ZodMiniOptional<z.ZodMiniString<string>> } & Record<AccountField['key'], z.ZodMiniOptional<z.ZodMiniString<string>>>);

export const createAccountRequest = z
  .pipe(
    accountFields,
    z.transform((req) => {
      // Normalise each field as its provider says, before it is checked.
      const provider = findChannel(req.channel);
      const out: Record<string, unknown> = { ...req };
      for (const f of provider?.accountFields ?? []) {
        const v = out[f.key];
        if (typeof v === 'string' && f.normalise === 'lowercase') out[f.key] = v.toLowerCase();
      }
      return out as typeof req;
    }),
  )
  .check(
    z.superRefine((req, ctx) => {
      const provider = findChannel(req.channel);
      if (!provider) return;
      if (provider.regions) {
        const names = provider.regions.map((r) => r.name).join(', ');
        if (req.region === undefined) {
          ctx.addIssue({ code: 'custom', path: ['region'], message: `Choose where you sell on ${provider.name}: ${names}.` });
        } else if (!findRegion(provider, req.region)) {
          ctx.addIssue({
            code: 'custom',
            path: ['region'],
            message: `${provider.name} is not supported in "${req.region}" yet. Choose one of: ${names}.`,
          });
        }
      } else if (req.region !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['region'], message: `${provider.name} does not take a region.` });
      }
      for (const key of ACCOUNT_FIELD_KEYS) {
        const field = provider.accountFields.find((f) => f.key === key);
        const value = req[key];
        if (!field) {
          if (value !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${provider.name} does not take this field. Remove it and try again.` });
          continue;
        }
        if (value === undefined || value === '') {
          if (field.required) ctx.addIssue({ code: 'custom', path: [key], message: field.message });
          continue;
        }
        if (!fieldValueValid(field, value)) ctx.addIssue({ code: 'custom', path: [key], message: field.message });
      }
    }),
  );
export type CreateAccountRequest = z.input<typeof createAccountRequest>;
export type ValidAccountRequest = z.output<typeof createAccountRequest>;

/** Whether a store field's value is acceptable (a URL field must also parse, with no credentials in it). */
export function fieldValueValid(field: AccountField, value: string): boolean {
  if (!field.pattern.test(value)) return false;
  if (field.inputType !== 'url') return true;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.includes('.') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

export const marketplaceView = z.object({
  domain: z.string(),
  country: z.string(),
  countryCode: z.string(),
  marketplaceId: z.string(),
});

export const setupView = z.object({
  step: z.enum(SETUP_STEPS),
  status: z.enum(SETUP_STATUSES),
  canResume: z.boolean(),
  canStartOver: z.boolean(),
});

/** A connection as the seller sees it: never a secret. */
export const connectionView = z.object({
  kind: z.enum(['channel', 'books']),
  provider: z.string(),
  label: z.string(),
  connectedAt: z.string(),
  /** What the provider told us about who connected (shop, seller, region); never a credential. */
  details: z.array(z.object({ label: z.string(), value: z.string() })),
  /** For books: what another account passes to reuse this connection (`provider:organisation`). */
  reference: z.nullable(z.string()),
  /** Set when the same seller, shop or organisation is connected to another of the seller's accounts. */
  alsoConnectedTo: z.nullable(z.string()),
  /** Connected, Expiring soon (with the date) or Needs reconnecting (with the reason); null where it was not looked up. */
  health: z.nullable(
    z.object({
      state: z.enum(HEALTH_STATES),
      label: z.string(),
      message: z.string(),
      expiresAt: z.nullable(z.string()),
      reason: z.nullable(z.enum(RECONNECT_REASONS)),
    }),
  ),
});

export const accountView = z.object({
  id: z.string(),
  name: z.string(),
  channel: z.enum(CHANNEL_IDS),
  channelName: z.string(),
  region: z.nullable(z.object({ id: z.string(), name: z.string() })),
  marketplaces: z.array(marketplaceView),
  /** What the seller told us about their store (Shopify shop, WooCommerce URL), labelled. */
  fields: z.array(z.object({ key: z.string(), label: z.string(), value: z.string() })),
  setup: setupView,
  connections: z.array(connectionView),
  /** Organisations a books consent covered, when the seller must pick one. */
  pendingOrganisations: z.nullable(z.array(z.object({ id: z.string(), name: z.string() }))),
  mapping: z.nullable(z.lazy(() => savedMapping)),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AccountView = z.infer<typeof accountView>;

export const accountResponse = z.object({ account: accountView });

export const eventView = z.object({
  type: z.enum(ACCOUNT_EVENT_TYPES),
  at: z.string(),
  actor: z.string(),
  text: z.string(),
});
export type EventView = z.infer<typeof eventView>;
export const eventListResponse = z.object({ events: z.array(eventView) });
export const accountListResponse = z.object({ accounts: z.array(accountView) });

export const catalogResponse = z.object({
  groups: z.array(z.object({ id: z.string(), name: z.string() })),
  channels: z.array(
    z.object({
      id: z.enum(CHANNEL_IDS),
      name: z.string(),
      group: z.string(),
      kind: z.enum(['oauth-code', 'amazon-consent', 'shopify-install', 'tiktok-shop', 'api-keys']),
      beta: z.boolean(),
      fields: z.array(
        z.object({ key: z.string(), label: z.string(), hint: z.string(), required: z.boolean(), inputType: z.enum(['text', 'url']) }),
      ),
      regions: z.nullable(z.array(z.object({ id: z.string(), name: z.string(), marketplaces: z.array(marketplaceView) }))),
      connect: z.object({ button: z.string(), explanation: z.string() }),
      /** A keys channel's form: its keys, how to create them, and one-click creation where offered. */
      keys: z.optional(keysFormView),
    }),
  ),
  books: z.array(z.object({ id: z.string(), name: z.string(), connect: z.object({ button: z.string(), explanation: z.string() }) })),
});
export type CatalogResponse = z.infer<typeof catalogResponse>;

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.optional(z.record(z.string(), z.string())),
    correlationId: z.optional(z.string()),
    current: z.optional(z.unknown()),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponse>;

const CATEGORY_IDS = CATEGORIES.map((c) => c.id) as [CategoryId, ...CategoryId[]];
const idString = z.string().check(z.trim(), z.minLength(1, { error: 'Choose one.' }), z.maxLength(200));

/** `PUT /api/accounts/{id}/mapping`: an account per category, a tax rate per marketplace country, the date to import from. */
export const savedMapping = z.strictObject({
  accounts: z.partialRecord(z.enum(CATEGORY_IDS), idString),
  taxRates: z.record(z.string().check(z.regex(/^[A-Z]{2,3}$/)), idString),
  startDate: z.string({ error: 'Enter the date to import from.' }).check(z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Enter the date to import from, like 2026-11-01.' })),
});
export const mappingRequest = savedMapping;
export type MappingRequest = z.infer<typeof mappingRequest>;

/** `POST /api/accounts/{id}/books/connect`: a platform to consent to, or books another account already connected. */
export const booksConnectRequest = z.union([
  z.strictObject({ provider: z.enum(BOOKS_PLATFORM_IDS, { error: 'Choose Xero or QuickBooks Online.' }) }),
  z.strictObject({ reuse: z.string().check(z.minLength(3), z.maxLength(300)) }),
], { error: 'Choose Xero or QuickBooks Online, or books you already connected.' });
export const booksConnectResponse = z.union([z.object({ authorizeUrl: z.string() }), z.object({ account: z.lazy(() => accountView) })]);

export const chooseOrganisationRequest = z.strictObject({ organisation: z.string({ error: 'Choose one of the organisations.' }).check(z.minLength(1), z.maxLength(200)) });

export const chartResponse = z.object({
  platform: z.string(),
  organisation: z.string(),
  chart: z.object({
    accounts: z.array(z.object({ id: z.string(), code: z.nullable(z.string()), name: z.string(), kind: z.string(), type: z.string(), active: z.boolean() })),
    taxRates: z.array(z.object({ id: z.string(), name: z.string(), rate: z.nullable(z.number()), active: z.boolean() })),
  }),
  categories: z.array(z.object({ id: z.string(), label: z.string(), group: z.string(), accountIds: z.array(z.string()) })),
  countries: z.array(z.object({ code: z.string(), name: z.string() })),
  suggestions: savedMapping,
  saved: z.nullable(savedMapping),
});
export type ChartResponse = z.infer<typeof chartResponse>;

/** `POST /api/accounts/{id}/channel/connect` for OAuth channels: an empty object. */
export const connectRequest = z.strictObject({});
export const connectResponse = z.object({ authorizeUrl: z.string() });
export type ConnectResponse = z.infer<typeof connectResponse>;

/**
 * `POST /api/accounts/{id}/reconnect`: which connection to sign in to again;
 * for a keys channel, the new keys (none: WooCommerce's one click again).
 */
export const reconnectRequest = z.strictObject({
  kind: z.enum(['channel', 'books'], { error: 'Choose the sales channel or the books to reconnect.' }),
  ...(Object.fromEntries(KEY_FIELD_KEYS.map((k) => [k, pastedKey])) as Record<KeyField['key'], typeof pastedKey>),
});
export type ReconnectRequest = z.infer<typeof reconnectRequest>;
/** The provider's consent page (or the store's approval page), or the account with its new keys in place. */
export const reconnectResponse = z.union([connectResponse, z.object({ account: accountView })]);

export { BOOKS_PLATFORMS, CHANNEL_GROUPS };
