/**
 * A set of connectors' pieces, passed to the use cases by each function's
 * composition (`functions/deps.ts`): only the pieces of what the function
 * does, of only the providers its routes reach (`registries.ts`), so that a
 * function bundles no other call. Asking a set for a piece it was not given
 * is a function built wrong: that throws, naming the piece and the provider.
 */
import type { CheckCall } from '../connectors/check.js';
import type { KeysStrategy } from '../connectors/keys.js';
import type { AuthorizeUrl, ConsentFinish, Refresh, RefreshCall, StartContext, TokenSet } from '../connectors/types.js';
import type { ConnectorOf, Piece } from './connector.js';
import type { Provider, ProviderId } from './index.js';
import type { KeysProviderDefinition, OAuthProviderDefinition } from './types.js';

/** The provider with this id. */
export type ProviderById<K extends ProviderId> = Extract<Provider, { readonly id: K }>;

/** Some pieces of some providers' connectors, by id. */
export type Connectors = { readonly [K in ProviderId]?: Partial<ConnectorOf<ProviderById<K>>> };

const pieceOf = (connectors: Connectors, id: string, piece: Piece): unknown => (connectors as Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>)[id]?.[piece];

function required<T>(connectors: Connectors, id: string, piece: Piece): T {
  const found = pieceOf(connectors, id, piece);
  if (!found) throw new Error(`No ${piece} piece of ${id}'s connector here`);
  return found as T;
}

/** The provider's consent URL. */
export const authorizeUrlFor = (connectors: Connectors, p: OAuthProviderDefinition, ctx: StartContext): string => required<AuthorizeUrl>(connectors, p.id, 'start')(p, ctx);

/** What finishes the provider's consent at its callback: the callback read, the code exchange and the identity call. */
export const finishOf = (connectors: Connectors, p: OAuthProviderDefinition): ConsentFinish => required<ConsentFinish>(connectors, p.id, 'finish');

/** The key strategy of a provider that takes keys, if these connectors have it. */
export function keysOf(connectors: Connectors, p: KeysProviderDefinition): KeysStrategy | undefined {
  return pieceOf(connectors, p.id, 'keys') as KeysStrategy | undefined;
}

/** Checks the stored credentials with the provider: returns when they work, throws otherwise. */
export async function providerCheck(connectors: Connectors, provider: string, x: CheckCall): Promise<void> {
  await required<(x: CheckCall) => Promise<void>>(connectors, provider, 'check')(x);
}

/** Refreshes with the provider's own call. A provider that does not rotate answers no refresh token: the old one stays. */
export async function providerRefresh(connectors: Connectors, p: OAuthProviderDefinition, x: RefreshCall): Promise<TokenSet> {
  const tokens = await required<Refresh>(connectors, p.id, 'refresh')(p, x);
  return { ...tokens, refreshToken: tokens.refreshToken ?? x.refreshToken };
}
