/** TikTok Shop's calls (docs/providers.md §5): its service authorization, signed calls and GET refresh (`authorization.ts`). */
export { tiktokShopAuthorizeUrl as start, tiktokShopFinish as finish, tiktokRefresh as refresh } from './authorization.js';
