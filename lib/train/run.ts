/**
 * One experiment run end to end — prepare data, build the model, train, evaluate on the test
 * split — and its reverse, re-evaluating a checkpoint. `dive train`, `dive evaluate`, the
 * benchmarks and `dive reproduce` all go through these two functions.
 *
 * Run config (a `--config FILE` JSON; every field optional, unknown fields are a UserError):
 *   { "model": {…model config, see lib/models/*}, "train": {…TrainConfig}, "data": {…RunDataConfig} }
 */
import * as path from 'node:path';
import { prepareData, type PrepareOptions } from '../data/prepare';
import { datasetInfo } from '../data/registry';
import type { CsvOptions } from '../data/csv';
import type { SplitProtocol } from '../data/splits';
import { BenchmarkSchema } from '../data/benchmark';
import { PROTOCOL_NAMES } from '../data/protocols';
import { DEFAULT_ATOM, ATOM_KINDS, type AtomKind } from '../models/atom';
import type { PreparedData } from '../data/types';
import { createModel, dataModelConfig, modelCards } from '../models/registry';
import { deepMerge } from '../util/merge';
import { defaultsOf, parseConfig, z } from '../util/config';
import { metricValues } from './metrics';
import { meanForecastCeCosine } from './gradConflict';
import { UserError } from '../util/errors';
import { checkOutputDir } from '../util/outputDir';
import type { ProgressSink } from '../util/progress';
import { dataInfoOf } from './batches';
import { CHECKPOINT_TARGET, loadModel } from './checkpoint';
import { evaluateModel, type TestMetrics } from './evaluate';
import { splitForecastMse } from './predict';
import { DEFAULT_TRAIN, TrainSchema, stopReasonOf, train, type TrainConfig, type EpochRecord, type StopReason, type TrainingHistory } from './trainer';

const rows = (doc: string) => z.int().min(1).nullable().default(null).describe(`${doc} (null = the data set's default).`);

/** Data preparation overrides a run config may set (null = the data set's default). */
export const RunDataSchema = z.strictObject({
  protocol: z
    .enum(PROTOCOL_NAMES)
    .nullable()
    .default(null)
    .describe("A named forecasting protocol replacing the data set's window (lib/data/protocols.ts): 'tslib' = Time-Series-Library's long-horizon protocol on the ETT files (input 96, every row 1…H forecast, horizons 96/192/336/720); null = the data set's own."),
  inputLength: rows('Input window length, rows'),
  horizon: z.int().min(1).nullable().default(null).describe("Forecast horizon, rows ahead of the last input row (null = the data set's default)."),
  targetLength: rows('Target rows per window'),
  stride: rows('Rows between consecutive windows'),
  bins: z.int().min(2).nullable().default(null).describe('Quantile bins of continuous labels (null = the data set\'s default).'),
  downsample: z.int().min(1).nullable().default(null).describe('gaitndd downsampling factor (null = 3: 300 → 100 Hz).'),
  seed: z.int().default(0).describe(
    'Seed of the by-segment split / synthetic generator. Fixed at 0 across run seeds by default, so that seeds vary initialisation and batch order over the same test set.',
  ),
  split: z
    .union([
      z.strictObject({ train: z.number().gt(0).lt(1), val: z.number().min(0).lt(1) }),
      z.strictObject({ trainEnd: z.string(), valEnd: z.string(), testEnd: z.string().optional() }),
    ])
    .nullable()
    .default(null)
    .describe(
      'The split, replacing the data set\'s protocol: {"train": 0.7, "val": 0.1} (chronological fractions by target index, the rest is test) or {"trainEnd": "2017-06-26", "valEnd": "2017-10-24", "testEnd"?: …} (by dates, lib/data/splits.ts); null = the data set\'s default.',
    ),
  csv: z
    .strictObject({
      dateColumn: z.string().nullable().default(null).describe('The date column (null = the first column of dates).'),
      targets: z.array(z.string()).nullable().default(null).describe('Columns to forecast (null = every numeric column).'),
      labels: z.array(z.string()).nullable().default(null).describe('Label columns (null = text columns with 2–64 values; [] = none: calendar labels).'),
      delimiter: z.enum([',', ';', 'tab']).nullable().default(null).describe("Field delimiter ',', ';' or 'tab' (null = sniffed)."),
      dateOrder: z.enum(['dmy', 'mdy']).nullable().default(null).describe('Order of NN/NN/YYYY dates when the column leaves it open.'),
    })
    .prefault({})
    .describe('CSV data sets only (--data csv, a csvCard): how to read the file (lib/data/csv.ts).'),
  benchmark: BenchmarkSchema.omit({ seed: true, inputLength: true, horizon: true })
    .prefault({})
    .describe('benchmark only: generator settings (lib/data/benchmark.ts); its seed is `seed`, its geometry inputLength / horizon above.'),
});
export type RunDataConfig = z.output<typeof RunDataSchema>;
export type BenchmarkGeneratorConfig = RunDataConfig['benchmark'];
export const DEFAULT_RUN_DATA: RunDataConfig = defaultsOf(RunDataSchema);

