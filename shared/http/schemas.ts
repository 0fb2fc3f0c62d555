/**
 * zod schemas for every request and response of the API, shared with the web
 * app so both sides agree on every shape. The requests' schemas, which the
 * functions check bodies with, live in `requests.ts` (re-exported here), so
 * that a function does not bundle or build the responses' schemas.
 */
import * as z from '../runtime/zod.js';
import { BOOKS_PLATFORMS, CHANNEL_GROUPS, CHANNEL_IDS } from '../providers/catalog.js';
import { ACCOUNT_EVENT_TYPES } from '../domain/model.js';
import { RECOMMENDABLE } from '../domain/recommended.js';
import { keysFormView } from './key-schemas.js';
import { savedMapping } from './requests.js';
import { SETUP_STATUSES, SETUP_STEPS } from '../domain/wizard.js';
import { HEALTH_STATES, RECONNECT_REASONS } from '../domain/health.js';

export * from './auth-schemas.js';
export * from './requests.js';

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
      /** The regions where the consent is offered (null: all, or none for a keys channel). */
      oauthRegions: z.nullable(z.array(z.string())),
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

export const booksConnectResponse = z.union([z.object({ authorizeUrl: z.string() }), z.object({ account: z.lazy(() => accountView) })]);

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

const recommendedItem = {
  category: z.enum(RECOMMENDABLE),
  line: z.string(),
  name: z.string(),
  code: z.string(),
  type: z.string(),
  taxRate: z.nullable(z.string()),
};

/** `GET /api/accounts/{id}/books/recommended`: what Create recommended accounts would create, and whether Onramp may. */
export const recommendedResponse = z.object({
  platform: z.string(),
  organisation: z.string(),
  canWrite: z.boolean(),
  permission: z.nullable(z.string()),
  accounts: z.array(z.object(recommendedItem)),
});
export type RecommendedResponse = z.infer<typeof recommendedResponse>;

/** `POST /api/accounts/{id}/books/recommended`: each account's outcome, and the chart as it is now. */
export const createRecommendedResponse = z.object({
  results: z.array(z.object({ ...recommendedItem, status: z.enum(['created', 'already_present', 'failed']), accountId: z.nullable(z.string()), message: z.string() })),
  chart: chartResponse,
});
export type CreateRecommendedResponse = z.infer<typeof createRecommendedResponse>;

export const connectResponse = z.object({ authorizeUrl: z.string() });
export type ConnectResponse = z.infer<typeof connectResponse>;

/** The provider's consent page (or the store's approval page), or the account with its new keys in place. */
export const reconnectResponse = z.union([connectResponse, z.object({ account: accountView })]);

/** A connect link as its seller sees it (never its token). */
export const invitationView = z.object({
  id: z.string(),
  step: z.enum(['channel', 'books']),
  note: z.nullable(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  state: z.enum(['issued', 'used', 'revoked', 'expired']),
  usedAt: z.optional(z.string()),
  revokedAt: z.optional(z.string()),
});
export type InvitationView = z.infer<typeof invitationView>;
/** `POST /api/accounts/{id}/invitations`: the link (its token in the URL's fragment, shown this once) and when it ends. */
export const invitationCreatedResponse = z.object({ url: z.string(), expiresAt: z.string(), invitation: invitationView });
export const invitationListResponse = z.object({ invitations: z.array(invitationView) });
export const invitationRevokedResponse = z.object({ invitation: invitationView });
/** `POST /api/invitations/open`: what the link's holder may see, and nothing else of the seller's. */
export const invitationOpenedResponse = z.object({
  account: z.object({ name: z.string(), channel: z.string(), region: z.nullable(z.string()) }),
  step: z.enum(['channel', 'books']),
  providers: z.array(z.object({ id: z.string(), name: z.string() })),
  /** A channel taking keys in the account's region today: the seller's keys form (never the account's store address). */
  keys: z.nullable(z.object({ form: keysFormView, button: z.string(), asksStoreUrl: z.boolean() })),
  note: z.nullable(z.string()),
  expiresAt: z.string(),
});
export type InvitationOpenedResponse = z.infer<typeof invitationOpenedResponse>;
/** `POST /api/invitations/keys`: connected, or the store's approval page (WooCommerce's one-click creation). */
export const invitedKeysResponse = z.union([z.object({ connected: z.literal('channel') }), connectResponse]);
/** `POST /api/invitations/keys/return`: connected, or still waiting for the store's keys. */
export const invitedKeysReturnResponse = z.union([z.object({ connected: z.literal('channel') }), z.object({ waiting: z.literal(true) })]);

export { BOOKS_PLATFORMS, CHANNEL_GROUPS };
