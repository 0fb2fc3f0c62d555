/** Debian's Chromium, driven by playwright-core (no browser download; launch() gives each run a fresh temporary profile). */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { acceptance } from '../local/sandboxes/facts.js';

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
 * and critical violations, as `rule: target` lines (empty when there are none),
 * and a line when the page scrolls sideways on a 390 px phone (see `sidewaysOnAPhone`).
 * Evaluated through the DevTools protocol, so the page's CSP does not block it.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const { createRequire } = await import('node:module');
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  const source = fs.readFileSync(axePath, 'utf8');
  const result = (await page.evaluate(
    `${source}; axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`,
  )) as { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  return [...serious, ...(await sidewaysOnAPhone(page))];
}

/** A phone's width: every page fits it without scrolling sideways. */
export const PHONE_WIDTH = 390;

/**
 * Whether the page scrolls sideways at 390 px wide (the viewport is narrowed
 * for the check when it is wider, then put back): empty when it fits, else one
 * line naming the page's width and the elements that stick out.
 */
export async function sidewaysOnAPhone(page: Page): Promise<string[]> {
  const before = page.viewportSize();
  const resize = before !== null && before.width !== PHONE_WIDTH;
  if (resize) await page.setViewportSize({ width: PHONE_WIDTH, height: before.height });
  try {
    const fit = await page.evaluate(() => {
      const wide = [...document.body.querySelectorAll('*')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5))
        .slice(0, 3)
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''}`);
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide };
    });
    if (fit.scrollWidth <= fit.innerWidth) return [];
    return [`sideways-scroll at ${PHONE_WIDTH} px: ${new URL(page.url()).pathname} is ${fit.scrollWidth} px wide (${fit.wide.join(', ') || 'no element found'})`];
  } finally {
    if (resize) await page.setViewportSize(before);
  }
}

/**
 * Accepts the sandbox consent page open in `page` as the sandbox's own facts
 * say (`acceptance` in local/sandboxes/facts.ts): its choices made (a box
 * ticked, a radio or option picked), then its accepting button pressed.
 */
export async function acceptInBrowser(page: Page, provider: string, choices?: Readonly<Record<string, string>>): Promise<void> {
  const accept = acceptance(provider);
  for (const [name, value] of Object.entries(choices ?? accept.choices)) {
    const control = page.locator(`[name="${name}"]`);
    const type = await control.first().getAttribute('type');
    if (type === 'checkbox') await control.check();
    else if (type === 'radio') await page.locator(`[name="${name}"][value="${value}"]`).check();
    else await control.selectOption(value);
  }
  await page.getByRole('button', { name: accept.label, exact: true }).click();
}
