/**
 * Run one RunSpec end to end: prepare the data (lib/data/prepare.ts, data seed 0), keep a
 * seeded subset of windows when the protocol says so, build the model (lib/models/registry.ts),
 * train it with the library trainer that `dive train` uses (lib/train/trainer.ts `train`),
 * evaluate on the test split and return the RunRecord (metrics, compact history, artifacts for
 * figures). Tensors: the model is disposed at the end; the tensor count is unchanged.
 *
 * Metrics (test split), computed by `metricsOf` (lib/train/evaluate.ts), as `dive train` does:
 *   forecastRrse, forecastCorr  LSTNet RRSE / CORR of ŷ vs y in original units
 *   reconRrse                   RRSE of x̂ vs x in original units, models with a decoder only
 *   mig                         MIG of the latent means [μ_a ‖ μ_b] vs the true factors
 *                               (synthetic) or the window labels (real data); null when the
 *                               model has fewer than 2 latent dims
 *   clusterAccuracy             mean over labels of the Hungarian-matched accuracy of argmax RBF
 *                               memberships
 *   gradientCosine              mean over training of cos(∇forecast, ∇CE) on the shared trunk
 *                               (DeepDIVE with labels only)
 * `runTraining` (lib/train/run.ts) is not called as a whole because a reproduction needs the
 * seeded window subsets, the per-epoch phase history and the latents for figures; it uses the
 * same parts (prepareData, createModel, dataInfoOf, train, metricsOf).
 */
import { executePipelineRun, executeSparseRhoRun } from './pipelineRuns';
import { SPARSE_RHO_MODEL } from '../../methods/sparse/rho';
import { isPipelineModel } from '../../methods/pipelines';
import { codeVersion, provenanceOf } from './provenance';
import { initBackend } from '../../backend/select';
import { prepareData, type Prepared } from '../../data/prepare';
import { datasetInfo } from '../../data/registry';
import type { ProtocolName } from '../../data/protocols';
import { DEFAULT_SYNTHETIC } from '../../data/synthetic';
import type { PreparedData, WindowSet } from '../../data/types';
import { createModel } from '../../models/registry';
import type { Model } from '../../models/types';
import { dataInfoOf } from '../../train/batches';
import { DEFAULT_SCHEDULE } from '../../train/interleave';
import { metricsOf } from '../../train/evaluate';
import { predictSplit, splitForecastMse, type SplitOutputs } from '../../train/predict';
import { DEFAULT_TRAIN, TrainSchema, train, type TrainConfig, type TrainResult } from '../../train/trainer';
import type { ProgressSink } from '../../util/progress';
import { makeRng, permutation } from '../../util/random';
import { parseConfig } from '../../util/config';
import type { ConflictSample, HistoryEpoch, RunArtifacts, RunRecord, RunSpec } from '../spec/types';
import { metricCard, metricValues } from '../../train/metrics';
import { meanForecastCeCosine } from '../../train/gradConflict';

/** What a tuning record keeps besides valForecastMse: how the selection went, nothing from the test split. */
const TUNING_METRICS = ['valForecastMse', 'bestValForecastMse', 'initialValForecastMse', 'bestEpoch', 'improvedOnInitial', 'converged'] as const;

/** Number of sample forecast windows kept for figures. */
const FORECAST_SAMPLES = 4;
/** Last input rows shown before the forecast in the figures. */
const FORECAST_CONTEXT = 48;

/** Round to 4 significant digits (compact JSON for figure arrays). */
function r4(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(4)) : 0;
}

/**
 * A seeded subset of at most `max` windows of a set (0 = all), in original order. The returned
 * set reads through to `set` (no copies); `batch`/`input`/`target`/`label` map indices.
 */
export function subsetWindows(set: WindowSet, max: number, seed: number): WindowSet {
  if (max <= 0 || set.count <= max) return set;
  const picked = Int32Array.from(permutation(set.count, makeRng(seed)).subarray(0, max)).sort();
  return {
    spec: set.spec,
    channels: set.channels,
    count: picked.length,
    labels: set.labels,
    factorNames: set.factorNames,
    ...(set.discreteFactors ? { discreteFactors: set.discreteFactors } : {}),
    input: (i) => set.input(picked[i]),
    target: (i) => set.target(picked[i]),
    label: (i, l) => set.label(picked[i], l),
    batch: (indices) => set.batch(Array.from(indices, (i) => picked[i])),
  };
}

/** The trainer config of a run: DEFAULT_TRAIN ⊕ protocol trainer overrides ⊕ epochs, seed, mode. */
export function trainConfigOf(spec: RunSpec): TrainConfig {
  const base = parseConfig(TrainSchema, spec.trainConfig, 'train');
  return { ...base, epochs: spec.epochs, seed: spec.seed, schedule: { ...DEFAULT_SCHEDULE, ...base.schedule, mode: spec.mode } };
}

