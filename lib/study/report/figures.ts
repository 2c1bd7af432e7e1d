/**
 * The reproduction's figures, built from run records (their compact `artifacts` and training
 * `history`) as plotly figure specs (lib/plot/figure.ts):
 *
 *   latent-<family>-<a|b>-<pca|tsne>  latent means of test windows, 2-D projection, coloured by
 *                                     each label (a slider switches the label)
 *   rbf-density-<family>              density of each marginal dimension b_i per class, with the
 *                                     learned RBF centres (slider: label)
 *   forecast-<family>                 forecast vs truth on sample test windows (slider: window)
 *   loss-<family>                     training loss per phase and term, and validation MSE, per epoch
 *   gradient-conflict                 cosine between term gradients on the shared trunk over
 *                                     training steps, interleaved vs joint
 *   <experiment figures>              line figures of a table (an experiment's `figures`, e.g.
 *                                     sparse-rho: MCC against ρ), `tableLineFigure`
 *
 * All from the first seed's run of the figure variants (definitions.ts 'figures'). Figure specs
 * are pure functions of the records (t-SNE seeded), so reruns give identical figures.
 */
import { pca, tsne } from '../../eval/latent';
import type { Figure, Trace } from '../../plot/figure';
import { lineFigure, sliderFigure } from '../../plot/figure';
import { cellRunIds, type PlanInputs } from '../run/plan';
import type { DataFamily, Protocol, RunArtifacts, RunRecord, TableFigureSpec, TableSpec, Variant } from '../spec/types';
import type { RenderedTable } from './tabulate';

export interface NamedFigure {
  readonly name: string;
  readonly title: string;
  readonly figure: Figure;
}

function firstRecord(variant: Variant, inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>): RunRecord | undefined {
  return records.get(cellRunIds(variant, inputs)[0]);
}

/** Figure variants: DeepDIVE per family (interleaved) and the joint-training ablation on gait. */
export function figureVariants(): { family: DataFamily; interleave: Variant; joint?: Variant }[] {
  return [
    { family: 'gait', interleave: { model: 'deepdive', family: 'gait' }, joint: { model: 'deepdive', family: 'gait', mode: 'joint' } },
    { family: 'electricity', interleave: { model: 'deepdive', family: 'electricity', horizon: 24 } },
  ];
}

/** Two coordinates per point: the first two dims of a PCA or t-SNE projection (a 1-D code is plotted against the window index). */
function project(values: readonly number[], dims: number, method: 'pca' | 'tsne'): { x: number[]; y: number[]; axes: [string, string] } {
  const n = values.length / dims;
  if (dims < 2) return { x: Array.from({ length: n }, (_, i) => i), y: [...values], axes: ['test window', 'code'] };
  if (method === 'pca') {
    const p = pca(values, dims, 2);
    const r = p.explainedVarianceRatio;
    return {
      x: Array.from({ length: n }, (_, i) => p.projection[2 * i]),
      y: Array.from({ length: n }, (_, i) => p.projection[2 * i + 1]),
      axes: [`PC1 (${(100 * r[0]).toFixed(1)}% var.)`, `PC2 (${(100 * r[1]).toFixed(1)}% var.)`],
    };
  }
  const perplexity = Math.max(2, Math.min(30, Math.floor((n - 2) / 3)));
  const t = tsne(values, dims, { perplexity, iterations: 500, seed: 0 });
  return {
    x: Array.from({ length: n }, (_, i) => t.embedding[2 * i]),
    y: Array.from({ length: n }, (_, i) => t.embedding[2 * i + 1]),
    axes: ['t-SNE 1', 't-SNE 2'],
  };
}

export function latentFigure(art: RunArtifacts, code: 'a' | 'b', method: 'pca' | 'tsne', title: string): Figure | undefined {
  const lat = code === 'a' ? art.latentA : art.latentB;
  if (!lat || lat.values.length === 0 || art.labels.length === 0) return undefined;
  const n = lat.values.length / lat.dims;
  if (method === 'tsne' && n < 8) return undefined;
  const pts = project(lat.values, lat.dims, method);
  const frames = art.labels.map((label) => ({
    label: label.name,
    traces: label.classes
      .map((cls, k): Trace => {
        const idx = label.ids.flatMap((id, i) => (id === k ? [i] : []));
        return { type: 'scatter', mode: 'markers', name: `${label.name}=${cls}`, x: idx.map((i) => pts.x[i]), y: idx.map((i) => pts.y[i]), marker: { size: 5 } };
      })
      .filter((t) => (t.x as number[]).length > 0),
  }));
  return sliderFigure(frames, { title, xTitle: pts.axes[0], yTitle: pts.axes[1], prefix: 'coloured by ', width: 820, height: 620 });
}

