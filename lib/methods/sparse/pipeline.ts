/**
 * Sparse base-predictors end to end on the shared benchmark (Lachapelle et al. 2023; docs/design.md
 * §Sparse base-predictors): per arm, a shared encoder trained bi-level — per outer step a
 * meta-batch of tasks, each task's inner predictor solved on its support points (S1, S2 or the
 * unrolled FISTA), the outer loss on its query points (S3), Adam on the encoder — and the frozen
 * codes scored against the factors (MCC, R²), on held-out tasks (task error) and on new tasks
 * from k examples (few-shot regression by an inner Lasso, classification by the group-Lasso head).
 *
 * Arms: `sparse` (sparse tasks T1, inner Lasso), `dense-control` (tasks on all factors, inner
 * Lasso), `ridge` (sparse tasks, inner ridge S4) and `ridge-ica` (the ridge encoder's codes
 * rotated by FastICA, S6). All arms start from the same encoder weights and see the same
 * windows; `sparse` and `ridge` see the same tasks.
 */
import * as tf from '@tensorflow/tfjs';
import { generateBenchmark, factorTable, type Benchmark } from '../../data/benchmark';
import { disentanglementScores, type DisentanglementScores } from '../../eval/disentanglement';
import { mcc } from '../../eval/disentanglement/mcc';
import { mean } from '../../eval/stats';
import { cholesky, cholSolve } from '../../math/linalg';
import { Adam, namedGradients } from '../../train/adam';
import { restoreWeights, type Weights } from '../../train/checkpoint';
import { UserError } from '../../util/errors';
import { requireSyncReads } from '../../backend/select';
import { makeRng } from '../../util/random';
import type { ProgressSink } from '../../util/progress';
import { mixSeed } from '../../util/random';
import { codeWidth, sparseConfig, type SparseArm, type SparseConfig } from './config';
import { disposeHead, fitGroupLasso, predictGroupLasso, zeroRowFraction } from './groupLasso';
import { applyFastIca, fitFastIca } from './ica';
import { implicitSolve, lassoHyper, ridgeHyper, type InnerHyper } from './implicit';
import { fistaLasso, gramOf, lipschitz, type Gram, type GramSolution } from './lasso';
import { solveGram } from './ridge';
import { SparseEncoder } from './model';
import { categoricalFactors, classificationTask, factorColumns, regressionTask, taskColumns, type FactorColumns, type Task, type TaskMode } from './tasks';

export interface TaskErrorReport {
  /** Mean query MSE over the held-out tasks. */
  mse: number;
  /** Mean query R² = 1 − MSE/Var(y_query) over the held-out tasks. */
  r2: number;
  /** Mean number of nonzero inner coefficients (true |S| for comparison in `trueSupport`). */
  meanSupport: number;
  trueSupport: number;
}

export interface FewShotReport {
  k: number;
  /** New sparse regression tasks: inner Lasso on k examples of the frozen codes. */
  regression: { mse: number; r2: number };
  /** New sparse C-class tasks: group-Lasso head on k examples. */
  classification: { accuracy: number; chance: number; zeroRows: number };
}

export interface ArmReport {
  arm: SparseArm;
  tasks: TaskMode;
  inner: 'lasso' | 'ridge';
  mcc: { pearson: number; spearman: number };
  /** Mean over the factor columns of the test R² of a linear regression of the column on the codes. */
  r2: number;
  /** The same R² per factor column (names: `factors` of the report). */
  r2PerFactor: Record<string, number>;
  taskError: TaskErrorReport;
  fewShot: FewShotReport[];
  disentanglement?: DisentanglementScores;
  /** Outer loss, mean over blocks of steps. */
  history: { step: number; loss: number }[];
  /** How the encoder's training ended (ridge-ica: the ridge encoder's). */
  stop: EncoderStop;
  seconds: number;
}

