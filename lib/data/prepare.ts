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
 * The loaded data set keeps ORIGINAL units; windows view a scaled copy of each segment.
 */
import type { PreparedData, TimeSeriesDataset, WindowSpec } from './types';
import { DATASETS, datasetInfo, loadDataset, type DatasetName } from './registry';
import { countRows, planSplit, SPLIT_NAMES, type SplitName, type SplitPlan, type SplitProtocol } from './splits';
import { fitScaler, type AffineScaler, type ScalerKind } from './scalers';
import { checkWindowSpec, enumerateWindows, SegmentWindowSet, type WindowPositions } from './windows';
import { classFrequencies, labelWindows, type LabelOptions, type WindowLabels } from './labels';
import type { SyntheticConfig } from './synthetic';
import { UserError } from '../util/errors';

export interface PrepareOptions {
  /** Explicit file or folder to load (default: cache, mirror, ../shared/data; see paths.ts). */
  readonly file?: string;
  readonly inputLength?: number;
  readonly horizon?: number;
  readonly targetLength?: number;
  readonly stride?: number;
  /** Override the split protocol (splits.ts). */
  readonly split?: SplitProtocol;
  /** Override the scaler. */
  readonly scaler?: ScalerKind;
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
}

/** Load `name` and prepare it (see module doc for defaults). */
export function prepareData(name: DatasetName | string, options: PrepareOptions = {}): Prepared {
  const info = datasetInfo(name);
  const seed = options.seed ?? 0;
  const dataset = loadDataset(info.name, {
    file: options.file,
    downsample: options.downsample,
    synthetic: { seed, ...options.synthetic },
  });
  return prepareDataset(dataset, options, info.name);
}

/**
 * Prepare an already loaded data set. `defaultsOf` names the registry entry whose defaults
 * apply (default: dataset.name when registered, else LSTNet-style fractions with z-score).
 */
export function prepareDataset(dataset: TimeSeriesDataset, options: PrepareOptions = {}, defaultsOf: string = dataset.name): Prepared {
  const reg = (DATASETS as Record<string, (typeof DATASETS)[DatasetName] | undefined>)[defaultsOf];
  const d = reg?.defaults ?? {
    window: { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 },
    split: { kind: 'fractions', train: 0.6, val: 0.2 } as SplitProtocol,
    scaler: 'zscore' as ScalerKind,
  };
  const spec: WindowSpec = {
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
      if (!Number.isFinite(s.values[i])) {
        throw new UserError(`segment '${s.id}' of '${dataset.name}' has a non-finite value at row ${Math.floor(i / C)}, channel ${dataset.channelNames[i % C] ?? i % C}; clean the data`);
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
      throw new UserError(`the ${name} split of '${dataset.name}' has no complete window of ${spec.inputLength + spec.horizon} rows (${plan.description}); use shorter windows or another split`);
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
    protocol: `${plan.description}; scaler ${scaler.kind} fitted on train rows; window input ${spec.inputLength}, horizon ${spec.horizon}, target ${spec.targetLength}, stride ${spec.stride}`,
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
  };
}
