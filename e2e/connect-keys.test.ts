/**
 * Sellers connect the keys channels in Chromium, on a 390 px phone: Walmart
 * (United States and Mexico) and WooCommerce with pasted keys, and
 * WooCommerce in one click at the store's own approval page. Each ends at
 * Connect Bookkeeping, or back on the form with its sentence. Every page on
 * the way (Onramp's and the sandbox store's) is checked with axe.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WALMART_FACTS } from '../local/sandboxes/facts.js';
import { WALMART_SANDBOX_KEYS } from '../local/sandboxes/walmart/index.js';
import { WOO_SANDBOX_KEYS } from '../local/sandboxes/woocommerce/index.js';
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

const walmartKey = (id: string) => WALMART_SANDBOX_KEYS.find((k) => k.clientId === id)!;
const wooRead = WOO_SANDBOX_KEYS.find((k) => k.permissions === 'read')!;
const store = () => `${stack.sandboxes.origin}/woocommerce`;

/** A new seller picks the channel, names the account (and its market) and arrives at the channel's connect step. */
async function toConnectStep(channel: 'Walmart' | 'WooCommerce', region?: string, storeUrl?: string): Promise<{ page: Page; violations: string[] }> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const violations: string[] = [];
  await signUpInBrowser(page, stack.url, { name: 'Keys Seller', email: `keys${Date.now()}${seq++}@example.com` });
  await page.getByRole('heading', { name: 'Online marketplaces' }).waitFor();
  await page.getByRole('button', { name: channel, exact: true }).click();
  await page.getByLabel('Account name').fill(`${channel} ${region ?? 'shop'}`);
  if (region) {
    const option = (await page.getByLabel('Region').locator('option').allTextContents()).find((t) => t.startsWith(region));
    await page.getByLabel('Region').selectOption({ label: option! });
  }
  if (storeUrl) await page.getByLabel('Store URL').fill(storeUrl);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Connect Sales Channel' }).waitFor();
  violations.push(...(await seriousA11yViolations(page)));
  return { page, violations };
}

/** Nothing sticks out sideways on the phone. */
const fitsThePhone = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** The keys form's button: in the US keys are the other way beside Walmart's consent (whose button is "Connect to Walmart"). */
const keysButton = (region: string) => (region === 'United States' ? 'Connect with keys' : 'Connect to Walmart');

async function expectAtConnectBookkeeping(page: Page, connected: RegExp, violations: string[]) {
  await page.getByRole('heading', { name: 'Connect Bookkeeping' }).waitFor();
  expect(await page.getByRole('status').first().textContent()).toMatch(connected);
  violations.push(...(await seriousA11yViolations(page)));
}

