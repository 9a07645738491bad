import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium; `npm test` installs it first (scripts/ensure-chromium.sh). Never a downloaded browser. */
export const CHROMIUM = process.env.DAXSPEC_CHROMIUM ?? '/usr/bin/chromium';

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught page errors (a CSP refusal is one): a test expects none. */
  readonly errors: string[];
  /** Dialogs opened by the page (alert from injected script would be one). */
  readonly dialogs: string[];
  close(): Promise<void>;
}

/** Headless chromium with a fresh profile, no network services, no first-run UI. */
export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh (npm test does) or apt-get install -y chromium`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'daxspec-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return {
    context,
    page,
    errors,
    dialogs,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A screenshot for people to look at (test/screenshots/, git-ignored). Caret and animations are left
 * alone: hiding them makes playwright inject a style element, which the site's CSP refuses.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: join(import.meta.dirname, 'screenshots', `${name}.png`),
    animations: 'allow',
    caret: 'initial',
    fullPage: false,
  });
}
