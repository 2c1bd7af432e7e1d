/**
 * Per-window class labels — the supervision of the marginal latents b_i — and ground-truth
 * factors where known.
 *
 * - Calendar-indexed data (ETT, the LSTNet suite): hour (24), weekday (7, Sun…Sat) and month
 *   (12) of the TARGET time, i.e. the timestamp of the window's last target row, in UTC. Data
 *   sampled once a day or less often (LSTNet exchange rate) get weekday and month only: every
 *   row has the same hour there, so an hour label would be constant.
 * - gaitndd: `group` (control/als/hunt/park, subject-level) and one binned measure:
 *   `strideBin` (default): the mean stride time (mean of left and right stride, from NAME.ts) of
 *     the strides that end inside the window's time span [start, start + L + h) rows; a window
 *     with no stride ending inside it (e.g. the first 20 s, which NAME.ts omits) takes the stride
 *     nearest to its middle;
 *   `speedBin`: the subject's gait speed; a MISSING speed is imputed with the median speed of the
 *     training subjects of the same group (overall training median if none).
 * - gaitmotion: `gaitType` (normal/parkinson/stroke, per trial) and `strideBin`: the GaitRite
 *   stride length (cm) of the sample at the window's LAST TARGET row (gaitmotion.ts keeps it per
 *   row); a window whose last target row lies outside any stride (an empty cell: before the first
 *   stride, between strides, after the last) takes the stride length of the nearest row of the
 *   same segment that has one (the earlier row on a tie). 14 bins by default (the paper's
 *   "stride length binned 0–13"); `bins` overrides, `gaitMeasure` does not apply.
 * - A CSV (csv.ts) with label columns: each column's class at the window's last target row
 *   (classes = the column's distinct values); without label columns the calendar labels above.
 * - synthetic: `regime` (4 waveform classes) and `freqBin` (binned frequency); factors per
 *   window are SYNTHETIC_FACTORS (synthetic.ts).
 * Bins are quantile bins fitted on the TRAINING windows' values (k bins → k−1 cut points at the
 * j/k quantiles, linear interpolation); class j holds values v with edge[j−1] ≤ v < edge[j].
 * Tied values (e.g. subject-level speeds) can leave some bins small or empty.
 */
import type { LabelSpec, TimeSeriesDataset, WindowSet, WindowSpec } from './types';
import type { WindowPositions } from './windows';
import type { SplitName } from './splits';
import { isCsvDataset, type CsvDataset } from './csv';
import { GAIT_GROUPS, isGaitDataset, type GaitDataset } from './gaitndd';
import { GAITMOTION_STRIDE_BINS, GAITMOTION_TYPES, isGaitMotionDataset, type GaitMotionDataset } from './gaitmotion';
import { REGIMES, SYNTHETIC_FACTORS, isSyntheticDataset, windowFactors } from './synthetic';
import { UserError } from '../util/errors';

export const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface LabelOptions {
  /** Number of quantile bins for continuous measures. Default 4 (gaitmotion: 14). */
  readonly bins?: number;
  /** Which binned gait measure to use. Default 'stride'. */
  readonly gaitMeasure?: 'stride' | 'speed';
}

export interface WindowLabels {
  readonly specs: readonly LabelSpec[];
  /** Per split, one Int32Array [count] per label (order of specs). */
  readonly values: Readonly<Record<SplitName, readonly Int32Array[]>>;
  readonly factorNames: readonly string[];
  /** Per split, [count, factorNames.length], when factors are known. */
  readonly factors?: Readonly<Record<SplitName, Float32Array>>;
  /** Fitted bin cut points per binned label. */
  readonly binEdges: Readonly<Record<string, readonly number[]>>;
  /** Notes on label rules applied (e.g. imputed values). */
  readonly notes: readonly string[];
}

type Positions = Readonly<Record<SplitName, WindowPositions>>;
const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];

/** Quantile (type 7, linear interpolation) of a sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Cut points of k quantile bins fitted on `values` (k−1 edges). */
export function fitQuantileEdges(values: ArrayLike<number>, k: number): number[] {
  if (!Number.isInteger(k) || k < 1) throw new UserError(`number of bins must be a whole number ≥ 1, got ${k}`);
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) throw new UserError('cannot fit label bins: the training split has no windows');
  return Array.from({ length: k - 1 }, (_, j) => quantileSorted(sorted, (j + 1) / k));
}

/** Bin index of v: the number of edges ≤ v. */
export function binOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : v > 0 ? '∞' : '-∞';
}

/** Class names for bins: "b0 [-∞, 1.02)", … with an optional unit. */
export function binClassNames(edges: readonly number[], unit = ''): string[] {
  const bounds = [-Infinity, ...edges, Infinity];
  return Array.from({ length: edges.length + 1 }, (_, j) => `b${j} [${fmt(bounds[j])}, ${fmt(bounds[j + 1])})${unit}`);
}