export interface SparseReport {
  model: 'sparse-bilevel';
  data: 'benchmark';
  seed: number;
  backend: string;
  seconds: number;
  inner: SparseConfig['inner'];
  /** How the categorical regime entered the factor columns. */
  regime: SparseConfig['regime'];
  /** The factor columns of the tasks, MCC and R² (taskColumns). */
  factors: string[];
  /** Code width m′. */
  codes: number;
  /** The first arm's scores (normally `sparse`). */
  arm: SparseArm;
  mcc: { pearson: number; spearman: number };
  r2: number;
  taskError: TaskErrorReport;
  fewShot: FewShotReport[];
  disentanglement?: DisentanglementScores;
  arms: Partial<Record<SparseArm, ArmReport>>;
}

function progress(sink: ProgressSink | undefined, label: string, done: number, total: number, t0: number, status = ''): void {
  if (!sink) return;
  const elapsedSec = (Date.now() - t0) / 1000;
  sink({ label, done, total, elapsedSec, etaSec: done > 0 ? (elapsedSec / done) * (total - done) : undefined, status });
}

/** The inputs tasks are drawn from: n points, row-major [n, L] (benchmark windows, or observations x = f(z)). */
export interface EncoderPool {
  readonly n: number;
  readonly x: Float32Array;
}

/** What {@link trainEncoder} needs of its data (a {@link Benchmark} is one): the input width and the training points. */
export interface EncoderData {
  readonly config: { readonly inputLength: number };
  readonly train: EncoderPool;
}

/**
 * The stopping rule's data: validation points and their factor columns. With it, {@link trainEncoder}
 * stops early on the validation outer loss; without it (the sparse-rho experiment), it runs
 * `cfg.steps` outer steps.
 */
export interface EncoderValidation {
  readonly pool: EncoderPool;
  readonly columns: FactorColumns;
}

/** How an encoder's training ended (docs/design.md §Sparse base-predictors, "Stopping"). */
export interface EncoderStop {
  /** True when the patience rule stopped it; false when it ran to the `steps` cap (or had no validation data). */
  readonly converged: boolean;
  /** Outer steps taken. */
  readonly steps: number;
  /** The step whose weights were kept (the best validation check; `steps` without validation data). */
  readonly bestStep: number;
  /** Validation outer loss at every check (empty without validation data). */
  readonly checks: readonly { step: number; loss: number }[];
  readonly criterion: string;
}

/** Stacked inputs and targets of a meta-batch: x [T·(s+q), L], y split into support / query. */
function batchOf(split: EncoderPool, tasks: Task[], L: number): { x: Float32Array; ys: Float32Array; yq: Float32Array } {
  const per = tasks[0].index.length, s = tasks[0].supportPoints, q = per - s;
  const x = new Float32Array(tasks.length * per * L), ys = new Float32Array(tasks.length * s), yq = new Float32Array(tasks.length * q);
  tasks.forEach((t, ti) => {
    t.index.forEach((row, i) => x.set(split.x.subarray(row * L, (row + 1) * L), (ti * per + i) * L));
    for (let i = 0; i < s; i++) ys[ti * s + i] = t.y[i];
    for (let i = 0; i < q; i++) yq[ti * q + i] = t.y[s + i];
  });
  return { x, ys, yq };
}

/** The inner solution ŵ [T, m′, 1] of the configured kind (on the tape). */
function innerSolve(phiS: tf.Tensor3D, yS: tf.Tensor3D, inner: 'lasso' | 'ridge', cfg: SparseConfig): tf.Tensor3D {
  const hyper: InnerHyper = inner === 'lasso' ? lassoHyper(cfg.l1reg) : ridgeHyper(cfg.l2reg);
  if (cfg.inner === 'implicit' || inner === 'ridge') return implicitSolve(phiS, yS, hyper);
  const [T, n, m] = phiS.shape;
  const g = gramOf(phiS.dataSync(), yS.dataSync(), T, n, m);
  return fistaLasso(phiS, yS, hyper(g).lambda, lipschitz(g), cfg.unrollSteps);
}

