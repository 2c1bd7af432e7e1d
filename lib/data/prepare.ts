/**
 * `prepareData(name, options)`: load a data set, split it, fit the scaler on training rows,
 * scale, window and label it → PreparedData (types.ts).
 *
 * Per-data-set defaults (registry.ts), each overridable:
 *   ett-h1              input 168, horizon 24, target 1, stride 1; ETT 12/4/4 months; z-score
 *   electricity-lstnet  input 168, horizon 24, target 1, stride 1; chronological 0.6/0.2/0.2
 *                       by target index; max-abs per series
 *   gaitndd             downsample 3 (100 Hz); input 200 (2 s), horizon 100, target 100 (the
 *                       next 1 s), stride 50; by subject 8:1:1 stratified by group; z-score;
 *                       labels group + strideBin (4 quantile bins)
 *   gaitmotion          1000 Hz, 6 IMU channels; input 1000, horizon 800, target 800 (the
 *                       paper's), stride 50; by subject 8:1:1 (segments grouped by subject,
 *                       not stratified); z-score; labels gaitType + strideBin (14 quantile bins)
 *   synthetic           10,400 segments x 80 rows x 3 channels (synthetic.ts: one window per
 *                       segment, ≈ 1,040 independent test windows — the MIG protocol); input 64,
 *                       horizon 16, target 16, stride 8; by segment 8:1:1 stratified by regime;
 *                       z-score
 *   benchmark           the shared disentanglement benchmark (benchmark.ts): the generator's own
 *                       splits — train / val / test = its train / val / ID-test streams (4,000 /
 *                       500 / 1,000 windows of the train region), plus `ood` (1,000 windows of
 *                       the held-out (frequency, amplitude) combinations), a fourth window set
 *                       evaluated and reported separately (RunReport.testOod). One window per
 *                       60-row segment: input 48, forecast all 12 following rows (--horizon H
 *                       and data.inputLength regenerate with that geometry); z-score on the
 *                       training windows' rows; label regime (the principal factor: DeepDIVE's
 *                       supervised b); factors = the discrete factor table (levels), so the
 *                       evaluation adds MIG, DCI, SAP, FactorVAE and MCC (evaluate.ts)
 *   csv (and csvCard's)  any CSV (csv.ts): window from the inferred interval (input 7 seasons,
 *                       horizon 1 season, target 1, stride 1; hourly = 168 / 24); chronological
 *                       0.7/0.1/0.2 by target index (or `split` by dates); z-score; label
 *                       columns or calendar labels
 * A named protocol (`protocol: 'tslib'`, protocols.ts) replaces the window defaults with its own
 * on the data set's split and scaler (ETT-format data sets only: input 96, every row 1…H
 * forecast, horizons 96/192/336/720).
 * The loaded data set keeps ORIGINAL units; windows view a scaled copy of each segment.
 */
import type { PreparedData, TimeSeriesDataset, WindowSpec } from './types';
import { datasetInfo, defaultsFor, findDataset, loadDataset, type DatasetName } from './registry';
import type { CsvOptions } from './csv';
import { countRows, planSplit, SPLIT_NAMES, type SplitName, type SplitPlan, type SplitProtocol } from './splits';
import { fitScaler, type AffineScaler, type ScalerKind } from './scalers';
import { checkWindowSpec, enumerateWindows, SegmentWindowSet, SHORTER_WINDOWS, type WindowPositions } from './windows';
import { classFrequencies, labelWindows, type LabelOptions, type WindowLabels } from './labels';
import type { SyntheticConfig } from './synthetic';
import {
  BENCHMARK_CIRCULAR, BENCHMARK_FACTORS, BENCHMARK_LEVELS, BENCHMARK_SPLITS, DiscreteFactorWindowSet, PRINCIPAL, REGIME_CLASSES,
  type BenchmarkConfig, type BenchmarkSplitCounts, type BenchmarkSplitName,
} from './benchmark';
import type { WindowRange } from './windows';
import type { RowRange } from './splits';
import { UserError } from '../util/errors';
import { forecastProtocol, protocolWindow, type ProtocolName, type ProtocolOptions } from './protocols';

