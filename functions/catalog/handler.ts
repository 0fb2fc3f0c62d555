/** The channels and bookkeeping platforms we connect, for the web app's pickers. */
import { BOOKS_PLATFORMS, CHANNELS, CHANNEL_GROUPS, type Channel } from '#shared/catalog.js';
import type { CatalogResponse } from '#shared/schemas.js';
import { httpHandler, route } from '../http.js';

/** The catalog as the API returns it (computed once: it is static data). */
export const catalog: CatalogResponse = {
  groups: CHANNEL_GROUPS.map((g) => ({ id: g.id, name: g.name })),
  channels: (CHANNELS as readonly Channel[]).map((c) => ({
    id: c.id as CatalogResponse['channels'][number]['id'],
    name: c.name,
    group: c.group,
    connection: c.connection,
    beta: c.beta ?? false,
    storeField: c.storeField ?? null,
    regions: c.regions
      ? c.regions.map((r) => ({ id: r.id, name: r.name, marketplaces: r.marketplaces ? [...r.marketplaces] : [] }))
      : null,
  })),
  books: BOOKS_PLATFORMS.map((b) => ({ id: b.id, name: b.name })),
};

export const handler = httpHandler({
  'GET /api/catalog': route({ handle: async () => ({ body: catalog }) }),
});
