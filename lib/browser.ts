/**
 * The browser bundle's entry (dist/browser/divelab-pure.js, built by `npm run build` with
 * esbuild, scripts/build-browser.js): divelab's pure parts — float64 TypeScript with no
 * TensorFlow.js and no Node API — as the global `divelabPure`, so a page recomputes what the
 * notebooks computed in Node with the same code:
 *
 * - `theory`: lib/theory/pure.ts (E1–E3, the Gaussian/quadrature/Monte Carlo tools, sweeps);
 * - `evaluate`: the evaluation metrics (lib/eval/bundled.ts: all but the zod-configured TC estimators);
 * - `plot`: the figure builders of lib/plot/figure.ts;
 * - `util`: seeded randomness and the math helpers;
 * - `figures`: the figure builders explorable figures name (lib/theory/figures.ts);
 * - `mountExplorable(root, spec, Plotly)`: the controls of an explorable figure
 *   (lib/plot/explorableView.ts), called by the page's own script (lib/plot/explorable.ts).
 *
 * The build refuses any module that needs Node or tfjs; tests/browser/bundle.test.ts checks the
 * bundle in a context without Node's globals and in Chromium.
 */
import * as figures from './theory/figures';
import { type ExplorablePageSpec, type PlotlyLike, mountExplorable as mount } from './plot/explorableView';

export * as theory from './theory/pure';
export * as evaluate from './eval/bundled';
export * as plot from './plot/figure';
export * as util from './util/pure';
export { figures };

/** Mount an explorable figure's controls on `root` (a DOM element), redrawing with `Plotly`. */
export function mountExplorable(root: unknown, spec: ExplorablePageSpec, plotly: PlotlyLike): void {
  const doc = (globalThis as unknown as { document: Parameters<typeof mount>[4] }).document;
  mount(root as Parameters<typeof mount>[0], spec, figures, plotly, doc);
}
