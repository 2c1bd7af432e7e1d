/**
 * Explorable figures: a figure declared once — a figure builder of the browser bundle (a
 * function of ONE parameter object returning a figure, e.g. lib/theory/figures.ts), the
 * parameters' starting values, and controls for some of them (ranges with a step, or choices) —
 * that the reader can recompute for any value in range, in the browser, with the same function
 * the notebook ran in Node:
 *
 * - in Node (`explorableFigure`) the builder runs for the starting values and for the
 *   precomputed `frames` of one parameter: the static fallback, a slider figure that works with
 *   no script but plotly (and the figure `dive reproduce`-style SVG/PNG export takes);
 * - in the page (`explorableHtml`, `show` in notebooks) a script hands the spec to the bundle's
 *   `mountExplorable` (./explorableView.ts), which adds the controls and redraws with the
 *   bundle's copy of the builder, found by the function's name in the bundle's `figures`.
 *
 * The bundle (dist/browser/divelab-pure.js, built by `npm run build` from lib/browser.ts) is
 * inlined once per notebook like plotly.js (`browserBundleScript`); the exported site ships it
 * once as an asset (lib/notebooks/export.ts). Where it is missing (an untrusted notebook, a
 * viewer that runs no script but plotly's) the precomputed frames remain.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../util/errors';
import { repoRoot } from '../util/repo';
import { type Figure, sliderFigure } from './figure';
import { type PlotHtmlOptions, inlinedScript, plotHtml, scriptJson } from './html';
import type { Control, ExplorablePageSpec, ParamValue } from './explorableView';

export type { ChoiceControl, Control, ParamValue, RangeControl } from './explorableView';

/** A figure declared once, recomputable in the browser (module doc). */
export interface ExplorableSpec<P extends object> {
  /** Every parameter's starting value. */
  readonly values: P;
  /** Controls for the parameters the reader may change (the others stay fixed). */
  readonly controls: { readonly [K in keyof P]?: Control };
  /** Values of one parameter precomputed in Node: the static fallback's slider frames (must include the starting value). */
  readonly frames?: { readonly [K in keyof P]: { readonly param: K; readonly values: readonly P[K][] } }[keyof P];
}

/** What the bundle's build writes beside it (dist/browser/divelab-pure.json). */
export interface BrowserBundleManifest {
  /** divelab's version. */
  readonly version: string;
  /** sha256 of the bundle (hex). */
  readonly sha256: string;
  readonly bytes: number;
  /** The global the bundle defines. */
  readonly global: string;
  /** The figure builders of its `figures` namespace. */
  readonly figures: readonly string[];
  /** The source files bundled (relative to the project root). */
  readonly inputs: readonly string[];
}

/** The bundle file and its manifest, as `npm run build` writes them. */
export function browserBundlePath(root = repoRoot()): { bundle: string; manifest: string } {
  const dir = path.join(root, 'dist', 'browser');
  return { bundle: path.join(dir, 'divelab-pure.js'), manifest: path.join(dir, 'divelab-pure.json') };
}

let cached: { manifest: BrowserBundleManifest; code: string; mtimeMs: number } | undefined;

function loadBundle(): { manifest: BrowserBundleManifest; code: string } {
  const files = browserBundlePath();
  if (!fs.existsSync(files.bundle) || !fs.existsSync(files.manifest)) {
    throw new UserError(`the divelab browser bundle is not built (${files.bundle} missing); run 'npm run build'`);
  }
  const mtimeMs = fs.statSync(files.bundle).mtimeMs;
  if (!cached || cached.mtimeMs !== mtimeMs) {
    cached = { manifest: JSON.parse(fs.readFileSync(files.manifest, 'utf8')) as BrowserBundleManifest, code: fs.readFileSync(files.bundle, 'utf8'), mtimeMs };
  }
  return cached;
}

/** The bundle's manifest (which figure builders it carries). */
export function browserBundleManifest(): BrowserBundleManifest {
  return loadBundle().manifest;
}

/**
 * `<script>` defining the bundle's global (`divelabPure`), inlined; its first line names it as
 * `divelab-pure <version>+<sha256 prefix> (inlined, offline)` so an exported site can ship it once.
 */
export function browserBundleScript(): string {
  const { manifest, code } = loadBundle();
  return inlinedScript('divelab-pure', `${manifest.version}+${manifest.sha256.slice(0, 12)}`, code);
}