/** How to prepare a data set: the window options (protocols.ts ProtocolOptions) and the rest. */
export interface PrepareOptions extends ProtocolOptions {
  /** Explicit file or folder to load (default: cache, mirror, ../shared/data; see paths.ts). */
  readonly file?: string;
  /** Seed of the by-segment split and of the synthetic generator. Default 0. */
  readonly seed?: number;
  /** Quantile bins of continuous labels (gait stride/speed, synthetic frequency). Default 4 (gaitmotion 14). */
  readonly bins?: number;
  /** gaitndd binned label: 'stride' (default) or 'speed'. */
  readonly gaitMeasure?: LabelOptions['gaitMeasure'];
  /** gaitndd integer downsampling factor. Default 3. */
  readonly downsample?: number;
  /** synthetic generator settings. */
  readonly synthetic?: Partial<SyntheticConfig>;
  /** benchmark generator settings (benchmark.ts DEFAULT_BENCHMARK; seed defaults to `seed`). */
  readonly benchmark?: Partial<BenchmarkConfig>;
  /** CSV cards (csv, a csvCard's): how to read the file (csv.ts CsvOptions; the card's own options underneath). */
  readonly csv?: CsvOptions;
  /** A named forecasting protocol replacing the data set's window (protocols.ts): 'tslib'. */
  readonly protocol?: ProtocolName;
}

/** PreparedData plus the details `dive data describe` reports. */
export interface Prepared extends PreparedData {
  readonly scaler: AffineScaler;
  readonly train: SegmentWindowSet;
  readonly val: SegmentWindowSet;
  readonly test: SegmentWindowSet;
  readonly spec: WindowSpec;
  readonly split: SplitPlan;
  /** Rows per split (targets' rows, see splits.ts). */
  readonly splitRows: Readonly<Record<SplitName, number>>;
  readonly binEdges: WindowLabels['binEdges'];
  readonly notes: readonly string[];
  /** benchmark only: the out-of-distribution test windows (held-out factor combinations); absent otherwise or with the iid split. */
  readonly ood?: SegmentWindowSet;
  /** The horizons of the named protocol applied (options.protocol), when one was. */
  readonly horizons?: readonly number[];
}

/** Load `name` and prepare it (see module doc for defaults). */
export function prepareData(name: DatasetName | string, options: PrepareOptions = {}): Prepared {
  const info = datasetInfo(name);
  const seed = options.seed ?? 0;
  if (info.name === 'benchmark') return prepareBenchmark(options);
  const dataset = loadDataset(info.name, {
    file: options.file,
    downsample: options.downsample,
    synthetic: { seed, ...options.synthetic },
    ...(options.csv ? { csv: options.csv } : {}),
  });
  return prepareDataset(dataset, options, info.name);
}

/**
 * The magnitude from which data are refused: float32 overflows above 3.4e38, so squares overflow
 * from about 1.8e19 and sums of squares over thousands of rows sooner. 1e15 leaves that margin
 * and is far above any measured quantity in these units (100 rows scaled by 1e30 used to train
 * silently into meaningless metrics).
 */
export const EXTREME_SCALE = 1e15;

/**
 * Prepare an already loaded data set. `defaultsOf` names the registry entry whose defaults
 * apply (default: dataset.name when registered, else LSTNet-style fractions with z-score).
 */
