/**
 * The input every disentanglement metric of this folder takes: latent codes and the
 * ground-truth factor levels of the same points, both row-major (codes n×J, factors n×K,
 * the layout of `lib/eval/mig.ts`). Also the shared input checks and the per-feature
 * standardisation the linear probes use.
 */
import { UserError } from '../../util/errors';
import { assertFinite, assertPositiveInt } from '../arrays';

/** Codes and factor levels of one set of points (a training or a test split). */
export interface CodeSample {
  /** n×J latent codes, row-major (e.g. encoder means). */
  readonly codes: ArrayLike<number>;
  /** J, the latent width. */
  readonly codeDims: number;
  /** n×K factor levels, row-major: non-negative integers (0-based level ids). */
  readonly factors: ArrayLike<number>;
  /** K, the number of factors. */
  readonly numFactors: number;
}

/** Number of points of a sample, after checking its shape, finiteness and integer levels. */
export function checkSample(s: CodeSample, what: string): number {
  assertPositiveInt(s.codeDims, `${what}: codeDims`);
  assertPositiveInt(s.numFactors, `${what}: numFactors`);
  if (s.codes.length % s.codeDims !== 0) {
    throw new UserError(
      `${what}: codes have ${s.codes.length} entries, not a multiple of codeDims=${s.codeDims}; pass the latent width`,
    );
  }
  const n = s.codes.length / s.codeDims;
  if (n < 2) throw new UserError(`${what}: ${n} points; a metric needs at least 2`);
  if (s.factors.length !== n * s.numFactors) {
    throw new UserError(
      `${what}: factors have ${s.factors.length} entries but ${n} points × ${s.numFactors} factors = ${n * s.numFactors} were expected; pass one row of levels per code row`,
    );
  }
  assertFinite(s.codes, s.codeDims, `${what}: codes`, 'the encoder produced non-finite codes');
  for (let i = 0; i < s.factors.length; i++) {
    const v = s.factors[i];
    if (!Number.isInteger(v) || v < 0) {
      const row = Math.floor(i / s.numFactors);
      throw new UserError(
        `${what}: factor level is ${v} at row ${row}, factor ${i - row * s.numFactors}; levels must be 0-based integers`,
      );
    }
  }
  return n;
}

/** Check that a training and a test sample have the same code width and factor count. */
export function checkSplit(train: CodeSample, test: CodeSample): { nTrain: number; nTest: number } {
  const nTrain = checkSample(train, 'training points');
  const nTest = checkSample(test, 'test points');
  if (train.codeDims !== test.codeDims || train.numFactors !== test.numFactors) {
    throw new UserError(
      `training points have ${train.codeDims} codes × ${train.numFactors} factors but test points ${test.codeDims} × ${test.numFactors}; split one table`,
    );
  }
  return { nTrain, nTest };
}

/**
 * Levels per factor: 1 + the largest level seen in any of the samples. Throws if a factor is
 * constant on the first sample (the training points): no metric can score it.
 */
export function factorLevels(samples: readonly CodeSample[]): Int32Array {
  const k = samples[0].numFactors;
  const levels = new Int32Array(k);
  for (const s of samples) {
    for (let i = 0; i < s.factors.length; i++) {
      const c = i % k;
      if (s.factors[i] + 1 > levels[c]) levels[c] = s.factors[i] + 1;
    }
  }
  const first = samples[0];
  for (let c = 0; c < k; c++) {
    const v0 = first.factors[c];
    let varies = false;
    for (let i = c + k; i < first.factors.length && !varies; i += k) varies = first.factors[i] !== v0;
    if (!varies) {
      throw new UserError(
        `factor ${c} is constant (level ${v0}) on the training points; drop it or evaluate on points where it varies`,
      );
    }
  }
  return levels;
}

/** Column `c` of a row-major [n, cols] array, as float64. */
export function column(values: ArrayLike<number>, cols: number, c: number): Float64Array {
  const n = values.length / cols;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i * cols + c];
  return out;
}

/** Per-column mean and standard deviation (population, n denominator) of a row-major array. */
export interface Standardiser {
  readonly mean: Float64Array;
  /** 0 marks a constant column, which standardises to 0. */
  readonly std: Float64Array;
}

/** Column means and standard deviations of a row-major [n, cols] array (float64 sums). */
export function fitStandardiser(values: ArrayLike<number>, cols: number): Standardiser {
  const n = values.length / cols;
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let i = 0; i < n; i++) for (let c = 0; c < cols; c++) mean[c] += values[i * cols + c];
  for (let c = 0; c < cols; c++) mean[c] /= n;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < cols; c++) {
      const d = values[i * cols + c] - mean[c];
      std[c] += d * d;
    }
  }
  for (let c = 0; c < cols; c++) {
    const s = Math.sqrt(std[c] / n);
    // A column whose spread is at rounding level of its mean carries no information.
    std[c] = s > 1e-12 * Math.max(1, Math.abs(mean[c])) ? s : 0;
  }
  return { mean, std };
}

/** (x − mean) / std per column (0 for constant columns), as a new float64 array. */
export function standardise(values: ArrayLike<number>, cols: number, s: Standardiser): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = i % cols;
    out[i] = s.std[c] > 0 ? (values[i] - s.mean[c]) / s.std[c] : 0;
  }
  return out;
}
