/**
 * Connect links in Chromium (issue 22): the seller makes a link on the
 * connect step; a second browser with no Onramp cookies opens it, consents at
 * the sandbox and sees the connected page; the seller's account has moved on.
 * First the channel (Amazon Europe), then the books (Xero); then the keys
 * channels: WooCommerce in one click at the sandbox store, and Walmart
 * Mexico with pasted keys. Every page of the link's holder is checked with
 * axe, and the holder never gets a cookie.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_SENTENCES } from '../shared/domain/connect-errors.js';
import { WALMART_FACTS } from '../local/sandboxes/facts.js';
import { WALMART_SANDBOX_KEYS } from '../local/sandboxes/walmart/index.js';
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

/** The seller makes a link on the step the page shows, and reads it from the page (shown this once). */
async function makeLink(page: Page, note: string): Promise<string> {
  await page.getByLabel('Note for them (optional)').fill(note);
  await page.getByRole('button', { name: 'Invite someone to connect' }).click();
  const field = page.getByLabel(/^Connect link/);
  await field.waitFor();
  return field.inputValue();
}

/** The link's holder: a fresh browser context (no cookies at all) opens the link and consents. */
async function connectThroughLink(holder: BrowserContext, url: string, heading: string, button: string, provider: string, violations: string[]): Promise<Page> {
  const page = await holder.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(url);
  await page.getByRole('heading', { name: heading }).waitFor();
  violations.push(...(await seriousA11yViolations(page)));
  await page.getByRole('button', { name: button }).click();
  await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
  await acceptInBrowser(page, provider);
  await page.getByRole('heading', { name: 'Connected' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/invite/done');
  expect(await page.getByRole('status').textContent()).toBe('It is connected. You can close this tab.');
  violations.push(...(await seriousA11yViolations(page)));
  return page;
}

/** A new seller creates an account for a keys channel and arrives at its connect step. */
async function keysAccount(seller: BrowserContext, channel: 'WooCommerce' | 'Walmart', name: string, region?: string): Promise<Page> {
  const page = await seller.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await signUpInBrowser(page, stack.url, { name: 'Inviting Seller', email: `keys-inviter${Date.now()}@example.com` });
  await page.getByRole('heading', { name: 'Online marketplaces' }).waitFor();
  await page.getByRole('button', { name: channel, exact: true }).click();
  await page.getByLabel('Account name').fill(name);
  if (region) {
    const option = (await page.getByLabel('Region').locator('option').allTextContents()).find((t) => t.startsWith(region));
    await page.getByLabel('Region').selectOption({ label: option! });
  }
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Connect Sales Channel' }).waitFor();
  return page;
}

/** The link's holder, in a fresh context (no cookies), opens the link on a phone and sees the account's keys form. */
async function openAsHolder(holder: BrowserContext, url: string, heading: string, violations: string[]): Promise<Page> {
  expect(await holder.cookies()).toEqual([]);
  const page = await holder.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(url);
  await page.getByRole('heading', { name: heading }).waitFor();
  violations.push(...(await seriousA11yViolations(page)));
  return page;
}

/** The holder's page says it is connected, and the seller's account is at Connect Bookkeeping. */
async function expectConnected(holderPage: Page, sellerPage: Page, setupUrl: string, violations: string[]) {
  await holderPage.getByRole('heading', { name: 'Connected' }).waitFor();
  expect(new URL(holderPage.url()).pathname).toBe('/invite/done');
  // Nothing of a store's return is left in the address bar.
  expect(new URL(holderPage.url()).searchParams.get('user_id')).toBeNull();
  expect(await holderPage.getByRole('status').textContent()).toBe('It is connected. You can close this tab.');
  violations.push(...(await seriousA11yViolations(holderPage)));
  await sellerPage.goto(setupUrl);
  await sellerPage.getByRole('heading', { name: 'Connect Bookkeeping' }).waitFor();
  await sellerPage.goto(setupUrl.replace(/\/setup$/, ''));
  await sellerPage.getByRole('list', { name: 'Activity' }).getByText(/connected via invitation/).first().waitFor();
}

describe('connect links for keys channels in the browser', () => {
  it('someone without a login connects a WooCommerce store in one click through the seller\u2019s link', async () => {
    const violations: string[] = [];
    const seller = await browser.newContext();
    const page = await keysAccount(seller, 'WooCommerce', 'Woo Shop');
    const setupUrl = page.url();
    const link = await makeLink(page, 'For the store admin');
    violations.push(...(await seriousA11yViolations(page)));

    const holder = await browser.newContext();
    const holderPage = await openAsHolder(holder, link, 'Connect Sales Channel for Woo Shop', violations);
    await holderPage.getByLabel('Store URL').fill(`${stack.sandboxes.origin}/woocommerce`);
    await holderPage.getByRole('button', { name: 'Connect automatically' }).click();
    await holderPage.waitForURL((u) => u.origin === stack.sandboxes.origin);
    // The store sends the holder back to an address naming neither the link nor the account.
    const returnUrl = new URL(holderPage.url()).searchParams.get('return_url')!;
    expect(returnUrl).toBe(`${stack.url}/api/oauth/woocommerce/return?invited=1`);
    expect(holderPage.url()).not.toContain(new URL(link).hash.slice(1));
    violations.push(...(await seriousA11yViolations(holderPage)));
    await acceptInBrowser(holderPage, 'woocommerce');
    await expectConnected(holderPage, page, setupUrl, violations);
    expect(await holder.cookies(stack.url)).toEqual([]);
    expect(violations).toEqual([]);
    await seller.close();
    await holder.close();
  });

  it('someone without a login connects a Walmart Mexico account with pasted keys through the seller\u2019s link', async () => {
    const violations: string[] = [];
    const seller = await browser.newContext();
    const page = await keysAccount(seller, 'Walmart', 'Walmart MX', 'Mexico');
    const setupUrl = page.url();
    const link = await makeLink(page, 'For the Walmart keys');
    const holder = await browser.newContext();
    const holderPage = await openAsHolder(holder, link, 'Connect Sales Channel for Walmart MX', violations);
    const key = WALMART_SANDBOX_KEYS.find((k) => k.clientId === WALMART_FACTS.keys.mx.clientId)!;
    // A key Walmart rejects first: the seller's sentence, next to the field.
    await holderPage.getByLabel('Client ID').fill(key.clientId);
    await holderPage.getByLabel('Client Secret').fill('not-the-secret');
    await holderPage.getByRole('button', { name: 'Connect to Walmart' }).click();
    await holderPage.getByRole('alert').first().waitFor();
    expect(await holderPage.getByRole('alert').first().textContent()).toMatch(/^Walmart did not accept this Client ID and Client Secret/);
    expect(await holderPage.getByLabel('Client Secret').getAttribute('aria-invalid')).toBe('true');
    violations.push(...(await seriousA11yViolations(holderPage)));
    await holderPage.getByLabel('Client Secret').fill(key.clientSecret);
    await holderPage.getByRole('button', { name: 'Connect to Walmart' }).click();
    await expectConnected(holderPage, page, setupUrl, violations);
    expect(await holder.cookies(stack.url)).toEqual([]);
    expect(violations).toEqual([]);
    await seller.close();
    await holder.close();
  });
});

describe('connect links in the browser', () => {
  it('someone without a login connects an Amazon Europe account\u2019s channel, then its Xero books, through the seller\u2019s links', async () => {
    const violations: string[] = [];
    const seller = await browser.newContext();
    const page = await seller.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await signUpInBrowser(page, stack.url, { name: 'Inviting Seller', email: `inviter${Date.now()}@example.com` });
    await page.getByRole('heading', { name: 'Online marketplaces' }).waitFor();
    await page.getByRole('button', { name: 'Amazon', exact: true }).click();
    await page.getByLabel('Account name').fill('Amazon EU');
    const option = (await page.getByLabel('Region').locator('option').allTextContents()).find((t) => /^Europe/.test(t));
    await page.getByLabel('Region').selectOption({ label: option! });
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Connect Sales Channel' }).waitFor();
    const setupUrl = page.url();

    const channelLink = await makeLink(page, 'For the Amazon login');
    expect(new URL(channelLink).pathname).toBe('/invite');
    violations.push(...(await seriousA11yViolations(page)));

    const holder = await browser.newContext();
    expect(await holder.cookies()).toEqual([]);
    const holderPage = await connectThroughLink(holder, channelLink, 'Connect Sales Channel for Amazon EU', 'Connect to Amazon', 'amazon', violations);

    // The seller's account is at Connect Bookkeeping.
    await page.goto(setupUrl);
    await page.getByRole('heading', { name: 'Connect Bookkeeping' }).waitFor();

    // The same link again: one sentence, nothing connected.
    await holderPage.goto(channelLink);
    await holderPage.reload();
    await holderPage.getByRole('alert').waitFor();
    expect(await holderPage.getByRole('alert').textContent()).toBe(LINK_SENTENCES.used);
    violations.push(...(await seriousA11yViolations(holderPage)));

    // The books, with Xero.
    const booksLink = await makeLink(page, 'For the Xero login');
    await connectThroughLink(holder, booksLink, 'Connect Bookkeeping for Amazon EU', 'Connect to Xero', 'xero', violations);
    await page.goto(setupUrl);
    await page.getByRole('heading', { name: 'Accounts & Taxes' }).waitFor();

    // The holder never got a cookie of Onramp's.
    expect(await holder.cookies(stack.url)).toEqual([]);

    // The account page lists both links as used, and the activity says how they connected.
    await page.goto(setupUrl.replace(/\/setup$/, ''));
    const links = page.getByRole('list', { name: 'Connect links' });
    await links.waitFor();
    expect((await links.getByRole('listitem').allTextContents()).filter((t) => t.includes('Used'))).toHaveLength(2);
    await page.getByRole('list', { name: 'Activity' }).getByText(/connected via invitation/).first().waitFor();
    violations.push(...(await seriousA11yViolations(page)));
    expect(violations).toEqual([]);
    await seller.close();
    await holder.close();
  });

  it('a link that is not valid says so in one sentence', async () => {
    const holder = await browser.newContext();
    const page = await holder.newPage();
    await page.goto(`${stack.url}/invite#${'C'.repeat(43)}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe(LINK_SENTENCES.unknown);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto(`${stack.url}/invite/done?connect_error=link_revoked`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe(LINK_SENTENCES.revoked);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await holder.close();
  });
});
