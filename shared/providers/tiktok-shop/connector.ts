/** TikTok Shop's calls (docs/providers.md §5): its service authorization, signed calls and GET refresh (`authorization.ts`). */
import type { ConnectorOf } from '../connector.js';
import { tiktokShopAuthorization } from './authorization.js';
import type { tiktokShop } from './definition.js';

export const tiktokShopConnector: ConnectorOf<typeof tiktokShop> = { oauth: tiktokShopAuthorization };
