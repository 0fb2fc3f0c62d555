/**
 * The HTTP plumbing the provider sandboxes share: HTML escaping and the page
 * scaffold, HTML, JSON and redirect answers, and reading a request's content
 * type and credentials.
 *
 * Only mechanics live here. What a provider says, how its pages look (its
 * CSS), which content type it labels its JSON with and which status it
 * answers stay in that provider's own sandbox.
 */
import { timingSafeEqual } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from './types.js';

export type ResponseHeaders = Readonly<Record<string, string>>;

// ---------------------------------------------------------------------------
// HTML

/** Escapes text for HTML: element content and single- or double-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface HtmlDocumentParts {
  /** Plain text; escaped here. */
  readonly title: string;
  /** The provider's own style sheet, as it is. */
  readonly css: string;
  /** The page's content (HTML, not escaped here), placed in its one `<main>`. */
  readonly body: string;
}

/**
 * A complete page as the consent-page convention wants it (README): English,
 * a viewport for phones, a title, the provider's style and one `<main>`.
 */
export function htmlDocument({ title, css, body }: HtmlDocumentParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** For a page that loads nothing from elsewhere, runs no script, is never framed and is never sniffed as another type. */
export const STRICT_PAGE_HEADERS: ResponseHeaders = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

/** An HTML answer, `text/html; charset=utf-8`; `headers` are added (or replace that content type). */
export function html(status: number, body: string, headers: ResponseHeaders = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body };
}

// ---------------------------------------------------------------------------
// JSON and redirects

/** A JSON answer, `application/json; charset=utf-8`; `headers` are added (or replace that content type). */
export function json(status: number, value: unknown, headers: ResponseHeaders = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

/**
 * `json` with a provider's own fixed headers, first of all its own spelling of
 * the content type: `jsonWith({ 'content-type': 'application/json;charset=UTF-8' })`.
 */
export function jsonWith(defaults: ResponseHeaders): (status: number, value: unknown, headers?: ResponseHeaders) => SandboxResponse {
  return (status, value, headers = {}) => json(status, value, { ...defaults, ...headers });
}

/** A `302 Found` to `location`, without a body. */
export function redirect(location: string): SandboxResponse {
  return { status: 302, headers: { location } };
}

/**
 * `url` with `params` on its query, in order, leaving out undefined values:
 * `set` replaces a parameter of the same name already there, `append` keeps it.
 */
export function withQuery(url: string, params: Readonly<Record<string, string | undefined>>, how: 'set' | 'append' = 'set'): string {
  const u = new URL(url);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (how === 'append') u.searchParams.append(name, value);
    else u.searchParams.set(name, value);
  }
  return u.href;
}

// ---------------------------------------------------------------------------
// Reading requests

/** The request's media type, lower case and without parameters (`application/json; charset=utf-8` → `application/json`); `''` when absent. */
export function mediaType(req: SandboxRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Whether the body is declared a form (`application/x-www-form-urlencoded`, any parameters). */
export function isForm(req: SandboxRequest): boolean {
  return mediaType(req) === 'application/x-www-form-urlencoded';
}

/**
 * `Authorization: Basic base64(id:secret)` → `{ id, secret }`, split at the
 * first colon (the secret may hold more); undefined for any other scheme, a
 * credential with spaces in it, or one without a colon.
 */
export function basicCredentials(header: string | undefined): { readonly id: string; readonly secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** `Authorization: Bearer <token>` → the token; undefined for any other scheme or a token with spaces in it. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

/** Compares two secrets (or signatures) in time that does not depend on where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Resolves after `ms` milliseconds (the "slow" sandbox outcomes). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
