/**
 * The exported static site in a real browser: `dive notebooks run` executes the tour,
 * `dive notebooks export` converts it, and headless Chromium opens every page. Asserts: no
 * console errors, no requests leaving the site (nothing but file:/data: URLs) and none
 * failing, every plotly figure drawn (`.js-plotly-plot` with a non-empty `.main-svg`), the
 * slider working, and MathJax typesetting the LaTeX. Missing Jupyter or Chromium makes the
 * tests FAIL with the install command.
 *
 * The same executed notebooks give the single-file page (`dive notebooks export --single`): copied
 * alone into an empty folder and opened with every request but the page itself blocked, it must
 * draw its figures and show its formulas as SVG (no raw TeX left), with no MathJax loaded, and
 * weigh under 6 MB (notebook 03).
 *
 * By default every notebook in notebooks/ is executed with quick settings (DIVE_QUICK=1,
 * unless the environment sets it), so the suite proves that each one runs headlessly and
 * renders offline; DIVE_BROWSER_NOTEBOOKS=00-tour (or another comma-separated list of names)
 * narrows it while developing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { resolveNotebooks } from '../../lib/notebooks/catalog';
import { notebooksDir } from '../../lib/notebooks/paths';
import { checkJupyter, checkMathJax, requireTools } from '../../lib/notebooks/tools';
import { launchChromium } from '../../lib/plot/chromium';
import { openPage } from './page';
import { capture } from '../io';

// Page-side globals used inside page.evaluate callbacks (the project compiles without DOM typings).
interface PageElement { id: string; querySelector(s: string): PageElement | null; querySelectorAll(s: string): ArrayLike<PageElement> }
declare const document: { querySelectorAll(s: string): ArrayLike<PageElement>; getElementById(id: string): PageElement | null };

const SELECTION = (process.env.DIVE_BROWSER_NOTEBOOKS ?? 'all').trim();
const NAMES = SELECTION === 'all' ? [] : SELECTION.split(',').map((n) => n.trim()).filter(Boolean);

let tmp: string;
let executed: string;
let site: string;
let browser: Browser;

beforeAll(async () => {
  requireTools([...checkJupyter(), checkMathJax()], 'the browser tests');
  browser = await launchChromium(); // throws with the install command when Chromium is missing
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-export-'));
  executed = path.join(tmp, 'executed');
  site = path.join(tmp, 'site');
  const io = capture();
  process.env.DIVE_QUICK ??= '1'; // the notebooks read quick settings from the environment
  const ran = await main(['notebooks', 'run', ...NAMES, '--out', executed], io);
  if (ran !== 0) throw new Error(`dive notebooks run failed: ${io.stderr.join('\n')}`);
  const exported = await main(['notebooks', 'export', '--in', executed, '--out', site], io);
  if (exported !== 0) throw new Error(`dive notebooks export failed: ${io.stderr.join('\n')}`);
}, 1_200_000);

afterAll(async () => {
  await browser?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('exported notebook site', () => {
  it('has an index linking every notebook with its title and first heading', async () => {
    const stems = resolveNotebooks(notebooksDir(), NAMES).map((f) => f.replace(/\.ipynb$/, ''));
    expect(stems).toContain('00-tour');
    const log = await openPage(browser, pathToFileURL(path.join(site, 'index.html')).href);
    const items = await log.page.$$eval('#notebooks li', (lis) =>
      lis.map((li) => ({ href: li.querySelector('a')?.getAttribute('href'), title: li.querySelector('a')?.textContent, heading: li.querySelector('.heading')?.textContent })));
    expect(items.map((i) => i.href)).toEqual(stems.map((s) => `${s}.html`));
    expect(items.find((i) => i.href === '00-tour.html')).toEqual({ href: '00-tour.html', title: 'A tour of divelab', heading: 'A tour of divelab' });
    for (const i of items) expect(fs.existsSync(path.join(site, i.href!)), i.href!).toBe(true);
    expect(log.errors).toEqual([]);
    expect(log.external).toEqual([]);
    await log.page.close();
  });

  it('ships plotly.js once for the site, publishes no library banner, and stays small', () => {
    const pages = fs.readdirSync(site).filter((f) => f.endsWith('.html'));
    const shared = fs.readdirSync(path.join(site, 'assets')).filter((f) => /^plotly-.*\.min\.js$/.test(f));
    expect(shared).toHaveLength(1);
    const size = (dir: string): number =>
      fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? size(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
    for (const p of pages) {
      const html = fs.readFileSync(path.join(site, p), 'utf8');
      expect(html, p).not.toContain('(inlined, offline)');
      expect(html, p).not.toContain('Hi, looks like you are running TensorFlow.js');
    }
    const mb = size(site) / 2 ** 20;
    console.log(`site: ${pages.length} pages, ${mb.toFixed(1)} MB (plotly ${(fs.statSync(path.join(site, 'assets', shared[0])).size / 2 ** 20).toFixed(1)} MB once)`);
    if (NAMES.length === 0) expect(mb).toBeLessThan(10);
  });

  it('renders every page offline: figures drawn, LaTeX typeset, no errors, no external or failed requests', async () => {
    const pages = fs.readdirSync(site).filter((f) => f.endsWith('.html') && f !== 'index.html');
    expect(pages.length).toBeGreaterThan(0);
    for (const file of pages) {
      const log = await openPage(browser, pathToFileURL(path.join(site, file)).href);
      const expected = await log.page.$$eval('.dive-plot', (d) => d.length);
      // Plotly draws synchronously after load for these sizes; wait for all to be safe.
      await log.page.waitForFunction(
        (n) => Array.from(document.querySelectorAll('.js-plotly-plot')).filter((g) => g.querySelector('.main-svg *')).length >= n,
        expected,
        { timeout: 60_000 },
      );
      const plots = await log.page.$$eval('.js-plotly-plot', (gs) => gs.map((g) => ({ svgs: g.querySelectorAll('.main-svg').length, traces: g.querySelectorAll('.trace, .hm').length })));
      expect(plots.length, `${file}: figures drawn vs placeholders`).toBe(expected);
      // Heatmaps draw no `.trace` group but an `.hm` image per trace.
      for (const p of plots) {
        expect(p.svgs, file).toBeGreaterThan(0);
        expect(p.traces, `${file}: a figure with nothing drawn`).toBeGreaterThan(0);
      }
      if (file === '00-tour.html') {
        expect(plots.length).toBeGreaterThanOrEqual(4);
        // LaTeX in the first Markdown cell, typeset by the site's own MathJax copy.
        await log.page.waitForSelector('.MathJax_CHTML', { timeout: 60_000 });
      }
      expect(log.errors, file).toEqual([]);
      expect(log.external, file).toEqual([]);
      expect(log.failed, file).toEqual([]);
      await log.page.close();
    }
  }, 300_000);

  it('the tour slider switches the visible month in the static page', async () => {
    const log = await openPage(browser, pathToFileURL(path.join(site, '00-tour.html')).href);
    const { page } = log;
    const id = await page.evaluate(() => {
      type Gd = { id: string; layout: { sliders?: unknown[] } };
      const gd = Array.from(document.querySelectorAll('.js-plotly-plot')).find((g) => (g as unknown as Gd).layout?.sliders?.length) as unknown as Gd | undefined;
      return gd?.id ?? null;
    });
    expect(id, 'a figure with layout.sliders').not.toBeNull();
    /** The figure's fields the slider drives (a type only: erased before the page runs it). */
    type SliderFigure = { data: { visible: boolean }[]; layout: { sliders: { active: number; steps: unknown[] }[] } };
    const state = () => page.evaluate((gid) => {
      const gd = document.getElementById(gid!) as unknown as SliderFigure;
      return { active: gd.layout.sliders[0].active, steps: gd.layout.sliders[0].steps.length, visible: gd.data.map((t) => t.visible) };
    }, id);
    const before = await state();
    expect(before.active).toBe(0);
    expect(before.visible.filter(Boolean)).toHaveLength(1);
    expect(before.visible[0]).toBe(true);
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    const rail = await page.locator(`#${id} .slider-rail-rect`).boundingBox();
    expect(rail).not.toBeNull();
    await page.mouse.click(rail!.x + rail!.width - 1, rail!.y + rail!.height / 2); // drag target: the last month
    // The slider's `active` index changes before its restyle has landed, so wait for both: the
    // last step active and the last trace visible (a timeout here is a failure, as it should be).
    await page.waitForFunction((gid) => {
      const gd = document.getElementById(gid!) as unknown as SliderFigure;
      const s = gd.layout.sliders[0];
      return s.active === s.steps.length - 1 && gd.data[gd.data.length - 1].visible === true;
    }, id, { timeout: 30_000 });
    const after = await state();
    expect(after.active).toBe(before.steps - 1);
    expect(after.visible.indexOf(true)).toBe(after.visible.length - 1);
    expect(after.visible.filter(Boolean)).toHaveLength(1);
    expect(log.errors).toEqual([]);
    await page.close();
  }, 120_000);
});

