/**
 * What a seller reads when connecting a provider did not finish. The callback
 * redirects with a code only (never free text in the URL, so nobody can put
 * words on our page with a crafted link); the web app fills in the account's
 * own facts.
 */
export const CONNECT_ERROR_CODES = [
  'denied',
  'expired',
  'other_seller',
  'other_provider',
  'provider_error',
  'provider_timeout',
  'wrong_region',
  'wrong_shop',
  'wrong_market',
  'bad_signature',
  'not_at_step',
  'try_again',
  'signed_out',
  'other_identity',
  'keys_not_kept',
  'link_used',
  'link_revoked',
  'link_expired',
] as const;
export type ConnectErrorCode = (typeof CONNECT_ERROR_CODES)[number];

/** A connect link (an invitation) that connects nothing, in one sentence each. */
export const LINK_SENTENCES = {
  unknown: 'This connect link is not valid: check that you copied all of it, or ask the person who sent it for a new one.',
  used: 'This connect link has already been used, so it cannot connect anything again.',
  revoked: 'This connect link was cancelled by the person who sent it, so it connects nothing.',
  expired: 'This connect link has expired, so it connects nothing: ask the person who sent it for a new one.',
  moved_on: 'The account has moved on from this step meanwhile (it was connected another way), so nothing was connected through this link.',
} as const;

export interface ConnectErrorContext {
  readonly provider: string;
  readonly button: string;
  readonly region?: string | undefined;
  readonly shop?: string | undefined;
}

/** The sentence for a code, with the way forward. */
export function connectErrorMessage(code: ConnectErrorCode, c: ConnectErrorContext): string {
  const again = `Press "${c.button}" to try again.`;
  switch (code) {
    case 'denied':
      return `You cancelled at ${c.provider}, so nothing was connected. ${again}`;
    case 'expired':
      return `That connection link expired or was already used, so nothing was connected. ${again}`;
    case 'other_seller':
      return 'That connection was started by another Onramp login, so we did not use it. Sign in with your own login and connect again.';
    case 'other_provider':
      return `That answer did not come from ${c.provider}, so we did not use it. ${again}`;
    case 'provider_error':
      return `${c.provider} did not finish the connection. Nothing was saved. Please try again in a few minutes.`;
    case 'provider_timeout':
      return `${c.provider} took too long to answer. Nothing was saved. Please try again in a few minutes.`;
    case 'wrong_region':
      return `The ${c.provider} seller account you signed in with does not sell in ${c.region ?? 'the region you chose'}. Sign in with the seller account for ${c.region ?? 'that region'}, or add a new account for the region it sells in.`;
    case 'wrong_shop':
      return `The app was installed on a different shop than ${c.shop ?? 'the one you entered'}. Open the admin of ${c.shop ?? 'your shop'} and connect again, or add a new account for the other shop.`;
    case 'wrong_market':
      return `That ${c.provider} seller account is not a ${c.region ?? 'supported'} shop. Choose the ${c.region ?? 'right'} seller account when you authorize, or add a new account for its region.`;
    case 'bad_signature':
      return `We could not verify that answer from ${c.provider}, so we did not use it. ${again}`;
    case 'not_at_step':
      return 'This account has already moved past connecting its sales channel. Open the account to see where it stands.';
    case 'try_again':
      return 'We could not finish connecting just now. Nothing was lost. Please try again in a moment.';
    case 'other_identity':
      return `You signed in to ${c.provider} as a different seller, shop or organisation than the one this account is connected to, so nothing was changed. Sign in as the one shown on the account and press "Reconnect" again.`;
    case 'keys_not_kept':
      return 'These keys were not kept: the approval has to finish in the browser that started it. Start again from Onramp.';
    case 'link_used':
      return LINK_SENTENCES.used;
    case 'link_revoked':
      return LINK_SENTENCES.revoked;
    case 'link_expired':
      return LINK_SENTENCES.expired;
    case 'signed_out':
      return `You were signed out while connecting ${c.provider}, so nothing was connected. Sign in, open the account and connect again.`;
  }
}
