/**
 * Explorable figures in the exported site (docs/notebooks.md): `dive notebooks run` executes the
 * theory notebooks 01–03 (quick settings), `dive notebooks export` converts them, and headless
 * Chromium — every request that is not to a local file aborted — opens each page, drives one
 * figure's control to a value the notebook never precomputed, and checks that the plotted
 * numbers equal what the library computes in Node for that value (to 1e-12). Notebook 03's
 * responsibilities figure goes to separation d = 2.7. Missing Jupyter or Chromium makes the
 * tests FAIL with the install command.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { browserBundleManifest } from '../../lib/plot/explorable';
import type { Figure } from '../../lib/plot/figure';
import { checkJupyter, requireTools } from '../../lib/notebooks/tools';
import { launchChromium } from '../../lib/plot/chromium';
import * as figures from '../../lib/theory/figures';
import { capture } from '../data/helpers';
import { driveRange, explorableState, expectSameNumbers, plottedData } from './explorable';
import { expectCleanLog, openPage } from './page';

// Page-side globals used inside page.evaluate callbacks (the project compiles without DOM typings).
interface PageElement { getAttribute(a: string): string | null; querySelector(s: string): PageElement | null; id: string }
declare const document: { querySelectorAll(s: string): ArrayLike<PageElement> };

const PAGES = ['01-elbo-decomposition', '02-naive-bayes-disentanglement', '03-log-concave-mixture-kl-bound'];

let tmp: string;
let site: string;
let browser: Browser;

beforeAll(async () => {
  requireTools(checkJupyter(), 'the browser tests');
  browser = await launchChromium();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-explorable-'));
  site = path.join(tmp, 'site');
  const io = capture();
  process.env.DIVE_QUICK ??= '1';
  const ran = await main(['notebooks', 'run', ...PAGES.map((p) => p.slice(0, 2)), '--out', path.join(tmp, 'executed')], io);
  if (ran !== 0) throw new Error(`dive notebooks run failed: ${io.stderr.join('\n')}`);
  const exported = await main(['notebooks', 'export', '--in', path.join(tmp, 'executed'), '--out', site], io);
  if (exported !== 0) throw new Error(`dive notebooks export failed: ${io.stderr.join('\n')}`);
  const single = await main(['notebooks', 'export', '--single', '03', '--in', path.join(tmp, 'executed'), '--out', path.join(tmp, 'single')], io);
  if (single !== 0) throw new Error(`dive notebooks export --single failed: ${io.stderr.join('\n')}`);
}, 1_800_000);

afterAll(async () => {
  await browser?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** The explorables of a page: figure builder, plot id, state. */
async function explorables(page: import('playwright-core').Page): Promise<{ fn: string | null; plot: string; state: string | null }[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('.dive-explorable')).map((e) => ({
    fn: e.getAttribute('data-figure'), plot: e.querySelector('.dive-plot')!.id, state: e.getAttribute('data-state'),
  })));
}

/** The Node figure for the parameters on screen with `param` = `value`. */
async function nodeFigure(page: import('playwright-core').Page, plot: string, fn: string, param: string, value: number): Promise<Figure> {
  const { values } = await explorableState(page, plot);
  expect(values[param]).toBe(value);
  return (figures as unknown as Record<string, (p: object) => Figure>)[fn](values);
}

describe('explorable figures in the exported site, offline', () => {
  it('ships the browser bundle once for the site, and no page inlines it', () => {
    const assets = fs.readdirSync(path.join(site, 'assets')).filter((f) => f.startsWith('divelab-pure-'));
    expect(assets).toHaveLength(1);
    expect(fs.statSync(path.join(site, 'assets', assets[0])).size).toBe(browserBundleManifest().bytes);
    for (const p of PAGES) {
      const html = fs.readFileSync(path.join(site, `${p}.html`), 'utf8');
      expect(html, p).toContain(`src="assets/${assets[0]}"`);
      expect(html, p).not.toContain('(inlined, offline)');
    }
  });

  // [page, figure builder, parameter, value never precomputed, explorables on the page]
  const cases: [string, string, string, number, number][] = [
    ['01-elbo-decomposition', 'elboPathFigure', 'spread', 2.7, 1],
    ['02-naive-bayes-disentanglement', 'tcCurvesFigure', 's1', 1.15, 1],
    ['03-log-concave-mixture-kl-bound', 'responsibilitiesFigure', 'd', 2.7, 5],
  ];
  for (const [name, fn, param, value, count] of cases) {
    it(`${name}: ${fn} recomputed in the browser for ${param} = ${value} plots Node's numbers`, async () => {
      const log = await openPage(browser, pathToFileURL(path.join(site, `${name}.html`)).href, { offline: true });
      const { page } = log;
      // Every explorable mounts its controls (the bundle loaded from the site's assets).
      await page.waitForFunction((n) => Array.from(document.querySelectorAll('.dive-explorable[data-state="ready"]')).length === n, count, { timeout: 60_000 });
      const all = await explorables(page);
      expect(all).toHaveLength(count);
      const target = all.find((e) => e.fn === fn)!;
      expect(target, fn).toBeDefined();
      await driveRange(page, target.plot, param, value);
      const worst = expectSameNumbers(await plottedData(page, target.plot), await nodeFigure(page, target.plot, fn, param, value));
      console.log(`${name} ${fn} ${param}=${value}: max relative difference to Node ${worst.toExponential(1)}`);
      expectCleanLog(log);
      await page.close();
    }, 180_000);
  }
});

describe('explorable figures in a single-file page, opened alone and offline', () => {
  it('03: the page carries the bundle inline, and the responsibilities figure recomputed for d = 2.7 plots Node\'s numbers', async () => {
    // The file alone in an empty folder: nothing beside it to load.
    const alone = path.join(tmp, 'alone');
    fs.mkdirSync(alone);
    const file = path.join(alone, '03.html');
    fs.copyFileSync(path.join(tmp, 'single', '03-log-concave-mixture-kl-bound.html'), file);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('divelabPure');
    expect(html).not.toContain('src="assets/');
    const log = await openPage(browser, pathToFileURL(file).href, { offline: true });
    const { page } = log;
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.dive-explorable[data-state="ready"]')).length === 5, undefined, { timeout: 60_000 });
    const target = (await explorables(page)).find((e) => e.fn === 'responsibilitiesFigure')!;
    await driveRange(page, target.plot, 'd', 2.7);
    expectSameNumbers(await plottedData(page, target.plot), await nodeFigure(page, target.plot, 'responsibilitiesFigure', 'd', 2.7));
    expectCleanLog(log);
    await page.close();
  }, 180_000);
});
