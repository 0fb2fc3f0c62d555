/**
 * A seller who types `localhost` rather than the address `npm start` prints
 * (`127.0.0.1`) is sent to the printed address before anything else, so the
 * session they sign up with is the one every provider sends them back to.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { acceptInBrowser, launchBrowser, seriousA11yViolations, signUpInBrowser } from './browser.js';

let browser: Browser;
let closeBrowser: () => Promise<void>;
let stack: LocalStack;

beforeAll(async () => {
  [{ browser, close: closeBrowser }, stack] = await Promise.all([launchBrowser(), startLocalStack({ logLevel: 'SILENT' })]);
});
afterAll(async () => {
  await stack?.stop();
  await closeBrowser?.();
});

describe('a seller who opens localhost', () => {
  it('lands on the printed address, signs up, and connects Amazon Europe through to Connect Bookkeeping', async () => {
    const printed = new URL(stack.url);
    expect(printed.hostname).toBe('127.0.0.1');
    const typed = `http://localhost:${printed.port}`;
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const violations: string[] = [];

    // A deep link keeps its path and query on the way.
    await page.goto(`${typed}/login?from=bookmark`);
    expect(new URL(page.url()).origin).toBe(stack.url);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/login?from=bookmark');

    await signUpInBrowser(page, typed, { name: 'Localhost Seller', email: `localhost${Date.now()}@example.com` });
    expect(new URL(page.url()).origin).toBe(stack.url);
    await page.getByRole('heading', { name: 'Online marketplaces' }).waitFor();
    violations.push(...(await seriousA11yViolations(page)));

    await page.getByRole('button', { name: 'Amazon', exact: true }).click();
    await page.getByLabel('Account name').fill('Amazon EU');
    await page.getByLabel('Region').selectOption('europe');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: 'Connect to Amazon' }).click();
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    await acceptInBrowser(page, 'amazon');
    // Amazon sends the seller back to the printed address, where their session is.
    await page.getByRole('heading', { name: 'Connect Bookkeeping' }).waitFor();
    expect(new URL(page.url()).origin).toBe(stack.url);
    expect(await page.getByRole('status').first().textContent()).toMatch(/^Connected Amazon/);
    violations.push(...(await seriousA11yViolations(page)));
    expect(violations).toEqual([]);
    await page.close();
  });
});
