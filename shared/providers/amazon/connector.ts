/**
 * Amazon's calls (docs/providers.md §1): Seller Central's consent and the
 * Sellers API identity (`consent.ts`); the token request and the refresh are
 * standard Login with Amazon.
 */
export { amazonAuthorizeUrl as start, amazonFinish as finish } from './consent.js';
export { standardRefresh as refresh } from '../../connectors/refresh.js';
