/**
 * Who may do what to which connection secret: one table, read by the
 * stateless stack (each function's IAM grants), the stateful stack (the
 * secrets key's policy names the exact roles that may use it), the
 * infrastructure tests and the README's table, which must say the same.
 *
 * Secret names (`shared/use-cases/credentials.ts`, `freshSecretName`):
 * - a channel: `onramp/<accountId>/channel-<random>`;
 * - books, shared by a seller's accounts: `onramp/books-<sellerId>/books-<random>`;
 * - a books consent waiting for an organisation to be chosen: `onramp/<accountId>/books-pending-<random>`.
 * An account id is a UUID, so it never starts with `books-`, and a random part is hex, so no pattern
 * below matches another kind's names.
 */
import type { FunctionId } from '../shared/http/routes.js';

/** Name patterns after the secret prefix (IAM's `*` also matches `/`; a secret's ARN ends in `-` and six characters). */
export const SECRET_KINDS = {
  channel: '*/channel*',
  books: 'books-*/books*',
  booksPending: '*/books-pending*',
} as const;
export type SecretKind = keyof typeof SECRET_KINDS;

export type SecretAction = 'GetSecretValue' | 'PutSecretValue' | 'CreateSecret' | 'DeleteSecret';

/** One function's access: per action, the kinds of secret it may do it to; `list` for ListSecrets (no resource-level permission). */
export interface SecretAccess {
  readonly actions: Partial<Record<SecretAction, readonly SecretKind[]>>;
  readonly list?: boolean;
}

const ALL: readonly SecretKind[] = ['channel', 'books', 'booksPending'];

/**
 * Exactly what each function calls. `CreateSecret` comes with `TagResource` (a secret is created with its
 * account and seller tags). A function absent here has no access to connection secrets.
 */
export const SECRET_ACCESS = {
  // Start over and a seller's delete: lists the account's secrets and releases its connections (the books only
  // when no other account holds them).
  accounts: { actions: { DeleteSecret: ALL }, list: true },
  // Pasted keys and a keys channel's reconnect: each stages a new channel secret (a reconnect is a new connection
  // taking the old one's place); a staged secret that lost, or the replaced one, is deleted. It puts into none.
  connect: { actions: { CreateSecret: ['channel'], DeleteSecret: ['channel'] } },
  // WooCommerce's one-click keys: the same as connect, channel secrets only.
  keysCallback: { actions: { CreateSecret: ['channel'], DeleteSecret: ['channel'] } },
  // A consent's callback: stages a channel, books or pending-books secret; a books reconnect puts into the
  // existing books secret under its lease; a staged secret that lost, or a replaced connection, is deleted.
  oauthCallback: { actions: { CreateSecret: ALL, PutSecretValue: ['books'], DeleteSecret: ALL } },
  // Choosing an organisation reads the pending consent, creates the seller's books secret and deletes the pending
  // one; the live chart reads the books tokens and puts refreshed ones; reusing books lets go of the replaced.
  books: {
    actions: { GetSecretValue: ['books', 'booksPending'], PutSecretValue: ['books'], CreateSecret: ['books'], DeleteSecret: ['books', 'booksPending'] },
  },
  // Refreshes and checks every connection (pending books consents too, to keep them alive), never creating one;
  // its hourly sweep lists every secret and deletes orphans.
  refresher: { actions: { GetSecretValue: ALL, PutSecretValue: ALL, DeleteSecret: ALL }, list: true },
  // A support reset or delete: as Start over.
  support: { actions: { DeleteSecret: ALL }, list: true },
} as const satisfies Partial<Record<FunctionId, SecretAccess>>;

/** The KMS actions a function needs on the secrets key, through Secrets Manager only: decrypt to read, a data key to write. */
export function kmsActionsFor(access: SecretAccess): string[] {
  const a = access.actions;
  const reads = (a.GetSecretValue?.length ?? 0) > 0;
  const writes = (a.PutSecretValue?.length ?? 0) + (a.CreateSecret?.length ?? 0) > 0;
  return [...(reads || writes ? ['kms:Decrypt'] : []), ...(writes ? ['kms:GenerateDataKey'] : [])];
}

/** The functions that may use the secrets key at all (and so the only roles its policy lets decrypt). */
export const KEY_USERS = (Object.entries(SECRET_ACCESS) as [FunctionId, SecretAccess][]).filter(([, a]) => kmsActionsFor(a).length > 0).map(([id]) => id);

/**
 * A function's role name, fixed so that the key's policy (in the stateful stack, deployed first) can name the
 * exact roles without a reference to the stack that makes them. Region-qualified: IAM names are account-wide.
 */
export function functionRoleName(stackName: string, functionId: FunctionId, region: string): string {
  return `${stackName}-${functionId}-${region}`;
}
