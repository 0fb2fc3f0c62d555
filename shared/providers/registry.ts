/**
 * A set of connectors, passed to the use cases by each function's
 * composition (`functions/deps.ts`): every provider's (`connectors.ts`) where
 * a function serves them all, or only those its routes reach (the books'
 * platforms, the providers that finish a consent, the one that creates keys
 * in one click), so that a function bundles no other provider's calls.
 */
import type { CheckCall } from '../connectors/check.js';
import type { KeysStrategy } from '../connectors/keys.js';
import type { ConnectStrategy, RefreshCall, StartContext, TokenSet } from '../connectors/types.js';
import type { ConnectorOf } from './connector.js';
import type { Provider, ProviderId } from './index.js';
import type { KeysProviderDefinition, OAuthProviderDefinition } from './types.js';

/** The provider with this id. */
export type ProviderById<K extends ProviderId> = Extract<Provider, { readonly id: K }>;

/** Some providers' connectors, by id. */
export type Connectors = { readonly [K in ProviderId]?: ConnectorOf<ProviderById<K>> };

type Pieces = { readonly oauth?: unknown; readonly keys?: unknown; readonly check?: unknown };
const pieceOf = (connectors: Connectors, id: string): Pieces | undefined => (connectors as Readonly<Record<string, Pieces | undefined>>)[id];

/** The consent strategy of a provider that connects by consent (a function given no connector for it is built wrong: that throws). */
export function oauthOf(connectors: Connectors, p: OAuthProviderDefinition): ConnectStrategy {
  const oauth = pieceOf(connectors, p.id)?.oauth;
  if (!oauth) throw new Error(`No consent connector for ${p.id} here`);
  return oauth as ConnectStrategy;
}

/** The provider's consent URL. */
export const authorizeUrlFor = (connectors: Connectors, p: OAuthProviderDefinition, ctx: StartContext): string => oauthOf(connectors, p).authorizeUrl(p, ctx);

/** The key strategy of a provider that takes keys, if these connectors have it. */
export function keysOf(connectors: Connectors, p: KeysProviderDefinition): KeysStrategy | undefined {
  return pieceOf(connectors, p.id)?.keys as KeysStrategy | undefined;
}

/** Checks the stored credentials with the provider: returns when they work, throws otherwise. */
export async function providerCheck(connectors: Connectors, provider: string, x: CheckCall): Promise<void> {
  const check = pieceOf(connectors, provider)?.check as ((x: CheckCall) => Promise<void>) | undefined;
  if (!check) throw new Error(`No check for ${provider} here`);
  await check(x);
}

/** Refreshes with the provider's own call. A provider that does not rotate answers no refresh token: the old one stays. */
export async function providerRefresh(connectors: Connectors, p: OAuthProviderDefinition, x: RefreshCall): Promise<TokenSet> {
  const tokens = await oauthOf(connectors, p).refresh(p, x);
  return { ...tokens, refreshToken: tokens.refreshToken ?? x.refreshToken };
}
