/**
 * The API's request schemas that the functions parse bodies with (the
 * responses' schemas, which only the web app and the tests parse with, are in
 * `schemas.ts`, which re-exports these): a function builds each the first
 * time it checks a body with it (`z.lazy`, see `zod.ts`). Messages are
 * written for sellers.
 */
import * as z from '../runtime/zod.js';
import { BOOKS_PLATFORM_IDS, CHANNEL_IDS, findChannel, findRegion, type ChannelId } from '../providers/catalog.js';
import { CATEGORIES, type CategoryId } from '../domain/mapping.js';
import { RECOMMENDABLE } from '../domain/recommended.js';
import { CHANNEL_PROVIDERS, type AccountFieldKey } from '../providers/index.js';
import type { AccountField } from '../providers/types.js';
import { plainText } from '../domain/text.js';
import { channelConnectFields, pastedKeys } from './key-schemas.js';
import { normaliseStoreUrl, type StoreUrlRules } from '../domain/store-url.js';

/**
 * The rules a store's address must pass here, the same as the connect step's:
 * the local stack (`ALLOW_LOCAL_STORES`, which it sets and the cloud never
 * does, and never inside AWS Lambda) also takes its sandbox store's plain-http
 * loopback address; everywhere else the address must be https on a public name.
 */
export function storeUrlRules(env: NodeJS.ProcessEnv = process.env): StoreUrlRules {
  return { allowLocal: env.ALLOW_LOCAL_STORES === 'true' && !env.AWS_LAMBDA_FUNCTION_NAME };
}

/** The store fields any provider may ask for (each provider says which it takes). */
const accountFieldKeys = () => [...new Set(CHANNEL_PROVIDERS.flatMap((p) => p.accountFields.map((f) => f.key)))] as AccountFieldKey[];

const accountFields = (keys: readonly AccountFieldKey[]) => z.strictObject({
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
  ...Object.fromEntries(keys.map((k) => [k, z.optional(z.string().check(z.trim(), z.maxLength(2048)))])),
} as { name: z.ZodMiniString<string>; channel: z.ZodMiniEnum<{ [K in ChannelId]: K }>; region: z.ZodMiniOptional<z.ZodMiniString<string>> } & Record<AccountFieldKey, z.ZodMiniOptional<z.ZodMiniString<string>>>);

