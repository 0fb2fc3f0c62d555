/**
 * Create recommended accounts in Chromium, per provider: Accounts & Taxes →
 * Create recommended accounts → confirm → the new accounts suggested for
 * their lines → Finish setup. Run twice (a second tab confirming the same
 * list), the chart gains each account once; nothing reaches the books before
 * the seller's click (asserted at the sandbox). Xero's connection is read-only
 * until the seller reconnects with permission to add accounts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { booksControls } from '../local/sandboxes/controls.js';
import { acceptance } from '../local/sandboxes/facts.js';
import { QUICKBOOKS_SANDBOX_COMPANY } from '../local/sandboxes/quickbooks/index.js';
import { XERO_SANDBOX_TENANTS } from '../local/sandboxes/xero/index.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { acceptInBrowser, launchBrowser, seriousA11yViolations, sidewaysOnAPhone, signUpInBrowser } from './browser.js';

let browser: Browser;
let closeBrowser: () => Promise<void>;
let stack: LocalStack;
let seq = 0;
const [, SECOND] = XERO_SANDBOX_TENANTS;

beforeAll(async () => {
  [{ browser, close: closeBrowser }, stack] = await Promise.all([launchBrowser(), startLocalStack({ logLevel: 'SILENT' })]);
});
afterAll(async () => {
  await stack?.stop();
  await closeBrowser?.();
});

async function newSellerPage(): Promise<Page> {
  // A context of its own, so that a second tab shares the seller's session.
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await signUpInBrowser(page, stack.url, { name: 'Books Seller', email: `recommended${Date.now()}${seq++}@example.com` });
  await page.getByRole('heading', { name: 'Online marketplaces' }).waitFor();
  return page;
}

/** From the channel picker to Connect Bookkeeping, through the channel's sandbox consent. */
async function connectChannel(page: Page, channel: 'amazon' | 'etsy', name: string): Promise<void> {
  await page.getByRole('button', { name: channel === 'etsy' ? 'Etsy' : 'Amazon', exact: true }).click();
  await page.getByLabel('Account name').fill(name);
  if (channel === 'amazon') await page.getByLabel('Region').selectOption('europe');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: channel === 'etsy' ? 'Connect to Etsy' : 'Connect to Amazon' }).click();
  await acceptInBrowser(page, channel);
  await page.getByRole('heading', { name: 'Connect Bookkeeping' }).waitFor();
}

/** Xero's consent with only Second Shop Ltd ticked (it has no marketplace accounts). */
async function acceptSecondShop(page: Page): Promise<void> {
  await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
  await page.locator('#tenant-0').uncheck();
  await page.locator('#tenant-1').check();
  await page.getByRole('button', { name: acceptance('xero').label, exact: true }).click();
}

/** Confirms the listed accounts in `page`; answers the outcome list's text. */
async function createListed(page: Page, count: number): Promise<string> {
  await page.getByRole('button', { name: 'Create recommended accounts' }).click();
  const confirm = page.getByRole('group', { name: /^Create these accounts in / });
  await confirm.waitFor();
  expect(await confirm.getByRole('checkbox').count()).toBe(count);
  await page.getByRole('button', { name: `Create ${count} accounts` }).click();
  const outcome = page.getByRole('list', { name: /^Accounts created in / });
  await outcome.waitFor();
  return (await outcome.textContent()) ?? '';
}

/** The chosen option's text in a line's account picker. */
const chosenText = (page: Page, line: string) => page.getByLabel(line, { exact: true }).evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent ?? '');