describe('connecting Walmart with pasted keys in the browser', () => {
  it.each([
    ['United States', WALMART_FACTS.keys.us.clientId],
    ['Mexico', WALMART_FACTS.keys.mx.clientId],
  ])('%s: the seller follows the steps, pastes the Client ID and Client Secret, and arrives at Connect Bookkeeping', async (region, clientId) => {
    const { page, violations } = await toConnectStep('Walmart', region);
    const key = walmartKey(clientId);
    expect(await page.getByRole('listitem').filter({ hasText: 'Add New Key for a Solution Provider' }).count()).toBe(1);
    expect(await page.getByLabel('Client Secret').getAttribute('type')).toBe('password');
    expect(await page.getByLabel('Client ID').getAttribute('type')).toBe('text');
    expect(await fitsThePhone(page)).toBe(true);
    await page.getByLabel('Client ID').fill(key.clientId);
    await page.getByLabel('Client Secret').fill(key.clientSecret);
    await page.getByRole('button', { name: keysButton(region) }).click();
    await expectAtConnectBookkeeping(page, new RegExp(`Connected Walmart: ${region}`), violations);
    // The account page shows the key by its last four characters only.
    await page.getByRole('link', { name: 'Account settings' }).click();
    const connections = page.getByRole('list', { name: 'Connections' });
    await connections.waitFor();
    expect(await connections.textContent()).toContain(`Client ID: ending in ${key.clientId.slice(-4)}`);
    const html = await page.content();
    expect(html).not.toContain(key.clientSecret);
    expect(html).not.toContain(key.clientId);
    violations.push(...(await seriousA11yViolations(page)));
    expect(violations).toEqual([]);
    await page.close();
  });

  it.each([
    ['a key Walmart rejects', WALMART_FACTS.keys.us.clientId, 'not-the-secret', /^Walmart did not accept this Client ID and Client Secret/, 'Client Secret'],
    ['a key without access to Reports', WALMART_FACTS.keys.noReports.clientId, WALMART_FACTS.keys.noReports.clientSecret, /does not have access to Reports/, 'Client ID'],
  ])('%s: the seller stays on the form, with the sentence and the field marked', async (_what, clientId, clientSecret, sentence, marked) => {
    const { page, violations } = await toConnectStep('Walmart', 'United States');
    await page.getByLabel('Client ID').fill(clientId);
    await page.getByLabel('Client Secret').fill(clientSecret);
    await page.getByRole('button', { name: keysButton('United States') }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(sentence);
    expect(await page.getByLabel(marked).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('heading', { name: 'Connect Sales Channel' }).waitFor();
    expect(await page.getByRole('button', { name: keysButton('United States') }).isEnabled()).toBe(true);
    violations.push(...(await seriousA11yViolations(page)));
    expect(violations).toEqual([]);
    await page.close();
  });

  it('works by keyboard: type, Tab to the next field, Enter to connect', async () => {
    const { page } = await toConnectStep('Walmart', 'United States');
    const key = walmartKey(WALMART_FACTS.keys.us.clientId);
    await page.getByLabel('Client ID').focus();
    await page.keyboard.type(key.clientId);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('password');
    await page.keyboard.type(key.clientSecret);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Connect Bookkeeping' }).waitFor();
    await page.close();
  });
});

describe('connecting WooCommerce in the browser', () => {
  it('pasted keys: the seller enters the store URL and a Read key, and arrives at Connect Bookkeeping', async () => {
    const { page, violations } = await toConnectStep('WooCommerce');
    expect(await page.getByRole('listitem').filter({ hasText: 'WooCommerce > Settings > Advanced > REST API' }).count()).toBe(1);
    expect(await page.getByLabel('Consumer Secret').getAttribute('type')).toBe('password');
    expect(await fitsThePhone(page)).toBe(true);
    await page.getByLabel('Store URL').fill(store());
    await page.getByLabel('Consumer Key').fill(wooRead.consumerKey);
    await page.getByLabel('Consumer Secret').fill(wooRead.consumerSecret);
    await page.getByRole('button', { name: 'Connect to WooCommerce' }).click();
    await expectAtConnectBookkeeping(page, /Connected WooCommerce: Sandbox Store/, violations);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('the store address given when creating the account: the local stack takes the sandbox store there too, and its keys connect it', async () => {
    const { page, violations } = await toConnectStep('WooCommerce', undefined, store());
    // The address is the account's: the connect step does not ask for it again.
    expect(await page.getByLabel('Store URL').count()).toBe(0);
    await page.getByLabel('Consumer Key').fill(wooRead.consumerKey);
    await page.getByLabel('Consumer Secret').fill(wooRead.consumerSecret);
    await page.getByRole('button', { name: 'Connect to WooCommerce' }).click();
    await expectAtConnectBookkeeping(page, /Connected WooCommerce: Sandbox Store/, violations);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('pasted keys on a WordPress site without its REST API: the sentence sits next to the Store URL', async () => {
    const { page } = await toConnectStep('WooCommerce');
    await page.getByLabel('Store URL').fill(`${stack.sandboxes.origin}/not-woocommerce`);
    await page.getByLabel('Consumer Key').fill(wooRead.consumerKey);
    await page.getByLabel('Consumer Secret').fill(wooRead.consumerSecret);
    await page.getByRole('button', { name: 'Connect to WooCommerce' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByLabel('Store URL').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#store-url-error').textContent()).toMatch(/REST API is turned off or blocked/);
    // The focus goes to the field to fix.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('store-url');
    await page.close();
  });

  it('one click, Approve: the store asks the seller, sends Onramp the keys, and the seller arrives at Connect Bookkeeping', async () => {
    const { page, violations } = await toConnectStep('WooCommerce');
    await page.getByLabel('Store URL').fill(store());
    await page.getByRole('button', { name: 'Connect automatically' }).click();
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Onramp would like to connect to Sandbox Store/);
    violations.push(...(await seriousA11yViolations(page)));
    await acceptInBrowser(page, 'woocommerce');
    await expectAtConnectBookkeeping(page, /Connected WooCommerce: Sandbox Store/, violations);
    // The used one-time id is not left in the address bar.
    expect(new URL(page.url()).search).toBe('');
    expect(violations).toEqual([]);
    await page.close();
  });

  it('one click, Deny: the seller comes back to the form, told they denied access, with the pasted-keys form to fall back on', async () => {
    const { page, violations } = await toConnectStep('WooCommerce');
    await page.getByLabel('Store URL').fill(store());
    await page.getByRole('button', { name: 'Connect automatically' }).click();
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('heading', { name: 'Connect Sales Channel' }).waitFor();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/^You denied access in WooCommerce, so nothing was connected\./);
    await page.getByLabel('Consumer Key').waitFor();
    expect(await page.getByRole('button', { name: 'Connect to WooCommerce' }).isEnabled()).toBe(true);
    violations.push(...(await seriousA11yViolations(page)));
    expect(violations).toEqual([]);
    await page.close();
  });

  it('one click, back from the store before the keys: the page says which store it waits for, then that the keys never came, with the pasted-keys form to fall back on', async () => {
    const { page } = await toConnectStep('WooCommerce');
    const setup = new URL(page.url());
    const accountId = setup.pathname.split('/')[2]!;
    await page.getByLabel('Store URL').fill(store());
    await page.getByRole('button', { name: 'Connect automatically' }).click();
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    // As if the seller's browser came back through Onramp before the store posted the keys (which it then never does).
    const userId = new URL(page.url()).searchParams.get('user_id')!;
    await page.goto(`${stack.url}/api/oauth/woocommerce/return?account=${accountId}&success=1&user_id=${encodeURIComponent(userId)}`);
    await page.getByText(`Waiting for your store at ${store()} to send Onramp the keys`).waitFor();
    await page.getByRole('alert').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('alert').textContent()).toMatch(/^Your store has not sent Onramp the keys, so nothing is connected\./);
    await page.getByLabel('Consumer Key').waitFor();
    await page.close();
  });

  it('one click, approved in a browser without the seller\u2019s session: that browser is told the keys were not kept, and the seller\u2019s account stays unconnected', async () => {
    const { page } = await toConnectStep('WooCommerce');
    await page.getByLabel('Store URL').fill(store());
    await page.getByRole('button', { name: 'Connect automatically' }).click();
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    const approvalLink = page.url();
    // The link goes to someone else, who approves in their own browser.
    const elsewhere = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const other = await elsewhere.newPage();
    await other.goto(approvalLink);
    await other.getByRole('button', { name: 'Approve' }).click();
    await other.getByRole('heading', { name: 'Sign in to Onramp' }).waitFor();
    expect(await other.getByRole('alert').textContent()).toBe('These keys were not kept: the approval has to finish in the browser that started it. Start again from Onramp.');
    const violations = await seriousA11yViolations(other);
    await elsewhere.close();
    await page.goBack();
    await page.getByRole('heading', { name: 'Connect Sales Channel' }).waitFor();
    await page.getByLabel('Consumer Key').waitFor();
    expect(violations).toEqual([]);
    await page.close();
  });
});
