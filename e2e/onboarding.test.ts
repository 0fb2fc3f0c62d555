import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { launchBrowser, signInInBrowser, signUpInBrowser } from './browser.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-e2e-'));
let browser: Browser;
let closeBrowser: () => Promise<void>;
let stack: LocalStack | undefined;

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await stack?.stop();
  await closeBrowser?.();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a new seller in the browser', () => {
  it('signs up, adds "Amazon EU" in Europe, and finds it again after the stack restarts', async () => {
    stack = await startLocalStack({ dataDir, logLevel: 'SILENT' });
    const { dynamoPort, awsPort } = stack;
    const page = await browser.newPage();
    await signUpInBrowser(page, stack.url, { name: 'Ada Seller', email: 'ada@example.com' });

    await page.getByRole('heading', { name: 'Online marketplaces' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Shopping carts & POS' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Square (Beta)' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Amazon' }).click();

    await page.getByLabel('Account name').fill('Amazon EU');
    await page.getByLabel('Region').selectOption({ label: 'Europe (amazon.co.uk, amazon.de, amazon.fr, amazon.es, amazon.it, amazon.nl, amazon.se, amazon.pl)' });
    const marketplaces = page.getByRole('region', { name: 'Marketplaces in Europe' }).getByRole('listitem');
    await expect.poll(() => marketplaces.count(), { timeout: 15_000 }).toBe(8);
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.getByRole('heading', { name: 'Connect Sales Channel' }).waitFor();
    expect(await page.getByText('Connect Amazon EU to Onramp through Amazon (Europe).').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Connect to Amazon' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: /account menu/ }).click();
    await page.getByRole('menuitem', { name: 'My accounts' }).click();
    await page.getByRole('list', { name: 'Your accounts' }).getByRole('link', { name: 'Amazon EU' }).waitFor();
    await page.close();

    await stack.stop();
    stack = await startLocalStack({ dataDir, logLevel: 'SILENT', dynamoPort, awsPort });

    const again = await browser.newPage();
    await signInInBrowser(again, stack.url, 'ada@example.com');
    await again.getByRole('link', { name: 'Amazon EU' }).waitFor();
    await again.close();
  });

  it('shows what is wrong, next to the field, when the password is too weak', async () => {
    stack ??= await startLocalStack({ logLevel: 'SILENT' });
    const page = await browser.newPage();
    await page.goto(`${stack.url}/signup`);
    await page.getByLabel('Your name').fill('Weak');
    await page.getByLabel('Email').fill('weak@example.com');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Use at least 10 characters for your password.').first().waitFor();
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await page.close();
  });
});
