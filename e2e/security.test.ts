import fs from 'node:fs';
import path from 'node:path';
import type { Browser, ConsoleMessage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startLocalStack, type LocalStack } from '../local/stack.js';
import { SECURITY_HEADERS } from '../shared/http/security-headers.js';
import { launchBrowser, signUpInBrowser } from './browser.js';

let browser: Browser;
let closeBrowser: () => Promise<void>;
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ logLevel: 'SILENT' });
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await closeBrowser?.();
  await stack?.stop();
});

describe('the web app under its security headers', () => {
  it('has no inline script or style in its built page, so a CSP without unsafe-inline can hold', () => {
    const html = fs.readFileSync(path.join(ROOT, 'web', 'dist', 'index.html'), 'utf8');
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc=/);
    expect(html).not.toMatch(/<script\b[^>]*>(?!\s*<\/script>)/);
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });

  it('serves the page and the API with the shared headers, and signs a seller up with no CSP violation', async () => {
    const page = await browser.newPage();
    const console: string[] = [];
    page.on('console', (m: ConsoleMessage) => console.push(`${m.type()}: ${m.text()}`));
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Recorded by the browser itself: any resource, script or style the policy blocked.
    await page.addInitScript(() => {
      (window as unknown as { violations: string[] }).violations = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { violations: string[] }).violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });

    const doc = await page.goto(stack.url);
    const docHeaders = doc!.headers();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(docHeaders[name], name).toBe(value);

    const signup = page.waitForResponse((r) => r.url().endsWith('/api/auth/signup'));
    await signUpInBrowser(page, stack.url, { name: 'Csp Seller', email: 'csp@example.com' });
    const api = await signup;
    expect(api.status()).toBe(201);
    const apiHeaders = await api.allHeaders();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(apiHeaders[name], name).toBe(value);
    await page.getByRole('heading', { name: 'Online marketplaces' }).waitFor();

    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    expect(console.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual([]);
    expect(pageErrors).toEqual([]);

    // Sign out everywhere, from the account menu: back to signing in, and the session is gone.
    await page.getByRole('button', { name: /account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out everywhere' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect((await page.request.get(`${stack.url}/api/me`)).status()).toBe(401);
    await page.close();
  });
});
