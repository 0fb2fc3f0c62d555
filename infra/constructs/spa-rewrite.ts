/**
 * The single-page app's fallback, as a CloudFront Function on the web
 * behaviour only: a path whose last segment has no extension is a page of
 * the app, served as /index.html. Unlike distribution-wide error responses,
 * it never turns an API 403 or 404 into the app's page, and a missing asset
 * stays a 404.
 */
export const SPA_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}`;
