/**
 * Runs of the companion methods that are pipelines, not forecasting models (Detaux's three
 * stages, Lachapelle et al.'s sparse base-predictors, and its MCC-against-ρ experiment
 * `sparse-rho`): the same RunSpec → RunRecord contract as executeRun, so they share the store,
 * sharding, merging and tables of `dive reproduce`.
 *
 * A spec's `config.preset` picks the pipeline's base settings — 'quick' (its QUICK preset, the
 * quick and test protocols) or 'default' (the documented defaults, the full protocol) — and the
 * rest of `config` overrides it (unknown fields are a UserError, as on the command line).
 * Metrics: the disentanglement suite of each method's codes on the benchmark's ID test split
 * (`suiteMig`, `dciD`, `sap`, `mcc`) and, for Detaux, the principal-task accuracy of MTL with the
 * discovered task (`principalAccuracy`) beside single-task learning's (`stlAccuracy`), the
 * discovered labels' NMI with each true factor (`discoveredNmiRegime`, …) and whether stage 1
 * and every stage-3 run stopped by their criteria (`converged`); for the sparse base-predictors,
 * whether the sparse arm's stopping rule ended its training (`converged`), after how many outer
 * steps (`outerSteps`) and which step's weights it kept (`bestStep`).
 */
import { withSyncReads } from '../../backend/select';
import type { DisentanglementScores } from '../../eval/disentanglement';
import { detauxConfig } from '../../methods/detaux/config';
import { runDetaux } from '../../methods/detaux/pipeline';
import { runSparseBilevel, type EncoderStop } from '../../methods/sparse/pipeline';
import { SPARSE_RHO_MODEL, runSparseRho, sparseRhoConfig, type RhoScores } from '../../methods/sparse/rho';
import { PIPELINE_PRESETS } from './specDefaults';
import { UserError } from '../../util/errors';
import { BENCHMARK_FACTORS } from '../../data/benchmark';
import { discoveredNmiKey } from '../../train/metrics/discoveredNmi';
import { codeVersion, provenanceOf } from './provenance';
import { metricValues } from '../../train/metrics';
import { isPipelineModel, type PipelineModel } from '../../methods/pipelines';
import type { RunRecord, RunSpec } from '../spec/types';


/**
 * A pipeline's record metrics: every metric card that applies (the disentanglement suite, and
 * the cards that read the pipeline's own numbers), then the pipeline's other numbers as they are.
 */
function pipelineMetrics(d: DisentanglementScores | undefined, own: Record<string, number | null>): Record<string, number | null> {
  return { ...metricValues({ disentanglement: d, pipeline: own }), ...own };
}

/** How a sparse encoder's training ended, as record metrics (`converged` 1 = its stopping rule, 0 = the step cap). */
function stopMetrics(stop: EncoderStop): Record<string, number> {
  return { converged: stop.converged ? 1 : 0, outerSteps: stop.steps, bestStep: stop.bestStep };
}

function splitPreset(spec: RunSpec): { preset: 'quick' | 'default'; rest: Record<string, unknown> } {
  const { preset = 'quick', ...rest } = spec.config as Record<string, unknown>;
  if (preset !== 'quick' && preset !== 'default') throw new UserError(`config field preset of ${spec.model} must be quick or default, got '${String(preset)}'`);
  return { preset, rest };
}

/**
 * One run of the sparse-rho experiment (lib/methods/sparse/rho.ts; spec/sparseRho.ts): the spec's
 * config is `{ preset, rho, inner, reg, …overrides }`. Metrics: `mcc` (the run's codes, test),
 * the selection criterion `probeValMse`, and for ridge runs the Ridge + ICA pair `mccIca`,
 * `probeValMseIca`; the report's other numbers beside them (own-head validation loss, R², ρ̂).
 */
export async function executeSparseRhoRun(id: string, spec: RunSpec): Promise<RunRecord> {
  if (spec.data !== 'benchmark') throw new UserError(`${SPARSE_RHO_MODEL} runs are filed under the benchmark family (generated data), not ${spec.data}`);
  return withSyncReads((backend) => sparseRhoRecord(id, spec, backend));
}

