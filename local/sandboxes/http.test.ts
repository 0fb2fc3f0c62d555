import { describe, expect, it } from 'vitest';
import {
  basicCredentials,
  bearerToken,
  escapeHtml,
  html,
  htmlDocument,
  isForm,
  json,
  jsonWith,
  mediaType,
  redirect,
  safeEqual,
  sleep,
  STRICT_PAGE_HEADERS,
  withQuery,
} from './http.js';
import type { SandboxRequest } from './types.js';

const request = (headers: SandboxRequest['headers'] = {}): SandboxRequest => ({ method: 'POST', host: 'example.com', path: '/', query: new URLSearchParams(), headers, body: '' });
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('escapeHtml', () => {
  it('escapes the five characters that matter in HTML text and quoted attributes', () => {
    expect(escapeHtml(`& < > " '`)).toBe('&amp; &lt; &gt; &quot; &#39;');
  });

  it('escapes an ampersand once, so existing entities are shown as written', () => {
    expect(escapeHtml('&amp; &lt;')).toBe('&amp;amp; &amp;lt;');
  });

  it('leaves other text, including non-ASCII, as it is', () => {
    expect(escapeHtml('Onramp Sandbox Café – 100% [ok]')).toBe('Onramp Sandbox Café – 100% [ok]');
  });
});

describe('htmlDocument', () => {
  const page = htmlDocument({ title: 'Authorize <Onramp> & co', css: 'body{margin:0}', body: '<h1>Provider: authorize Onramp</h1>' });

  it('is a complete English page that fits a phone', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">\n')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('has one title, escaped', () => {
    expect(page.match(/<title>/g)).toHaveLength(1);
    expect(page).toContain('<title>Authorize &lt;Onramp&gt; &amp; co</title>');
  });

  it('puts the style sheet in its head as given', () => {
    expect(page).toMatch(/<head>[\s\S]*<style>body\{margin:0\}<\/style>[\s\S]*<\/head>/);
  });

  it('puts the body, as HTML, in one main', () => {
    expect(page.match(/<main>/g)).toHaveLength(1);
    expect(page).toMatch(/<main>\s*<h1>Provider: authorize Onramp<\/h1>\s*<\/main>/);
  });
});

