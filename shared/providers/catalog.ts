/**
 * The catalog: the sales channels and bookkeeping platforms, as sellers see
 * them, derived from the provider definitions (`shared/providers/`).
 */
import { BOOKS_PROVIDERS, CHANNEL_PROVIDERS, findProvider, type ProviderDefinition } from './index.js';
import type { ChannelGroup } from './types.js';

export { CHANNEL_IDS, BOOKS_PLATFORM_IDS, findRegion } from './index.js';
export type { ChannelId, BooksPlatformId } from './index.js';
export type { Marketplace, Region, ChannelGroup } from './types.js';

export const CHANNEL_GROUPS: readonly { readonly id: ChannelGroup; readonly name: string }[] = [
  { id: 'marketplace', name: 'Online marketplaces' },
  { id: 'cart', name: 'Shopping carts & POS' },
];

export const CHANNELS = CHANNEL_PROVIDERS;
export const BOOKS_PLATFORMS = BOOKS_PROVIDERS;

/** Finds a sales channel by id, or undefined for an id we do not offer as a channel. */
export function findChannel(id: string): ProviderDefinition | undefined {
  const p = findProvider(id);
  return p?.role === 'channel' ? p : undefined;
}