export interface RunConfig {
  model?: unknown;
  train?: unknown;
  data?: unknown;
}

export interface RunRequest {
  readonly model: string;
  readonly data: string;
  readonly file?: string;
  /** Overrides data.horizon. */
  readonly horizon?: number;
  /** Overrides train.epochs. */
  readonly epochs?: number;
  /** Sets model.seed and train.seed. Default 0. */
  readonly seed?: number;
  readonly config?: RunConfig;
  /** Checkpoint folder. */
  readonly out?: string;
  readonly resume?: boolean;
  readonly backend: string;
  readonly onProgress?: ProgressSink;
  readonly onEpoch?: (r: EpochRecord) => void;
  /**
   * The atom-modeling regulariser (a reconstruction of arXiv 2210.03728, lib/models/atom.ts):
   * sets model.atom.kind and model.atom.weight (latent models only; `dive train --atom W --atom-kind K`).
   */
  readonly atom?: { readonly weight: number; readonly kind?: AtomKind };
}

/** Models that take the atom regulariser (model config field `atom`): the cards with the `atom` trait. */
export function atomModels(): string[] {
  return modelCards().filter((c) => c.traits.atom).map((c) => c.name);
}

export interface RunReport {
  readonly model: string;
  readonly data: string;
  readonly seed: number;
  readonly backend: string;
  readonly parameters: number;
  readonly epochs: number;
  /** Epoch of the selected weights (0 = the untrained model). */
  readonly bestEpoch: number;
  /** Validation forecast MSE of the untrained model, and whether the selected weights beat it. */
  readonly initialValForecastMse: number | null;
  readonly improvedOnInitial: boolean;
  readonly stoppedEarly: boolean;
  /** Why training ended (lib/train/trainer.ts StopReason): 'early-stopping' = converged by the protocol's rule. */
  readonly stopReason: StopReason;
  readonly seconds: number;
  readonly window: { inputLength: number; horizon: number; targetLength: number };
  readonly test: TestMetrics;
  /** benchmark only: the same metrics on the out-of-distribution test windows (held-out factor combinations); null otherwise. */
  readonly testOod: TestMetrics | null;
  /** The full model config the run trained (defaults applied), e.g. its `atom` regulariser. */
  readonly modelConfig: object;
  readonly history: { valForecastMse: number[]; meanConflictCosine: Record<string, number>; conflictNote?: string };
  readonly checkpoint: string | null;
  /** Every metric card's value on the test split (lib/train/metrics), by key: what `dive reproduce` records for a run. */
  readonly metrics: Readonly<Record<string, number | null>>;
}

/** Parse and check the top level of a run config. */
export function checkRunConfig(raw: unknown, where: string): RunConfig {
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError(`${where} must hold a JSON object like {"model": {…}, "train": {…}, "data": {…}}`);
  for (const k of Object.keys(raw)) {
    if (!['model', 'train', 'data'].includes(k)) throw new UserError(`unknown config field '${k}' in ${where} (known: model, train, data)`);
  }
  return raw as RunConfig;
}