export const createAccountRequest = /* @__PURE__ */ z.lazy(() => {
  const keys = accountFieldKeys();
  return z
    .pipe(
      accountFields(keys),
      z.transform((req) => {
        // Normalise each field as its provider says, before it is checked; a store's address as the connect step would.
        const provider = findChannel(req.channel);
        const out: Record<string, unknown> = { ...req };
        for (const f of provider?.accountFields ?? []) {
          const v = out[f.key];
          if (typeof v === 'string' && f.normalise === 'lowercase') out[f.key] = v.toLowerCase();
          if (typeof v === 'string' && v !== '' && f.inputType === 'url') {
            const store = normaliseStoreUrl(v, storeUrlRules());
            if ('url' in store) out[f.key] = store.url;
          }
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
        for (const key of keys) {
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
          if (!fieldValueValid(field, value, storeUrlRules())) ctx.addIssue({ code: 'custom', path: [key], message: field.message });
        }
      }),
    );
});
export type CreateAccountRequest = z.input<typeof createAccountRequest>;
export type ValidAccountRequest = z.output<typeof createAccountRequest>;

/**
 * Whether a store field's value is acceptable: a store's address by the rules
 * the connect step checks it with (`normaliseStoreUrl`), any other field by its pattern.
 */
export function fieldValueValid(field: AccountField, value: string, rules: StoreUrlRules = { allowLocal: false }): boolean {
  if (field.inputType === 'url') return 'url' in normaliseStoreUrl(value, rules);
  return field.pattern.test(value);
}

const idString = () => z.string().check(z.trim(), z.minLength(1, { error: 'Choose one.' }), z.maxLength(200));

/** `PUT /api/accounts/{id}/mapping`: an account per category, a tax rate per marketplace country, the date to import from. */
export const savedMapping = /* @__PURE__ */ z.lazy(() => z.strictObject({
  accounts: z.partialRecord(z.enum(CATEGORIES.map((c) => c.id) as [CategoryId, ...CategoryId[]]), idString()),
  taxRates: z.record(z.string().check(z.regex(/^[A-Z]{2,3}$/)), idString()),
  startDate: z.string({ error: 'Enter the date to import from.' }).check(z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Enter the date to import from, like 2026-11-01.' })),
}));
export const mappingRequest = savedMapping;

/** `POST /api/accounts/{id}/books/recommended`: the lines whose recommended accounts the seller confirmed. */
export const createRecommendedRequest = /* @__PURE__ */ z.lazy(() => z.strictObject({
  categories: z.array(z.enum(RECOMMENDABLE, { error: 'Choose from the accounts listed.' })).check(
    z.minLength(1, { error: 'Choose at least one account to create.' }),
    z.maxLength(RECOMMENDABLE.length),
    z.refine((list) => new Set(list).size === list.length, { error: 'Choose each account once.' }),
  ),
}));
export type CreateRecommendedRequest = z.infer<typeof createRecommendedRequest>;
export type MappingRequest = z.infer<typeof mappingRequest>;

/** `POST /api/accounts/{id}/books/connect`: a platform to consent to, or books another account already connected. */
export const booksConnectRequest = /* @__PURE__ */ z.lazy(() => z.union([
  z.strictObject({ provider: z.enum(BOOKS_PLATFORM_IDS, { error: 'Choose Xero or QuickBooks Online.' }) }),
  z.strictObject({ reuse: z.string().check(z.minLength(3), z.maxLength(300)) }),
], { error: 'Choose Xero or QuickBooks Online, or books you already connected.' }));

export const chooseOrganisationRequest = /* @__PURE__ */ z.lazy(() => z.strictObject({ organisation: z.string({ error: 'Choose one of the organisations.' }).check(z.minLength(1), z.maxLength(200)) }));

/** `POST /api/accounts/{id}/channel/connect` for OAuth channels: an empty object. */
export const connectRequest = /* @__PURE__ */ z.lazy(() => z.strictObject({}));

/**
 * `POST /api/accounts/{id}/reconnect`: which connection to sign in to again;
 * for a keys channel, the new keys (none: WooCommerce's one click again).
 */
export const reconnectRequest = /* @__PURE__ */ z.lazy(() => z.strictObject({
  kind: z.enum(['channel', 'books'], { error: 'Choose the sales channel or the books to reconnect.' }),
  /** Books only: also ask permission to add accounts to the chart (Xero's `accounting.settings`), for Create recommended accounts. */
  access: z.optional(z.enum(['write'], { error: 'Leave out access, or ask for write access to the books.' })),
  ...pastedKeys(),
}));
export type ReconnectRequest = z.infer<typeof reconnectRequest>;

/** `POST /api/accounts/{id}/invitations`: which step the connect link connects, and a note for whoever opens it. */
export const createInvitationRequest = /* @__PURE__ */ z.lazy(() => z.strictObject({
  step: z.enum(['channel', 'books'], { error: 'Choose the step the link connects: the sales channel or the books.' }),
  note: z.optional(plainText(
    z.string({ error: 'Write the note as text.' }).check(z.trim(), z.maxLength(200, { error: 'Use at most 200 characters for the note.' })),
    'the note',
  )),
}));
export type CreateInvitationRequest = z.infer<typeof createInvitationRequest>;

/** A connect link's token, as the link's page sends it (in a body only: never in a path or query string, which are logged). */
const invitationToken = () => z.string({ error: 'This connect link is not valid: check that you copied all of it.' }).check(
  z.regex(/^[A-Za-z0-9_-]{43}$/, { error: 'This connect link is not valid: check that you copied all of it.' }),
);

/** `POST /api/invitations/open`: the link's token. */
export const openInvitationRequest = /* @__PURE__ */ z.lazy(() => z.strictObject({ token: invitationToken() }));

/**
 * `POST /api/invitations/keys`: the link's token and its keys form, as the
 * seller's (`channelConnectRequest`): keys connect, none start one-click creation.
 */
export const invitedKeysRequest = /* @__PURE__ */ z.lazy(() => z.strictObject({ token: invitationToken(), ...channelConnectFields() }));
export type InvitedKeysRequest = z.infer<typeof invitedKeysRequest>;

/**
 * `POST /api/invitations/keys/return`: the link's page back from the store:
 * the token it kept (none: it had none, and is refused as any stranger is),
 * the store's `user_id` and whether the holder approved.
 */
export const invitedKeysReturnRequest = /* @__PURE__ */ z.lazy(() => z.strictObject({
  token: z.optional(invitationToken()),
  userId: z.string({ error: 'This return from the store is not complete: start again from the connect link.' }).check(
    z.regex(/^[A-Za-z0-9_-]{16,200}$/, { error: 'This return from the store is not complete: start again from the connect link.' }),
  ),
  success: z.boolean({ error: 'Say whether the store\u2019s approval was given (true or false).' }),
}));

/** `POST /api/invitations/connect`: the link's token and, for the books, the platform chosen. */
export const invitedConnectRequest = /* @__PURE__ */ z.lazy(() => z.strictObject({
  token: invitationToken(),
  provider: z.optional(z.enum(BOOKS_PLATFORM_IDS, { error: 'Choose Xero or QuickBooks Online.' })),
}));