/** Gaussian kernel density on `grid` with Silverman's bandwidth. */
export function kde(values: readonly number[], grid: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) return grid.map(() => 0);
  const m = values.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - m) * (v - m), 0) / Math.max(1, n - 1));
  const h = Math.max(1.06 * (sd || 1e-3) * n ** -0.2, 1e-3);
  return grid.map((g) => values.reduce((s, v) => s + Math.exp(-0.5 * ((g - v) / h) ** 2), 0) / (n * h * Math.sqrt(2 * Math.PI)));
}

export function densityFigure(art: RunArtifacts, title: string): Figure | undefined {
  const lat = art.latentB;
  if (!lat || lat.values.length === 0) return undefined;
  const n = lat.values.length / lat.dims;
  const frames = art.labels.slice(0, lat.dims).map((label, i) => {
    const b = Array.from({ length: n }, (_, r) => lat.values[r * lat.dims + i]);
    const centres = art.rbf?.[i]?.centres ?? [];
    const lo = Math.min(...b, ...centres);
    const hi = Math.max(...b, ...centres);
    const pad = 0.1 * (hi - lo || 1);
    const grid = Array.from({ length: 121 }, (_, g) => lo - pad + ((hi - lo + 2 * pad) * g) / 120);
    const traces: Trace[] = [];
    let top = 0;
    label.classes.forEach((cls, k) => {
      const vals = b.filter((_, r) => label.ids[r] === k);
      if (vals.length === 0) return;
      const d = kde(vals, grid);
      top = Math.max(top, ...d);
      traces.push({ type: 'scatter', mode: 'lines', name: `${label.name}=${cls} (n=${vals.length})`, x: grid, y: d });
    });
    centres.forEach((c, k) => {
      traces.push({
        type: 'scatter', mode: 'lines', name: `RBF centre ${label.classes[k] ?? k}`, x: [c, c], y: [0, top || 1],
        line: { dash: 'dot', width: 1 }, showlegend: k === 0,
      });
    });
    return { label: `b_${i} (${label.name})`, traces };
  });
  if (frames.length === 0) return undefined;
  return sliderFigure(frames, { title, xTitle: 'marginal code b_i (posterior mean)', yTitle: 'density', prefix: 'dimension ', width: 820, height: 560 });
}

export function forecastFigure(art: RunArtifacts, title: string): Figure | undefined {
  if (art.forecasts.length === 0) return undefined;
  const frames = art.forecasts.map((f) => {
    const L = f.input.length;
    const xIn = Array.from({ length: L }, (_, i) => i - L + 1);
    const xOut = Array.from({ length: f.truth.length }, (_, i) => i + 1);
    return {
      label: `window ${f.window}`,
      traces: [
        { type: 'scatter', mode: 'lines', name: `input (${f.channel})`, x: xIn, y: f.input, line: { color: '#888' } },
        { type: 'scatter', mode: 'lines+markers', name: 'truth', x: xOut, y: f.truth, line: { color: '#1f77b4' } },
        { type: 'scatter', mode: 'lines+markers', name: 'forecast', x: xOut, y: f.forecast, line: { color: '#d62728' } },
      ] as Trace[],
    };
  });
  return sliderFigure(frames, { title, xTitle: 'rows after the last input row (target rows only)', yTitle: 'value (original units)', prefix: 'test ', width: 900, height: 500 });
}

export function lossFigure(rec: RunRecord, title: string): Figure | undefined {
  const ep = rec.history.epochs;
  if (ep.length === 0) return undefined;
  const keys = [...new Set(ep.flatMap((e) => Object.entries(e.phases).flatMap(([p, terms]) => Object.keys(terms).map((t) => `${p}.${t}`))))].sort();
  const series: Record<string, number[]> = {};
  for (const k of keys) {
    const [p, t] = k.split('.');
    series[`train ${k}`] = ep.map((e) => e.phases[p]?.[t] ?? NaN);
  }
  series['validation forecast MSE'] = ep.map((e) => e.valForecast ?? NaN);
  const fig = lineFigure(ep.map((e) => e.epoch), series, { title, xTitle: 'epoch', yTitle: 'mean loss term (unweighted, scaled units)', width: 860, height: 520 });
  for (const t of fig.data) t.mode = 'lines+markers';
  return fig;
}

export function conflictFigure(runs: readonly { label: string; rec: RunRecord }[], title: string): Figure | undefined {
  const data: Trace[] = [];
  for (const { label, rec } of runs) {
    const pairs = [...new Set(rec.history.conflict.flatMap((c) => Object.keys(c.cosines)))].sort();
    for (const pair of pairs) {
      const pts = rec.history.conflict.filter((c) => typeof c.cosines[pair] === 'number');
      if (pts.length === 0) continue;
      data.push({ type: 'scatter', mode: 'lines+markers', name: `${label}: cos(${pair.replace('|', ', ')})`, x: pts.map((c) => c.step), y: pts.map((c) => c.cosines[pair]) });
    }
  }
  if (data.length === 0) return undefined;
  return {
    data,
    layout: {
      title: { text: title }, xaxis: { title: { text: 'optimiser step' } }, yaxis: { title: { text: 'cosine of gradients on the shared trunk' }, range: [-1, 1] },
      width: 900, height: 540, margin: { t: 50, r: 20 },
    },
  };
}

