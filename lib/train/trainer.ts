/**
 * The training loop: interleaved (or joint) optimisation of a Model on the train split, early
 * stopping on the validation forecast MSE, seeded determinism, progress, gradient-conflict
 * diagnostics, atomic resumable checkpoints and NaN/Inf detection.
 *
 * Determinism: weights are initialised from the model config's seed; the batch order of epoch e
 * is a permutation drawn from mixSeed(seed, e); the reparameterisation noise of optimiser step s
 * is seeded by mixSeed(seed, s, phase). Same config + seed + backend → identical numbers, and a
 * resumed run continues exactly as an uninterrupted one would.
 */
import { defaultsOf, parseConfig, z } from '../util/config';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { WindowSet } from '../data/types';
import { mixSeed } from '../util/random';
import { weightedSum, type Model, type TensorBatch, type TermName } from '../models/types';
import { UserError } from '../util/errors';
import { Progress, type ProgressSink } from '../util/progress';
import { makeRng, permutation } from '../util/random';
import { Adam, DEFAULT_ADAM, namedGradients } from './adam';
import { disposeBatch, range, toTensors } from './batches';
import { loadCheckpoint, restoreWeights, saveCheckpoint, shapesOf, snapshotWeights, CHECKPOINT_FORMAT, CHECKPOINT_TARGET, type Weights } from './checkpoint';
import { checkOutputDir } from '../util/outputDir';
import { probeConflict, readConflicts, type ConflictRecord, type PendingConflict } from './gradConflict';
import { readFlat } from './readBack';
import { LrScheduleSchema, INITIAL_LR_STATE, afterEpoch, learningRate, type LrState } from './lrSchedule';
import { ScheduleSchema, modelPhases, phasesForEpoch, type Phase, type PhaseName, type Phases, type ScheduleConfig } from './interleave';

export const TrainSchema = z.strictObject({
  epochs: z.int().min(0).default(100).describe('Epoch cap: a budget, not the stopping rule — runs end by early stopping (`patience`) long before it on ETTh1, gaitndd and the benchmark (docs/design.md, "Training recipe"); a run that reaches it records stopReason epoch-cap (not converged).'),
  batchSize: z.int().min(1).default(64).describe('Windows per batch.'),
  lr: z.number().positive().default(DEFAULT_ADAM.lr).describe('Adam learning rate.'),
  weightDecay: z.number().min(0).default(0).describe('AdamW decoupled weight decay λ_wd of weight matrices (adam.ts; docs/design.md).'),
  lrSchedule: LrScheduleSchema.prefault({}).describe('How the learning rate changes over steps and epochs (lib/train/lrSchedule.ts).'),
  clipNorm: z.number().default(5).describe('Clip gradients to this global L2 norm (≤ 0: no clipping).'),
  patience: z.int().min(1).default(5).describe('Stop after this many epochs (after warm-up) without a better validation forecast MSE.'),
  seed: z.int().default(0).describe('Seed of batch order and reparameterisation noise.'),
  schedule: ScheduleSchema.prefault({}),
  conflictEvery: z.int().min(0).default(50).describe('Measure gradient conflicts every k batches (0 = never).'),
  maxBatchesPerEpoch: z.int().min(0).default(0).describe('Cap on batches per epoch (0 = the whole train split).'),
  maxValWindows: z.int().min(0).default(0).describe('Cap on validation windows per evaluation (0 = all).'),
  valEvery: z.int().min(0).default(50).describe("Also score the validation split every this many batches inside an epoch (0 = at epoch ends only). A check that beats every earlier one selects its weights and counts as its epoch's improvement, so selection is finer while patience and the schedule still count epochs: on ETTh1 the best weights lie inside the first epoch (docs/design.md, \"Training recipe\")."),
  evalBatchSize: z.int().min(1).default(256).describe('Batch size of validation / prediction passes.'),
});
export type TrainConfig = z.output<typeof TrainSchema>;
export const DEFAULT_TRAIN: TrainConfig = defaultsOf(TrainSchema);

/** Reject values a config built by hand can carry but the loop cannot use (one-line UserError, from the schema). */
export function checkTrainConfig(c: TrainConfig): void {
  parseConfig(TrainSchema, c, 'train');
}

