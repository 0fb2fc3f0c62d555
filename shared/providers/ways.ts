/**
 * How a provider connects in a region on a given day: by consent, with keys,
 * or both (Walmart's US sellers, until delegated keys retire). Read by the
 * connect step's use cases, the catalog the web app draws the step from, and
 * `npm run providers`.
 */
/** What deciding needs of a provider: its definition, or its catalog entry in the web app. */
export interface WaysOfProvider {
  readonly kind: string;
  readonly oauthRegions?: readonly string[] | null | undefined;
  readonly keys?: { readonly regions?: readonly string[] | null | undefined; readonly retires?: { readonly after: string; readonly message: string; readonly regions?: readonly string[] | null | undefined } | null | undefined } | null | undefined;
}

export interface Ways {
  /** The seller signs in at the provider and approves Onramp. */
  readonly oauth: boolean;
  /** The seller pastes keys (or, where the provider has it, lets it create them in one click). */
  readonly keys: boolean;
  /** When keys were the way here and the provider no longer takes them: what the form says instead. */
  readonly keysRetired?: string;
}

const DAY_MS = 24 * 3600_000;
const offered = (regions: readonly string[] | null | undefined, regionId: string | null | undefined) => !regions || (!!regionId && regions.includes(regionId));

/** Whether a `retires.after` day (YYYY-MM-DD, the last day the keys work, read in UTC) is past at `now`. */
export const retiredAt = (after: string, now: Date): boolean => now.getTime() >= Date.parse(`${after}T00:00:00.000Z`) + DAY_MS;

export function waysOf(p: WaysOfProvider, regionId: string | null | undefined, now: Date): Ways {
  const oauth = p.kind !== 'api-keys' && offered(p.oauthRegions, regionId);
  const keys = p.keys && offered(p.keys.regions, regionId) ? p.keys : undefined;
  const retired = !!keys?.retires && offered(keys.retires.regions, regionId) && retiredAt(keys.retires.after, now);
  return { oauth, keys: !!keys && !retired, ...(retired && keys?.retires ? { keysRetired: keys.retires.message } : {}) };
}