function checkSpec<P extends object>(name: string, spec: ExplorableSpec<P>): void {
  const values = spec.values as Record<string, unknown>;
  for (const [param, c] of Object.entries(spec.controls as Record<string, Control | undefined>)) {
    if (!c) continue;
    if (!(param in values)) throw new UserError(`explorable ${name}: control '${param}' has no starting value; add it to values`);
    const v = values[param];
    if ('range' in c) {
      const [lo, hi] = c.range;
      if (!(lo < hi) || !(c.step > 0)) throw new UserError(`explorable ${name}: control '${param}' needs range [min, max] with min < max and step > 0`);
      if (typeof v !== 'number' || v < lo || v > hi) throw new UserError(`explorable ${name}: '${param}' starts at ${String(v)}, outside its range [${lo}, ${hi}]`);
    } else if (!c.choices.includes(v as string | number)) {
      throw new UserError(`explorable ${name}: '${param}' starts at ${String(v)}, not one of its choices ${c.choices.join(', ')}`);
    }
  }
  if (spec.frames && !spec.frames.values.includes(values[spec.frames.param as string] as never)) {
    throw new UserError(`explorable ${name}: frames of '${String(spec.frames.param)}' must include its starting value ${String(values[spec.frames.param as string])}`);
  }
}

/** The two halves of an explorable: the static figure (Node) and the page's spec (browser). */
export interface ExplorableParts {
  /** The precomputed frames as a slider figure (or the figure at the starting values). */
  figure: Figure;
  /** The page's spec, without the plot id (`explorableHtml` adds it). */
  page: Omit<ExplorablePageSpec, 'plot'>;
}

/**
 * Check the declaration and compute the static fallback in Node. `fn` must be a figure builder
 * of the browser bundle (its `name` among the manifest's figures), so the page can find its copy.
 */
export function explorableFigure<P extends object>(fn: (params: P) => Figure, spec: ExplorableSpec<P>): ExplorableParts {
  const name = fn.name;
  const manifest = browserBundleManifest();
  if (!manifest.figures.includes(name)) {
    throw new UserError(`explorable figure '${name || 'anonymous'}' is not a figure builder of the browser bundle (${manifest.figures.join(', ')}); export it from lib/theory/figures.ts and run 'npm run build'`);
  }
  checkSpec(name, spec);
  const controls = Object.entries(spec.controls as Record<string, Control | undefined>).flatMap(([param, c]) => (c ? [{ name: param, ...c }] : []));
  const page = { fn: name, values: spec.values as Record<string, ParamValue>, controls, config: { responsive: true, displaylogo: false } };
  if (!spec.frames) return { figure: fn(spec.values), page };
  const { param, values } = spec.frames;
  const frames = values.map((v) => ({ value: v, figure: fn({ ...spec.values, [param]: v }) }));
  const active = values.indexOf(spec.values[param]);
  const control = spec.controls[param];
  const slider = sliderFigure(frames.map((f) => ({ label: String(f.value), traces: f.figure.data })), { active, prefix: `${control?.label ?? String(param)}: ` });
  return { figure: { data: slider.data, layout: { ...frames[active].figure.layout, sliders: slider.layout.sliders } }, page };
}

/**
 * The HTML of an explorable: the static figure drawn by plotly, then (when the page has the
 * browser bundle) the controls. Needs `window.Plotly` (see `plotHtml`) and, for the controls,
 * the bundle's `<script>` earlier on the page (`browserBundleScript`, or `includeBundle`).
 */
export function explorableHtml(parts: ExplorableParts, opts: PlotHtmlOptions & { includeBundle?: boolean } = {}): string {
  const html = plotHtml(parts.figure, {
    ...opts,
    then: (plot) => {
      const spec: ExplorablePageSpec = { ...parts.page, plot };
      return [
        'var root = el.parentNode;',
        'var lib = window.divelabPure;',
        "if (!lib || typeof lib.mountExplorable !== 'function') {",
        "  root.querySelector('.dive-explorable-slot').textContent = 'precomputed frames only: the divelab browser bundle is not loaded on this page';",
        '  return;',
        '}',
        `lib.mountExplorable(root, ${scriptJson(spec)}, window.Plotly);`,
      ].join('\n');
    },
  });
  return [
    opts.includeBundle ? browserBundleScript() : '',
    `<div class="dive-explorable" data-figure="${parts.page.fn}">`,
    '<div class="dive-explorable-slot" style="font-size:0.9em"></div>',
    html,
    '</div>',
  ].join('\n');
}