/** The PrepareOptions of a run's data config (null fields = the data set's defaults). */
export function prepareOptionsOf(d: RunDataConfig, file: string | undefined, data: string): PrepareOptions {
  const o: Record<string, unknown> = { seed: d.seed };
  if (data === 'benchmark') o.benchmark = d.benchmark;
  if (file) o.file = path.resolve(file);
  if (d.protocol !== null) o.protocol = d.protocol;
  for (const k of ['inputLength', 'horizon', 'targetLength', 'stride', 'bins', 'downsample'] as const) if (d[k] !== null) o[k] = d[k];
  if (d.split !== null) {
    o.split = ('trainEnd' in d.split
      ? { kind: 'dates', trainEnd: d.split.trainEnd, valEnd: d.split.valEnd, ...(d.split.testEnd !== undefined ? { testEnd: d.split.testEnd } : {}) }
      : { kind: 'fractions', train: d.split.train, val: d.split.val }) satisfies SplitProtocol;
  }
  const given = Object.entries(d.csv).filter(([, v]) => v !== null);
  if (given.length > 0) {
    if (datasetInfo(data).csv === undefined) {
      throw new UserError(`data.csv (${given.map(([k]) => k).join(', ')}) applies to CSV data sets (--data csv --file FILE, or a csvCard), not '${data}'; drop it`);
    }
    const c: Record<string, unknown> = {};
    for (const [k, v] of given) c[k] = k === 'delimiter' && v === 'tab' ? '\t' : v;
    o.csv = c as CsvOptions;
  }
  return o as PrepareOptions;
}

function summarise(h: TrainingHistory): RunReport['history'] {
  const sums: Record<string, [number, number]> = {};
  for (const c of h.conflicts) {
    for (const [k, v] of Object.entries(c.cosines)) {
      if (v === null) continue;
      const s = (sums[k] ??= [0, 0]);
      s[0] += v;
      s[1] += 1;
    }
  }
  return {
    valForecastMse: h.epochs.map((e) => e.valForecastMse),
    meanConflictCosine: Object.fromEntries(Object.entries(sums).map(([k, [s, n]]) => [k, s / n])),
    ...(h.conflictNote ? { conflictNote: h.conflictNote } : {}),
  };
}

/** Prepare, train, evaluate. The model is disposed before returning. */
export async function runTraining(req: RunRequest): Promise<RunReport> {
  if (req.out) checkOutputDir(req.out, CHECKPOINT_TARGET);
  const cfg = req.config ?? {};
  const dataCfg = parseConfig(RunDataSchema, cfg.data, 'data');
  if (req.horizon !== undefined) dataCfg.horizon = req.horizon;
  const trainCfg: TrainConfig = parseConfig(TrainSchema, cfg.train, 'train');
  const seed = req.seed ?? 0;
  trainCfg.seed = seed;
  if (req.epochs !== undefined) trainCfg.epochs = req.epochs;
  const prepOpts = prepareOptionsOf(dataCfg, req.file, datasetInfo(req.data).name);
  if (cfg.model !== undefined && (typeof cfg.model !== 'object' || cfg.model === null || Array.isArray(cfg.model))) throw new UserError('config field model must be a JSON object');
  const modelCfg: Record<string, unknown> = { ...deepMerge(dataModelConfig(req.model, datasetInfo(req.data).name), (cfg.model as Record<string, unknown> | undefined) ?? {}), seed };
  if (req.atom) {
    const kind = req.atom.kind ?? 'atom';
    if (!atomModels().includes(req.model)) throw new UserError(`--atom applies to the latent models (${atomModels().join(', ')}), not '${req.model}'; drop --atom or pick one of them`);
    if (!ATOM_KINDS.includes(kind) || kind === 'none') throw new UserError(`--atom-kind must be atom or repulsion, got '${String(kind)}'`);
    if (!(Number.isFinite(req.atom.weight) && req.atom.weight >= 0)) throw new UserError(`--atom must be a weight ≥ 0, got ${req.atom.weight}`);
    const given = (modelCfg.atom ?? {}) as Record<string, unknown>;
    modelCfg.atom = { ...given, kind: req.atom.weight > 0 ? kind : 'none', weight: req.atom.weight > 0 ? req.atom.weight : DEFAULT_ATOM.weight };
  }
  const data: PreparedData = prepareData(req.data, prepOpts);
  const model = createModel(req.model, modelCfg, dataInfoOf(data));
  try {
    const result = await train(model, data, trainCfg, {
      checkpointDir: req.out,
      resume: req.resume,
      run: { data: req.data, prepare: prepOpts, seed, backend: req.backend },
      onProgress: req.onProgress,
      onEpoch: req.onEpoch,
    });
    const test = await evaluateModel(model, data.test, data.scaler, trainCfg.evalBatchSize);
    const valForecastMse = await splitForecastMse(model, data.val, trainCfg.evalBatchSize);
    const ood = (data as { ood?: PreparedData['test'] }).ood;
    const testOod = ood ? await evaluateModel(model, ood, data.scaler, trainCfg.evalBatchSize) : null;
    const s = data.test.spec;
    return {
      model: req.model,
      data: req.data,
      seed,
      backend: req.backend,
      parameters: model.params.size(),
      epochs: result.epochsRun,
      bestEpoch: result.bestEpoch,
      initialValForecastMse: result.initialValForecastMse,
      improvedOnInitial: result.improvedOnInitial,
      stoppedEarly: result.stoppedEarly,
      stopReason: result.stopReason,
      seconds: result.seconds,
      window: { inputLength: s.inputLength, horizon: s.horizon, targetLength: s.targetLength },
      test,
      testOod,
      modelConfig: model.config,
      history: summarise(result.history),
      checkpoint: req.out ? path.resolve(req.out) : null,
      metrics: metricValues({ test, disentanglement: test.disentanglement, training: result, learns: model.params.size() > 0, gradientCosine: meanForecastCeCosine(result.history.conflicts), valForecastMse }),
    };
  } finally {
    model.dispose();
  }
}

