/**
 * The HTTP layer every API function shares (`functions/http/`): the route
 * builders and handler, cookies, the error renderer and the same-origin guard.
 */
export { callbackRoute, httpHandler, webhookRoute, loggerContext, route, routePolicy, sellerRoute, type HttpOptions, type HttpRequest, type HttpResult, type ReadWith, type RouteSpec } from './http/handler.js';
export { clearedSessionCookie, parseCookies, sessionCookie } from './http/cookies.js';
export { errorRenderer, fieldErrors } from './http/errors.js';
export type { Session } from '#shared/domain/model.js';