/** The theory notebook the single-file page is checked on (the first executed one when a narrowed run leaves it out). */
const SINGLE = '03-log-concave-mixture-kl-bound';

describe('single-file page (dive notebooks export --single)', () => {
  it('opened alone from file:// with every request blocked, draws its figures and its formulas; 03 is under 6 MB', async () => {
    const stems = resolveNotebooks(executed, []).map((f) => f.replace(/\.ipynb$/, ''));
    const name = stems.includes(SINGLE) ? SINGLE : stems[0];
    const out = path.join(tmp, 'single');
    const io = capture();
    expect(await main(['notebooks', 'export', '--in', executed, '--single', name, '--out', out], io), io.stderr.join('\n')).toBe(0);
    expect(io.stdout).toEqual([expect.stringMatching(new RegExp(`^single page: .*${name}\\.html \\(\\d+\\.\\d\\d MB\\)$`))]);
    // The file alone in a folder of its own: nothing beside it to load.
    const alone = fs.mkdtempSync(path.join(tmp, 'alone-'));
    const file = path.join(alone, `${name}.html`);
    fs.copyFileSync(path.join(out, `${name}.html`), file);
    expect(fs.readdirSync(alone)).toEqual([`${name}.html`]);
    const bytes = fs.statSync(file).size;
    console.log(`single page ${name}.html: ${(bytes / 1e6).toFixed(2)} MB (${(bytes / 2 ** 20).toFixed(2)} MiB)`);
    if (name === SINGLE) expect(bytes).toBeLessThan(6e6);

    const url = pathToFileURL(file).href;
    const context = await browser.newContext();
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    await page.goto(url, { waitUntil: 'load' });

    const expected = await page.$$eval('.dive-plot', (d) => d.length);
    expect(expected, 'figures in the page').toBeGreaterThan(0);
    await page.waitForFunction(
      (n) => Array.from(document.querySelectorAll('.js-plotly-plot')).filter((g) => g.querySelector('.main-svg *')).length >= n,
      expected,
      { timeout: 60_000 },
    );
    const plots = await page.$$eval('.js-plotly-plot', (gs) => gs.map((g) => g.querySelectorAll('.trace, .hm').length));
    expect(plots).toHaveLength(expected);
    for (const traces of plots) expect(traces, 'a figure with nothing drawn').toBeGreaterThan(0);

    // Formulas: SVG drawn from glyphs defined in the page, no TeX left in the rendered Markdown, no MathJax.
    const math = await page.evaluate(() => {
      interface El {
        textContent: string | null;
        getAttribute(n: string): string | null;
        getBoundingClientRect(): { width: number; height: number };
        querySelectorAll(s: string): ArrayLike<El>;
        cloneNode(deep: boolean): El;
        remove(): void;
      }
      const doc = document as unknown as { querySelectorAll(s: string): ArrayLike<El>; getElementById(id: string): El | null };
      const formulas = Array.from(doc.querySelectorAll('mjx-container > svg'));
      const glyphs = Array.from(doc.querySelectorAll('mjx-container use')).map((u) => (u.getAttribute('xlink:href') ?? u.getAttribute('href') ?? '').slice(1));
      // The text of every rendered Markdown cell with its typeset formulas taken out.
      const markdown = Array.from(doc.querySelectorAll('.jp-RenderedMarkdown')).map((m) => {
        const clone = m.cloneNode(true);
        for (const c of Array.from(clone.querySelectorAll('mjx-container'))) c.remove();
        return clone.textContent ?? '';
      });
      return {
        formulas: formulas.length,
        drawn: formulas.filter((f) => f.getBoundingClientRect().width > 0 && f.getBoundingClientRect().height > 0).length,
        glyphs: glyphs.length,
        undefinedGlyphs: glyphs.filter((id) => !doc.getElementById(id)),
        markdownCells: markdown.length,
        text: markdown.join('\n'),
        mathjax: typeof (globalThis as { MathJax?: unknown }).MathJax,
      };
    });
    expect(math.markdownCells).toBeGreaterThan(0);
    if (name === SINGLE) expect(math.formulas).toBeGreaterThan(50);
    expect(math.formulas, 'typeset formulas').toBeGreaterThan(0);
    expect(math.drawn).toBe(math.formulas);
    expect(math.glyphs).toBeGreaterThan(math.formulas);
    expect(math.undefinedGlyphs).toEqual([]);
    expect(math.text).not.toMatch(/\$[^$\n]+\$/);
    expect(math.text).not.toMatch(/\\(frac|mathrm|mathcal|log|sum|pi|sigma|mu|\(|\[)/);
    expect(math.mathjax).toBe('undefined');

    expect(blocked, 'requests beyond the file itself').toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