/** The outer loss ½·mean over tasks and query points of (Φ_q ŵ − y_q)² (docs/design.md §Sparse base-predictors S3). */
export function outerLoss(phiQ: tf.Tensor3D, w: tf.Tensor3D, yQ: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(tf.matMul(phiQ, w), yQ)))) as tf.Scalar);
}

/** The mean outer loss (S3) of fixed tasks under the current encoder, off the tape. */
function tasksLoss(encoder: SparseEncoder, pool: EncoderPool, tasks: Task[], inner: 'lasso' | 'ridge', cfg: SparseConfig): number {
  const L = encoder.inputLength, m = encoder.codes, T = tasks.length;
  const s = tasks[0].supportPoints, q = tasks[0].index.length - s;
  const { x, ys, yq } = batchOf(pool, tasks, L);
  return tf.tidy(() => {
    // As in a training step: the codes standardised over all the tasks' points together.
    const codes = tf.reshape(encoder.apply(tf.tensor2d(x, [T * (s + q), L])), [T, s + q, m]) as tf.Tensor3D;
    const phiS = tf.slice(codes, [0, 0, 0], [T, s, m]) as tf.Tensor3D;
    const phiQ = tf.slice(codes, [0, s, 0], [T, q, m]) as tf.Tensor3D;
    return outerLoss(phiQ, innerSolve(phiS, tf.tensor3d(ys, [T, s, 1]), inner, cfg), tf.tensor3d(yq, [T, q, 1])).dataSync()[0];
  });
}

/**
 * Train one arm's encoder bi-level on `bench.train` with factor columns `v` (the tasks' v) and
 * `codeWidth(cfg)` codes; returns it (caller disposes) with the loss history and how it stopped.
 * With `val`, every `cfg.evalEvery` steps the outer loss of `cfg.valTasks` fixed tasks on the
 * validation points (drawn once, seeded, of this arm's kind) is measured; the best check's weights
 * are kept, and training stops after `cfg.patience` checks without improvement, or at `cfg.steps`.
 */
