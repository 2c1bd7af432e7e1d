/**
 * Static figure files rendered by plotly in headless Chromium (lib/plot/static.ts), and the
 * standalone HTML page of `writeFigure` opened offline. Missing Chromium FAILS with the
 * install command.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../lib/plot/chromium';
import { lineFigure, sliderFigure } from '../../lib/plot/figure';
import { writeFigure } from '../../lib/plot/html';
import { StaticRenderer, writeStaticFigure } from '../../lib/plot/static';
import { expectCleanLog, openPage } from './page';

interface PageElement { querySelectorAll(s: string): ArrayLike<PageElement> }
declare const document: { querySelectorAll(s: string): ArrayLike<PageElement> };

const x = Array.from({ length: 50 }, (_, i) => i);
const fig = lineFigure(x, { sine: x.map((v) => Math.sin(v / 5)), cosine: x.map((v) => Math.cos(v / 5)) }, { title: 'Static check', xTitle: 'step' });

let tmp: string;
let renderer: StaticRenderer;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-static-'));
  renderer = await StaticRenderer.start();
}, 120_000);
afterAll(async () => {
  await renderer?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('static figures', () => {
  it('writes an SVG with the traces, title and requested size', async () => {
    const file = await writeStaticFigure(fig, path.join(tmp, 'fig.svg'), { renderer, width: 640, height: 360 });
    const svg = fs.readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/width="640"/);
    expect(svg).toMatch(/height="360"/);
    expect(svg).toContain('Static check');
    expect((svg.match(/class="trace scatter/g) ?? []).length).toBe(2); // two drawn lines
    expect(svg).toMatch(/>sine</);
    expect(svg).toMatch(/>cosine</);
  }, 120_000);

  it('writes a PNG of width x height x scale pixels', async () => {
    const file = await writeStaticFigure(fig, path.join(tmp, 'fig.png'), { renderer, width: 300, height: 200, scale: 2 });
    const png = fs.readFileSync(file);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([600, 400]); // IHDR width, height
    expect(png.length).toBeGreaterThan(3000); // not a blank image
  }, 120_000);

  it('starts and closes its own browser when none is given', async () => {
    const file = await writeStaticFigure(fig, path.join(tmp, 'own.svg'));
    expect(fs.readFileSync(file, 'utf8')).toContain('<svg');
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('.'))).toEqual([]); // no temp files left
  }, 120_000);

  it('renders a standalone figure page offline, slider included', async () => {
    const t = (k: number) => ({ type: 'scatter' as const, mode: 'lines' as const, name: `k=${k}`, x, y: x.map((v) => Math.sin((k * v) / 10)) });
    const file = writeFigure(sliderFigure([1, 2, 3].map((k) => ({ label: `k=${k}`, traces: [t(k)] })), { title: 'slider' }), path.join(tmp, 'slider.html'));
    const browser: Browser = await launchChromium();
    try {
      const log = await openPage(browser, pathToFileURL(file).href);
      await log.page.waitForSelector('.js-plotly-plot .main-svg');
      const counts = await log.page.evaluate(() => ({
        sliders: document.querySelectorAll('.slider-container').length,
        labels: document.querySelectorAll('.slider-label-group').length,
        traces: document.querySelectorAll('.scatterlayer .trace').length,
      }));
      expect(counts).toEqual({ sliders: 1, labels: 3, traces: 1 }); // hidden frames are not drawn
      expectCleanLog(log);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