/** Bin continuous per-window values of every split with edges fitted on train. */
function binned(name: string, raw: Readonly<Record<SplitName, Float64Array>>, k: number, unit: string): { spec: LabelSpec; values: Record<SplitName, Int32Array>; edges: number[] } {
  const edges = fitQuantileEdges(raw.train, k);
  const values = {} as Record<SplitName, Int32Array>;
  for (const s of SPLITS) values[s] = Int32Array.from(raw[s], (v) => binOf(edges, v));
  return { spec: { name, classes: binClassNames(edges, unit) }, values, edges };
}

function perSplit<T>(f: (s: SplitName) => T): Record<SplitName, T> {
  return { train: f('train'), val: f('val'), test: f('test') };
}

/** Mean stride time (s) of strides ending in [t0, t1), else the stride nearest to the middle. */
export function meanStrideTime(time: Float64Array, stride: Float64Array, t0: number, t1: number): number {
  if (time.length === 0) return NaN;
  // first index with time ≥ t0
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (time[m] < t0) lo = m + 1;
    else hi = m;
  }
  let sum = 0;
  let n = 0;
  for (let i = lo; i < time.length && time[i] < t1; i++) {
    sum += stride[i];
    n++;
  }
  if (n > 0) return sum / n;
  const mid = (t0 + t1) / 2;
  let best = 0;
  for (const i of [lo - 1, lo]) if (i >= 0 && i < time.length && Math.abs(time[i] - mid) < Math.abs(time[best] - mid)) best = i;
  return stride[best];
}

function gaitLabels(d: GaitDataset, pos: Positions, spec: WindowSpec, o: Required<LabelOptions>): WindowLabels {
  const group = perSplit((s) => Int32Array.from(pos[s].segment, (seg) => d.subjects[seg].groupIndex));
  const groupSpec: LabelSpec = { name: 'group', classes: [...GAIT_GROUPS] };
  const notes: string[] = [];
  let raw: Record<SplitName, Float64Array>;
  let name: string;
  let unit: string;
  if (o.gaitMeasure === 'speed') {
    // Impute missing speeds from the training subjects of the same group.
    const trainSegs = new Set(pos.train.segment);
    const speeds = d.subjects.map((s) => s.gaitSpeed);
    const median = (xs: number[]): number => quantileSorted(Float64Array.from(xs).sort(), 0.5);
    const trainKnown = d.subjects.filter((s, i) => trainSegs.has(i) && !Number.isNaN(s.gaitSpeed));
    const overall = median(trainKnown.map((s) => s.gaitSpeed));
    d.subjects.forEach((s, i) => {
      if (!Number.isNaN(s.gaitSpeed)) return;
      const same = trainKnown.filter((t) => t.group === s.group).map((t) => t.gaitSpeed);
      speeds[i] = same.length ? median(same) : overall;
      notes.push(`${s.id}: gait speed MISSING, imputed ${fmt(speeds[i])} m/s (training median of ${same.length ? s.group : 'all'})`);
    });
    raw = perSplit((s) => Float64Array.from(pos[s].segment, (seg) => speeds[seg]));
    name = 'speedBin';
    unit = ' m/s';
  } else {
    const fs = d.sampleRateHz;
    const span = spec.inputLength + spec.horizon;
    raw = perSplit((s) =>
      Float64Array.from(pos[s].start, (start, k) => {
        const st = d.subjects[pos[s].segment[k]].strides;
        return meanStrideTime(st.time, st.strideTime, start / fs, (start + span) / fs);
      }),
    );
    name = 'strideBin';
    unit = ' s';
  }
  const b = binned(name, raw, o.bins, unit);
  return {
    specs: [groupSpec, b.spec],
    values: perSplit((s) => [group[s], b.values[s]]),
    factorNames: [],
    binEdges: { [name]: b.edges },
    notes,
  };
}

/**
 * The value of a per-row series at `row`, or when that is NaN, at the nearest row that is not
 * (the earlier one on a tie); NaN when the whole series is.
 */
export function nearestLabelled(series: ArrayLike<number>, row: number): number {
  if (!Number.isNaN(series[row])) return series[row];
  for (let k = 1; row - k >= 0 || row + k < series.length; k++) {
    if (row - k >= 0 && !Number.isNaN(series[row - k])) return series[row - k];
    if (row + k < series.length && !Number.isNaN(series[row + k])) return series[row + k];
  }
  return NaN;
}

function gaitMotionLabels(d: GaitMotionDataset, pos: Positions, spec: WindowSpec, bins: number): WindowLabels {
  const gaitType = perSplit((s) => Int32Array.from(pos[s].segment, (seg) => d.trials[seg].gaitTypeIndex));
  const lastTarget = spec.inputLength + spec.horizon - 1; // offset of the last target row from start
  let filled = 0;
  let total = 0;
  const raw = perSplit((s) =>
    Float64Array.from(pos[s].start, (start, k) => {
      const series = d.trials[pos[s].segment[k]].strideLengthCm;
      total++;
      if (Number.isNaN(series[start + lastTarget])) filled++;
      return nearestLabelled(series, start + lastTarget);
    }),
  );
  const b = binned('strideBin', raw, bins, ' cm');
  return {
    specs: [{ name: 'gaitType', classes: [...GAITMOTION_TYPES] }, b.spec],
    values: perSplit((s) => [gaitType[s], b.values[s]]),
    factorNames: [],
    binEdges: { strideBin: b.edges },
    notes: filled > 0 ? [`${filled} of ${total} windows end outside a stride (no stride length at their last target row); they take the nearest labelled row's stride length`] : [],
  };
}

