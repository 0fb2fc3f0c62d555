/**
 * Connection health in Chromium: a seller whose Xero grant was revoked sees
 * "Needs reconnecting" with the reason on the account page and in the list;
 * one click on Reconnect, through Xero's consent, brings back "Connected",
 * with the Accounts & Taxes mapping kept. Likewise for keys the seller reset
 * at Walmart (Reconnect asks for new keys, on the page) and keys revoked at a
 * WooCommerce store (Reconnect, and the store creates new ones in one click).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshDueConnections } from '../shared/use-cases/health/job.js';
import { grantControls } from '../local/sandboxes/controls.js';
import { walmartControls } from '../local/sandboxes/walmart/index.js';
import { DAY_MS, refresherInstance } from '../local/health-helpers.js';
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

/** Amazon Europe and Xero through to Done; the account's id. */
async function setUp(page: Page): Promise<string> {
  await signUpInBrowser(page, stack.url, { name: 'Health Seller', email: `health${Date.now()}@example.com` });
  await page.getByRole('button', { name: 'Amazon', exact: true }).click();
  await page.getByLabel('Account name').fill('Amazon EU');
  await page.getByLabel('Region').selectOption('europe');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Connect to Amazon' }).click();
  await acceptInBrowser(page, 'amazon');
  return booksToDone(page);
}

/** A keys channel connected (Walmart United States with a new key of the seller's, or the sandbox WooCommerce store in one click), then Xero, through to Done. */
async function setUpWithKeys(page: Page, channel: 'Walmart' | 'WooCommerce'): Promise<string> {
  await signUpInBrowser(page, stack.url, { name: 'Keys Seller', email: `health-keys${Date.now()}@example.com` });
  await page.getByRole('button', { name: channel, exact: true }).click();
  await page.getByLabel('Account name').fill(`${channel} shop`);
  if (channel === 'Walmart') {
    const option = (await page.getByLabel('Region').locator('option').allTextContents()).find((t) => t.startsWith('United States'));
    await page.getByLabel('Region').selectOption({ label: option! });
  }
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Connect Sales Channel' }).waitFor();
  if (channel === 'Walmart') {
    const key = walmartControls(stack.sandboxes.sandboxes).issueKey('us');
    await page.getByLabel('Client ID').fill(key.clientId);
    await page.getByLabel('Client Secret').fill(key.clientSecret);
    // In the US keys are the other way, beside Walmart's consent.
    await page.getByRole('button', { name: 'Connect with keys' }).click();
  } else {
    await page.getByLabel('Store URL').fill(`${stack.sandboxes.origin}/woocommerce`);
    await page.getByRole('button', { name: 'Connect automatically' }).click();
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    await acceptInBrowser(page, 'woocommerce');
  }
  return booksToDone(page);
}