/** One epoch's record in the training history. */
export interface EpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
  readonly phases: readonly PhaseName[];
  /** Mean of each unweighted term over the epoch's steps, per phase ("C.forecast", "M.ce"). */
  readonly train: Record<string, number>;
  /** Validation forecast MSE (scaled units) at the epoch's end, the early-stopping criterion. */
  readonly valForecastMse: number;
  /** Validation forecast MSE of the checks inside the epoch (`valEvery`), in order; absent when none ran. */
  readonly valChecks?: number[];
  /** Some check of the epoch (inside it or at its end) beat every earlier candidate. */
  readonly improved: boolean;
  /** Learning rate of the epoch's last step (after warm-up; the schedule's value). */
  readonly lr?: number;
  readonly seconds: number;
  readonly steps: number;
}

export interface TrainingHistory {
  readonly epochs: EpochRecord[];
  readonly conflicts: ConflictRecord[];
  /** Validation forecast MSE of the untrained model (epoch 0, a selection candidate for every model). */
  initialValForecastMse?: number;
  /** Why no conflicts were measured, when none could be (interleave mode: disjoint groups). */
  conflictNote?: string;
}

export interface TrainResult {
  readonly history: TrainingHistory;
  /** Epochs completed in total (including resumed ones). */
  readonly epochsRun: number;
  /**
   * Epoch of the selected (best-validation) weights: 0 = the untrained model, which is a
   * candidate for every model (fair selection: docs/design.md, "Checkpoint selection"); a check
   * inside an epoch gives a fraction (1.33 = a third into epoch 2), to two decimals.
   */
  readonly bestEpoch: number;
  readonly bestValForecastMse: number | null;
  /** Validation forecast MSE before any training (null for models without parameters). */
  readonly initialValForecastMse: number | null;
  /**
   * The selected weights forecast the validation split better than the untrained model. false
   * flags a run in which training never helped (tables mark it).
   */
  readonly improvedOnInitial: boolean;
  readonly stoppedEarly: boolean;
  /**
   * Why training ended: 'early-stopping' (`patience` epochs without a better validation forecast
   * MSE: converged by the protocol's rule), 'epoch-cap' (the `epochs` budget ran out first: not
   * converged), 'no-training' (no parameters or 0 epochs). Divergence (NaN/Inf) throws TrainingDiverged.
   */
  readonly stopReason: StopReason;
  readonly steps: number;
  readonly seconds: number;
}

export type StopReason = 'early-stopping' | 'epoch-cap' | 'no-training';
export const STOP_REASONS: readonly StopReason[] = ['early-stopping', 'epoch-cap', 'no-training'];

/** Why a run ended, from whether it trained at all (parameters and ≥ 1 epoch) and whether early stopping fired. */
export function stopReasonOf(trained: boolean, stoppedEarly: boolean): StopReason {
  return !trained ? 'no-training' : stoppedEarly ? 'early-stopping' : 'epoch-cap';
}