export function prepareDataset(dataset: TimeSeriesDataset, options: PrepareOptions = {}, defaultsOf: string = dataset.name): Prepared {
  const reg = findDataset(defaultsOf);
  const d = (reg ? defaultsFor(reg, dataset) : undefined) ?? {
    window: { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 },
    split: { kind: 'fractions', train: 0.6, val: 0.2 } as SplitProtocol,
    scaler: 'zscore' as ScalerKind,
  };
  const named = options.protocol !== undefined ? forecastProtocol(options.protocol) : undefined;
  const spec: WindowSpec = named
    ? protocolWindow(named, d.split, options, dataset.name)
    : {
        inputLength: options.inputLength ?? d.window.inputLength,
        horizon: options.horizon ?? d.window.horizon,
        targetLength: options.targetLength ?? Math.min(d.window.targetLength, options.horizon ?? d.window.horizon),
        stride: options.stride ?? d.window.stride,
      };
  checkWindowSpec(spec);
  if (dataset.segments.length === 0) throw new UserError(`data set '${dataset.name}' (${dataset.source}) has no segments; check the file`);
  const C = dataset.segments[0].channels;
  for (const s of dataset.segments) {
    if (s.channels !== C) throw new UserError(`segment '${s.id}' of '${dataset.name}' has ${s.channels} channels, others have ${C}`);
    if (s.length === 0) throw new UserError(`segment '${s.id}' of '${dataset.name}' (${dataset.source}) is empty; check the file`);
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (!Number.isFinite(v)) {
        throw new UserError(`segment '${s.id}' of '${dataset.name}' has a non-finite value at row ${Math.floor(i / C)}, channel ${dataset.channelNames[i % C] ?? i % C}; clean the data`);
      }
      if (Math.abs(v) >= EXTREME_SCALE) {
        throw new UserError(`segment '${s.id}' of '${dataset.name}' has the value ${v.toExponential(2)} at row ${Math.floor(i / C)}, channel ${dataset.channelNames[i % C] ?? i % C}: values of magnitude ${EXTREME_SCALE.toExponential(0)} or more overflow the float32 squares and sums behind training and the metrics in original units, which would come out meaningless; rescale the data first (e.g. divide that channel by a power of ten)`);
      }
    }
  }
  let split = options.split ?? d.split;
  if (split.kind === 'by-segment' && options.seed !== undefined) split = { ...split, seed: options.seed };
  const plan = planSplit(dataset, split, spec);
  const scaler = fitScaler(options.scaler ?? d.scaler, dataset.segments, plan.rows.train);
  const data = dataset.segments.map((s) => scaler.transform(Float32Array.from(s.values)));

  const positions = {} as Record<SplitName, WindowPositions>;
  for (const name of SPLIT_NAMES) {
    positions[name] = enumerateWindows(plan.ranges[name], spec, dataset.segments, dataset.name);
    if (positions[name].start.length === 0) {
      throw new UserError(`the ${name} split of '${dataset.name}' has no complete window of ${spec.inputLength + spec.horizon} rows (${plan.description}); ${SHORTER_WINDOWS}, or another split`);
    }
  }
  const labels = labelWindows(dataset, positions, spec, { bins: options.bins, gaitMeasure: options.gaitMeasure });
  const sets = {} as Record<SplitName, SegmentWindowSet>;
  for (const name of SPLIT_NAMES) {
    sets[name] = new SegmentWindowSet({
      spec,
      channels: C,
      data,
      positions: positions[name],
      labels: labels.specs,
      labelValues: labels.values[name],
      factorNames: labels.factorNames,
      factors: labels.factors?.[name],
    });
  }
  return {
    dataset,
    protocol: `${named ? `${named.description}: ` : ''}${plan.description}; scaler ${scaler.kind} fitted on train rows; window input ${spec.inputLength}, horizon ${spec.horizon}, target ${spec.targetLength}, stride ${spec.stride}`,
    scaler,
    train: sets.train,
    val: sets.val,
    test: sets.test,
    classFrequencies: classFrequencies(sets.train),
    spec,
    split: plan,
    splitRows: { train: countRows(plan.rows.train), val: countRows(plan.rows.val), test: countRows(plan.rows.test) },
    binEdges: labels.binEdges,
    notes: labels.notes,
    ...(named ? { horizons: named.horizons } : {}),
  };
}

/**
 * Prepare the shared benchmark (module doc): the generator's splits as window sets over one
 * segment per window, the OOD windows as `ood`, the discrete factor table on every set.
 */
