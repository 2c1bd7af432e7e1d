/**
 * Figures in tslab notebooks. `show(fig)` displays a figure as a `text/html` output; the
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

/** Display the plotly.js bundle (once per kernel unless `force`). Returns true if it displayed it. */
export function plotlySetup(opts: { force?: boolean } = {}): boolean {
  if (plotlyShown && !opts.force) return false;
  tslabDisplay().html(plotlyScript());
  plotlyShown = true;
  return true;
}

/** Display `fig` in the current cell (inlining the plotly bundle before the first figure). */
export function show(fig: Figure, opts: Omit<PlotHtmlOptions, 'includePlotly'> = {}): void {
  const display = tslabDisplay();
  const first = !plotlyShown;
  display.html(plotHtml(fig, { ...opts, includePlotly: first }));
  plotlyShown = true;
}

/** Display the first rows of a danfojs DataFrame (or any TableLike) as an HTML table. */
export function showTable(t: TableLike, opts: TableOptions = {}): void {
  tslabDisplay().html(tableHtml(t, opts));
}
