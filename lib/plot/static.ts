/**
 * Static images of figures (SVG or PNG): the same inlined plotly.js bundle the notebooks use
 * draws the figure in headless Chromium and plotly's own `Plotly.toImage` produces the
 * image, so files match what the notebooks show. Used by `dive reproduce` for paper figures.
 *
 * Start one `StaticRenderer` for many figures (one browser, one page), or call
 * `writeStaticFigure` for a single one.
 */
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { writeFileAtomic } from '../util/atomic';
import { UserError } from '../util/errors';
import { launchChromium } from './chromium';
import type { Axis, Figure, Layout, Trace } from './figure';
import { plotlyScript } from './html';

export type ImageFormat = 'svg' | 'png';

/**
 * What an interactive figure needs changed to be a good still image:
 * - sliders and buttons are dropped (they cannot move in an image; the visible traces are the
 *   active step's, as in the page);
 * - a title longer than the width allows is wrapped, and may push the top margin
 *   (`automargin`) instead of being clipped;
 * - an axis whose values are all integers (epochs, counts) gets integer ticks only;
 * - a log axis labels its ticks as powers of ten, not with SI prefixes (µ, m, k, G …).
 * Pure: returns a new figure, the input is not modified.
 */
export function staticFigure(fig: Figure, width = typeof fig.layout.width === 'number' ? fig.layout.width : 800): Figure {
  const { sliders: _sliders, updatemenus: _menus, ...rest } = fig.layout;
  void _sliders;
  void _menus;
  const layout: Layout = { ...rest };
  if (layout.title?.text) {
    const text = wrapTitle(layout.title.text, Math.max(20, Math.floor(width / 9)));
    const lines = text.split('<br>').length;
    layout.title = { ...layout.title, text, automargin: true } as Layout['title'];
    layout.margin = { ...layout.margin, t: Math.max(layout.margin?.t ?? 0, 30 + 22 * lines) };
  }
  for (const key of Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k))) {
    const axis = { ...(layout[key] as Axis) };
    if (axis.type === 'log' && axis.exponentformat === undefined) axis.exponentformat = 'power';
    const values = axisValues(fig.data, key);
    if (axis.type !== 'log' && axis.type !== 'category' && axis.type !== 'date' && axis.dtick === undefined && values.length > 0 && values.every((v) => Number.isInteger(v))) {
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      axis.tickmode = 'linear';
      axis.tick0 = lo;
      axis.dtick = Math.max(1, Math.ceil((hi - lo) / 8));
      axis.tickformat = 'd';
    }
    layout[key] = axis;
  }
  return { ...fig, layout };
}

/** Wrap at spaces into lines of at most `max` characters (an over-long word stays whole). */
function wrapTitle(text: string, max: number): string {
  if (text.length <= max || text.includes('<br>')) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('<br>');
}

/** The numeric values plotted on axis `key` ('xaxis', 'yaxis2', …) by the visible traces (heatmaps excluded). */
function axisValues(data: readonly Trace[], key: string): number[] {
  const letter = key[0] as 'x' | 'y';
  const ref = `${letter}${key.slice(5)}`; // 'x', 'x2', …
  const out: number[] = [];
  for (const t of data) {
    if (t.type === 'heatmap' || t.type === 'histogram' || t.type === 'box') return [];
    if (((t[`${letter}axis`] as string | undefined) ?? letter) !== ref) continue;
    const vs = t[letter];
    if (!vs) return []; // plotly's implicit 0..n-1 or categories: leave the axis alone
    for (const v of vs) {
      if (typeof v !== 'number') return [];
      out.push(v);
    }
  }
  return out;
}

export interface ImageOptions {
  /** Pixels. Default: layout.width/height, else 800 x 500. */
  width?: number;
  height?: number;
  /** PNG resolution multiplier (2 = retina). Default 1; ignored for SVG. */
  scale?: number;
}

/**
 * A browser kept open to render several figures; `close()` when done. plotly.js is loaded
 * once into one page, and each figure is drawn there, exported and purged, so a figure costs
 * milliseconds rather than a 4.8 MB page load. Calls are serialised.
 */