/** Reload a checkpoint's best weights, re-prepare its data and evaluate the test split. */
export async function evaluateCheckpoint(dir: string, backend: string): Promise<RunReport> {
  const { model, checkpoint } = loadModel(dir);
  try {
    const st = checkpoint.state;
    const run = st.run as { data?: string; prepare?: PrepareOptions; seed?: number };
    if (typeof run.data !== 'string') throw new UserError(`checkpoint ${dir} does not record its data set (run.data); re-train with dive train --out`);
    const data = prepareData(run.data, run.prepare ?? {});
    const info = dataInfoOf(data);
    const want = st.dataInfo;
    if (info.inputLength !== want.inputLength || info.targetLength !== want.targetLength || info.channels !== want.channels || info.horizon !== want.horizon) {
      throw new UserError(`the data of checkpoint ${dir} (${run.data}) no longer have the geometry it was trained on; check the data file`);
    }
    const tc = st.train as TrainConfig;
    const test = await evaluateModel(model, data.test, data.scaler, tc.evalBatchSize ?? DEFAULT_TRAIN.evalBatchSize);
    const testOod = data.ood ? await evaluateModel(model, data.ood, data.scaler, tc.evalBatchSize ?? DEFAULT_TRAIN.evalBatchSize) : null;
    const h = st.history as TrainingHistory;
    const s = data.test.spec;
    return {
      model: st.model,
      data: run.data,
      seed: run.seed ?? tc.seed,
      backend,
      parameters: model.params.size(),
      epochs: st.epoch,
      bestEpoch: st.bestEpoch,
      initialValForecastMse: h.initialValForecastMse ?? null,
      improvedOnInitial: h.initialValForecastMse !== undefined && st.bestValue !== null && st.bestValue < h.initialValForecastMse,
      stoppedEarly: st.stoppedEarly,
      stopReason: stopReasonOf(model.params.size() > 0 && st.epoch > 0, st.stoppedEarly),
      seconds: h.epochs.reduce((a, e) => a + e.seconds, 0),
      window: { inputLength: s.inputLength, horizon: s.horizon, targetLength: s.targetLength },
      test,
      testOod,
      modelConfig: model.config,
      history: summarise(h),
      checkpoint: path.resolve(dir),
      metrics: metricValues({ test, disentanglement: test.disentanglement, learns: model.params.size() > 0, gradientCosine: meanForecastCeCosine(h.conflicts) }),
    };
  } finally {
    model.dispose();
  }
}