function syntheticLabels(d: Parameters<typeof windowFactors>[0], pos: Positions, o: Required<LabelOptions>): WindowLabels {
  const F = SYNTHETIC_FACTORS.length;
  const factors = perSplit((s) => {
    const p = pos[s];
    const out = new Float32Array(p.start.length * F);
    for (let k = 0; k < p.start.length; k++) windowFactors(d, p.segment[k], p.start[k], out, k * F);
    return out;
  });
  const regime = perSplit((s) => Int32Array.from(pos[s].segment, (seg) => d.factors[seg].regime));
  const freq = perSplit((s) => Float64Array.from(pos[s].segment, (seg) => d.factors[seg].frequency));
  const b = binned('freqBin', freq, o.bins, ' cyc/sample');
  return {
    specs: [{ name: 'regime', classes: [...REGIMES] }, b.spec],
    values: perSplit((s) => [regime[s], b.values[s]]),
    factorNames: [...SYNTHETIC_FACTORS],
    factors,
    binEdges: { freqBin: b.edges },
    notes: [],
  };
}

function calendarLabels(d: TimeSeriesDataset, pos: Positions, spec: WindowSpec): WindowLabels {
  const lastTarget = spec.inputLength + spec.horizon - 1; // offset of the last target row from start
  // Data sampled once a day or less often (LSTNet exchange rate): every row has the same hour,
  // so there is no hour label (module doc).
  const daily = d.sampleRateHz > 0 && 1 / d.sampleRateHz >= 86_400 * (1 - 1e-9);
  const fields: { spec: LabelSpec; of: (t: Date) => number }[] = [
    ...(daily ? [] : [{ spec: { name: 'hour', classes: HOURS, cyclic: true }, of: (t: Date) => t.getUTCHours() }]),
    { spec: { name: 'weekday', classes: WEEKDAYS, cyclic: true }, of: (t: Date) => t.getUTCDay() },
    { spec: { name: 'month', classes: MONTHS, cyclic: true }, of: (t: Date) => t.getUTCMonth() },
  ];
  const values = perSplit((s) => {
    const p = pos[s];
    const n = p.start.length;
    const out = fields.map(() => new Int32Array(n));
    for (let k = 0; k < n; k++) {
      const t = new Date(d.segments[p.segment[k]].timestamps![p.start[k] + lastTarget]);
      fields.forEach((f, i) => (out[i][k] = f.of(t)));
    }
    return out;
  });
  return { specs: fields.map((f) => f.spec), values, factorNames: [], binEdges: {}, notes: [] };
}

/** A CSV's label columns: the class at each window's last target row. */
function rowLabelWindows(d: CsvDataset, pos: Positions, spec: WindowSpec): WindowLabels {
  const lastTarget = spec.inputLength + spec.horizon - 1;
  const values = perSplit((s) => d.rowLabels.map((l) => Int32Array.from(pos[s].start, (start) => l.codes[start + lastTarget])));
  return { specs: d.rowLabels.map((l) => l.spec), values, factorNames: [], binEdges: {}, notes: [] };
}

/** Labels (and factors) of every split's windows, by the data set's kind (see module doc). */
export function labelWindows(d: TimeSeriesDataset, pos: Positions, spec: WindowSpec, options: LabelOptions = {}): WindowLabels {
  if (isGaitMotionDataset(d)) return gaitMotionLabels(d, pos, spec, options.bins ?? GAITMOTION_STRIDE_BINS);
  const o: Required<LabelOptions> = { bins: options.bins ?? 4, gaitMeasure: options.gaitMeasure ?? 'stride' };
  if (isGaitDataset(d)) return gaitLabels(d, pos, spec, o);
  if (isSyntheticDataset(d)) return syntheticLabels(d, pos, o);
  if (isCsvDataset(d) && d.rowLabels.length > 0) return rowLabelWindows(d, pos, spec);
  if (d.segments.length > 0 && d.segments.every((s) => s.timestamps)) return calendarLabels(d, pos, spec);
  return { specs: [], values: perSplit(() => []), factorNames: [], binEdges: {}, notes: [] };
}

/** Class frequencies per label over a window set's windows (each sums to 1; the π_k of E3). */
export function classFrequencies(set: WindowSet): Float64Array[] {
  return set.labels.map((spec, l) => {
    const f = new Float64Array(spec.classes.length);
    for (let i = 0; i < set.count; i++) f[set.label(i, l)]++;
    if (set.count > 0) for (let k = 0; k < f.length; k++) f[k] /= set.count;
    return f;
  });
}
