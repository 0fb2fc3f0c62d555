/**
 * The security headers of every response, page and API alike: one
 * definition, read by the CDK (CloudFront response headers policies) and by
 * the local gateway, so what runs on `npm start` is what runs in the cloud.
 */

/**
 * Scripts, styles and everything else from our own origin only: no inline
 * script or style (the built app has none; a test checks), no plugins, no
 * `<base>` rewriting, forms posting only to us, and no framing at all.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Two years, subdomains included (browsers ignore it over plain http, as on `npm start`). */
export const HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 3600;

export const REFERRER_POLICY = 'no-referrer';

/** Header name → value, lower-case names. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
  'referrer-policy': REFERRER_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * The header CloudFront adds to every request it forwards to the API (an
 * origin custom header holding a secret), so the API can refuse requests
 * that went around CloudFront, and with it the WAF.
 */
export const ORIGIN_SECRET_HEADER = 'x-onramp-origin-verify';
