/**
 * zod schemas for every request and response of the API, shared with the web
 * app so both sides agree on every shape. Messages are written for sellers.
 */
import * as z from 'zod';
import { BOOKS_PLATFORMS, CHANNEL_GROUPS, CHANNEL_IDS, findChannel, findRegion } from './catalog.js';
import { ACCOUNT_EVENT_TYPES } from './model.js';
import { plainText } from './text.js';
import { SETUP_STATUSES, SETUP_STEPS } from './wizard.js';

const COMMON_PASSWORDS = new Set([
  'password', 'password1', 'password123', '12345678', '123456789', '1234567890', 'qwertyuiop', 'iloveyou',
  'letmein123', 'welcome123', 'passw0rd', 'admin12345', 'abcdefghij', 'onramp1234',
]);

export const emailSchema = z
  .string({ error: 'Enter your email address.' })
  .trim()
  .toLowerCase()
  .max(254, { error: 'That email address is too long.' })
  .pipe(z.email({ error: 'Enter a valid email address, like name@example.com.' }));

export const passwordSchema = z
  .string({ error: 'Enter a password.' })
  .min(10, { error: 'Use at least 10 characters for your password.' })
  .max(200, { error: 'Use at most 200 characters for your password.' })
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), {
    error: 'That password is too easy to guess. Choose a less common one.',
  })
  .refine((p) => new Set(p).size >= 5, { error: 'Use a mix of at least 5 different characters.' });

const personName = plainText(
  z
    .string({ error: 'Enter your name.' })
    .trim()
    .min(1, { error: 'Enter your name.' })
    .max(100, { error: 'Use at most 100 characters for your name.' }),
  'your name',
);

export const signupRequest = z.strictObject({ name: personName, email: emailSchema, password: passwordSchema });
export type SignupRequest = z.infer<typeof signupRequest>;

export const loginRequest = z.strictObject({
  email: emailSchema,
  password: z.string({ error: 'Enter your password.' }).min(1, { error: 'Enter your password.' }).max(200),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const userView = z.object({ id: z.string(), name: z.string(), email: z.string() });
export type UserView = z.infer<typeof userView>;
export const meResponse = z.object({ user: userView });

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export const createAccountRequest = z
  .strictObject({
    name: plainText(
      z
        .string({ error: 'Give the account a name.' })
        .trim()
        .min(1, { error: 'Give the account a name, like "Amazon EU".' })
        .max(60, { error: 'Use at most 60 characters for the account name.' }),
      'the account name',
    ),
    channel: z.enum(CHANNEL_IDS, { error: 'Choose one of the sales channels we offer.' }),
    region: z.string().trim().min(1).max(40).optional(),
    shopDomain: z.string().trim().toLowerCase().max(255).optional(),
    storeUrl: z.string().trim().max(2048).optional(),
  })
  .superRefine((req, ctx) => {
    const channel = findChannel(req.channel);
    if (!channel) return;
    if (channel.regions) {
      const names = channel.regions.map((r) => r.name).join(', ');
      if (req.region === undefined) {
        ctx.addIssue({ code: 'custom', path: ['region'], message: `Choose where you sell on ${channel.name}: ${names}.` });
      } else if (!findRegion(channel, req.region)) {
        ctx.addIssue({
          code: 'custom',
          path: ['region'],
          message: `${channel.name} is not supported in "${req.region}" yet. Choose one of: ${names}.`,
        });
      }
    } else if (req.region !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: `${channel.name} does not take a region.` });
    }
    if (channel.storeField === 'shopDomain') {
      if (req.shopDomain === undefined || !SHOP_DOMAIN.test(req.shopDomain)) {
        ctx.addIssue({
          code: 'custom',
          path: ['shopDomain'],
          message: 'Enter your Shopify store address, like your-store.myshopify.com.',
        });
      }
    } else if (req.shopDomain !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['shopDomain'], message: `${channel.name} does not take a Shopify store.` });
    }
    if (channel.storeField === 'storeUrl') {
      if (req.storeUrl !== undefined && !isHttpsUrl(req.storeUrl)) {
        ctx.addIssue({
          code: 'custom',
          path: ['storeUrl'],
          message: 'Enter your store address starting with https://, like https://shop.example.com.',
        });
      }
    } else if (req.storeUrl !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['storeUrl'], message: `${channel.name} does not take a store URL.` });
    }
  });
export type CreateAccountRequest = z.infer<typeof createAccountRequest>;

function isHttpsUrl(value: string): boolean {
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
});

export const accountView = z.object({
  id: z.string(),
  name: z.string(),
  channel: z.enum(CHANNEL_IDS),
  channelName: z.string(),
  region: z.object({ id: z.string(), name: z.string() }).nullable(),
  marketplaces: z.array(marketplaceView),
  shopDomain: z.string().nullable(),
  storeUrl: z.string().nullable(),
  setup: setupView,
  connections: z.array(connectionView),
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
      connection: z.enum(['oauth', 'keys']),
      beta: z.boolean(),
      storeField: z.enum(['shopDomain', 'storeUrl']).nullable(),
      regions: z.array(z.object({ id: z.string(), name: z.string(), marketplaces: z.array(marketplaceView) })).nullable(),
    }),
  ),
  books: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type CatalogResponse = z.infer<typeof catalogResponse>;

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    correlationId: z.string().optional(),
    current: z.unknown().optional(),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponse>;

export { BOOKS_PLATFORMS, CHANNEL_GROUPS };
