/**
 * The shapes of connecting with keys, shared by the API and the web app:
 * the body of `POST /api/accounts/{id}/channel/connect` (empty for a consent,
 * keys for a keys channel), the body WooCommerce posts to our callback, and
 * what the catalog tells the web app about each keys channel's form.
 */
import * as z from 'zod';
import { CHANNEL_PROVIDERS } from './providers/index.js';
import type { ApiKeysProvider, KeyField } from './providers/types.js';

const keysProviders = (CHANNEL_PROVIDERS as readonly { kind: string }[]).filter((p): p is ApiKeysProvider => p.kind === 'api-keys');
/** Every key any provider takes, by its name in the request body. */
export const KEY_FIELD_KEYS = [...new Set(keysProviders.flatMap((p) => p.keys.fields.map((f) => f.key)))] as KeyField['key'][];

/** A pasted key: text, no longer than any key. */
export const pastedKey = z.string({ error: 'Paste the value as text.' }).max(1000, { error: 'That is longer than any key. Copy it again and paste only the key.' }).optional();

/**
 * `POST /api/accounts/{id}/channel/connect`: `{}` starts a consent (or
 * WooCommerce's one-click key creation, with `storeUrl` when the account has
 * none); keys connect a keys channel. Which keys a channel needs, and what
 * they must look like, is checked against its provider definition.
 */
export const channelConnectRequest = z.strictObject({
  ...(Object.fromEntries(KEY_FIELD_KEYS.map((k) => [k, pastedKey])) as Record<KeyField['key'], typeof pastedKey>),
  storeUrl: z.string({ error: 'Enter your store\u2019s address as text.' }).max(2048, { error: 'That store address is too long.' }).optional(),
});
export type ChannelConnectRequest = z.infer<typeof channelConnectRequest>;

/**
 * What a WooCommerce store POSTs to `callback_url` once the merchant approves
 * (`class-wc-auth.php`): the new keys and our own `user_id`. Anything else in
 * the body is ignored; the account is the one the `user_id` was issued for.
 */
export const postedKeysRequest = z.object({
  key_id: z.union([z.number(), z.string()]).optional(),
  user_id: z.string().min(16).max(200),
  consumer_key: z.string().min(1).max(1000),
  consumer_secret: z.string().min(1).max(1000),
  key_permissions: z.string().max(20).optional(),
});
export type PostedKeysRequest = z.infer<typeof postedKeysRequest>;

/** A keys channel's connect form, as the catalog describes it to the web app. */
export const keysFormView = z.object({
  fields: z.array(z.object({ key: z.enum(KEY_FIELD_KEYS as [KeyField['key'], ...KeyField['key'][]]), label: z.string(), secret: z.boolean() })),
  steps: z.array(z.string()),
  automatic: z.object({ button: z.string(), explanation: z.string() }).nullable(),
});
export type KeysFormView = z.infer<typeof keysFormView>;

/** The form a keys provider's definition describes. */
export function keysFormOf(p: ApiKeysProvider): KeysFormView {
  return {
    fields: p.keys.fields.map((f) => ({ key: f.key, label: f.label, secret: f.secret })),
    steps: [...p.keys.steps],
    automatic: p.keys.automatic ? { button: p.keys.automatic.button, explanation: p.keys.automatic.explanation } : null,
  };
}
