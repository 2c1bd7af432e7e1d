/**
 * HTML for figures that renders with no network: the plotly.js bundle from
 * `plotly.js-dist-min` is inlined (never a CDN `<script src>`), either once per page/notebook
 * (`plotlyScript()`, then `plotHtml()` per figure) or inside a standalone page
 * (`standaloneHtml()`, `writeFigure()`).
 */
import * as fs from 'node:fs';
import { writeFileAtomic } from '../util/atomic';
import type { Figure } from './figure';

let bundle: string | undefined;

/** The minified plotly.js bundle (~4.8 MB of JS; read once per process). */
export function plotlyBundle(): string {
  if (bundle === undefined) bundle = fs.readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8');
  return bundle;
}

/** The plotly.js version of the inlined bundle, e.g. "3.7.0". */
export function plotlyVersion(): string {
  return (JSON.parse(fs.readFileSync(require.resolve('plotly.js-dist-min/package.json'), 'utf8')) as { version: string }).version;
}

/**
 * A library inlined in a page: a `<script>` whose first line names it as
 * `/* <library> <version> (inlined, offline) *\/`, so an exported site can find every copy and
 * ship it once (lib/notebooks/export.ts reads it with `inlinedScriptOpening`).
 */
export function inlinedScript(library: string, version: string, code: string): string {
  return `<script type="text/javascript">/* ${library} ${version} (inlined, offline) */\n${code}\n</script>`;
}

/** The opening `inlinedScript` writes for `library`, up to its code; group 1 is the version. */
export function inlinedScriptOpening(library: string): RegExp {
  return new RegExp(`<script type="text/javascript">/\\* ${library.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (\\S+) \\(inlined, offline\\) \\*/\n`, 'g');
}

/** `<script>` defining `window.Plotly` from the inlined bundle. */
export function plotlyScript(): string {
  return inlinedScript('plotly.js', plotlyVersion(), plotlyBundle());
}

/** JSON safe to embed in a `<script>` element (no `</script>`, no HTML comment openers). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export interface PlotHtmlOptions {
  /** The div's id; must be unique on the page. Default: a random `dive-plot-…` id. */
  id?: string;
  /** Inline the plotly bundle in this fragment too (for a page that has none). Default false. */
  includePlotly?: boolean;
  /**
   * JavaScript run once the figure is drawn, given the div's id; the plot div is `el` in its
   * scope (explorable figures mount their controls this way).
   */
  then?: (id: string) => string;
}

let counter = 0;

function freshId(): string {
  counter += 1;
  return `dive-plot-${Date.now().toString(36)}-${counter}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/**
 * An HTML fragment (`<div>` + `<script>`) that draws `fig` with `Plotly.newPlot`. It needs
 * `window.Plotly` from an earlier `plotlyScript()` on the page (or `includePlotly: true`);
 * without it, the div shows a one-line message instead of failing silently.
 */
export function plotHtml(fig: Figure, opts: PlotHtmlOptions = {}): string {
  const id = opts.id ?? freshId();
  if (!/^[A-Za-z][\w-]*$/.test(id)) throw new Error(`plotHtml: id '${id}' must be letters, digits, '-' or '_' and start with a letter`);
  const config = { responsive: true, displaylogo: false, ...(fig.config ?? {}) };
  const height = typeof fig.layout.height === 'number' ? fig.layout.height : 450;
  return [
    opts.includePlotly ? plotlyScript() : '',
    `<div id="${id}" class="dive-plot" style="width:100%;min-height:${height}px"></div>`,
    '<script type="text/javascript">',
    '(function () {',
    `  var el = document.getElementById(${scriptJson(id)});`,
    "  if (typeof window.Plotly === 'undefined') {",
    "    el.textContent = 'plotly.js is not loaded on this page: run plotlySetup() (lib/plot/notebook) before show()';",
    '    return;',
    '  }',
    `  var drawn = window.Plotly.newPlot(el, ${scriptJson(fig.data)}, ${scriptJson(fig.layout)}, ${scriptJson(config)});`,
    ...(opts.then ? ['  Promise.resolve(drawn).then(function () {', opts.then(id), '  });'] : []),
    '})();',
    '</script>',
  ].join('\n');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A complete, self-contained HTML page showing one figure (bundle inlined). */
export function standaloneHtml(fig: Figure, opts: { title?: string; id?: string } = {}): string {
  const title = opts.title ?? fig.layout.title?.text ?? 'figure';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    plotlyScript(),
    '</head>',
    '<body style="margin:0">',
    plotHtml(fig, { id: opts.id ?? 'figure' }),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Write `standaloneHtml(fig)` to `file` atomically; returns the file path. */
export function writeFigure(fig: Figure, file: string, opts: { title?: string } = {}): string {
  writeFileAtomic(file, standaloneHtml(fig, opts));
  return file;
}
