/** TikTok Shop: service authorization per market, GET token call in an envelope (docs/providers.md §5). */
import type { TikTokShopProvider } from '../types.js';

export const tiktokShop = {
  id: 'tiktok-shop',
  name: 'TikTok Shop',
  role: 'channel',
  group: 'marketplace',
  kind: 'tiktok-shop',
  connect: {
    button: 'Connect to TikTok Shop',
    explanation: 'You will sign in to TikTok Shop Seller Center as the shop owner, choose your seller account and authorize Onramp.',
  },
  accountFields: [],
  regions: [
    // `shopRegion` is the region code TikTok gives the shop.
    { id: 'UK', name: 'United Kingdom', urls: { authorize: 'https://services.tiktokshop.com/open/authorize', shopRegion: 'GB' } },
    { id: 'US', name: 'United States', urls: { authorize: 'https://services.us.tiktokshop.com/open/authorize', shopRegion: 'US' } },
  ],
  tokenUrl: 'https://auth.tiktok-shops.com/api/v2/token/get',
  tokenRequest: 'get-query',
  refreshUrl: 'https://auth.tiktok-shops.com/api/v2/token/refresh',
  apiUrl: 'https://open-api.tiktokglobalshop.com',
  // Permissions are configured on the app in Partner Center, not requested in the URL.
  scopes: [],
  scopeSeparator: ',',
  pkce: 'none',
  callback: { code: 'code', state: 'state', error: 'error' },
  identity: { method: 'GET', url: '{api}/authorization/202309/shops', description: 'authorized shops (signed; x-tts-access-token)' },
  // `refresh_token_expire_in` is a timestamp; access tokens last days.
  calendar: { refreshRenews: false, accessAheadDays: 1 },
  sources: ['docs/providers.md §5'],
} as const satisfies TikTokShopProvider;