export function trainEncoder(bench: EncoderData, v: FactorColumns, cfg: SparseConfig, mode: TaskMode, inner: 'lasso' | 'ridge', label: string, onProgress?: ProgressSink, val?: EncoderValidation): { encoder: SparseEncoder; history: { step: number; loss: number }[]; stop: EncoderStop } {
  const L = bench.config.inputLength;
  const tc = cfg.tasks;
  const m = codeWidth(cfg);
  const encoder = new SparseEncoder(cfg.trunk, L, m, mixSeed(cfg.seed, 1));
  const adam = new Adam({ lr: cfg.lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
  const params = encoder.store.all();
  const T = cfg.tasksPerBatch, s = tc.supportPoints, q = tc.queryPoints;
  const history: { step: number; loss: number }[] = [];
  const stopping = val !== undefined && cfg.patience > 0;
  const block = stopping ? cfg.evalEvery : Math.max(1, Math.round(cfg.steps / 20));
  const snapshot = (): Weights => new Map(params.map((p) => [p.name, p.variable.dataSync().slice() as Float32Array]));
  const checks: { step: number; loss: number }[] = [];
  let valTasks: Task[] = [];
  let best = Infinity, bestStep = 0, bad = 0, stepsRun = 0, converged = false;
  let bestWeights: Weights | null = null;
  if (stopping) {
    const rng = makeRng(mixSeed(cfg.seed, 30));
    valTasks = Array.from({ length: cfg.valTasks }, () => regressionTask(val.pool, val.columns, mode, tc.supportSize, tc.noiseScale, s, q, rng));
    // The untrained encoder is the first candidate, as for every model of the protocol.
    best = tasksLoss(encoder, val.pool, valTasks, inner, cfg);
    checks.push({ step: 0, loss: best });
    bestWeights = snapshot();
  }
  let acc = 0, count = 0;
  const t0 = Date.now();
  try {
    for (let step = 0; step < cfg.steps && !converged; step++) {
      const rng = makeRng(mixSeed(cfg.seed, 10, step));
      const tasks = Array.from({ length: T }, () => regressionTask(bench.train, v, mode, tc.supportSize, tc.noiseScale, s, q, rng));
      const { x, ys, yq } = batchOf(bench.train, tasks, L);
      const { value, grads } = tf.tidy(() => {
        const xt = tf.tensor2d(x, [T * (s + q), L]);
        const ysT = tf.tensor3d(ys, [T, s, 1]), yqT = tf.tensor3d(yq, [T, q, 1]);
        return tf.variableGrads(() => {
          const codes = tf.reshape(encoder.apply(xt), [T, s + q, m]) as tf.Tensor3D;
          const phiS = tf.slice(codes, [0, 0, 0], [T, s, m]) as tf.Tensor3D;
          const phiQ = tf.slice(codes, [0, s, 0], [T, q, m]) as tf.Tensor3D;
          return outerLoss(phiQ, innerSolve(phiS, ysT, inner, cfg), yqT); // docs/design.md §Sparse S3
        }, params.map((p) => p.variable));
      });
      try {
        const lv = value.dataSync()[0];
        if (!Number.isFinite(lv)) throw new UserError(`sparse-bilevel ${label} diverged at step ${step}: outer loss ${lv}; lower lr`);
        adam.step(namedGradients(params, grads), cfg.clipNorm).dispose();
        acc += lv;
        count++;
      } finally {
        value.dispose();
        Object.values(grads).forEach((g) => g.dispose());
      }
      stepsRun = step + 1;
      if ((step + 1) % block === 0 || step === cfg.steps - 1) {
        history.push({ step: step + 1, loss: acc / count });
        let status = `outer loss ${(acc / count).toFixed(4)}`;
        if (stopping) {
          const lv = tasksLoss(encoder, val.pool, valTasks, inner, cfg);
          checks.push({ step: step + 1, loss: lv });
          if (lv < best) {
            best = lv;
            bestStep = step + 1;
            bad = 0;
            bestWeights = snapshot();
          } else if (++bad >= cfg.patience) converged = true;
          status += `, validation ${lv.toFixed(4)} (best ${best.toFixed(4)} at ${bestStep})`;
        }
        progress(onProgress, `sparse-bilevel ${label}`, step + 1, cfg.steps, t0, status);
        acc = 0;
        count = 0;
      }
    }
    if (bestWeights) restoreWeights({ params: encoder.store }, bestWeights, `sparse-bilevel ${label} best weights`);
  } catch (err) {
    encoder.dispose();
    throw err;
  } finally {
    adam.dispose();
  }
  const criterion = stopping
    ? `validation outer loss of ${cfg.valTasks} fixed tasks every ${cfg.evalEvery} steps, patience ${cfg.patience} checks, cap ${cfg.steps} steps; the best check's weights kept`
    : `a fixed ${cfg.steps} outer steps (no validation data)`;
  return { encoder, history, stop: { converged, steps: stepsRun, bestStep: stopping ? bestStep : stepsRun, checks, criterion } };
}

/** Per factor column, the test R² of an OLS fit (with intercept) of the column on the codes, fitted on the training codes. */
export function factorR2(trainCodes: ArrayLike<number>, train: FactorColumns, nTrain: number, testCodes: ArrayLike<number>, test: FactorColumns, nTest: number, d: number): number[] {
  const M = train.columns, trainV = train.values, testV = test.values;
  const p = d + 1;
  const A = { rows: p, cols: p, data: new Float64Array(p * p) };
  const feat = (codes: ArrayLike<number>, i: number, a: number): number => (a < d ? codes[i * d + a] : 1);
  for (let i = 0; i < nTrain; i++) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) A.data[a * p + b] += feat(trainCodes, i, a) * feat(trainCodes, i, b);
  for (let a = 0; a < d; a++) A.data[a * p + a] += 1e-8 * nTrain;
  const chol = cholesky(A, 'code covariance');
  return Array.from({ length: M }, (_, j) => {
    const rhs = new Float64Array(p);
    for (let i = 0; i < nTrain; i++) for (let a = 0; a < p; a++) rhs[a] += feat(trainCodes, i, a) * trainV[i * M + j];
    const beta = cholSolve(chol, rhs);
    let mu = 0;
    for (let i = 0; i < nTest; i++) mu += testV[i * M + j] / nTest;
    let sse = 0, sst = 0;
    for (let i = 0; i < nTest; i++) {
      let pred = 0;
      for (let a = 0; a < p; a++) pred += beta[a] * feat(testCodes, i, a);
      sse += (pred - testV[i * M + j]) ** 2;
      sst += (testV[i * M + j] - mu) ** 2;
    }
    return sst > 0 ? 1 - sse / sst : 0;
  });
}

/** Replace each problem's coefficients on its support by the least-squares fit on that support (G_SS w_S = c_S; a 1e-8·tr(G)/m ridge keeps it defined). */
function relaxOnSupport(g: Gram, sol: GramSolution): void {
  const { m, G, c } = g;
  sol.support.forEach((S, t) => {
    const k = S.length;
    if (k === 0) return;
    let tr = 0;
    for (let a = 0; a < m; a++) tr += G[(t * m + a) * m + a];
    const A = { rows: k, cols: k, data: new Float64Array(k * k) };
    S.forEach((a, i) => S.forEach((b, j) => { A.data[i * k + j] = G[(t * m + a) * m + b] + (a === b ? (1e-8 * tr) / m : 0); }));
    const wS = cholSolve(cholesky(A, 'support Gram G_SS'), Array.from(S, (a) => c[t * m + a]));
    S.forEach((a, i) => { sol.w[t * m + a] = wS[i]; });
  });
}

/**
 * Fit a linear head (the Lasso at `cfg.l1reg` or the ridge at `cfg.l2reg`) on each task's support
 * codes (float64), score its query points. `refit`: the relaxed Lasso (Meinshausen 2007) — the
 * Lasso chooses the support, least squares on that support gives the coefficients, so the score
 * is free of the ℓ₁ shrinkage.
 */
export function regressionScores(codes: ArrayLike<number>, d: number, tasks: Task[], inner: 'lasso' | 'ridge', cfg: SparseConfig, refit = false): TaskErrorReport {
  const T = tasks.length, s = tasks[0].supportPoints, q = tasks[0].index.length - s;
  const phi = new Float64Array(T * s * d), y = new Float64Array(T * s);
  tasks.forEach((t, ti) => {
    for (let i = 0; i < s; i++) {
      for (let a = 0; a < d; a++) phi[(ti * s + i) * d + a] = codes[t.index[i] * d + a];
      y[ti * s + i] = t.y[i];
    }
  });
  const g = gramOf(phi, y, T, s, d);
  const { lambda, mu } = (inner === 'lasso' ? lassoHyper(cfg.l1reg) : ridgeHyper(cfg.l2reg))(g);
  const sol = solveGram(g, lambda, mu);
  if (refit) relaxOnSupport(g, sol);
  const mses: number[] = [], r2s: number[] = [];
  tasks.forEach((t, ti) => {
    let sse = 0, ym = 0, sst = 0;
    for (let i = s; i < s + q; i++) ym += t.y[i] / q;
    for (let i = s; i < s + q; i++) {
      let pred = 0;
      for (let a = 0; a < d; a++) pred += sol.w[ti * d + a] * codes[t.index[i] * d + a];
      sse += (pred - t.y[i]) ** 2;
      sst += (t.y[i] - ym) ** 2;
    }
    mses.push(sse / q);
    r2s.push(sst > 0 ? 1 - sse / sst : 0);
  });
  return { mse: mean(mses), r2: mean(r2s), meanSupport: mean(sol.support.map((S) => S.length)), trueSupport: mean(tasks.map((t) => t.support.length)) };
}

function classificationScores(codes: ArrayLike<number>, d: number, tasks: Task[], cfg: SparseConfig): FewShotReport['classification'] {
  const C = cfg.tasks.classes, T = tasks.length, s = tasks[0].supportPoints, q = tasks[0].index.length - s;
  const sup = new Float64Array(T * s * d), qry = new Float64Array(T * q * d), labels = new Int32Array(T * s);
  tasks.forEach((t, ti) => {
    for (let i = 0; i < s + q; i++) {
      const dst = i < s ? sup : qry, r = i < s ? ti * s + i : ti * q + i - s;
      for (let a = 0; a < d; a++) dst[r * d + a] = codes[t.index[i] * d + a];
    }
    for (let i = 0; i < s; i++) labels[ti * s + i] = t.y[i];
  });
  const head = fitGroupLasso(sup, labels, T, s, d, C, cfg.l1reg, 4 * cfg.unrollSteps);
  try {
    const pred = predictGroupLasso(head, qry, q);
    const accs = tasks.map((t, ti) => {
      let right = 0;
      for (let i = 0; i < q; i++) if (pred[ti * q + i] === t.y[s + i]) right++;
      return right / q;
    });
    return { accuracy: mean(accs), chance: 1 / C, zeroRows: mean(zeroRowFraction(head)) };
  } finally {
    disposeHead(head);
  }
}

/** Score frozen test codes [n, d]: MCC and R² against the factors, task error, few-shot. */
export function scoreCodes(arm: SparseArm, mode: TaskMode, inner: 'lasso' | 'ridge', bench: Benchmark, trainCodes: ArrayLike<number>, testCodes: ArrayLike<number>, cfg: SparseConfig, withSuite: boolean): Omit<ArmReport, 'history' | 'stop' | 'seconds'> {
  const d = codeWidth(cfg), test = bench.test;
  const vTrain = factorColumns(bench.train, cfg.regime), vTest = factorColumns(test, cfg.regime);
  const m = mcc(testCodes, d, vTest.values, vTest.columns);
  const r2 = factorR2(trainCodes, vTrain, bench.train.n, testCodes, vTest, test.n, d);
  const tc = cfg.tasks;
  const rng = makeRng(mixSeed(cfg.seed, 20));
  const heldOut = Array.from({ length: cfg.evalTasks }, () => regressionTask(test, vTest, mode, tc.supportSize, tc.noiseScale, tc.supportPoints, tc.queryPoints, rng));
  const taskError = regressionScores(testCodes, d, heldOut, inner, cfg);
  const fewShot = cfg.fewShot.map((k): FewShotReport => {
    const r = makeRng(mixSeed(cfg.seed, 21, k));
    const reg = Array.from({ length: cfg.evalTasks }, () => regressionTask(test, vTest, 'sparse', tc.supportSize, tc.noiseScale, k, 4 * tc.queryPoints, r));
    const cls = Array.from({ length: cfg.evalTasks }, () => classificationTask(test, vTest, 'sparse', tc.supportSize, tc.classes, k, 4 * tc.queryPoints, r));
    const rs = regressionScores(testCodes, d, reg, 'lasso', cfg);
    return { k, regression: { mse: rs.mse, r2: rs.r2 }, classification: classificationScores(testCodes, d, cls, cfg) };
  });
  return {
    arm, tasks: mode, inner,
    mcc: { pearson: m.pearson, spearman: m.spearman },
    r2: mean(r2),
    r2PerFactor: Object.fromEntries(taskColumns(cfg.regime).map((c, j) => [c, r2[j]])),
    taskError,
    fewShot,
    // The suite reads the regime as the tasks do: one indicator per level under `one-hot` (MCC, ridge DCI).
    ...(withSuite ? { disentanglement: disentanglementScores(testCodes, d, { ...factorTable(test), categorical: categoricalFactors(cfg.regime) }, { seed: cfg.seed }) } : {}),
  };
}

const ARM_SETUP: Record<Exclude<SparseArm, 'ridge-ica'>, { mode: TaskMode; inner: 'lasso' | 'ridge' }> = {
  sparse: { mode: 'sparse', inner: 'lasso' },
  'dense-control': { mode: 'dense', inner: 'lasso' },
  ridge: { mode: 'sparse', inner: 'ridge' },
};

export interface SparseRunOptions {
  backend?: string;
  onProgress?: ProgressSink;
}

/** Run every configured arm on one benchmark draw (a checked, complete config). */
export function runSparse(cfg: SparseConfig, opts: SparseRunOptions = {}): SparseReport {
  requireSyncReads('the sparse base-predictors (runSparse)');
  const t0 = Date.now();
  const bench = generateBenchmark(cfg.data);
  const v = factorColumns(bench.train, cfg.regime);
  const arms: Partial<Record<SparseArm, ArmReport>> = {};
  let ridgeCodes: { train: Float32Array; test: Float32Array; history: ArmReport['history']; stop: EncoderStop } | null = null;
  const val: EncoderValidation = { pool: bench.val, columns: factorColumns(bench.val, cfg.regime) };
  const order = cfg.arms.filter((a) => a !== 'ridge-ica');
  for (const arm of order as Exclude<SparseArm, 'ridge-ica'>[]) {
    const ta = Date.now();
    const { mode, inner } = ARM_SETUP[arm];
    const { encoder, history, stop } = trainEncoder(bench, v, cfg, mode, inner, arm, opts.onProgress, val);
    let train: Float32Array, test: Float32Array;
    try {
      train = encoder.codesOf(bench.train.x, bench.train.n);
      test = encoder.codesOf(bench.test.x, bench.test.n);
    } finally {
      encoder.dispose();
    }
    if (arm === 'ridge') ridgeCodes = { train, test, history, stop };
    arms[arm] = { ...scoreCodes(arm, mode, inner, bench, train, test, cfg, true), history, stop, seconds: (Date.now() - ta) / 1000 };
  }
  if (cfg.arms.includes('ridge-ica') && ridgeCodes) {
    const ta = Date.now();
    const ica = fitFastIca(ridgeCodes.train, bench.train.n, codeWidth(cfg), { seed: cfg.seed });
    const train = applyFastIca(ica, ridgeCodes.train, bench.train.n), test = applyFastIca(ica, ridgeCodes.test, bench.test.n);
    // ICA sources have unit variance on the training codes; the heads see them as they are.
    arms['ridge-ica'] = { ...scoreCodes('ridge-ica', 'sparse', 'lasso', bench, train, test, cfg, true), history: ridgeCodes.history, stop: ridgeCodes.stop, seconds: (Date.now() - ta) / 1000 };
  }
  const first = arms[cfg.arms[0]]!;
  return {
    model: 'sparse-bilevel', data: 'benchmark', seed: cfg.seed, backend: opts.backend ?? tf.getBackend(), seconds: (Date.now() - t0) / 1000,
    inner: cfg.inner, regime: cfg.regime, factors: taskColumns(cfg.regime), codes: codeWidth(cfg), arm: first.arm,
    mcc: first.mcc, r2: first.r2, taskError: first.taskError, fewShot: first.fewShot, disentanglement: first.disentanglement,
    arms,
  };
}

/** The companions-comparison entry point: defaults overridden by `config` (checked), then {@link runSparse}. */
export async function runSparseBilevel(config: Partial<SparseConfig> & { seed: number }, onProgress?: ProgressSink): Promise<SparseReport> {
  return runSparse(sparseConfig(config), { onProgress });
}


