/** Opening a local page in headless Chromium while recording everything that went wrong. */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

/** URLs a page may load offline: its own files and the loopback host (a local notebook server). */
export const LOCAL = /^(file|data|about|blob):|^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//;

export interface PageLog {
  page: Page;
  /** console.error messages and uncaught page errors. */
  errors: string[];
  /** Requests to anything but file: and data: URLs (the site must be self-contained). */
  external: string[];
  /** Requests that failed (e.g. a missing local asset). */
  failed: string[];
}

/**
 * Open `url` in a new page. `offline`: every request to anything but file:, data:, about:, blob:
 * or the loopback host is aborted before it leaves (as with no network at all).
 */
export async function openPage(browser: Browser, url: string, opts: { offline?: boolean } = {}): Promise<PageLog> {
  const page = await browser.newPage();
  const log: PageLog = { page, errors: [], external: [], failed: [] };
  if (opts.offline) {
    await page.route('**/*', (route) => (LOCAL.test(route.request().url()) ? route.continue() : route.abort('internetdisconnected')));
  }
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

/** The page logged no error, asked for nothing outside the machine, and loaded everything it asked for. */
export function expectCleanLog(log: PageLog): void {
  expect(log.errors).toEqual([]);
  expect(log.external).toEqual([]);
  expect(log.failed).toEqual([]);
}