describe('Create recommended accounts in the browser', () => {
  it('Xero: reconnects with permission to add accounts, creates them on the click, suggests them, finishes; a second run creates nothing', async () => {
    const page = await newSellerPage();
    const violations: string[] = [];
    const books = booksControls(stack.sandboxes.sandboxes, 'xero');
    await connectChannel(page, 'amazon', 'Amazon EU');
    await page.getByRole('button', { name: 'Connect to Xero' }).click();
    await acceptSecondShop(page);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Accounts & Taxes' }).waitFor();
    await page.getByRole('heading', { name: 'Accounts Onramp can create' }).waitFor();
    // A read-only connection: the button explains, and reconnects asking for the extra scope.
    const reconnect = page.getByRole('button', { name: 'Reconnect with permission to add accounts' });
    await reconnect.waitFor();
    expect(await page.getByRole('region', { name: 'Accounts Onramp can create' }).textContent()).toMatch(/needs your permission to add accounts/);
    violations.push(...(await seriousA11yViolations(page)));
    await reconnect.click();
    await page.waitForURL((u) => u.origin === stack.sandboxes.origin);
    expect(new URL(page.url()).searchParams.get('scope') ?? (await page.content())).toContain('accounting.settings');
    await acceptSecondShop(page);
    await page.getByRole('button', { name: 'Continue setup' }).click();
    await page.getByRole('button', { name: 'Create recommended accounts' }).waitFor();
    // Listing, reading and reconnecting wrote nothing to the books.
    expect(books.createRequests(SECOND!.tenantId)).toEqual([]);

    // A second tab with the same list, confirmed after the first: the run twice.
    const second = await page.context().newPage();
    await second.goto(page.url());
    await second.getByRole('button', { name: 'Create recommended accounts' }).waitFor();

    await page.getByRole('button', { name: 'Create recommended accounts' }).click();
    await page.getByRole('checkbox', { name: /Amazon Clearing/ }).waitFor();
    violations.push(...(await seriousA11yViolations(page)));
    violations.push(...(await sidewaysOnAPhone(page)));
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(books.createRequests(SECOND!.tenantId)).toEqual([]);
    const outcome = await createListed(page, 3);
    expect(outcome).toMatch(/Created: \d+ Amazon Clearing/);
    expect(outcome).toMatch(/Created: \d+ Amazon Fees/);
    expect(outcome).toMatch(/Created: \d+ Marketplace Collected VAT/);
    expect(await chosenText(page, 'Payout clearing account')).toMatch(/Amazon Clearing .*\(suggested\)/);
    expect(await chosenText(page, 'Channel fees')).toMatch(/Amazon Fees .*\(suggested\)/);
    expect(await chosenText(page, 'Marketplace-collected tax')).toMatch(/Marketplace Collected VAT .*\(suggested\)/);
    violations.push(...(await seriousA11yViolations(page)));
    expect(books.createRequests(SECOND!.tenantId).filter((r) => r.createdId)).toHaveLength(3);

    const again = await createListed(second, 3);
    expect(again.match(/Already there/g)).toHaveLength(3);
    expect(books.createRequests(SECOND!.tenantId)).toHaveLength(3);
    await second.close();

    await page.getByRole('button', { name: 'Finish setup' }).click();
    await page.getByRole('heading', { name: 'Done' }).waitFor();
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it('QuickBooks: creates them on the click, suggests them, finishes; a second run creates nothing', async () => {
    const page = await newSellerPage();
    const violations: string[] = [];
    const books = booksControls(stack.sandboxes.sandboxes, 'quickbooks');
    const realm = QUICKBOOKS_SANDBOX_COMPANY.realmId;
    await connectChannel(page, 'etsy', 'Etsy shop');
    await page.getByRole('button', { name: 'Connect to QuickBooks' }).click();
    await acceptInBrowser(page, 'quickbooks');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Accounts & Taxes' }).waitFor();
    await page.getByRole('button', { name: 'Create recommended accounts' }).waitFor();
    const before = books.createRequests(realm).length;
    const second = await page.context().newPage();
    await second.goto(page.url());
    await second.getByRole('button', { name: 'Create recommended accounts' }).waitFor();
    expect(books.createRequests(realm)).toHaveLength(before);

    const outcome = await createListed(page, 2);
    expect(outcome).toMatch(/Created: \d+ Etsy Clearing/);
    expect(outcome).toMatch(/Created: \d+ Etsy Fees/);
    expect(await chosenText(page, 'Payout clearing account')).toMatch(/Etsy Clearing .*\(suggested\)/);
    expect(await chosenText(page, 'Channel fees')).toMatch(/Etsy Fees .*\(suggested\)/);
    violations.push(...(await seriousA11yViolations(page)));

    const again = await createListed(second, 2);
    expect(again.match(/Already there/g)).toHaveLength(2);
    expect(books.createRequests(realm).slice(before).filter((r) => r.createdId)).toHaveLength(2);
    expect(books.createRequests(realm)).toHaveLength(before + 2);
    await second.close();

    await page.getByRole('button', { name: 'Finish setup' }).click();
    await page.getByRole('heading', { name: 'Done' }).waitFor();
    expect(violations).toEqual([]);
    await page.context().close();
  });
});