export class StaticRenderer {
  private queue: Promise<unknown> = Promise.resolve();
  private errors: string[] = [];

  private constructor(private readonly browser: Browser, private readonly page: Page) {
    page.on('pageerror', (e) => this.errors.push(e.message));
  }

  static async start(): Promise<StaticRenderer> {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent(
        `<!DOCTYPE html><html><head><meta charset="utf-8">${plotlyScript()}</head><body style="margin:0"><div id="figure"></div></body></html>`,
        { waitUntil: 'load' },
      );
      return new StaticRenderer(browser, page);
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** SVG text, or PNG bytes. */
  render(fig: Figure, format: 'svg', opts?: ImageOptions): Promise<string>;
  render(fig: Figure, format: 'png', opts?: ImageOptions): Promise<Uint8Array>;
  render(fig: Figure, format: ImageFormat, opts: ImageOptions = {}): Promise<string | Uint8Array> {
    const job = this.queue.then(() => this.renderNow(fig, format, opts));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async renderNow(fig: Figure, format: ImageFormat, opts: ImageOptions): Promise<string | Uint8Array> {
    const width = opts.width ?? (typeof fig.layout.width === 'number' ? fig.layout.width : 800);
    const height = opts.height ?? (typeof fig.layout.height === 'number' ? fig.layout.height : 500);
    this.errors = [];
    const still = staticFigure(fig, width);
    let url: string;
    try {
      url = await this.page.evaluate(
        async ({ data, layout, format, width, height, scale }) => {
          // Runs in the page (no DOM typings in this project): window.Plotly and document.
          const g = globalThis as unknown as {
            Plotly: {
              newPlot(gd: unknown, d: unknown, l: unknown, c: unknown): Promise<unknown>;
              toImage(gd: unknown, o: unknown): Promise<string>;
              purge(gd: unknown): void;
            };
            document: { getElementById(id: string): unknown };
          };
          const gd = g.document.getElementById('figure');
          try {
            await g.Plotly.newPlot(gd, data, { ...layout, width, height }, { staticPlot: true });
            return await g.Plotly.toImage(gd, { format, width, height, scale });
          } finally {
            g.Plotly.purge(gd);
          }
        },
        { data: still.data, layout: still.layout, format, width, height, scale: opts.scale ?? 1 },
      );
    } catch (err) {
      throw new Error(`plotly failed to render the figure: ${(err as Error).message.split('\n')[0]}`);
    }
    if (this.errors.length) throw new Error(`plotly failed to render the figure: ${this.errors[0]}`);
    return decodeDataUrl(url, format);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** Decode Plotly.toImage's data URL (SVG is URL-encoded text, PNG is base64). */
export function decodeDataUrl(url: string, format: ImageFormat): string | Uint8Array {
  const comma = url.indexOf(',');
  const head = url.slice(0, comma);
  const body = url.slice(comma + 1);
  if (format === 'png') {
    if (!head.startsWith('data:image/png;base64')) throw new Error(`expected a base64 PNG data URL, got '${head}'`);
    return new Uint8Array(Buffer.from(body, 'base64'));
  }
  if (!head.startsWith('data:image/svg+xml')) throw new Error(`expected an SVG data URL, got '${head}'`);
  return head.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

/** The format implied by a file name (`.svg` / `.png`), or a UserError. */
export function formatOf(file: string): ImageFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.svg') return 'svg';
  if (ext === '.png') return 'png';
  throw new UserError(`cannot write a figure to ${file}: use a .svg or .png file name`);
}

/**
 * Render `fig` to `file` (.svg or .png, chosen by extension) atomically. Pass a running
 * `renderer` to reuse its browser; otherwise one is started and closed.
 */
export async function writeStaticFigure(fig: Figure, file: string, opts: ImageOptions & { renderer?: StaticRenderer } = {}): Promise<string> {
  const format = formatOf(file);
  const renderer = opts.renderer ?? (await StaticRenderer.start());
  try {
    const image = format === 'svg' ? await renderer.render(fig, 'svg', opts) : await renderer.render(fig, 'png', opts);
    writeFileAtomic(file, image);
    return file;
  } finally {
    if (!opts.renderer) await renderer.close();
  }
}
