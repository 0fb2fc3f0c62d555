/**
 * Sellers finish the whole wizard in Chromium: a sales channel, their books
 * (Xero or QuickBooks, through the sandboxes' consent), Accounts & Taxes from
 * the live chart, and Done; a second account reuses connected books without
 * a second consent; leaving at Accounts & Taxes loses nothing.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { acceptInBrowser, launchBrowser, seriousA11yViolations, signUpInBrowser } from './browser.js';

let browser: Browser;
let closeBrowser: () => Promise<void>;
let stack: LocalStack;
let seq = 0;

beforeAll(async () => {
  // Access tokens shorter than Onramp's refresh margin: every chart load refreshes the books' token.
  [{ browser, close: closeBrowser }, stack] = await Promise.all([launchBrowser(), startLocalStack({ logLevel: 'SILENT', accessTokenTtlSeconds: 30 })]);
});
afterAll(async () => {
  await stack?.stop();
  await closeBrowser?.();
});

async function newSellerPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signUpInBrowser(page, stack.url, { name: 'Books Seller', email: `books${Date.now()}${seq++}@example.com` });
  await page.getByRole('heading', { name: 'Online marketplaces' }).waitFor();
  return page;
}

/** From the channel picker to Connect Bookkeeping, through the channel's sandbox consent. */
async function connectChannel(page: Page, channel: 'Amazon Europe' | 'eBay', name: string): Promise<void> {
  await page.getByRole('button', { name: channel === 'eBay' ? 'eBay' : 'Amazon', exact: true }).click();
  await page.getByLabel('Account name').fill(name);
  if (channel === 'Amazon Europe') await page.getByLabel('Region').selectOption('europe');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: channel === 'eBay' ? 'Connect to eBay' : 'Connect to Amazon' }).click();
  await acceptInBrowser(page, channel === 'eBay' ? 'ebay' : 'amazon');
  await page.getByRole('heading', { name: 'Connect Bookkeeping' }).waitFor();
}

async function finish(page: Page, violations: string[]): Promise<void> {
  await page.getByRole('heading', { name: 'Accounts & Taxes' }).waitFor();
  await page.getByLabel('Sales', { exact: true }).waitFor();
  violations.push(...(await seriousA11yViolations(page)));
  await page.getByRole('button', { name: 'Finish setup' }).click();
  await page.getByRole('heading', { name: 'Done' }).waitFor();
  violations.push(...(await seriousA11yViolations(page)));
}

describe('the whole wizard in the browser', () => {
  it('Amazon Europe + Xero through to Done, with a tax rate for each of the eight countries', async () => {
    const page = await newSellerPage();
    const violations: string[] = [];
    await connectChannel(page, 'Amazon Europe', 'Amazon EU');
    violations.push(...(await seriousA11yViolations(page)));
    await page.getByRole('button', { name: 'Connect to Xero' }).click();
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    violations.push(...(await seriousA11yViolations(page)));
    await acceptInBrowser(page, 'xero');
    await page.getByRole('heading', { name: 'Successfully connected' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Demo Company (UK)');
    violations.push(...(await seriousA11yViolations(page)));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Accounts & Taxes' }).waitFor();
    for (const country of ['United Kingdom', 'Germany', 'France', 'Spain', 'Italy', 'Netherlands', 'Sweden', 'Poland']) {
      expect(await page.getByLabel(`Tax rate for ${country}`).inputValue(), country).not.toBe('');
    }
    await finish(page, violations);
    // Afterwards: Account settings, Change Accounts & Taxes (the same long account names) and the account list.
    await page.getByRole('button', { name: 'View account' }).click();
    await page.getByRole('link', { name: 'Change Accounts & Taxes' }).waitFor();
    violations.push(...(await seriousA11yViolations(page)));
    await page.getByRole('link', { name: 'Change Accounts & Taxes' }).click();
    await page.getByRole('heading', { name: 'Accounts & Taxes for Amazon EU' }).waitFor();
    await page.getByLabel('Sales', { exact: true }).waitFor();
    violations.push(...(await seriousA11yViolations(page)));
    await page.getByRole('link', { name: 'Onramp', exact: true }).click();
    const list = page.getByRole('list', { name: 'Your accounts' });
    await list.waitFor();
    const listed = (await list.textContent()) ?? '';
    expect(listed).toContain('Amazon \u00b7 Europe \u00b7 Set up');
    // No escape sequence shows as text (a `\u00b7` written in JSX text is not a middle dot).
    expect(listed).not.toMatch(/\\u[0-9a-f]{4}/i);
    violations.push(...(await seriousA11yViolations(page)));
    expect(violations).toEqual([]);
    await page.close();
  });

  it('eBay + QuickBooks through to Done', async () => {
    const page = await newSellerPage();
    const violations: string[] = [];
    await connectChannel(page, 'eBay', 'eBay US');
    await page.getByRole('button', { name: 'Connect to QuickBooks' }).click();
    await acceptInBrowser(page, 'quickbooks');
    await page.getByRole('heading', { name: 'Successfully connected' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Sandbox Company US');
    await page.getByRole('button', { name: 'Continue' }).click();
    await finish(page, violations);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('lets a second account use the connected Xero organisation without a second consent', async () => {
    const page = await newSellerPage();
    await connectChannel(page, 'Amazon Europe', 'Amazon EU');
    await page.getByRole('button', { name: 'Connect to Xero' }).click();
    await acceptInBrowser(page, 'xero');
    await page.getByRole('button', { name: 'Continue' }).click();
    await finish(page, []);
    await page.getByRole('button', { name: 'Add new account' }).click();
    await connectChannel(page, 'eBay', 'eBay UK');
    const before = stack.sandboxes.calls.filter((c) => c.host === 'login.xero.com').length;
    await page.getByRole('button', { name: 'Use Demo Company (UK), already connected' }).click();
    await page.getByRole('heading', { name: 'Successfully connected' }).waitFor();
    expect(stack.sandboxes.calls.filter((c) => c.host === 'login.xero.com').length).toBe(before);
    await page.getByRole('button', { name: 'Continue' }).click();
    await finish(page, []);
    await page.close();
  });

  it('keeps the seller\u2019s choices when they leave Accounts & Taxes, refreshes the expired token, and finishes', async () => {
    const page = await newSellerPage();
    await connectChannel(page, 'eBay', 'eBay UK');
    await page.getByRole('button', { name: 'Connect to Xero' }).click();
    await acceptInBrowser(page, 'xero');
    await page.getByRole('button', { name: 'Continue' }).click();
    const sales = page.getByLabel('Sales', { exact: true });
    await sales.waitFor();
    const options = await sales.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    const other = options.find((v) => v !== '' && v !== options[0]) ?? options[0]!;
    await sales.selectOption(other);
    const setupUrl = page.url();
    // The seller leaves; days later the access token has expired at Xero, and they come back to the same step.
    await page.goto('about:blank');
    stack.sandboxes.advance(45 * 60 * 1000);
    await page.goto(setupUrl);
    await page.getByLabel('Sales', { exact: true }).waitFor();
    expect(await page.getByLabel('Sales', { exact: true }).inputValue()).toBe(other);
    await finish(page, []);
    await page.close();
  });
});
