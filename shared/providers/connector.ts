/**
 * A provider's connector: the calls its definition's data cannot describe.
 * Every provider has one, in its folder (`<id>/connector.ts`), listed by id
 * in `connectors.ts`. `ConnectorOf` reads the definition to say which pieces
 * the connector must have, so that leaving one out fails to compile:
 *
 * - a provider that connects by consent: `oauth` (its consent URL, the
 *   callback, the code exchange, the identity call and the refresh);
 * - a provider that takes keys, as its way or as the other one: `keys`;
 * - a provider whose calendar says `checked`: `check`, the daily call.
 *
 * The books' chart calls, which carry the Xero SDK, are apart (`books.ts`),
 * so that only the functions that read the books bundle them.
 */
import type { CheckCall } from '../connectors/check.js';
import type { KeysStrategy } from '../connectors/keys.js';
import type { ConnectStrategy } from '../connectors/types.js';
import type { KeyConnect, OAuthProviderDefinition, ProviderDefinition } from './types.js';

/** Checks stored credentials with the provider: returns when they work, throws `CheckRefusedError` or `ConnectError` otherwise. */
export type Check = (x: CheckCall) => Promise<void>;

type OAuthPiece<P> = P extends OAuthProviderDefinition ? { readonly oauth: ConnectStrategy<P> } : { readonly oauth?: never };
type KeysPiece<P> = P extends { readonly keys: KeyConnect } ? { readonly keys: KeysStrategy<P & ProviderDefinition & { readonly keys: KeyConnect }, any> } : { readonly keys?: never };
type CheckPiece<P> = P extends { readonly calendar: { readonly checked: true } } ? { readonly check: Check } : { readonly check?: never };

/** The pieces a provider's connector must have, from its definition. */
export type ConnectorOf<P extends ProviderDefinition> = OAuthPiece<P> & KeysPiece<P> & CheckPiece<P>;
