import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Locator, Page } from 'playwright-core';
import { chromiumPath, launchChromium } from '../../bench/support/chromium.js';
import type { Test } from 'tap';
import { startPortalApp, type PortalApp } from './portal-app.js';

export interface PortalWorld extends PortalApp {
  browser: Browser;
  /** A fresh browser context (its own cookies and IndexedDB) with a page open. */
  newPage(): Promise<Page>;
}

/** The service on a port and one Chromium for the whole test file, as Playwright's own runner would. */
export async function startPortal(t: Test, env: Record<string, string> = {}): Promise<PortalWorld> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not at ${chromiumPath}: the portal's browser tests need it (apt-get install -y chromium, or set CHROMIUM_PATH)`,
    );
  }
  const portal = await startPortalApp(t, env);
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  return {
    ...portal,
    browser,
    newPage: async () => {
      const context = await browser.newContext({ baseURL: portal.baseUrl, acceptDownloads: true });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
  };
}

/** Signs in through the portal's own button and the development provider's page, as a person would. */
export async function signInAs(page: Page, accountLabel: RegExp | string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await page.getByRole('heading', { name: 'Development sign-in' }).waitFor();
  await page.getByLabel(accountLabel).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A small real-looking PDF; `marker` makes its bytes (and so its hash) unique. */
export function pdfBytes(marker: string, padding = 0): Buffer {
  const body = `%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${marker}\n${'0'.repeat(padding)}\n%%EOF\n`;
  return Buffer.from(body);
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page (added as a script, since the page's policy allows no inline code). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the page's policy rightly refuses an inline script tag.
  await page.evaluate(axeSource);
  // A string, not a function: this file is compiled for Node, where there is no DOM.
  const violations = (await page.evaluate(
    '(async () => (await globalThis.axe.run(document)).violations)()',
  )) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Whether the element shows up within the page's timeout, or `timeout` ms for slow work: the page renders
 * after its fetches settle, so a check made at once (Locator.isVisible) can run before the list it looks
 * at has been refreshed.
 */
export async function shows(locator: Locator, timeout?: number): Promise<boolean> {
  return locator.waitFor({ state: 'visible', ...(timeout === undefined ? {} : { timeout }) }).then(
    () => true,
    () => false,
  );
}

/** The keys page's own button: a key made and kept in this browser, its public half registered. */
export async function makeKeyInBrowser(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Keys' }).click();
  await page.getByRole('button', { name: 'Make a new key in this browser' }).click();
  await page.getByText(/A new key was made in this browser and registered/).waitFor();
  await page.getByRole('cell', { name: 'Yes, made here' }).first().waitFor();
}

/** The name a person hears for the focused element: its label, or its text. */
async function focusedName(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el) return '';
    const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
    return (label || el.getAttribute('aria-label') || el.textContent || '').trim();
  })()`);
}

/** Presses Tab until the focus is on the element named `name`, as a keyboard user would. */
export async function tabTo(page: Page, name: string | RegExp, maxPresses = 80): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    const current = await focusedName(page);
    if (typeof name === 'string' ? current === name : name.test(current)) return;
  }
  throw new Error(`Tab never reached ${String(name)}`);
}
