/** Debian's Chromium, driven by playwright-core (no browser download; launch() gives each run a fresh temporary profile). */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
    },
  };
}

export const PASSWORD = 'a long enough passphrase';

/** Signs a new seller up through the sign-up form. */
export async function signUpInBrowser(page: Page, url: string, seller: { name: string; email: string }): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Your name').fill(seller.name);
  await page.getByLabel('Email').fill(seller.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Signs a seller in through the sign-in form. */
export async function signInInBrowser(page: Page, url: string, email: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page and returns the serious
 * and critical violations, as `rule: target` lines (empty when there are none).
 * Evaluated through the DevTools protocol, so the page's CSP does not block it.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const { createRequire } = await import('node:module');
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  const source = fs.readFileSync(axePath, 'utf8');
  const result = (await page.evaluate(
    `${source}; axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`,
  )) as { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}
