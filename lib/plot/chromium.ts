/**
 * Headless Chromium through playwright-core, using the system's browser (Debian's
 * `/usr/bin/chromium`; `DIVE_CHROMIUM` overrides). playwright's own browser downloads are
 * never used. Shared by static image export and the browser tests.
 */
import * as fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { UserError } from '../util/errors';

/** Flags for a quiet, offline, sandbox-less headless run (containers, CI). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

export function chromiumPath(): string {
  return process.env.DIVE_CHROMIUM || '/usr/bin/chromium';
}

/** Present/missing, for `dive setup`. */
export function checkChromium(): { name: string; ok: boolean; detail: string } {
  const p = chromiumPath();
  const ok = fs.existsSync(p);
  return { name: 'chromium', ok, detail: ok ? p : `${p} missing` };
}

/** Launch headless Chromium; a UserError with the install command when it is missing. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!fs.existsSync(executablePath)) {
    throw new UserError(`Chromium not found at ${executablePath}; install it with: apt-get update && apt-get install -y chromium (or set DIVE_CHROMIUM)`);
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}