describe('answers', () => {
  it('html: UTF-8 HTML with the given status, headers added or replacing the content type', () => {
    expect(html(400, '<p>x</p>')).toEqual({ status: 400, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<p>x</p>' });
    expect(html(200, '', { 'x-frame-options': 'DENY' }).headers).toEqual({ 'content-type': 'text/html; charset=utf-8', 'x-frame-options': 'DENY' });
    expect(html(200, '', { 'content-type': 'text/html; charset=UTF-8' }).headers).toEqual({ 'content-type': 'text/html; charset=UTF-8' });
  });

  it('STRICT_PAGE_HEADERS: nothing loaded from elsewhere, no framing, no sniffing', () => {
    expect(STRICT_PAGE_HEADERS['content-security-policy']).toContain("default-src 'none'");
    expect(STRICT_PAGE_HEADERS['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(STRICT_PAGE_HEADERS['x-content-type-options']).toBe('nosniff');
  });

  it('json: the value serialised, UTF-8 JSON, headers added or replacing the content type', () => {
    expect(json(201, { a: [1, 'é'] })).toEqual({ status: 201, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"a":[1,"é"]}' });
    expect(json(200, null, { pragma: 'no-cache' }).headers).toEqual({ 'content-type': 'application/json; charset=utf-8', pragma: 'no-cache' });
  });

  it('jsonWith: a provider’s own content type and fixed headers, then the call’s own', () => {
    const providerJson = jsonWith({ 'content-type': 'application/json;charset=UTF-8', 'x-robots-tag': 'noindex' });
    expect(providerJson(400, { error: 'invalid_grant' }, { pragma: 'no-cache' })).toEqual({
      status: 400,
      headers: { 'content-type': 'application/json;charset=UTF-8', 'x-robots-tag': 'noindex', pragma: 'no-cache' },
      body: '{"error":"invalid_grant"}',
    });
  });

  it('redirect: a 302 to the location, without a body', () => {
    expect(redirect('https://app.example/callback?code=1')).toEqual({ status: 302, headers: { location: 'https://app.example/callback?code=1' } });
  });
});

describe('withQuery', () => {
  it('adds the parameters in order, encoded, leaving out undefined ones', () => {
    expect(withQuery('https://app.example/cb', { code: 'a b&c', state: undefined, scope: 'x' })).toBe('https://app.example/cb?code=a+b%26c&scope=x');
  });

  it('keeps the query already there; "set" replaces a parameter of the same name, "append" adds another', () => {
    expect(withQuery('https://app.example/cb?declined=1&state=old', { state: 'new' })).toBe('https://app.example/cb?declined=1&state=new');
    expect(withQuery('https://app.example/cb?declined=1&state=old', { state: 'new' }, 'append')).toBe('https://app.example/cb?declined=1&state=old&state=new');
  });
});

describe('reading requests', () => {
  it('mediaType: lower case, without parameters, empty when absent', () => {
    expect(mediaType(request({ 'content-type': 'Application/JSON ; charset=UTF-8' }))).toBe('application/json');
    expect(mediaType(request())).toBe('');
  });

  it('isForm: a form body whatever its parameters, and nothing else', () => {
    expect(isForm(request({ 'content-type': 'application/x-www-form-urlencoded' }))).toBe(true);
    expect(isForm(request({ 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }))).toBe(true);
    expect(isForm(request({ 'content-type': 'application/json' }))).toBe(false);
    expect(isForm(request({ 'content-type': 'application/x-www-form-urlencoded-not' }))).toBe(false);
    expect(isForm(request())).toBe(false);
  });
});

describe('basicCredentials', () => {
  it('decodes id and secret', () => {
    expect(basicCredentials(basic('client-id:client-secret'))).toEqual({ id: 'client-id', secret: 'client-secret' });
  });

  it('splits at the first colon: the secret may hold colons, and either part may be empty', () => {
    expect(basicCredentials(basic('id:se:cr:et'))).toEqual({ id: 'id', secret: 'se:cr:et' });
    expect(basicCredentials(basic(':secret'))).toEqual({ id: '', secret: 'secret' });
    expect(basicCredentials(basic('id:'))).toEqual({ id: 'id', secret: '' });
  });

  it('reads the scheme in any case and the credential as UTF-8', () => {
    expect(basicCredentials(basic('id:secret').replace('Basic', 'bAsIc'))).toEqual({ id: 'id', secret: 'secret' });
    expect(basicCredentials(basic('café:naïve'))).toEqual({ id: 'café', secret: 'naïve' });
  });

  it('refuses a missing header, another scheme, a credential without a colon or with spaces in it', () => {
    expect(basicCredentials(undefined)).toBeUndefined();
    expect(basicCredentials('')).toBeUndefined();
    expect(basicCredentials('Basic')).toBeUndefined();
    expect(basicCredentials(`Bearer ${Buffer.from('id:secret').toString('base64')}`)).toBeUndefined();
    expect(basicCredentials(basic('no-colon'))).toBeUndefined();
    expect(basicCredentials(`${basic('id:secret')} extra`)).toBeUndefined();
  });
});

describe('bearerToken', () => {
  it('reads the token, the scheme in any case', () => {
    expect(bearerToken('Bearer abc.DEF-123')).toBe('abc.DEF-123');
    expect(bearerToken('bearer abc')).toBe('abc');
  });

  it('refuses a missing header, another scheme or a token with spaces in it', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer abc def')).toBeUndefined();
  });
});

describe('safeEqual and sleep', () => {
  it('safeEqual: equal only for the same string', () => {
    expect(safeEqual('secret', 'secret')).toBe(true);
    expect(safeEqual('secret', 'secreT')).toBe(false);
    expect(safeEqual('secret', 'secret-longer')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });

  it('sleep: resolves after the time given', async () => {
    const start = performance.now();
    await sleep(30);
    expect(performance.now() - start).toBeGreaterThanOrEqual(25);
  });
});
