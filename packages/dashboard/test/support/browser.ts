/**
 * A real Chromium (Debian's `chromium`, driven by playwright-core) against a real Hookline, for the
 * dashboard's tests: pages, an axe-core check, and screenshots.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; CI installs it (`apt-get install chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or `undefined` when they can. Outside CI a missing browser skips them. */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || process.env['CI'] === 'true') return undefined;
  return `no ${CHROMIUM_PATH} (apt-get install chromium)`;
}

/** Starts a headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Tests run as root in CI, where Chromium's own sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** A fresh browser profile (no storage shared with other tests) at a given width. */
export async function newContext(browser: Browser, width = 1280, height = 860): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width, height }, locale: 'en-GB' });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe-core violation, as the tests report it. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * Runs axe-core on the page as it is now and returns the serious and critical violations. The script
 * is evaluated through the browser's debugging protocol, which the page's CSP does not govern, so
 * the page is checked with its real policy in force.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document) => Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run(document);
    return result.violations as {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[] }[];
    }[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}

/** Collects what the page logs as errors (CSP refusals, uncaught exceptions), to assert there are none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A refused API call logs "Failed to load resource" (a 401 for a wrong token is expected); what
    // counts is a refused script or style (CSP) and anything else the page itself reports.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return errors;
}