export interface TrainOptions {
  /** Write a checkpoint folder here after every epoch. */
  readonly checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` when it exists. */
  readonly resume?: boolean;
  /** Run metadata stored in the checkpoint (data name, file, horizon, …). */
  readonly run?: Record<string, unknown>;
  /** Progress sink (terminal bar or a notebook display). */
  readonly onProgress?: ProgressSink;
  /** Called after every epoch (notebook loss curves). */
  readonly onEpoch?: (record: EpochRecord) => void;
}

/** Training stopped because a loss or gradient became NaN/Inf. */
export class TrainingDiverged extends UserError {}

/**
 * What one optimiser step leaves on the device, for the caller to read when convenient (the loop
 * reads a whole epoch's steps at its end, in one read-back): every tensor is owned by the caller.
 */
export interface StepTensors {
  /** The weighted loss the step minimised. */
  readonly loss: tf.Scalar;
  /** The phase's unweighted terms. */
  readonly terms: Partial<Record<TermName, tf.Scalar>>;
  /** The pre-clipping global gradient norm. */
  readonly norm: tf.Scalar;
  /**
   * A bool scalar: `gate`, the loss and the norm were all finite. The step updated the weights
   * only where `gate` and the loss were; pass it as the next step's `gate` so that nothing is
   * updated after the first non-finite step.
   */
  readonly ok: tf.Scalar;
}

/**
 * One optimiser step of `phase` on `batch`, queued on the device without reading anything back.
 * The weights are not updated when the loss or the gradient norm is not finite, nor when `gate`
 * (a previous step's `ok`) is false; `readSteps` finds the first such step and throws TrainingDiverged.
 */
export function trainStep(model: Model, batch: TensorBatch, phase: Phase, noiseSeed: number, adam: Adam, clipNorm: number, lr?: number, gate?: tf.Scalar): StepTensors {
  const params = model.params.all().filter((p) => phase.groups.includes(p.group));
  const kept: Partial<Record<TermName, tf.Scalar>> = {};
  const { value, grads } = tf.variableGrads(() => {
    const terms = model.losses(batch, { noiseSeed }, phase.terms);
    for (const t of phase.terms) {
      const v = terms[t];
      if (v) kept[t] = tf.keep(v);
    }
    return weightedSum(terms, model.objective.weights, phase.terms);
  }, params.map((p) => p.variable));
  try {
    const lossOk = tf.tidy(() => (gate ? tf.logicalAnd(gate, tf.isFinite(value)) : tf.isFinite(value)) as tf.Scalar);
    let norm: tf.Scalar;
    try {
      norm = adam.step(namedGradients(params, grads), clipNorm, lr, lossOk);
    } finally {
      lossOk.dispose();
    }
    const ok = tf.tidy(() => tf.logicalAnd(gate ?? true, tf.logicalAnd(tf.isFinite(value), tf.isFinite(norm))) as tf.Scalar);
    return { loss: value, terms: kept, norm, ok };
  } catch (err) {
    value.dispose();
    Object.values(kept).forEach((k) => k?.dispose());
    throw err;
  } finally {
    Object.values(grads).forEach((g) => g.dispose());
  }
}

/** One step's numbers, read back. */
export interface StepRecord {
  readonly loss: number;
  readonly norm: number;
  readonly terms: Partial<Record<TermName, number>>;
}

/** A queued step with where it ran, for `readSteps`. */
export interface PendingStep {
  readonly step: StepTensors;
  /** "epoch 2, batch 1, step 4" (for a divergence message). */
  readonly where: string;
  readonly phase: PhaseName;
}

/** Dispose every tensor of queued steps. */
export function disposeSteps(steps: readonly PendingStep[]): void {
  for (const { step } of steps) tf.dispose([step.loss, step.norm, step.ok, ...Object.values(step.terms).filter((t): t is tf.Scalar => t !== undefined)]);
}

/**
 * Read queued steps back in one asynchronous read (and dispose them): their losses, norms and
 * terms, in order. Throws TrainingDiverged naming the first step whose loss or gradient norm was
 * not finite (the weights stayed as they were before it).
 */
export async function readSteps(steps: readonly PendingStep[]): Promise<StepRecord[]> {
  if (steps.length === 0) return [];
  let values: Float32Array;
  try {
    values = await readFlat(steps.flatMap(({ step }) => [step.loss, step.norm, ...Object.values(step.terms).filter((t): t is tf.Scalar => t !== undefined)]));
  } finally {
    disposeSteps(steps);
  }
  const out: StepRecord[] = [];
  let o = 0;
  for (const { step, where, phase } of steps) {
    const loss = values[o++];
    const norm = values[o++];
    const terms: Partial<Record<TermName, number>> = {};
    for (const t of Object.keys(step.terms) as TermName[]) if (step.terms[t]) terms[t] = values[o++];
    const describe = (): string => Object.entries(terms).map(([k, v]) => `${k}=${String(v)}`).join(', ');
    if (!Number.isFinite(loss)) throw new TrainingDiverged(`training diverged at ${where} (phase ${phase}): loss is ${loss} (${describe()})`);
    if (!Number.isFinite(norm)) throw new TrainingDiverged(`training diverged at ${where} (phase ${phase}): gradient norm is ${norm} (${describe()})`);
    out.push({ loss, norm, terms });
  }
  return out;
}

/** Mean squared forecast error over (at most `limit`) windows of a split, scaled units (one read-back at the end). */
export async function forecastMse(model: Model, set: WindowSet, batchSize: number, limit = 0): Promise<number> {
  const n = limit > 0 ? Math.min(limit, set.count) : set.count;
  const sums: tf.Scalar[] = [];
  let count = 0;
  try {
    for (let start = 0; start < n; start += batchSize) {
      const tb = toTensors(set.batch(range(start, Math.min(n, start + batchSize))), set);
      try {
        sums.push(tf.tidy(() => tf.sum(tf.squaredDifference(model.predict(tb.x, 'forecast').forecast, tb.y))));
        count += tb.y.size;
      } finally {
        disposeBatch(tb);
      }
    }
    if (sums.length === 0) return NaN;
    const values = await readFlat(sums);
    // Summed in float64 batch by batch, in order (as the per-batch reads did).
    let sum = 0;
    for (const v of values) sum += v;
    return count > 0 ? sum / count : NaN;
  } finally {
    tf.dispose(sums);
  }
}

/**
 * Seed streams of the training loop (beside the model's NOISE_STREAM): the batch order of epoch
 * e is permutation(mixSeed(seed, e, batchOrder)); the noise of optimiser step s in the plan's
 * phase p is mixSeed(seed, s, p); the conflict probe after step s uses mixSeed(seed, s, conflictProbe).
 */
export const TRAIN_STREAM = { batchOrder: 0x5eed, conflictProbe: 7 } as const;

/** The selection and early-stopping state that a checkpoint carries across a resume. */
interface LoopState {
  /** Epochs already done (0-based index of the next one). */
  epoch0: number;
  /** Optimiser steps already taken. */
  step: number;
  best: Weights;
  bestValue: number | null;
  bestEpoch: number;
  badEpochs: number;
  stoppedEarly: boolean;
  finished: boolean;
  /** The learning-rate schedule's state (plateau reductions). */
  lr: LrState;
}

/** Everything one training call shares between its steps. */
interface LoopContext {
  readonly model: Model;
  readonly data: { train: WindowSet; val: WindowSet };
  readonly config: TrainConfig;
  readonly phases: Phases;
  readonly adam: Adam;
  readonly history: TrainingHistory;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  /** Whether the conflict probe runs (the terms' gradients are applied together). */
  readonly comparesConflicts: boolean;
  readonly progress: Progress;
  /** The last step's loss of the last epoch read back (the progress line's figure). */
  lastLoss?: number;
}

/** Reject a model that has nothing to train, and splits without windows. */
function checkTrainable(model: Model, data: { train: WindowSet; val: WindowSet }, config: TrainConfig, phases: Phases): void {
  if (data.train.count === 0) throw new UserError('the train split has no windows; use more data or a shorter --horizon / input length');
  if (data.val.count === 0) throw new UserError('the validation split has no windows (needed for early stopping); use more data or a shorter --horizon');
  if (phasesForEpoch(config.schedule.warmupEpochs, config.schedule, phases).length === 0) {
    throw new UserError(`model ${model.name}: every loss term has weight 0, so there is nothing to train; give a term a non-zero weight (--config {"model": {…}})`);
  }
}

/** The loop state of a checkpoint in `dir` (weights and Adam restored into model/adam), appending its history. */
function resumeFrom(dir: string, model: Model, adam: Adam, history: TrainingHistory): LoopState {
  const ck = loadCheckpoint(dir);
  if (ck.state.model !== model.name) throw new UserError(`checkpoint ${dir} holds model ${ck.state.model}, not ${model.name}; pick another --out folder`);
  restoreWeights(model, ck.last, path.join(dir, 'last.bin'));
  adam.setState(ck.adam, shapesOf(model));
  const h = ck.state.history as TrainingHistory;
  history.epochs.push(...h.epochs);
  history.conflicts.push(...h.conflicts);
  if (h.initialValForecastMse !== undefined) history.initialValForecastMse = h.initialValForecastMse;
  if (h.conflictNote !== undefined) history.conflictNote = h.conflictNote;
  // A run that stopped early stays stopped; one that ran out of epochs continues when the new
  // config allows more.
  return {
    epoch0: ck.state.epoch, step: ck.state.step, best: ck.best, bestValue: ck.state.bestValue, bestEpoch: ck.state.bestEpoch,
    badEpochs: ck.state.badEpochs, stoppedEarly: ck.state.stoppedEarly, finished: ck.state.stoppedEarly, lr: ck.state.lr ?? { ...INITIAL_LR_STATE },
  };
}

/**
 * Epoch 0 of the selection: the untrained model's validation forecast MSE, a candidate for every
 * model alike (docs/design.md, "Checkpoint selection"). A resumed run keeps the value it recorded.
 */
async function selectUntrained(ctx: LoopContext, state: LoopState): Promise<number> {
  const { model, data, config, history } = ctx;
  if (history.initialValForecastMse === undefined) {
    const v = await forecastMse(model, data.val, config.evalBatchSize, config.maxValWindows);
    if (!Number.isFinite(v)) throw new TrainingDiverged(`the untrained model's validation forecast MSE is ${v}; check the data for NaN`);
    history.initialValForecastMse = v;
    if (state.epoch0 === 0) {
      state.bestValue = v;
      state.bestEpoch = 0;
    }
  }
  return history.initialValForecastMse;
}

