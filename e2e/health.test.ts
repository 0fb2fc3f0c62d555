/**
 * Connection health in Chromium: a seller whose Xero grant was revoked sees
 * "Needs reconnecting" with the reason on the account page and in the list;
 * one click on Reconnect, through Xero's consent, brings back "Connected",
 * with the Accounts & Taxes mapping kept.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshDueConnections } from '../shared/health/job.js';
import { grantControls } from '../local/sandboxes/controls.js';
import { DAY_MS, refresherInstance } from '../local/health-helpers.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { launchBrowser, seriousA11yViolations, signUpInBrowser } from './browser.js';

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

/** Amazon Europe and Xero through to Done; the account's id. */
async function setUp(page: Page): Promise<string> {
  await signUpInBrowser(page, stack.url, { name: 'Health Seller', email: `health${Date.now()}@example.com` });
  await page.getByRole('button', { name: 'Amazon', exact: true }).click();
  await page.getByLabel('Account name').fill('Amazon EU');
  await page.getByLabel('Region').selectOption('europe');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Connect to Amazon' }).click();
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('button', { name: 'Connect to Xero' }).click();
  await page.getByRole('button', { name: 'Allow access' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Sales', { exact: true }).waitFor();
  const id = /\/accounts\/([^/]+)\//.exec(page.url())![1]!;
  await page.getByRole('button', { name: 'Finish setup' }).click();
  await page.getByRole('heading', { name: 'Done' }).waitFor();
  return id;
}

describe('connection health in the browser', () => {
  it('shows a revoked Xero grant as Needs reconnecting, and Reconnect restores Connected with the mapping kept', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const violations: string[] = [];
    const id = await setUp(page);

    // The seller removes Onramp in Xero; the daily refresh finds out.
    grantControls(stack.sandboxes.sandboxes, 'xero').revokeGrants();
    await refreshDueConnections(refresherInstance(stack, { offsetMs: 2 * DAY_MS }));

    await page.goto(`${stack.url}/accounts/${id}`);
    const books = page.getByRole('list', { name: 'Connections' }).getByRole('listitem').filter({ hasText: 'Demo Company (UK)' });
    await books.getByText('Needs reconnecting').waitFor();
    expect(await books.textContent()).toContain("Onramp's access was revoked at Xero.");
    await page.getByText(/Saved: \d+ accounts/).waitFor();
    const saved = await page.getByText(/Saved: \d+ accounts/).textContent();
    violations.push(...(await seriousA11yViolations(page)));

    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Your accounts' }).waitFor();
    expect(await page.getByRole('list', { name: 'Your accounts' }).textContent()).toContain('Demo Company (UK): Needs reconnecting');
    violations.push(...(await seriousA11yViolations(page)));

    await page.goto(`${stack.url}/accounts/${id}`);
    const reconnect = books.getByRole('button', { name: 'Reconnect' });
    await reconnect.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    await page.getByRole('button', { name: 'Allow access' }).click();
    await page.getByRole('status').filter({ hasText: 'Reconnected Demo Company (UK)' }).waitFor();
    await books.getByText('Connected', { exact: true }).waitFor();
    expect(await books.getByRole('button', { name: 'Reconnect' }).count()).toBe(0);
    expect(await page.getByText(/Saved: \d+ accounts/).textContent()).toBe(saved);
    violations.push(...(await seriousA11yViolations(page)));
    expect(violations).toEqual([]);
    await page.close();
  });
});
