/**
 * The browser bundle of divelab's pure parts (lib/browser.ts → dist/browser/divelab-pure.js, built
 * by `npm run build`) and explorable figures (lib/plot/explorable.ts) on a plain page:
 * - the bundle holds no Node API and no tfjs, and evaluates where only the language's globals
 *   exist (a bare V8 context), computing the same numbers as the library in Node;
 * - in headless Chromium with every request leaving the page aborted, an explorable figure's
 *   control moved to a value never precomputed redraws the figure with the numbers Node computes
 *   for that value (to 1e-12).
 * Missing Chromium makes the browser tests FAIL with the install command.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../lib/notebooks/build';
import { browserBundleManifest, browserBundlePath, browserBundleScript, explorableFigure, explorableHtml } from '../../lib/plot/explorable';
import type { Figure } from '../../lib/plot/figure';
import { plotlyScript } from '../../lib/plot/html';
import { launchChromium } from '../../lib/plot/chromium';
import * as figures from '../../lib/theory/figures';
import { responsibilities, locationMixture } from '../../lib/theory/mixtureKl';
import { expectCleanLog, openPage } from './page';
import { driveRange, expectSameNumbers, plottedData } from './explorable';

const WEIGHTS = [0.3, 0.45, 0.25];
const RESP = { d: 4, left: 'gaussian', right: 'cauchy', weights: WEIGHTS, labelWeight: 0.45 };

let browser: Browser;
let tmp: string;
beforeAll(async () => {
  ensureBuilt(); // dist/ and the bundle match lib/
  browser = await launchChromium();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-bundle-'));
}, 600_000);
afterAll(async () => {
  await browser?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the browser bundle', () => {
  it('bundles lib/browser.ts without Node or tfjs, and lists the figure builders it carries', () => {
    const m = browserBundleManifest();
    expect(m.inputs).toContain('lib/browser.ts');
    expect(m.inputs).toContain('lib/theory/mixtureKl.ts');
    expect(m.inputs.filter((f) => /@tensorflow|^node:|tfjs/.test(f))).toEqual([]);
    expect(m.inputs.filter((f) => /lib\/(theory\/(modelLayer|checks)|models|backend|train|notebooks|cli)\b/.test(f))).toEqual([]);
    expect(m.figures).toEqual(Object.keys(figures).filter((k) => k.endsWith('Figure')).sort());
    const code = fs.readFileSync(browserBundlePath().bundle, 'utf8');
    expect(code.length).toBe(m.bytes);
    expect(code).not.toMatch(/\b__require\b|require\(["']|process\.(env|versions)|@tensorflow/);
    expect(m.bytes).toBeLessThan(400_000);
  });

  it('evaluates with only the language globals and computes what the library computes in Node', () => {
    const sandbox = vm.createContext({});
    vm.runInContext(`${fs.readFileSync(browserBundlePath().bundle, 'utf8')}\nthis.lib = divelabPure;`, sandbox);
    const lib = (sandbox as { lib: { theory: Record<string, unknown>; figures: Record<string, (p: object) => Figure> } }).lib;
    const p = locationMixture('laplace', [-1, 0, 2], WEIGHTS, 0.7);
    expect((lib.theory.responsibilities as typeof responsibilities)(p, 0.3)).toEqual(responsibilities(p, 0.3));
    const params = { ...RESP, d: 2.7 };
    expect(JSON.parse(JSON.stringify(lib.figures.responsibilitiesFigure(params)))).toEqual(JSON.parse(JSON.stringify(figures.responsibilitiesFigure(params))));
  });
});

describe('an explorable figure in Chromium, offline', () => {
  it('recomputes for a separation never precomputed, with the numbers Node computes', async () => {
    const parts = explorableFigure(figures.responsibilitiesFigure, {
      values: RESP,
      controls: { d: { range: [0.5, 8], step: 0.1, label: 'separation d' }, right: { choices: ['cauchy', 'laplace', 'logistic', 'gaussian'] } },
      frames: { param: 'd', values: [1, 4, 8] },
    });
    // The static fallback: three precomputed frames, the starting one visible.
    expect(parts.figure.layout.sliders?.[0].steps.map((s) => s.label)).toEqual(['1', '4', '8']);
    expect(parts.figure.data.filter((t) => t.visible).length).toBe(8);
    const file = path.join(tmp, 'explorable.html');
    fs.writeFileSync(file, `<!DOCTYPE html><html><head><meta charset="utf-8">${plotlyScript()}${browserBundleScript()}</head><body>${explorableHtml(parts, { id: 'resp' })}</body></html>`);
    const log = await openPage(browser, pathToFileURL(file).href, { offline: true });
    const { page } = log;
    await page.waitForSelector('.dive-explorable[data-state="ready"]', { timeout: 30_000 });
    await driveRange(page, 'resp', 'd', 2.7);
    expectSameNumbers(await plottedData(page, 'resp'), figures.responsibilitiesFigure({ ...RESP, d: 2.7 }));
    // A choice: the right panel's family.
    await page.selectOption('.dive-explorable select[name="right"]', { label: 'laplace' });
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null } } }).document
      .querySelector('.dive-explorable').getAttribute('data-values')?.includes('"right":"laplace"'), undefined, { timeout: 30_000 });
    expectSameNumbers(await plottedData(page, 'resp'), figures.responsibilitiesFigure({ ...RESP, d: 2.7, right: 'laplace' }));
    expectCleanLog(log);
    await page.close();
  }, 120_000);

  it('refuses a function the bundle does not carry, and a starting value out of range', () => {
    const mine = (p: { d: number }): Figure => figures.responsibilitiesFigure({ ...RESP, d: p.d });
    expect(() => explorableFigure(mine, { values: { d: 1 }, controls: {} })).toThrow(/'mine' is not a figure builder of the browser bundle/);
    expect(() => explorableFigure(figures.responsibilitiesFigure, { values: { ...RESP, d: 9 }, controls: { d: { range: [0.5, 8], step: 0.1 } } })).toThrow(/'d' starts at 9, outside its range \[0\.5, 8\]/);
    expect(() => explorableFigure(figures.responsibilitiesFigure, { values: RESP, controls: { right: { choices: ['laplace'] } } })).toThrow(/'right' starts at cauchy, not one of its choices laplace/);
    expect(() => explorableFigure(figures.responsibilitiesFigure, { values: RESP, controls: {}, frames: { param: 'd', values: [1, 2] } })).toThrow(/frames of 'd' must include its starting value 4/);
  });
});
