/** The channels and bookkeeping platforms we connect, for the web app's pickers. */
import { BOOKS_PLATFORMS, CHANNELS, CHANNEL_GROUPS } from '#shared/providers/catalog.js';
import { keysFormOf } from '#shared/http/key-schemas.js';
import type { CatalogResponse } from '#shared/http/schemas.js';
import type { KeysProviderDefinition } from '#shared/providers/types.js';
import { httpHandler, route } from '../http.js';

/** The catalog as the API returns it, derived from the provider definitions (computed once: it is static data). */
export const catalog: CatalogResponse = {
  groups: CHANNEL_GROUPS.map((g) => ({ id: g.id, name: g.name })),
  channels: CHANNELS.map((c) => ({
    id: c.id,
    name: c.name,
    group: c.group,
    kind: c.kind,
    beta: 'beta' in c ? c.beta : false,
    fields: c.accountFields.map((f) => ({ key: f.key, label: f.label, hint: f.hint, required: f.required, inputType: f.inputType })),
    regions: 'regions' in c ? c.regions.map((r) => ({ id: r.id, name: r.name, marketplaces: 'marketplaces' in r ? [...r.marketplaces] : [] })) : null,
    connect: { button: c.connect.button, explanation: c.connect.explanation },
    oauthRegions: 'oauthRegions' in c && c.oauthRegions ? [...(c.oauthRegions as readonly string[])] : null,
    ...('keys' in c && c.keys ? { keys: keysFormOf(c as KeysProviderDefinition) } : {}),
  })),
  books: BOOKS_PLATFORMS.map((b) => ({ id: b.id, name: b.name, connect: { button: b.connect.button, explanation: b.connect.explanation } })),
};

export const handler = httpHandler({
  'GET /api/catalog': route({ handle: async () => ({ body: catalog }) }),
});
