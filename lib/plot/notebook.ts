/**
 * Figures in tslab notebooks. `show(fig)` displays a figure as a `text/html` output
 * (`showExplorable` one whose controls recompute it in the browser); the
 * first call in a kernel (or an explicit `plotlySetup()` cell) also inlines the plotly.js
 * bundle, so an executed notebook carries everything it needs and nbconvert's HTML export
 * renders every figure offline, sliders included.
 *
 * One kernel process runs one notebook, so "once per kernel" is "once per notebook" for
 * `dive notebooks run`. Interactively, after clearing outputs and re-running cells in the
 * same kernel, call `plotlySetup({ force: true })` again (show() says so in the cell if
 * plotly is missing).
 */
import type { Figure } from './figure';
import { type ExplorableSpec, explorableFigure, explorableHtml } from './explorable';
import { plotHtml, plotlyScript, type PlotHtmlOptions } from './html';
import { tableHtml, type TableLike, type TableOptions } from './table';

/** tslab's display API (`require('tslab').display`), loaded lazily: only kernels have it. */
interface TslabDisplay {
  html(s: string): void;
}

function tslabDisplay(): TslabDisplay {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('tslab') as { display: TslabDisplay }).display;
  } catch (err) {
    throw new Error(`show()/plotlySetup() run inside a tslab notebook kernel (cannot load tslab: ${(err as Error).message})`);
  }
}

let plotlyShown = false;
let bundleShown = false;

/**
 * Display the plotly.js bundle (once per kernel unless `force`). Returns true if it displayed it.
 * `force` also makes the next explorable figure inline divelab's browser bundle again.
 */
export function plotlySetup(opts: { force?: boolean } = {}): boolean {
  if (plotlyShown && !opts.force) return false;
  tslabDisplay().html(plotlyScript());
  plotlyShown = true;
  bundleShown = false;
  return true;
}

/** Display `fig` in the current cell (inlining the plotly bundle before the first figure). */
export function show(fig: Figure, opts: Omit<PlotHtmlOptions, 'includePlotly'> = {}): void {
  const display = tslabDisplay();
  const first = !plotlyShown;
  display.html(plotHtml(fig, { ...opts, includePlotly: first }));
  plotlyShown = true;
}

/**
 * Display an explorable figure (lib/plot/explorable.ts): `fn`'s figure for `spec.values` (with
 * the precomputed frames as a slider) and controls that recompute it in the browser, in this
 * output, without the kernel. The first call in a kernel inlines divelab's browser bundle
 * (~160 KB) as `show` inlines plotly.js. Returns nothing (a cell ending in it prints nothing);
 * `explorableFigure` gives the static figure.
 */
export function showExplorable<P extends object>(fn: (params: P) => Figure, spec: ExplorableSpec<P>, opts: Omit<PlotHtmlOptions, 'includePlotly' | 'then'> = {}): void {
  const display = tslabDisplay();
  const parts = explorableFigure(fn, spec);
  display.html(explorableHtml(parts, { ...opts, includePlotly: !plotlyShown, includeBundle: !bundleShown }));
  plotlyShown = true;
  bundleShown = true;
}

/** Display the first rows of a danfojs DataFrame (or any TableLike) as an HTML table. */
export function showTable(t: TableLike, opts: TableOptions = {}): void {
  tslabDisplay().html(tableHtml(t, opts));
}