export function prepareBenchmark(options: PrepareOptions = {}): Prepared {
  for (const k of ['file', 'split', 'stride', 'downsample', 'gaitMeasure', 'synthetic', 'protocol'] as const) {
    if (options[k] !== undefined) throw new UserError(`the benchmark data set does not take the '${k}' option (its splits and geometry come from its generator); drop it`);
  }
  const inputLength = options.inputLength ?? options.benchmark?.inputLength;
  const horizon = options.horizon ?? options.benchmark?.horizon;
  const gen: Partial<BenchmarkConfig> = {
    ...options.benchmark,
    seed: options.benchmark?.seed ?? options.seed ?? 0,
    ...(inputLength !== undefined ? { inputLength } : {}),
    ...(horizon !== undefined ? { horizon } : {}),
  };
  const dataset = loadDataset('benchmark', { benchmark: gen });
  const meta = dataset.meta as { splitCounts: BenchmarkSplitCounts; config: BenchmarkConfig };
  const cfg = meta.config;
  const span = cfg.inputLength + cfg.horizon;
  const spec: WindowSpec = { inputLength: cfg.inputLength, horizon: cfg.horizon, targetLength: options.targetLength ?? cfg.horizon, stride: span };
  checkWindowSpec(spec);
  // Segment index ranges of each split (segments are in BENCHMARK_SPLITS order).
  const first = {} as Record<BenchmarkSplitName, number>;
  let at = 0;
  for (const name of BENCHMARK_SPLITS) {
    first[name] = at;
    at += meta.splitCounts[name];
  }
  const segs = (name: BenchmarkSplitName): number[] => Array.from({ length: meta.splitCounts[name] }, (_, i) => first[name] + i);
  const rowsOf = (name: BenchmarkSplitName): RowRange[] => segs(name).map((segment) => ({ segment, from: 0, to: span }));
  const rangesOf = (name: BenchmarkSplitName): WindowRange[] => segs(name).map((segment) => ({ segment, inputFrom: 0, targetFrom: 0, end: span }));
  const description =
    cfg.split === 'ood'
      ? `benchmark splits (seed ${cfg.seed}): train ${meta.splitCounts.train} / val ${meta.splitCounts.val} / ID test ${meta.splitCounts.test} windows from the train region (frequency level < 4 or amplitude level < 3), OOD test ${meta.splitCounts.ood} windows of the held-out combinations (reported separately)`
      : `benchmark splits (seed ${cfg.seed}, iid): train ${meta.splitCounts.train} / val ${meta.splitCounts.val} / test ${meta.splitCounts.test} windows from the whole grid`;
  const split: SplitPlan = {
    ranges: { train: rangesOf('train'), val: rangesOf('val'), test: rangesOf('test') },
    rows: { train: rowsOf('train'), val: rowsOf('val'), test: rowsOf('test') },
    description,
  };
  const scaler = fitScaler(options.scaler ?? datasetInfo('benchmark').defaults.scaler, dataset.segments, split.rows.train);
  const data = dataset.segments.map((s) => scaler.transform(Float32Array.from(s.values)));
  const K = BENCHMARK_FACTORS.length;
  const discrete = { names: [...BENCHMARK_FACTORS], levels: [...BENCHMARK_LEVELS], circular: [...BENCHMARK_CIRCULAR] };
  const setOf = (name: BenchmarkSplitName): DiscreteFactorWindowSet => {
    const ids = segs(name);
    const factors = new Float32Array(ids.length * K);
    const regime = new Int32Array(ids.length);
    ids.forEach((sIdx, i) => {
      const lab = dataset.segments[sIdx].segmentLabels!;
      BENCHMARK_FACTORS.forEach((f, k) => (factors[i * K + k] = lab[f]));
      regime[i] = lab[BENCHMARK_FACTORS[PRINCIPAL]];
    });
    return new DiscreteFactorWindowSet(
      {
        spec,
        channels: 1,
        data,
        positions: { segment: Int32Array.from(ids), start: new Int32Array(ids.length) },
        labels: [{ name: BENCHMARK_FACTORS[PRINCIPAL], classes: [...REGIME_CLASSES] }],
        labelValues: [regime],
        factorNames: [...BENCHMARK_FACTORS],
        factors,
      },
      discrete,
    );
  };
  const train = setOf('train');
  return {
    dataset,
    protocol: `${description}; scaler ${scaler.kind} fitted on train rows; window input ${spec.inputLength}, horizon ${spec.horizon}, target ${spec.targetLength}, one window per segment; label regime; factors = the discrete factor table`,
    scaler,
    train,
    val: setOf('val'),
    test: setOf('test'),
    ...(meta.splitCounts.ood > 0 ? { ood: setOf('ood') } : {}),
    classFrequencies: classFrequencies(train),
    spec,
    split,
    splitRows: { train: countRows(split.rows.train), val: countRows(split.rows.val), test: countRows(split.rows.test) },
    binEdges: {},
    notes: [
      'label regime: the principal factor (DeepDIVE supervises b with it); the other factors are unsupervised and evaluated by the disentanglement metrics',
      ...(meta.splitCounts.ood > 0 ? ['the OOD test windows (held-out frequency × amplitude combinations) are a fourth split, evaluated separately'] : []),
    ],
  };
}
