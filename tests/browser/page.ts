/** Opening a local page in headless Chromium while recording everything that went wrong. */
import type { Browser, Page } from 'playwright-core';

export interface PageLog {
  page: Page;
  /** console.error messages and uncaught page errors. */
  errors: string[];
  /** Requests to anything but file: and data: URLs (the site must be self-contained). */
  external: string[];
  /** Requests that failed (e.g. a missing local asset). */
  failed: string[];
}

export async function openPage(browser: Browser, url: string): Promise<PageLog> {
  const page = await browser.newPage();
  const log: PageLog = { page, errors: [], external: [], failed: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => log.errors.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!/^(file|data|about|blob):/.test(r.url())) log.external.push(r.url());
  });
  page.on('requestfailed', (r) => log.failed.push(`${r.url()} (${r.failure()?.errorText ?? 'failed'})`));
  await page.goto(url, { waitUntil: 'load' });
  return log;
}