function sparseRhoRecord(id: string, spec: RunSpec, backend: string): RunRecord {
  const started = Date.now();
  const { preset, rest } = splitPreset(spec);
  const cfg = sparseRhoConfig({ ...rest, seed: spec.seed }, PIPELINE_PRESETS[SPARSE_RHO_MODEL][preset], `the ${SPARSE_RHO_MODEL} config of spec ${id}`);
  const r = runSparseRho(cfg);
  const scores = (s: RhoScores, suffix: string): Record<string, number> => ({
    [`mcc${suffix}`]: s.mcc.pearson, [`mccSpearman${suffix}`]: s.mcc.spearman, [`probeValMse${suffix}`]: s.probeValMse, [`probeSupport${suffix}`]: s.probeSupport,
    [`valTaskMse${suffix}`]: s.valTaskMse, [`valTaskR2${suffix}`]: s.valTaskR2, [`r2${suffix}`]: s.r2,
  });
  const own = {
    ...scores(r.own, ''), ...(r.ica ? { ...scores(r.ica, 'Ica'), icaConverged: r.ica.converged ? 1 : 0 } : {}), realisedRho: r.realisedRho,
    ...stopMetrics(r.stop),
  };
  return {
    schema: 1,
    id,
    spec,
    data: {
      name: 'correlated-latents',
      source: `generated (lib/methods/sparse/latents.ts, data seed ${cfg.dataSeed})`,
      protocol: `${SPARSE_RHO_MODEL} pipeline (${preset} preset): 6 factors, uniform marginals, pairwise correlation ρ = ${cfg.rho} (train, validation; realised ${r.realisedRho.toFixed(3)}) and 0 (test), observed through a random ${cfg.mixingLayers}-layer leaky-ReLU MLP into R^${cfg.observed}; inner ${cfg.inner} at ${cfg.inner === 'lasso' ? 'l1reg' : 'l2reg'} ${cfg.reg}`,
      windows: { train: cfg.trainPoints, val: cfg.valPoints, test: cfg.testPoints },
    },
    backend,
    code: codeVersion(),
    seconds: (Date.now() - started) / 1000,
    epochs: 0,
    modelConfig: cfg,
    metrics: pipelineMetrics(undefined, own),
    history: { epochs: [], conflict: [] },
  };
}

/**
 * Run one pipeline spec; its record has no training history and no forecast metrics. The
 * pipelines read values synchronously, so they run on wasm where webgpu is active (`withSyncReads`;
 * the record's `backend` says where they ran); the same for the sparse-rho runs above.
 */
export async function executePipelineRun(id: string, spec: RunSpec & { model: PipelineModel }): Promise<RunRecord> {
  if (spec.data !== 'benchmark') throw new UserError(`${spec.model} runs on the shared benchmark only, not ${spec.data}`);
  return withSyncReads((backend) => pipelineRecord(id, spec, backend));
}

async function pipelineRecord(id: string, spec: RunSpec & { model: PipelineModel }, backend: string): Promise<RunRecord> {
  const started = Date.now();
  const { preset, rest } = splitPreset(spec);
  let metrics: Record<string, number | null>;
  let modelConfig: object;
  let windows: { train: number; val: number; test: number };
  let note: string;
  if (spec.model === 'detaux') {
    const cfg = detauxConfig({ ...rest, seed: spec.seed }, PIPELINE_PRESETS.detaux[preset], `the ${spec.model} config of the companions experiment`);
    const { report } = runDetaux(cfg);
    const arms = report.stage3.arms;
    const nmi = Object.fromEntries(BENCHMARK_FACTORS.map((f) => [discoveredNmiKey(f), report.stage2.nmi[f]]));
    const converged = report.stage1.convergence.converged && report.stage3.converged ? 1 : 0;
    metrics = pipelineMetrics(report.disentanglement.iid, {
      principalAccuracy: arms.detaux.iid.accuracy.mean, stlAccuracy: arms.stl.iid.accuracy.mean, oodPrincipalAccuracy: arms.detaux.ood.accuracy.mean, ...nmi, converged,
    });
    modelConfig = cfg;
    windows = { train: report.benchmark.train, val: report.benchmark.val, test: report.benchmark.test };
    note = `benchmark split ${report.benchmark.split}; codes: ${report.disentanglement.codes}`;
  } else {
    const report = await runSparseBilevel({ ...PIPELINE_PRESETS['sparse-bilevel'][preset], ...rest, seed: spec.seed });
    // The row is the first arm's (sparse): converged when its stopping rule, not the step cap, ended it.
    metrics = pipelineMetrics(report.disentanglement, { mcc: report.mcc.pearson, r2: report.r2, ...stopMetrics(report.arms[report.arm]!.stop) });
    modelConfig = { preset, ...rest };
    windows = { train: 0, val: 0, test: 0 };
    note = `arm ${report.arm}, factors ${report.factors.join(', ')}`;
  }
  return {
    schema: 1,
    id,
    spec,
    data: { name: spec.data, ...provenanceOf(spec.data), protocol: `${spec.model} pipeline (${preset} preset): ${note}`, windows },
    backend,
    code: codeVersion(),
    seconds: (Date.now() - started) / 1000,
    epochs: 0,
    modelConfig,
    metrics,
    history: { epochs: [], conflict: [] },
  };
}