/**
 * A line figure of a rendered table (an experiment's `figures`, spec/types.ts TableFigureSpec):
 * x = the spec's value per row, one line per column through the cells' means, error bars ± the
 * sample std over the seeds; cells without a mean are gaps. A selecting cell's choice is in the
 * hover text. Under a protocol other than the full one the title says it is a smoke test.
 */
export function tableLineFigure(spec: TableFigureSpec, table: TableSpec, cells: RenderedTable['cells'], protocol: Protocol): Figure {
  if (spec.x.length !== table.rows.length) throw new Error(`figure ${spec.name}: ${spec.x.length} x values for ${table.rows.length} table rows`);
  const data: Trace[] = spec.columns.map((key) => {
    const col = table.columns.find((c) => c.key === key);
    if (!col) throw new Error(`figure ${spec.name}: table ${table.name} has no column '${key}'`);
    const at = table.rows.map((r) => cells[r.label]?.[key]);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: col.title,
      x: [...spec.x],
      y: at.map((c) => c?.mean ?? null),
      error_y: { type: 'data', array: at.map((c) => c?.std ?? 0), visible: true, thickness: 1.5, width: 5 },
      text: at.map((c) => (c?.chosen ? String(c.chosen) : '')),
      hovertemplate: '%{x}: %{y:.3f} %{text}<extra>%{fullData.name}</extra>',
    };
  });
  const smoke = protocol.name === 'full' ? '' : ` — smoke test, protocol '${protocol.name}'`;
  const lo = Math.min(...spec.x), hi = Math.max(...spec.x), pad = 0.05 * (hi - lo || 1);
  return {
    data,
    layout: {
      title: { text: `${spec.title}${smoke}`, y: 0.97, yanchor: 'top' },
      xaxis: { title: { text: spec.xTitle }, tickvals: [...spec.x], range: [lo - pad, hi + pad], zeroline: false },
      yaxis: { title: { text: spec.yTitle }, ...(spec.yRange ? { range: [...spec.yRange] as [number, number] } : {}) },
      width: 760, height: 520, margin: { t: 70, r: 20 }, showlegend: true,
    },
  };
}

/** Every figure the records allow (a figure whose run is missing is skipped and listed in `missing`). */
export function buildFigures(inputs: PlanInputs, records: ReadonlyMap<string, RunRecord>): { figures: NamedFigure[]; missing: string[] } {
  const figures: NamedFigure[] = [];
  const missing: string[] = [];
  const add = (name: string, title: string, fig: Figure | undefined): void => {
    if (fig) figures.push({ name, title, figure: fig });
    else missing.push(name);
  };
  for (const fv of figureVariants()) {
    const choice = inputs.choices[fv.family];
    const rec = firstRecord(fv.interleave, inputs, records);
    const where = `DeepDIVE on ${choice.data} (${fv.family} table), seed 0`;
    if (!rec) {
      missing.push(`${fv.family}: run of ${where} not found`);
      continue;
    }
    const art = rec.artifacts;
    for (const code of ['a', 'b'] as const) {
      for (const method of ['pca', 'tsne'] as const) {
        add(`latent-${fv.family}-${code}-${method}`, `latent ${code}`, art && latentFigure(art, code, method, `Latent ${code === 'a' ? 'a (conditional)' : 'b (marginal)'} — ${method.toUpperCase()}, ${where}`));
      }
    }
    add(`rbf-density-${fv.family}`, 'RBF clusters', art && densityFigure(art, `Marginal dimensions per class with RBF centres — ${where}`));
    add(`forecast-${fv.family}`, 'forecasts', art && forecastFigure(art, `Forecast vs truth — ${where}`));
    add(`loss-${fv.family}`, 'loss curves', lossFigure(rec, `Training losses per phase — ${where} (phase M: Σ CE + β_b Σ KL_b; phase C: forecast + recon + KL_a)`));
    if (fv.joint) {
      const joint = firstRecord(fv.joint, inputs, records);
      const runs = [{ label: 'interleaved', rec }, ...(joint ? [{ label: 'joint', rec: joint }] : [])];
      // Interleaved runs have no samples (phases M and C update disjoint groups); joint ones do.
      add('gradient-conflict', 'gradient conflict', conflictFigure(runs, `Gradient conflict on the shared trunk under joint training — DeepDIVE on ${choice.data}, seed 0`));
    }
  }
  return { figures, missing };
}
