/**
 * A provider's connector: the calls its definition's data cannot describe.
 * Every provider has one, in its folder (`<id>/connector.ts`): a module
 * whose exports are its pieces, listed by id in `connectors.ts`.
 * `ConnectorOf` reads the definition to say which pieces the connector must
 * have, so that leaving one out fails to compile:
 *
 * - a provider that connects by consent: `start` (its consent URL),
 *   `finish` (the callback, the code exchange and the identity call) and
 *   `refresh`;
 * - a provider that takes keys, as its way or as the other one: `keys`;
 * - a provider whose calendar says `checked`: `check`, the daily call.
 *
 * The pieces are apart so that each function carries only those of what it
 * does (`registries.ts`): starting a consent bundles no code exchange, and
 * the refresher no consent.
 *
 * The books' chart calls, which carry the Xero SDK, are apart (`books.ts`),
 * so that only the functions that read the books bundle them.
 */
import type { CheckCall } from '../connectors/check.js';
import type { KeysStrategy } from '../connectors/keys.js';
import type { AuthorizeUrl, ConsentFinish, Refresh } from '../connectors/types.js';
import type { KeyConnect, OAuthProviderDefinition, ProviderDefinition } from './types.js';

/** Checks stored credentials with the provider: returns when they work, throws `CheckRefusedError` or `ConnectError` otherwise. */
export type Check = (x: CheckCall) => Promise<void>;

type OAuthPieces<P> = P extends OAuthProviderDefinition
  ? { readonly start: AuthorizeUrl<P>; readonly finish: ConsentFinish<P>; readonly refresh: Refresh<P> }
  : { readonly start?: never; readonly finish?: never; readonly refresh?: never };
type KeysPiece<P> = P extends { readonly keys: KeyConnect } ? { readonly keys: KeysStrategy<P & ProviderDefinition & { readonly keys: KeyConnect }, any> } : { readonly keys?: never };
type CheckPiece<P> = P extends { readonly calendar: { readonly checked: true } } ? { readonly check: Check } : { readonly check?: never };

/** The pieces a provider's connector must have, from its definition. */
export type ConnectorOf<P extends ProviderDefinition> = OAuthPieces<P> & KeysPiece<P> & CheckPiece<P>;

/** The name of a connector's piece. */
export type Piece = 'start' | 'finish' | 'refresh' | 'keys' | 'check';

/** The pieces `K` of a provider's connector (those its definition calls for): what one function carries of it. */
export type PiecesOf<P extends ProviderDefinition, K extends Piece> = Pick<ConnectorOf<P>, K & keyof ConnectorOf<P>>;
