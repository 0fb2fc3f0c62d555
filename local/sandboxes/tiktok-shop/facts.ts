/** The TikTok Shop sandbox's test facts (`SandboxFacts`): its consent's accepting controls and Onramp's registered app. */
import type { SandboxFacts } from '../types.js';

export interface TiktokShopRegistration {
  readonly appKey: string;
  readonly appSecret: string;
  readonly serviceId: string;
  readonly redirectUrl: string;
}

/** The seller's region on the consent page (radio `seller_region`): **UK seller**, **US seller**, **Other region (Germany)**. */
export type TiktokSellerRegion = 'UK' | 'US' | 'DE';

export const TIKTOK_SHOP_FACTS = {
  id: 'tiktok-shop',
  /** A UK seller (radio **UK seller**), then **Authorize**. */
  accept: { decision: 'authorize', label: 'Authorize', choices: { seller_region: 'UK' } },
  /** The accepting choices of a seller in `region`. */
  sellerRegion: (region: TiktokSellerRegion | string): Record<string, string> => ({ seller_region: region }),
  registration: (callback: string): TiktokShopRegistration => ({
    appKey: '6sandboxtiktokkey',
    appSecret: 'sandbox-tiktok-app-secret',
    serviceId: '7300000000000000001',
    redirectUrl: callback,
  }),
  appSecret: (r: TiktokShopRegistration) => ({ clientId: r.appKey, clientSecret: r.appSecret, serviceId: r.serviceId }),
} as const satisfies SandboxFacts<TiktokShopRegistration> & { readonly sellerRegion: (region: string) => Record<string, string> };
