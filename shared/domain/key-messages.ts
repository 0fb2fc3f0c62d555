/**
 * What a seller reads when keys were not connected: one sentence per
 * outcome, with the way forward, and the form fields it belongs to. Pure, so
 * the web app can use the sentences of the one-click return too.
 */
import type { KeyCheckCode } from './key-errors.js';

export interface KeyMessageContext {
  /** The provider's name, e.g. "Walmart". */
  readonly provider: string;
  /** The market the account is for, and the one the keys turned out to be for (Walmart). */
  readonly region?: string | undefined;
  readonly otherRegion?: string | undefined;
  /** The store address being connected, and the one the account already has (WooCommerce). */
  readonly storeUrl?: string | undefined;
  readonly accountStoreUrl?: string | undefined;
}

export interface KeyMessage {
  readonly status: 400 | 502 | 504;
  readonly message: string;
  readonly fields: Readonly<Record<string, string>>;
}

const hostOf = (url: string | undefined) => {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
};

/** The sentence, status and fields for a key check's outcome. */
export function keyMessage(code: KeyCheckCode, c: KeyMessageContext): KeyMessage {
  const store = c.storeUrl ?? 'your store';
  const host = hostOf(c.storeUrl) ?? 'that address';
  const bad = (message: string, fields: Record<string, string>): KeyMessage => ({ status: 400, message, fields });
  const onStoreUrl = (status: KeyMessage['status'], message: string): KeyMessage => ({ status, message, fields: { storeUrl: message } });
  switch (code) {
    case 'keys_rejected':
      return bad(`${c.provider} did not accept this Client ID and Client Secret, so nothing was saved. Copy both again from API Keys in the Walmart Developer Portal and paste them here.`, {
        clientId: 'Check the Client ID: copy it again from the Walmart Developer Portal.',
        clientSecret: 'Check the Client Secret: copy it again from the Walmart Developer Portal.',
      });
    case 'keys_wrong_market':
      return bad(
        `These keys are for ${c.provider} ${c.otherRegion ?? 'another market'}, but this account is for ${c.provider} ${c.region ?? 'another market'}, so nothing was saved. Create keys for ${c.region ?? 'this market'} in the Walmart Developer Portal, or add a new account for ${c.otherRegion ?? 'the other market'}.`,
        { clientId: `These keys are for ${c.provider} ${c.otherRegion ?? 'another market'}.` },
      );
    case 'keys_no_reports':
      return bad(
        'This key does not have access to Reports, which Onramp needs to read your settlements, so nothing was saved. In the Walmart Developer Portal, create a key for Onramp with Reports set to "View Only" and paste it here.',
        { clientId: 'This key has no access to Reports.' },
      );
    case 'provider_error':
      return { status: 502, message: `${c.provider} is not answering right now, so we could not check your keys. Nothing was saved. Please try again in a few minutes.`, fields: {} };
    case 'provider_timeout':
      return { status: 504, message: `${c.provider} took too long to answer, so we could not check your keys. Nothing was saved. Please try again in a few minutes.`, fields: {} };

    case 'store_url_invalid':
      return onStoreUrl(400, 'Enter your store\u2019s address, like https://shop.example.com.');
    case 'store_url_not_https':
      return onStoreUrl(400, 'Enter your store\u2019s address starting with https://. WooCommerce keys are only sent over a secure connection.');
    case 'store_url_credentials':
      return onStoreUrl(400, 'Enter the store address without a user name or password in it, like https://shop.example.com.');
    case 'store_url_ip_address':
      return onStoreUrl(400, 'Enter your store\u2019s web address, like https://shop.example.com, rather than an IP address.');
    case 'store_url_not_public':
    case 'store_url_private':
      return onStoreUrl(400, `${host} is not a public web address, so Onramp will not connect to it. Enter the address your customers use to visit your store.`);
    case 'store_url_port':
      return onStoreUrl(400, 'Enter your store\u2019s address without a port number, like https://shop.example.com.');
    case 'store_url_other':
      return onStoreUrl(400, `This account is for the store at ${c.accountStoreUrl ?? 'another address'}. To connect another store, add a new account for it.`);
    case 'store_not_found':
      return onStoreUrl(400, `We could not find a website at ${host}. Check the store address and try again.`);
    case 'store_unreachable':
      return onStoreUrl(502, `We could not reach your store at ${store}, so nothing was saved. Check the address and that your site is online, then try again.`);
    case 'store_timeout':
      return onStoreUrl(504, `Your store at ${store} took too long to answer, so nothing was saved. Check that your site is online and try again in a few minutes.`);
    case 'store_tls':
      return onStoreUrl(502, `The security certificate of ${host} is not valid, so we did not send your keys to it. Ask whoever looks after your site to fix its https certificate, then try again.`);
    case 'store_not_wordpress':
      return onStoreUrl(400, `${store} does not look like a WordPress site. Enter the address of the WordPress site where WooCommerce is installed.`);
    case 'store_rest_off':
      return onStoreUrl(
        400,
        `${store} is a WordPress site, but its REST API is turned off or blocked, so Onramp cannot read your store. Ask whoever looks after your site to turn the REST API on (security plugins often block it) and to set Settings > Permalinks to anything but "Plain", then try again.`,
      );
    case 'store_no_woocommerce':
      return onStoreUrl(400, `${store} is a WordPress site, but WooCommerce is not active on it. Check the address, or activate WooCommerce under Plugins, then try again.`);
    case 'store_error':
      return onStoreUrl(502, `Your store at ${store} answered with an error, so we could not check your keys. Nothing was saved. Please try again in a few minutes.`);

    case 'keys_unknown':
      return bad(
        `Your store does not recognise this Consumer Key, so nothing was saved. Check that you copied it from WooCommerce > Settings > Advanced > REST API on ${store}. If it is right, your web host may be removing the Authorization header: ask them to pass it on to WordPress.`,
        { consumerKey: 'Your store does not recognise this Consumer Key.' },
      );
    case 'keys_wrong_secret':
      return bad(
        'The Consumer Secret does not match this Consumer Key, so nothing was saved. WooCommerce shows the secret only once: if you no longer have it, add a new key with Read permission and paste both here.',
        { consumerSecret: 'This Consumer Secret does not match the Consumer Key.' },
      );
    case 'keys_no_read':
      return bad(
        'This key does not have Read permission, so Onramp cannot read your store and nothing was saved. In WooCommerce > Settings > Advanced > REST API, edit the key, set Permissions to "Read", save it, and try again.',
        { consumerKey: 'This key does not have Read permission.' },
      );
    case 'keys_not_manager':
      return bad(
        'This key belongs to a WordPress user who cannot manage WooCommerce, so nothing was saved. Add a key for an Administrator or Shop Manager and paste it here.',
        { consumerKey: 'This key\u2019s user cannot manage WooCommerce.' },
      );
  }
}

/** The seller denied Onramp at their store's app-authentication page. */
export const AUTOMATIC_DENIED =
  'You denied access in WooCommerce, so nothing was connected. Press "Connect automatically" to try again, or create keys and paste them below.';

/** The seller came back from their store, but the keys never reached Onramp. */
export const AUTOMATIC_NO_KEYS =
  'Your store has not sent Onramp the keys, so nothing is connected. Press "Connect automatically" to try again, or create keys and paste them below.';