/**
 * One epoch of optimiser steps, queued without reading anything back; at its end one read of
 * every step's loss, norm and terms (and of the conflict probes). Returns the mean of every
 * (phase, term) over its steps. Throws TrainingDiverged naming the first non-finite step.
 */
async function trainEpoch(ctx: LoopContext, state: LoopState, epoch: number): Promise<{ train: Record<string, number>; phases: PhaseName[]; steps: number; lr: number; checks: number[]; improved: boolean }> {
  const { model, data, config, adam, history, batchSize } = ctx;
  const order = permutation(data.train.count, makeRng(mixSeed(config.seed, epoch, TRAIN_STREAM.batchOrder)));
  const plan = phasesForEpoch(epoch, config.schedule, ctx.phases);
  const pending: PendingStep[] = [];
  const probes: PendingConflict[] = [];
  let gate: tf.Scalar | undefined;
  let lr = config.lr;
  const checks: number[] = [];
  let improved = false;
  try {
    for (let bi = 0; bi < ctx.batchesPerEpoch; bi++) {
      const idx = order.subarray(bi * batchSize, Math.min(data.train.count, (bi + 1) * batchSize));
      const tb = toTensors(data.train.batch(idx), data.train);
      try {
        plan.forEach((phase, pi) => {
          const where = `epoch ${epoch + 1}, batch ${bi + 1}, step ${state.step + 1}`;
          lr = learningRate(config.lr, config.lrSchedule, state.step, epoch, config.epochs, state.lr);
          const r = trainStep(model, tb, phase, mixSeed(config.seed, state.step, pi), adam, config.clipNorm, lr, gate);
          pending.push({ step: r, where, phase: phase.name });
          gate = r.ok;
          state.step++;
        });
        if (ctx.comparesConflicts && config.conflictEvery > 0 && bi % config.conflictEvery === 0) {
          const where = { step: state.step, epoch: epoch + 1, mode: config.schedule.mode };
          const probe = probeConflict(model, tb, { noiseSeed: mixSeed(config.seed, state.step, TRAIN_STREAM.conflictProbe) }, ctx.phases.joint.terms, where);
          if (probe) probes.push(probe);
        }
      } finally {
        disposeBatch(tb);
      }
      if (config.valEvery > 0 && (bi + 1) % config.valEvery === 0 && bi + 1 < ctx.batchesPerEpoch) {
        const v = await validationCheck(ctx, `epoch ${epoch + 1}, batch ${bi + 1}`);
        checks.push(v);
        if (await selectWithin(ctx, state, v, epoch + (bi + 1) / ctx.batchesPerEpoch)) improved = true;
      }
      ctx.progress.tick(1, `epoch ${epoch + 1}/${config.epochs}${ctx.lastLoss === undefined ? '' : ` loss ${ctx.lastLoss.toPrecision(4)}`}`);
      // Yield to the event loop so notebook displays and stderr redraw between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    disposeSteps(pending);
    tf.dispose(probes.map((p) => p.values));
    throw err;
  }
  const conflicts = readConflicts(probes);
  let records: StepRecord[];
  try {
    records = await readSteps(pending);
  } finally {
    history.conflicts.push(...(await conflicts));
  }
  const sums: Record<string, number> = {};
  const counts: Record<string, number> = {};
  records.forEach((r, i) => {
    for (const [t, v] of Object.entries(r.terms)) {
      const key = `${pending[i].phase}.${t}`;
      sums[key] = (sums[key] ?? 0) + (v as number);
      counts[key] = (counts[key] ?? 0) + 1;
    }
  });
  if (records.length > 0) ctx.lastLoss = records[records.length - 1].loss;
  const train: Record<string, number> = {};
  for (const k of Object.keys(sums)) train[k] = sums[k] / counts[k];
  return { train, phases: plan.map((p) => p.name), steps: records.length, lr, checks, improved };
}

/** The validation forecast MSE of the current weights; a non-finite value is divergence. */
async function validationCheck(ctx: LoopContext, where: string): Promise<number> {
  const v = await forecastMse(ctx.model, ctx.data.val, ctx.config.evalBatchSize, ctx.config.maxValWindows);
  if (!Number.isFinite(v)) throw new TrainingDiverged(`training diverged at ${where}: validation forecast MSE is ${v}`);
  return v;
}

/**
 * Keep the current weights when `val` beats every earlier candidate (the untrained model and every
 * earlier check); `at` is the check's place in epochs (fractional inside an epoch). Returns whether it did.
 */
async function selectWithin(ctx: LoopContext, state: LoopState, val: number, at: number): Promise<boolean> {
  if (state.bestValue !== null && !(val < state.bestValue)) return false;
  state.best = await snapshotWeights(ctx.model);
  state.bestValue = val;
  state.bestEpoch = Math.round(at * 100) / 100;
  return true;
}

/**
 * Checkpoint selection and early stopping after an epoch: keep the weights when the validation
 * forecast MSE beats every earlier candidate; the epoch improved when this or one of its checks
 * inside it (`improvedWithin`) did; count a bad epoch otherwise (warm-up epochs of interleaving
 * do not count). Returns whether the epoch improved.
 */
async function selectAfterEpoch(ctx: LoopContext, state: LoopState, epoch: number, val: number, improvedWithin: boolean): Promise<boolean> {
  const { config } = ctx;
  const improved = (await selectWithin(ctx, state, val, epoch + 1)) || improvedWithin;
  if (improved) {
    state.badEpochs = 0;
  } else if (epoch >= config.schedule.warmupEpochs || config.schedule.mode === 'joint') {
    state.badEpochs++;
    state.lr = afterEpoch(config.lrSchedule, state.lr, false);
  }
  if (improved) state.lr = afterEpoch(config.lrSchedule, state.lr, true);
  state.stoppedEarly = state.badEpochs >= config.patience;
  state.finished = state.stoppedEarly || epoch + 1 >= config.epochs;
  return improved;
}

/** Write the checkpoint folder after an epoch (atomic; lib/train/checkpoint.ts). */
async function saveEpoch(ctx: LoopContext, state: LoopState, dir: string, run: Record<string, unknown>): Promise<void> {
  const { model, config, history, adam } = ctx;
  await saveCheckpoint(
    dir,
    {
      format: CHECKPOINT_FORMAT, model: model.name, modelConfig: model.config, dataInfo: model.dataInfo, train: config, run,
      epoch: state.epoch0, step: state.step, bestEpoch: state.bestEpoch, bestValue: state.bestValue, badEpochs: state.badEpochs,
      history, finished: state.finished, stoppedEarly: state.stoppedEarly, lr: state.lr,
    },
    shapesOf(model), state.best, await snapshotWeights(model), await adam.getState(),
  );
}

/**
 * Train `model` in place; on return the model holds its best-validation weights.
 * Models without parameters (persistence, seasonal-naive) return at once with 0 epochs.
 *
 * Steps: check → resume (optional) → score the untrained model (selection epoch 0) → per epoch:
 * train, validate, select / stop early, checkpoint → restore the selected weights.
 */
export async function train(model: Model, data: { train: WindowSet; val: WindowSet }, config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  checkTrainConfig(config);
  if (model.params.disposed) {
    throw new UserError(`model ${model.name} was disposed (model.dispose() freed its weights), so there is nothing to train; create a new one with models.createModel(…)`);
  }
  if (options.checkpointDir) checkOutputDir(options.checkpointDir, CHECKPOINT_TARGET);
  const started = Date.now();
  const history: TrainingHistory = { epochs: [], conflicts: [] };
  if (model.params.size() === 0 || config.epochs === 0) {
    return {
      history, epochsRun: 0, bestEpoch: 0, bestValForecastMse: null, initialValForecastMse: null, improvedOnInitial: false,
      stoppedEarly: false, stopReason: stopReasonOf(false, false), steps: 0, seconds: (Date.now() - started) / 1000,
    };
  }
  const phases = modelPhases(model);
  checkTrainable(model, data, config, phases);
  // The terms' gradients on the shared group are all applied together only when one phase
  // trains everything; interleaving updates disjoint groups, so there is nothing to compare.
  const comparesConflicts = config.schedule.mode === 'joint' || !phases.interleaved;
  if (!comparesConflicts) {
    history.conflictNote = 'interleave mode: phases M and C update disjoint variable groups, so no shared parameter receives both gradients (measure conflicts in joint mode)';
  }
  const adam = new Adam({ ...DEFAULT_ADAM, lr: config.lr, weightDecay: config.weightDecay });
  const dir = options.checkpointDir;
  try {
    const resumed = options.resume && dir && fs.existsSync(path.join(dir, 'checkpoint.json'));
    const state: LoopState = resumed
      ? resumeFrom(dir, model, adam, history)
      : { epoch0: 0, step: 0, best: await snapshotWeights(model), bestValue: null, bestEpoch: 0, badEpochs: 0, stoppedEarly: false, finished: false, lr: { ...INITIAL_LR_STATE } };
    const batchSize = Math.max(1, Math.min(config.batchSize, data.train.count));
    const full = Math.ceil(data.train.count / batchSize);
    const batchesPerEpoch = config.maxBatchesPerEpoch > 0 ? Math.min(full, config.maxBatchesPerEpoch) : full;
    const progress = new Progress(`train ${model.name}`, Math.max(0, config.epochs - state.epoch0) * batchesPerEpoch, options.onProgress);
    const ctx: LoopContext = { model, data, config, phases, adam, history, batchSize, batchesPerEpoch, comparesConflicts, progress };
    const initial = await selectUntrained(ctx, state);
    for (let epoch = state.epoch0; epoch < config.epochs && !state.finished; epoch++) {
      const t0 = Date.now();
      const done = await trainEpoch(ctx, state, epoch);
      const val = await validationCheck(ctx, `epoch ${epoch + 1}`);
      const improved = await selectAfterEpoch(ctx, state, epoch, val, done.improved);
      const record: EpochRecord = {
        epoch: epoch + 1, phases: done.phases, train: done.train, valForecastMse: val, ...(done.checks.length > 0 ? { valChecks: done.checks } : {}),
        improved, lr: done.lr, seconds: (Date.now() - t0) / 1000, steps: done.steps,
      };
      history.epochs.push(record);
      options.onEpoch?.(record);
      state.epoch0 = epoch + 1;
      if (dir) await saveEpoch(ctx, state, dir, options.run ?? {});
    }
    restoreWeights(model, state.best, 'best weights');
    return {
      history,
      epochsRun: history.epochs.length,
      bestEpoch: state.bestEpoch,
      bestValForecastMse: state.bestValue,
      initialValForecastMse: initial,
      improvedOnInitial: state.bestValue !== null && state.bestValue < initial,
      stoppedEarly: state.stoppedEarly,
      stopReason: stopReasonOf(true, state.stoppedEarly),
      steps: state.step,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (err) {
    if (err instanceof TrainingDiverged) {
      const kept = dir && fs.existsSync(path.join(dir, 'checkpoint.json')) ? `the last good checkpoint in ${dir} is kept` : 'no checkpoint was written';
      throw new TrainingDiverged(`${err.message}; ${kept}; lower the learning rate or clip norm (--config {"train": {"lr": …, "clipNorm": …}}) or check the data for NaN`);
    }
    throw err;
  } finally {
    adam.dispose();
  }
}