/** From Connect Bookkeeping: Xero, then the suggested Accounts & Taxes, to Done; the account's id. */
async function booksToDone(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Connect to Xero' }).click();
  await acceptInBrowser(page, 'xero');
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
    await acceptInBrowser(page, 'xero');
    await page.getByRole('status').filter({ hasText: 'Reconnected Demo Company (UK)' }).waitFor();
    await books.getByText('Connected', { exact: true }).waitFor();
    expect(await books.getByRole('button', { name: 'Reconnect' }).count()).toBe(0);
    expect(await page.getByText(/Saved: \d+ accounts/).textContent()).toBe(saved);
    violations.push(...(await seriousA11yViolations(page)));
    expect(violations).toEqual([]);
    await page.close();
  });

  it('shows keys reset at Walmart as Needs reconnecting, and pasting new keys on the account page restores Connected with the mapping kept', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const violations: string[] = [];
    const id = await setUpWithKeys(page, 'Walmart');

    // The seller resets the keys in Walmart's Developer Portal; the daily check finds out.
    grantControls(stack.sandboxes.sandboxes, 'walmart').revokeGrants();
    await refreshDueConnections(refresherInstance(stack, { offsetMs: 2 * DAY_MS }));

    await page.goto(`${stack.url}/accounts/${id}`);
    const channel = page.getByRole('list', { name: 'Connections' }).getByRole('listitem').filter({ hasText: 'Walmart: United States' });
    await channel.getByText('Needs reconnecting').waitFor();
    expect(await channel.textContent()).toContain('The API keys Onramp holds for Walmart were changed or removed.');
    await page.getByText(/Saved: \d+ accounts/).waitFor();
    const saved = await page.getByText(/Saved: \d+ accounts/).textContent();
    violations.push(...(await seriousA11yViolations(page)));

    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Your accounts' }).waitFor();
    expect(await page.getByRole('list', { name: 'Your accounts' }).textContent()).toContain('Walmart: United States: Needs reconnecting');

    // Reconnect with keys (in the US, beside Reconnect through Walmart's consent): the form for new keys opens on the page, with Walmart's steps.
    await page.goto(`${stack.url}/accounts/${id}`);
    await channel.getByRole('button', { name: 'Reconnect with keys instead' }).click();
    const key = walmartControls(stack.sandboxes.sandboxes).issueKey('us');
    await page.getByLabel('New Client ID').fill(key.clientId);
    expect(await page.getByLabel('New Client Secret').getAttribute('type')).toBe('password');
    violations.push(...(await seriousA11yViolations(page)));
    // Keys Walmart refuses keep the seller on the form, with the sentence.
    await page.getByLabel('New Client Secret').fill('not-the-secret');
    await page.getByRole('button', { name: 'Reconnect Walmart' }).click();
    await page.getByRole('alert').filter({ hasText: 'did not accept this Client ID and Client Secret' }).waitFor();
    expect(await page.getByLabel('New Client Secret').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('New Client Secret').fill(key.clientSecret);
    await page.getByRole('button', { name: 'Reconnect Walmart' }).click();

    await page.getByRole('status').filter({ hasText: 'Reconnected Walmart: United States' }).waitFor();
    await channel.getByText('Connected', { exact: true }).waitFor();
    expect(await channel.getByRole('button', { name: 'Reconnect' }).count()).toBe(0);
    expect(await channel.textContent()).toContain(`Client ID: ending in ${key.clientId.slice(-4)}`);
    expect(await page.getByText(/Saved: \d+ accounts/).textContent()).toBe(saved);
    await page.getByRole('list', { name: 'Activity' }).getByText('Reconnected Walmart: United States').waitFor();
    const html = await page.content();
    expect(html).not.toContain(key.clientSecret);
    expect(html).not.toContain(key.clientId);
    violations.push(...(await seriousA11yViolations(page)));
    expect(violations).toEqual([]);
    await page.close();
  });

  it('shows keys revoked at a WooCommerce store as Needs reconnecting, and Reconnect in one click at the store restores Connected', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const violations: string[] = [];
    const id = await setUpWithKeys(page, 'WooCommerce');
    grantControls(stack.sandboxes.sandboxes, 'woocommerce').revokeGrants();
    await refreshDueConnections(refresherInstance(stack, { offsetMs: 2 * DAY_MS }));

    await page.goto(`${stack.url}/accounts/${id}`);
    const channel = page.getByRole('list', { name: 'Connections' }).getByRole('listitem').filter({ hasText: 'WooCommerce: Sandbox Store' });
    await channel.getByText('Needs reconnecting').waitFor();
    expect(await channel.textContent()).toContain('The API keys Onramp holds for WooCommerce were changed or removed.');
    const saved = await page.getByText(/Saved: \d+ accounts/).textContent();
    await channel.getByRole('button', { name: 'Reconnect' }).click();
    await page.getByRole('button', { name: 'Connect automatically' }).click();
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    await acceptInBrowser(page, 'woocommerce');

    // Back on Account Settings: the new keys are in place, and the one-time id is not left in the address bar.
    await page.getByRole('status').filter({ hasText: 'Reconnected WooCommerce: Sandbox Store' }).waitFor();
    await channel.getByText('Connected', { exact: true }).waitFor();
    expect(new URL(page.url()).searchParams.get('user_id')).toBeNull();
    expect(await page.getByText(/Saved: \d+ accounts/).textContent()).toBe(saved);
    violations.push(...(await seriousA11yViolations(page)));
    expect(violations).toEqual([]);
    await page.close();
  });
});
