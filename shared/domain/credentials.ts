/** What a consent yields and says, as the domain knows it: tokens live only in the secret store. */
/** The tokens a consent yields, with their expiry times (ISO 8601). Kept only in the secret store. */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly accessTokenExpiresAt?: string;
  readonly refreshTokenExpiresAt?: string;
  /** What the provider's later calls need again besides the tokens (Walmart's seller id), kept in the secret with them. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** Who connected, as the provider says: the identity (to spot the same one twice), a label and details to show. */
export interface Identity {
  readonly id: string;
  readonly label: string;
  readonly details: readonly { readonly label: string; readonly value: string }[];
  /** When the consent covered several organisations (Xero), the seller picks one of these; `id` is then empty. */
  readonly choices?: readonly { readonly id: string; readonly name: string; readonly connectionId?: string }[];
}