/**
 * Synthetic segments hold exactly one default window (input + horizon 16); a longer horizon
 * (the electricity tables' 24 on the synthetic fallback) lengthens the segments to fit.
 */
function syntheticFor(name: string, horizon: number): { synthetic?: { length: number } } {
  if (name !== 'synthetic') return {};
  const need = datasetInfo('synthetic').defaults.window.inputLength + horizon;
  return need > DEFAULT_SYNTHETIC.length ? { synthetic: { length: need } } : {};
}

/** Prepared data by (data set, horizon, protocol), reused across the runs of one process (at most 4 kept). */
const preparedCache = new Map<string, Prepared>();

function prepareCached(name: string, horizon: number, protocol: ProtocolName | undefined): Prepared {
  const key = `${name}|${horizon}|${protocol ?? ''}`;
  let p = preparedCache.get(key);
  if (!p) {
    p = prepareData(name, { horizon, seed: 0, ...syntheticFor(name, horizon), ...(protocol !== undefined ? { protocol } : {}) });
    if (preparedCache.size >= 4) preparedCache.delete(preparedCache.keys().next().value as string);
    preparedCache.set(key, p);
  }
  return p;
}

function compactHistory(result: TrainResult): RunRecord['history'] {
  const epochs: HistoryEpoch[] = result.history.epochs.map((e) => {
    const phases: Record<string, Record<string, number>> = {};
    for (const [key, value] of Object.entries(e.train)) {
      const [phase, term] = key.split('.');
      (phases[phase] ??= {})[term] = r4(value);
    }
    return { epoch: e.epoch, phases, valForecast: r4(e.valForecastMse) };
  });
  const conflict: ConflictSample[] = result.history.conflicts.map((c) => {
    const cosines: Record<string, number> = {};
    for (const [pair, v] of Object.entries(c.cosines)) if (typeof v === 'number' && Number.isFinite(v)) cosines[pair] = r4(v);
    return { step: c.step, cosines };
  });
  return { epochs, conflict, ...(result.history.conflictNote ? { conflictNote: result.history.conflictNote } : {}) };
}

export { meanForecastCeCosine } from '../../train/gradConflict';

function artifactsOf(model: Model, out: SplitOutputs, test: WindowSet, data: PreparedData, points: number): RunArtifacts {
  // Evenly spaced test windows (windows are ordered by segment: the first n would miss classes).
  const n = Math.min(out.n, points);
  const pick = Array.from({ length: n }, (_, j) => Math.floor((j * out.n) / n));
  const keep = (lat: Float32Array | undefined, dims: number): RunArtifacts['latentA'] =>
    lat && dims > 0 ? { dims, values: pick.flatMap((w) => Array.from(lat.subarray(w * dims, (w + 1) * dims), r4)) } : undefined;
  const labels = test.labels.map((l, i) => ({ name: l.name, classes: [...l.classes], ids: pick.map((w) => out.labels[i][w]) }));
  const rbf: { centres: number[]; widths: number[] }[] = [];
  for (let i = 0; ; i++) {
    const c = model.params.all().find((p) => p.name === `rbf/rbf${i}/centres`);
    const w = model.params.all().find((p) => p.name === `rbf/rbf${i}/logWidths`);
    if (!c || !w) break;
    rbf.push({ centres: Array.from(c.variable.dataSync(), r4), widths: Array.from(w.variable.dataSync(), (v) => r4(Math.exp(v))) });
  }
  const { inputLength: L, targetLength: T } = test.spec;
  const C = test.channels;
  const ch = C - 1; // the last channel (ETT: oil temperature OT; gait: right foot)
  const channel = data.dataset.channelNames[ch] ?? `channel ${ch}`;
  const forecasts: RunArtifacts['forecasts'][number][] = [];
  const samples = Math.min(FORECAST_SAMPLES, out.n);
  for (let s = 0; s < samples; s++) {
    const w = Math.floor((s * out.n) / samples);
    const ctx = Math.min(L, FORECAST_CONTEXT);
    const x = data.scaler.inverse(Float32Array.from(test.input(w)));
    const y = data.scaler.inverse(out.target.slice(w * T * C, (w + 1) * T * C));
    const f = data.scaler.inverse(out.forecast.slice(w * T * C, (w + 1) * T * C));
    forecasts.push({
      window: w,
      channel,
      input: Array.from({ length: ctx }, (_, t) => r4(x[(L - ctx + t) * C + ch])),
      truth: Array.from({ length: T }, (_, t) => r4(y[t * C + ch])),
      forecast: Array.from({ length: T }, (_, t) => r4(f[t * C + ch])),
    });
  }
  const art: RunArtifacts = { labels, forecasts, ...(rbf.length ? { rbf } : {}) };
  const a = keep(out.latentA, out.latentADim);
  const b = keep(out.latentB, out.latentBDim);
  return { ...art, ...(a ? { latentA: a } : {}), ...(b ? { latentB: b } : {}) };
}

