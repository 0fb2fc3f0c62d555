/**
 * Sellers connect each OAuth sales channel in Chromium: from the channel
 * picker, through the provider's sandbox consent page, to Connect
 * Bookkeeping; and Cancel at the provider brings them back with a sentence.
 * Every page on the way (Onramp's and the sandboxes') is checked with axe.
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
  [{ browser, close: closeBrowser }, stack] = await Promise.all([launchBrowser(), startLocalStack({ logLevel: 'SILENT' })]);
});
afterAll(async () => {
  await stack?.stop();
  await closeBrowser?.();
});

interface Channel {
  readonly label: string;
  readonly button: string;
  readonly name: string;
  readonly region?: RegExp;
  readonly shop?: string;
  /** What the seller does on the provider's consent page to accept. */
  readonly accept: (page: Page) => Promise<void>;
}

const CHANNELS: readonly Channel[] = [
  {
    label: 'Amazon Europe',
    button: 'Amazon',
    name: 'Amazon EU',
    region: /^Europe/,
    accept: (p) => acceptInBrowser(p, 'amazon'),
  },
  {
    label: 'Amazon North America',
    button: 'Amazon',
    name: 'Amazon NA',
    region: /^North America/,
    accept: (p) => acceptInBrowser(p, 'amazon'),
  },
  { label: 'eBay', button: 'eBay', name: 'eBay UK', accept: (p) => acceptInBrowser(p, 'ebay') },
  { label: 'Shopify', button: 'Shopify', name: 'Shopify', shop: 'e2e-shop.myshopify.com', accept: (p) => acceptInBrowser(p, 'shopify') },
  { label: 'Etsy', button: 'Etsy', name: 'Etsy', accept: (p) => acceptInBrowser(p, 'etsy') },
  {
    label: 'TikTok Shop UK',
    button: 'TikTok Shop',
    name: 'TikTok UK',
    region: /^United Kingdom/,
    accept: (p) => acceptInBrowser(p, 'tiktok-shop'),
  },
  { label: 'Square', button: 'Square (Beta)', name: 'Square', accept: (p) => acceptInBrowser(p, 'square') },
  {
    label: 'Walmart US',
    button: 'Walmart',
    name: 'Walmart US',
    region: /^United States/,
    accept: (p) => acceptInBrowser(p, 'walmart'),
  },
];

/** A new seller picks the channel, names the account and arrives at the channel's connect step. */
async function toConnectStep(ch: Channel): Promise<{ page: Page; violations: string[] }> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const violations: string[] = [];
  await signUpInBrowser(page, stack.url, { name: 'Channel Seller', email: `channels${Date.now()}${seq++}@example.com` });
  await page.getByRole('heading', { name: 'Online marketplaces' }).waitFor();
  violations.push(...(await seriousA11yViolations(page)));
  await page.getByRole('button', { name: ch.button, exact: true }).click();
  await page.getByLabel('Account name').fill(ch.name);
  if (ch.region) {
    const option = (await page.getByLabel('Region').locator('option').allTextContents()).find((t) => ch.region!.test(t));
    await page.getByLabel('Region').selectOption({ label: option! });
  }
  if (ch.shop) await page.getByLabel('Shopify store address').fill(ch.shop);
  violations.push(...(await seriousA11yViolations(page)));
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Connect Sales Channel' }).waitFor();
  violations.push(...(await seriousA11yViolations(page)));
  return { page, violations };
}

describe('connecting a sales channel in the browser', () => {
  it.each(CHANNELS)('$label: from the channel picker through the provider\u2019s consent to Connect Bookkeeping', async (ch) => {
    const { page, violations } = await toConnectStep(ch);
    const connect = ch.button.replace(' (Beta)', '');
    await page.getByRole('button', { name: `Connect to ${connect}` }).click();
    // The provider's own page, on the sandboxes' origin.
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    violations.push(...(await seriousA11yViolations(page)));
    await ch.accept(page);
    await page.getByRole('heading', { name: 'Connect Bookkeeping' }).waitFor();
    expect(new URL(page.url()).origin).toBe(stack.url);
    expect(await page.getByRole('status').first().textContent()).toMatch(/Connected/);
    violations.push(...(await seriousA11yViolations(page)));
    // The account page shows the connection, never a token.
    await page.getByRole('link', { name: 'Account settings' }).click();
    const connections = page.getByRole('list', { name: 'Connections' });
    await connections.waitFor();
    expect(await connections.textContent()).toContain(ch.button.replace(' (Beta)', ''));
    expect(await page.content()).not.toMatch(/Atza\||shpat_|EAAA/);
    violations.push(...(await seriousA11yViolations(page)));
    expect(violations).toEqual([]);
    await page.close();
  });

  it.each(CHANNELS.filter((c) => c.label !== 'Amazon North America' && c.label !== 'Shopify'))(
    '$label: Cancel at the provider brings the seller back to the channel step with what to do',
    async (ch) => {
      const { page } = await toConnectStep(ch);
      await page.getByRole('button', { name: `Connect to ${ch.button.replace(' (Beta)', '')}` }).click();
      await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('heading', { name: 'Connect Sales Channel' }).waitFor();
      expect(await page.getByRole('alert').textContent()).toMatch(/You cancelled at .*, so nothing was connected/);
      expect(await page.getByRole('button', { name: /^Connect to / }).isEnabled()).toBe(true);
      await page.close();
    },
  );

  it('Shopify: Cancel leaves the seller in the Shopify admin, and the account still waits at its channel step', async () => {
    const ch = CHANNELS.find((c) => c.label === 'Shopify')!;
    const { page } = await toConnectStep(ch);
    const setupUrl = page.url();
    await page.getByRole('button', { name: 'Connect to Shopify' }).click();
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/admin/apps'));
    await page.goto(setupUrl);
    await page.getByRole('button', { name: 'Connect to Shopify' }).waitFor();
    await page.close();
  });
});
