/**
 * Figure specs: plain `{data, layout}` objects in plotly.js's JSON schema, built here in the
 * library and rendered by `html.ts` (HTML fragments, standalone pages), `notebook.ts`
 * (tslab cells) or `static.ts` (SVG/PNG). Only the subset of plotly's schema we use is
 * typed; every interface stays open (`[key: string]: unknown`) for the rest.
 */

export type Datum = number | string | null;

/** One plotly trace (scatter, bar, heatmap, ...). */
export interface Trace {
  type?: 'scatter' | 'scattergl' | 'bar' | 'heatmap' | 'histogram' | 'box';
  name?: string;
  x?: readonly Datum[];
  y?: readonly Datum[];
  z?: readonly (readonly number[])[];
  mode?: 'lines' | 'markers' | 'lines+markers' | 'text';
  visible?: boolean | 'legendonly';
  marker?: { color?: string | readonly Datum[]; size?: number; [key: string]: unknown };
  line?: { color?: string; width?: number; dash?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Axis {
  title?: { text: string; [key: string]: unknown };
  type?: 'linear' | 'log' | 'date' | 'category';
  range?: [Datum, Datum];
  [key: string]: unknown;
}

/** One slider step; `method: 'restyle'` with `args: [{visible: [...]}]` switches traces. */
export interface SliderStep {
  label: string;
  method: 'restyle' | 'relayout' | 'update' | 'animate';
  args: unknown[];
}

export interface Slider {
  active?: number;
  steps: SliderStep[];
  currentvalue?: { prefix?: string; [key: string]: unknown };
  pad?: { t?: number; b?: number };
  [key: string]: unknown;
}

export interface Layout {
  title?: { text: string; [key: string]: unknown };
  xaxis?: Axis;
  yaxis?: Axis;
  width?: number;
  height?: number;
  sliders?: Slider[];
  showlegend?: boolean;
  margin?: { l?: number; r?: number; t?: number; b?: number };
  [key: string]: unknown;
}

/** A complete figure: what `Plotly.newPlot(div, data, layout, config)` takes. */
export interface Figure {
  data: Trace[];
  layout: Layout;
  /** Plotly config; rendering defaults to `{responsive: true, displaylogo: false}`. */
  config?: Record<string, unknown>;
}

/** Common labels for the builders below. */
export interface FigureLabels {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Pixels; plotly's default size when omitted. */
  width?: number;
  height?: number;
}

function baseLayout(l: FigureLabels): Layout {
  const layout: Layout = { margin: { t: l.title ? 50 : 20, r: 20 } };
  if (l.title) layout.title = { text: l.title };
  if (l.xTitle) layout.xaxis = { title: { text: l.xTitle } };
  if (l.yTitle) layout.yaxis = { title: { text: l.yTitle } };
  if (l.width) layout.width = l.width;
  if (l.height) layout.height = l.height;
  return layout;
}

/**
 * Line chart: one line per named series over a shared x (numbers, or ISO date strings for a
 * date axis). Every series must have x.length values.
 */
export function lineFigure(x: readonly Datum[], series: Readonly<Record<string, readonly number[]>>, labels: FigureLabels = {}): Figure {
  const data: Trace[] = Object.entries(series).map(([name, y]) => {
    if (y.length !== x.length) throw new Error(`lineFigure: series '${name}' has ${y.length} values for ${x.length} x values`);
    return { type: 'scatter', mode: 'lines', name, x, y };
  });
  return { data, layout: { ...baseLayout(labels), showlegend: data.length > 1 } };
}

/**
 * Scatter plot of 2-D points coloured by group (e.g. a latent dimension pair coloured by
 * class): one trace per group so the legend names the groups.
 */
export function scatterFigure(
  points: readonly { x: number; y: number; group?: string }[],
  labels: FigureLabels & { markerSize?: number } = {},
): Figure {
  const groups = new Map<string, { x: number[]; y: number[] }>();
  for (const p of points) {
    const g = p.group ?? 'points';
    if (!groups.has(g)) groups.set(g, { x: [], y: [] });
    groups.get(g)!.x.push(p.x);
    groups.get(g)!.y.push(p.y);
  }
  const data: Trace[] = [...groups].map(([name, v]) => ({
    type: 'scatter', mode: 'markers', name, x: v.x, y: v.y, marker: { size: labels.markerSize ?? 5 },
  }));
  return { data, layout: { ...baseLayout(labels), showlegend: data.length > 1 } };
}

/** Heatmap of a matrix `z[row][col]` (e.g. attention weights, a confusion matrix). */
export function heatmapFigure(z: readonly (readonly number[])[], labels: FigureLabels & { x?: Datum[]; y?: Datum[] } = {}): Figure {
  const trace: Trace = { type: 'heatmap', z };
  if (labels.x) trace.x = labels.x;
  if (labels.y) trace.y = labels.y;
  return { data: [trace], layout: baseLayout(labels) };
}

/**
 * A figure whose slider steps through frames: every frame's traces are in `data`, and step k
 * makes only frame k's traces visible (`method: 'restyle'`), so it works in a static page
 * with no kernel. Frames may have several traces each (e.g. truth and forecast).
 */
export function sliderFigure(
  frames: readonly { label: string; traces: readonly Trace[] }[],
  labels: FigureLabels & { prefix?: string; active?: number; columns?: number } = {},
): Figure {
  if (frames.length === 0) throw new Error('sliderFigure: needs at least one frame');
  const active = labels.active ?? 0;
  if (!(active >= 0 && active < frames.length)) throw new Error(`sliderFigure: active=${active} outside 0..${frames.length - 1}`);
  const owner: number[] = [];
  const data: Trace[] = [];
  frames.forEach((f, k) => {
    for (const t of f.traces) {
      data.push({ ...t, visible: k === active });
      owner.push(k);
    }
  });
  const steps: SliderStep[] = frames.map((f, k) => ({
    label: f.label,
    method: 'restyle',
    args: [{ visible: owner.map((o) => o === k) }],
  }));
  const slider: Slider = { active, steps, currentvalue: { prefix: labels.prefix ?? '' }, pad: { t: 40 } };
  const layout: Layout = { ...baseLayout(labels), sliders: [slider] };
  if (labels.columns !== undefined && labels.columns > 1) layout.grid = { rows: 1, columns: labels.columns, pattern: 'independent' };
  return { data, layout };
}

/**
 * The axis pair of side-by-side panel `panel` (0-based) in a `columns` grid: `{xaxis: 'x',
 * yaxis: 'y'}` for the first, `'x2'`/`'y2'` for the second, …; the legend shows for panel 0
 * only, so traces repeated per panel are listed once.
 */
export function panelAxes(panel: number): { xaxis: string; yaxis: string; showlegend: boolean } {
  const k = panel === 0 ? '' : String(panel + 1);
  return { xaxis: `x${k}`, yaxis: `y${k}`, showlegend: panel === 0 };
}