export interface ExecuteOptions {
  /** Progress of the training loop (per batch). */
  readonly onProgress?: ProgressSink;
}

/** Train and evaluate one run; returns its record (not yet written). */
export async function executeRun(id: string, spec: RunSpec, options: ExecuteOptions = {}): Promise<RunRecord> {
  if (isPipelineModel(spec.model)) return executePipelineRun(id, { ...spec, model: spec.model });
  if (spec.model === SPARSE_RHO_MODEL) return executeSparseRhoRun(id, spec);
  const backend = await initBackend();
  const started = Date.now();
  const prepared = prepareCached(spec.data, spec.horizon, spec.protocol);
  const data: PreparedData = {
    ...prepared,
    train: subsetWindows(prepared.train, spec.maxWindows.train, 1),
    val: subsetWindows(prepared.val, spec.maxWindows.val, 2),
    test: subsetWindows(prepared.test, spec.maxWindows.test, 3),
  };
  const model = createModel(spec.model, { ...spec.config, seed: spec.seed }, dataInfoOf(data));
  try {
    const tc = trainConfigOf(spec);
    const result = await train(model, data, tc, { onProgress: options.onProgress });
    const valForecastMse = await splitForecastMse(model, data.val, tc.evalBatchSize);
    if (spec.stage === 'tune') return tuningRecord(id, spec, model, data, prepared.protocol, backend.active, started, result, valForecastMse);
    const out = await predictSplit(model, data.test, tc.evalBatchSize);
    // The same metrics as `dive train` (lib/train/evaluate.ts), on the same outputs the figures use.
    const test = metricsOf(out, data.test, data.scaler);
    const history = compactHistory(result);
    // Every metric card's value (lib/train/metrics), in the registry's order.
    const metrics = metricValues({
      test,
      disentanglement: test.disentanglement,
      training: result,
      learns: model.params.size() > 0,
      gradientCosine: meanForecastCeCosine(history.conflict),
      valForecastMse,
    });
    return {
      schema: 1,
      id,
      spec,
      data: {
        name: spec.data,
        ...provenanceOf(spec.data),
        protocol: prepared.protocol,
        windows: { train: data.train.count, val: data.val.count, test: data.test.count },
      },
      backend: backend.active,
      code: codeVersion(),
      seconds: (Date.now() - started) / 1000,
      epochs: result.epochsRun,
      stopReason: result.stopReason,
      modelConfig: model.config,
      metrics,
      history,
      artifacts: artifactsOf(model, out, data.test, data, spec.figurePoints),
      testWindowSquaredErrors: windowSquaredErrors(out, data),
    };
  } finally {
    model.dispose();
  }
}

/**
 * Per-window mean squared forecast error in original units (4 significant digits): the loss
 * series of the Diebold–Mariano test (claims.ts). Original units, like RRSE: RRSE orders two
 * models on one test set exactly as their summed squared errors in original units do.
 */
export function windowSquaredErrors(out: SplitOutputs, data: PreparedData): number[] {
  const f = data.scaler.inverse(out.forecast);
  const y = data.scaler.inverse(out.target);
  const k = out.n > 0 ? f.length / out.n : 0;
  const res: number[] = new Array(out.n);
  for (let w = 0; w < out.n; w++) {
    let s = 0;
    for (let j = w * k; j < (w + 1) * k; j++) s += (f[j] - y[j]) ** 2;
    res[w] = r4(s / k);
  }
  return res;
}

/**
 * The record of a tuning trial (RunSpec.stage 'tune'): the selected checkpoint's forecast MSE on
 * the validation split (scaled units, every kept validation window — also for parameter-free
 * models, which the trainer does not validate) and nothing from the test split, which a tuning
 * trial never reads.
 */
function tuningRecord(id: string, spec: RunSpec, model: Model, data: PreparedData, protocol: string, backend: string, started: number, result: TrainResult, valForecastMse: number): RunRecord {
  const outputs = { training: result, learns: model.params.size() > 0, valForecastMse };
  return {
    schema: 1,
    id,
    spec,
    data: { name: spec.data, ...provenanceOf(spec.data), protocol, windows: { train: data.train.count, val: data.val.count, test: 0 } },
    backend,
    code: codeVersion(),
    seconds: (Date.now() - started) / 1000,
    epochs: result.epochsRun,
    modelConfig: model.config,
    // The validation and training-provenance cards (lib/train/metrics), read as every record reads them.
    metrics: Object.fromEntries(TUNING_METRICS.map((k) => [k, metricCard(k).of(outputs)])),
    history: compactHistory(result),
  };
}
