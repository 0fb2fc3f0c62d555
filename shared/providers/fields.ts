/** Account fields shared by providers that ask the seller about their store. */
import type { AccountField } from './types.js';

export const SHOP_DOMAIN_FIELD = {
  key: 'shopDomain',
  label: 'Shopify store address',
  hint: 'Like your-store.myshopify.com',
  required: true,
  inputType: 'text',
  pattern: /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/,
  message: 'Enter your Shopify store address, like your-store.myshopify.com.',
  normalise: 'lowercase',
} as const satisfies AccountField;

export const STORE_URL_FIELD = {
  key: 'storeUrl',
  label: 'Store URL',
  hint: 'Like https://shop.example.com (you can add it later)',
  required: false,
  inputType: 'url',
  // Not what account creation checks: a store's address passes `normaliseStoreUrl`'s rules there, as at the connect step (`fieldValueValid`).
  pattern: /^https:\/\/[^\s/@]+\.[^\s/@]+(\/\S*)?$/i,
  message: 'Enter your store address starting with https://, like https://shop.example.com.',
} as const satisfies AccountField;
