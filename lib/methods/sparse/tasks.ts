/**
 * Tasks generated from the benchmark's factors (docs/design.md §Sparse base-predictors, T1–T2):
 * each window's factors as m standardised columns v — derived from the benchmark's factor
 * declaration (lib/data/benchmark.ts) by {@link factorTargets}: each ordinal factor as its level,
 * the circular phase as (cos, sin), and the categorical regime either as one indicator column per
 * level (`regime: 'one-hot'`, the default: m = 4 + 5 = 9) or as its level index (`'ordinal'`, the
 * old treatment: m = 6). Columns are standardised by the moments of the uniform grid: a level by
 * mean (L−1)/2 and variance (L²−1)/12, cos/sin by variance 1/2, an indicator by mean 1/L and
 * variance (L−1)/L², so a standardised indicator is (L·1[level] − 1)/√(L−1) and the L of them sum
 * to exactly 0 on every point (docs/design.md says why all L are kept). Per task a support S of
 * columns with Gaussian weights:
 *
 *   regression:      y = Σ_{k∈S} w_k v_k + σ·(‖Vw‖/‖ε‖)·ε,   w_k ~ N(0, 1), ε ~ N(0, I)   (T1)
 *   classification:  y = argmax_c Σ_{k∈S} W_kc v_k,            W_kc ~ N(0, 1)               (T2)
 *
 * |S| = `supportSize` drawn uniformly per task (the paper's sparsity assumption, support varying
 * across tasks), or S = all columns in the dense control. Points are windows drawn without
 * replacement from one split; the first `support` are the inner (support) set, the rest the query.
 * The task generators take any columns ({@link FactorColumns}): the benchmark's, or the correlated
 * latents of the MCC-against-ρ experiment (latents.ts), whose column count is their own.
 */
import { BENCHMARK_CATEGORICAL, BENCHMARK_CIRCULAR, BENCHMARK_FACTORS, BENCHMARK_LEVELS, BENCHMARK_LEVEL_NAMES, type BenchmarkSplit } from '../../data/benchmark';
import { factorTargets } from '../../eval/disentanglement/mcc';
import { UserError } from '../../util/errors';
import { permutation, type Rng } from '../../util/random';

/** How the categorical regime enters the factor columns: one indicator per level, or its level index. */
export const REGIME_ENCODINGS = ['one-hot', 'ordinal'] as const;
export type RegimeEncoding = (typeof REGIME_ENCODINGS)[number];

/** Row-major [n, columns] factor columns: the v of the tasks (and the MCC/R² targets). */
export interface FactorColumns {
  readonly values: Float64Array;
  readonly columns: number;
}

/** Per benchmark factor, whether it becomes indicator columns under `regime`. */
export function categoricalFactors(regime: RegimeEncoding): boolean[] {
  return BENCHMARK_CATEGORICAL.map((c) => c && regime === 'one-hot');
}

/** The column layout of the benchmark's factors: per column its factor and part (factorTargets' `source`, `part`). */
function layout(regime: RegimeEncoding): { source: Int32Array; part: Int32Array } {
  return factorTargets([], BENCHMARK_FACTORS.length, BENCHMARK_CIRCULAR, BENCHMARK_LEVELS, categoricalFactors(regime));
}

/**
 * Names of the benchmark's factor columns under a regime encoding, derived from the factor
 * declaration: `regime=sine` … (one-hot) or `regime` (ordinal), `frequency`, `amplitude`,
 * `phase-cos`, `phase-sin`, `trend`. Their number is the tasks' m and the default code width.
 */
export function taskColumns(regime: RegimeEncoding): string[] {
  const { source, part } = layout(regime);
  const categorical = categoricalFactors(regime);
  return Array.from(source, (k, j) => {
    const name = BENCHMARK_FACTORS[k];
    if (categorical[k]) return `${name}=${BENCHMARK_LEVEL_NAMES[k]?.[part[j]] ?? part[j]}`;
    if (BENCHMARK_CIRCULAR[k]) return `${name}-${part[j] === 0 ? 'cos' : 'sin'}`;
    return name;
  });
}

/** The standardised factor columns of a split (T1's v), row-major [n, taskColumns(regime).length]. */
export function factorColumns(split: BenchmarkSplit, regime: RegimeEncoding): FactorColumns {
  const categorical = categoricalFactors(regime);
  const t = factorTargets(split.factors, BENCHMARK_FACTORS.length, BENCHMARK_CIRCULAR, BENCHMARK_LEVELS, categorical);
  const m = t.columns;
  const out = new Float64Array(t.values.length);
  for (let j = 0; j < m; j++) {
    const k = t.source[j];
    const L = BENCHMARK_LEVELS[k];
    // Moments of a level uniform on 0..L−1: its indicator (mean 1/L, variance (L−1)/L²), the
    // level itself ((L−1)/2, (L²−1)/12), or cos/sin of 2πk/L (mean 0, variance 1/2).
    const [mu, sd] = categorical[k] ? [1 / L, Math.sqrt(L - 1) / L] : BENCHMARK_CIRCULAR[k] ? [0, Math.SQRT1_2] : [(L - 1) / 2, Math.sqrt((L * L - 1) / 12)];
    for (let i = 0; i < split.n; i++) out[i * m + j] = (t.values[i * m + j] - mu) / sd;
  }
  return { values: out, columns: m };
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

function drawSupport(mode: TaskMode, m: number, size: number, rng: Rng): Int32Array {
  if (mode === 'dense') return Int32Array.from({ length: m }, (_, i) => i);
  if (size > m) throw new UserError(`a sparse task's support of ${size} columns exceeds the ${m} factor columns; lower tasks.supportSize`);
  return permutation(m, rng).slice(0, size).sort();
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
 * A regression task (T1) on `support + query` points of the split; `v` holds the split's factor
 * columns: the benchmark's ({@link factorColumns}) or the correlated latents' (latents.ts).
 */
export function regressionTask(split: TaskPool, { values: v, columns: m }: FactorColumns, mode: TaskMode, supportSize: number, noiseScale: number, support: number, query: number, rng: Rng): Task {
  const S = drawSupport(mode, m, supportSize, rng);
  const w = new Float64Array(m);
  for (const k of S) w[k] = rng.normal();
  const index = drawPoints(split, support + query, rng);
  const clean = new Float64Array(index.length), eps = new Float64Array(index.length);
  let cn = 0, en = 0;
  index.forEach((row, i) => {
    let s = 0;
    for (const k of S) s += w[k] * v[row * m + k];
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
export function classificationTask(split: TaskPool, { values: v, columns: m }: FactorColumns, mode: TaskMode, supportSize: number, classes: number, support: number, query: number, rng: Rng): Task {
  const S = drawSupport(mode, m, supportSize, rng);
  const W = new Float64Array(m * classes);
  for (const k of S) for (let c = 0; c < classes; c++) W[k * classes + c] = rng.normal();
  const index = drawPoints(split, support + query, rng);
  const y = new Float64Array(index.length);
  index.forEach((row, i) => {
    let best = 0, bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (const k of S) s += W[k * classes + c] * v[row * m + k];
      if (s > bestScore) { bestScore = s; best = c; }
    }
    y[i] = best;
  });
  return { support: S, index, y, supportPoints: support };
}
