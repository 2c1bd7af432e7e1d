/**
 * Tasks generated from the benchmark's factors (docs/design.md §Sparse base-predictors, T1–T2):
 * each window's factors as m = 6 standardised columns v = (regime, frequency, amplitude, cos φ,
 * sin φ, trend) — levels standardised by the moments of the uniform grid, the circular phase as
 * (cos, sin)·√2 — and per task a support S of factor columns with Gaussian weights:
 *
 *   regression:      y = Σ_{k∈S} w_k v_k + σ·(‖Vw‖/‖ε‖)·ε,   w_k ~ N(0, 1), ε ~ N(0, I)   (T1)
 *   classification:  y = argmax_c Σ_{k∈S} W_kc v_k,            W_kc ~ N(0, 1)               (T2)
 *
 * |S| = `supportSize` drawn uniformly per task (the paper's sparsity assumption, support varying
 * across tasks), or S = all columns in the dense control. Points are windows drawn without
 * replacement from one split; the first `support` are the inner (support) set, the rest the query.
 */
import { BENCHMARK_CIRCULAR, BENCHMARK_LEVELS, type BenchmarkSplit } from '../../data/benchmark';
import { factorTargets } from '../../eval/disentanglement/mcc';
import { UserError } from '../../util/errors';
import { permutation, type Rng } from '../../util/random';

/** Factor columns of the tasks (and of the MCC/R² targets). */
export const TASK_COLUMNS = ['regime', 'frequency', 'amplitude', 'phase-cos', 'phase-sin', 'trend'] as const;
export const M = TASK_COLUMNS.length;

/** Row-major [n, 6] standardised factor columns of a split (T1's v). */
export function factorColumns(split: BenchmarkSplit): Float64Array {
  const t = factorTargets(split.factors, BENCHMARK_LEVELS.length, BENCHMARK_CIRCULAR, BENCHMARK_LEVELS);
  if (t.columns !== M) throw new Error(`expected ${M} factor columns, got ${t.columns}`);
  const out = new Float64Array(t.values.length);
  for (let j = 0; j < M; j++) {
    const k = t.source[j];
    const levels = BENCHMARK_LEVELS[k];
    // Moments of a level uniform on 0..levels−1; cos/sin of 2πk/levels have mean 0, variance 1/2.
    const mu = BENCHMARK_CIRCULAR[k] ? 0 : (levels - 1) / 2;
    const sd = BENCHMARK_CIRCULAR[k] ? Math.SQRT1_2 : Math.sqrt((levels * levels - 1) / 12);
    for (let i = 0; i < split.n; i++) out[i * M + j] = (t.values[i * M + j] - mu) / sd;
  }
  return out;
}

export type TaskMode = 'sparse' | 'dense';

/** One task's points: window indices, targets (regression) or classes (classification). */
export interface Task {
  /** Factor columns the task depends on (sorted). */
  readonly support: Int32Array;
  /** Window indices into the split: support points first, then query points. */
  readonly index: Int32Array;
  /** Regression targets per point (T1), or class per point (T2) as numbers. */
  readonly y: Float64Array;
  readonly supportPoints: number;
}

function drawSupport(mode: TaskMode, size: number, rng: Rng): Int32Array {
  if (mode === 'dense') return Int32Array.from({ length: M }, (_, i) => i);
  return permutation(M, rng).slice(0, size).sort();
}

/** What a task needs of a split: its number of points (windows, or observations of factors). */
export interface TaskPool {
  readonly n: number;
}

function drawPoints(split: TaskPool, count: number, rng: Rng): Int32Array {
  if (count > split.n) throw new UserError(`a task needs ${count} windows but the split has ${split.n}; use more data windows or fewer task points`);
  return permutation(split.n, rng).slice(0, count);
}

/**
 * A regression task (T1) on `support + query` points of the split; `v` holds the split's 6 factor
 * columns, row-major [n, 6]: the benchmark's (TASK_COLUMNS) or the correlated latents' (latents.ts).
 */
export function regressionTask(split: TaskPool, v: Float64Array, mode: TaskMode, supportSize: number, noiseScale: number, support: number, query: number, rng: Rng): Task {
  const S = drawSupport(mode, supportSize, rng);
  const w = new Float64Array(M);
  for (const k of S) w[k] = rng.normal();
  const index = drawPoints(split, support + query, rng);
  const clean = new Float64Array(index.length), eps = new Float64Array(index.length);
  let cn = 0, en = 0;
  index.forEach((row, i) => {
    let s = 0;
    for (const k of S) s += w[k] * v[row * M + k];
    clean[i] = s;
    eps[i] = rng.normal();
    cn += s * s;
    en += eps[i] * eps[i];
  });
  const scale = en > 0 ? (noiseScale * Math.sqrt(cn)) / Math.sqrt(en) : 0; // T1: SNR-scaled noise
  const y = clean.map((c, i) => c + scale * eps[i]);
  return { support: S, index, y, supportPoints: support };
}

/** A C-class classification task (T2) on `support + query` windows of the split. */
export function classificationTask(split: TaskPool, v: Float64Array, mode: TaskMode, supportSize: number, classes: number, support: number, query: number, rng: Rng): Task {
  const S = drawSupport(mode, supportSize, rng);
  const W = new Float64Array(M * classes);
  for (const k of S) for (let c = 0; c < classes; c++) W[k * classes + c] = rng.normal();
  const index = drawPoints(split, support + query, rng);
  const y = new Float64Array(index.length);
  index.forEach((row, i) => {
    let best = 0, bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (const k of S) s += W[k * classes + c] * v[row * M + k];
      if (s > bestScore) { bestScore = s; best = c; }
    }
    y[i] = best;
  });
  return { support: S, index, y, supportPoints: support };
}
