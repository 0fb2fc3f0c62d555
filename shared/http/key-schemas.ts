/**
 * The shapes of connecting with keys, shared by the API and the web app:
 * the body of `POST /api/accounts/{id}/channel/connect` (empty for a consent,
 * keys for a keys channel), the body WooCommerce posts to our callback, and
 * what the catalog tells the web app about each keys channel's form.
 */
import * as z from '../runtime/zod.js';
import { CHANNEL_PROVIDERS } from '../providers/index.js';
import type { KeyField, KeysProviderDefinition, ProviderDefinition } from '../providers/types.js';

const keysProviders = (CHANNEL_PROVIDERS as readonly ProviderDefinition[]).filter((p): p is KeysProviderDefinition => !!p.keys);
/** Every key any provider takes, by its name in the request body. */
export const KEY_FIELD_KEYS = [...new Set(keysProviders.flatMap((p) => p.keys.fields.map((f) => f.key)))] as KeyField['key'][];

/** A pasted key: text, no longer than any key. */
const pastedKey = () => z.optional(z.string({ error: 'Paste the value as text.' }).check(z.maxLength(1000, { error: 'That is longer than any key. Copy it again and paste only the key.' })));

/** Every key any provider takes, each a pasted key, as fields of a request body. */
export function pastedKeys(): Record<KeyField['key'], ReturnType<typeof pastedKey>> {
  const key = pastedKey();
  return Object.fromEntries(KEY_FIELD_KEYS.map((k) => [k, key])) as Record<KeyField['key'], ReturnType<typeof pastedKey>>;
}

/**
 * `POST /api/accounts/{id}/channel/connect`: `{}` starts a consent (or
 * WooCommerce's one-click key creation, with `storeUrl` when the account has
 * none); keys connect a keys channel. Which keys a channel needs, and what
 * they must look like, is checked against its provider definition.
 */
export const channelConnectRequest = /* @__PURE__ */ z.lazy(() => z.strictObject(channelConnectFields()));

/** The fields of a keys form (every key any provider takes, and the store's address), for the seller's request and a connect link's. */
export function channelConnectFields() {
  return {
    ...pastedKeys(),
    storeUrl: z.optional(z.string({ error: 'Enter your store\u2019s address as text.' }).check(z.maxLength(2048, { error: 'That store address is too long.' }))),
  };
}
export type ChannelConnectRequest = z.infer<typeof channelConnectRequest>;

/**
 * What a WooCommerce store POSTs to `callback_url` once the merchant approves
 * (`class-wc-auth.php`): the new keys and our own `user_id`. Anything else in
 * the body is ignored; the account is the one the `user_id` was issued for.
 */
export const postedKeysRequest = /* @__PURE__ */ z.lazy(() => z.object({
  key_id: z.optional(z.union([z.number(), z.string()])),
  user_id: z.string().check(z.minLength(16), z.maxLength(200)),
  consumer_key: z.string().check(z.minLength(1), z.maxLength(1000)),
  consumer_secret: z.string().check(z.minLength(1), z.maxLength(1000)),
  key_permissions: z.optional(z.string().check(z.maxLength(20))),
}));
export type PostedKeysRequest = z.infer<typeof postedKeysRequest>;

/** A keys channel's connect form, as the catalog describes it to the web app. */
export const keysFormView = /* @__PURE__ */ z.lazy(() => z.object({
  fields: z.array(z.object({ key: z.enum(KEY_FIELD_KEYS as [KeyField['key'], ...KeyField['key'][]]), label: z.string(), secret: z.boolean() })),
  steps: z.array(z.string()),
  automatic: z.nullable(z.object({ button: z.string(), explanation: z.string() })),
  /** When keys are the other way to connect: what the form says first. */
  explanation: z.nullable(z.string()),
  /** The regions where keys are taken (null: all), and the day after which they no longer are. */
  regions: z.nullable(z.array(z.string())),
  retires: z.nullable(z.object({ after: z.string(), message: z.string(), regions: z.nullable(z.array(z.string())) })),
}));
export type KeysFormView = z.infer<typeof keysFormView>;

/** The form a keys provider's definition describes. */
export function keysFormOf(p: KeysProviderDefinition): KeysFormView {
  return {
    fields: p.keys.fields.map((f) => ({ key: f.key, label: f.label, secret: f.secret })),
    steps: [...p.keys.steps],
    automatic: p.keys.automatic ? { button: p.keys.automatic.button, explanation: p.keys.automatic.explanation } : null,
    explanation: p.keys.explanation ?? null,
    regions: p.keys.regions ? [...p.keys.regions] : null,
    retires: p.keys.retires ? { after: p.keys.retires.after, message: p.keys.retires.message, regions: p.keys.retires.regions ? [...p.keys.retires.regions] : null } : null,
  };
}
