import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../shared/adapters/aws.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { acceptInBrowser, launchBrowser, signUpInBrowser, signInInBrowser } from './browser.js';
import { until } from '../local/test-helpers.js';

let browser: Browser;
let closeBrowser: () => Promise<void>;
let stack: LocalStack;

beforeAll(async () => {
  // A short step limit, so that "days later" is seconds here.
  stack = await startLocalStack({ logLevel: 'SILENT', stepTimeoutSeconds: 5 });
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await closeBrowser?.();
  await stack?.stop();
});

describe('a seller who leaves the wizard at Connect Bookkeeping', () => {
  it('finds the account paused with Resume, Resume continues at Connect Bookkeeping, and a support reset shows its reason', async () => {
    const page = await browser.newPage();
    await signUpInBrowser(page, stack.url, { name: 'Leaving Seller', email: 'leaves@example.com' });
    await page.getByRole('button', { name: 'Amazon' }).click();
    await page.getByLabel('Account name').fill('Amazon EU');
    await page.getByLabel('Region').selectOption('europe');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Connect Sales Channel' }).waitFor();
    const accountId = page.url().split('/accounts/')[1]!.split('/')[0]!;
    const sellerId = (await (await page.request.get(`${stack.url}/api/me`)).json()).user.id as string;

    // Through Amazon's (sandbox) consent.
    await page.getByRole('button', { name: 'Connect to Amazon' }).click();
    await acceptInBrowser(page, 'amazon');
    await page.getByRole('heading', { name: 'Connect Bookkeeping' }).waitFor();
    await page.close();

    // The seller is gone; the step waits past its limit.
    const key = { pk: `SELLER#${sellerId}`, sk: `ACCOUNT#${accountId}` };
    await until('the setup to pause', async () => {
      const { Item } = await dynamoClient().send(new GetCommand({ TableName: 'onramp', Key: key, ConsistentRead: true }));
      return Item?.status === 'paused';
    });

    const again = await browser.newPage();
    await signInInBrowser(again, stack.url, 'leaves@example.com');
    await again.getByRole('link', { name: 'Amazon EU' }).click();
    const setup = again.getByRole('region', { name: 'Setup' });
    await setup.getByText('(paused)').waitFor();
    expect(await setup.getByText('Connect Bookkeeping', { exact: true }).isVisible()).toBe(true);
    // The Amazon connection is still there, with its region: leaving lost nothing.
    expect(await again.getByRole('list', { name: 'Connections' }).textContent()).toMatch(/Amazon: .*Region: Europe/);
    await again.getByRole('list', { name: 'Activity' }).getByText('Setup paused after waiting too long.').waitFor();

    await again.getByRole('button', { name: 'Resume' }).click();
    await again.getByRole('heading', { name: 'Connect Bookkeeping' }).waitFor();
    expect(await again.getByText('Setup: Connect Bookkeeping (in progress)').isVisible()).toBe(true);
    // The new run waits at Connect Bookkeeping: nothing already connected is asked for again.
    await until('the new run to wait at Connect Bookkeeping', async () => {
      const { Item } = await dynamoClient().send(new GetCommand({ TableName: 'onramp', Key: key, ConsistentRead: true }));
      return Item?.tokenStep === 'connect_bookkeeping' && Item.status === 'active';
    });

    // Support resets the account; the seller sees why on the account page.
    const reset = (await stack.functions.invoke('support', {
      action: 'reset',
      target: { accountId },
      reason: 'Ticket 77: starting fresh as asked',
      operator: 'sam',
      caller: 'local:sam',
    })) as { outcome: string };
    expect(reset.outcome).toBe('done');
    await again.goto(`${stack.url}/accounts/${accountId}`);
    await again.getByText('Reset by support: Ticket 77: starting fresh as asked').waitFor();
    expect(await again.getByRole('region', { name: 'Setup' }).getByText('Connect Sales Channel', { exact: true }).isVisible()).toBe(true);
    await again.close();
  });
});
