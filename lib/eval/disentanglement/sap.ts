/**
 * SAP, the Separated Attribute Predictability score (Kumar, Sattigeri & Balakrishnan, ICLR
 * 2018), as disentanglement_lib's `sap_score.py`:
 *
 *     SAP = (1/K) Σ_k ( S_(1)k − S_(2)k )          (docs/metrics.md S1)
 *
 * with S_jk the score of code j alone for factor k and S_(1)k ≥ S_(2)k its two largest values
 * over the codes. Two variants:
 * - 'discrete' (default, dlib's default): S_jk = test accuracy of a linear classifier on the
 *   single feature z_j, trained on the training points. dlib uses `LinearSVC(C=0.01,
 *   class_weight="balanced")`; we use the one-feature linear discriminant with equal class
 *   priors, i.e. nearest class mean of z_j (the balanced analogue, closed form, exactly
 *   invariant to affine maps of z_j). docs/metrics.md S2.
 * - 'continuous': S_jk = Cov(z_j, v_k)² / (Var z_j · Var v_k) on the training points, 0 when
 *   Var z_j < 1e-12 (dlib's `continuous_factors=True`). docs/metrics.md S3.
 *
 * For the identity representation the runner-up code is at chance, so the discrete SAP is
 * (1/K) Σ_k (1 − 1/L_k) for uniform factors with L_k levels, not 1; the continuous one is ≈ 1.
 */
import { UserError } from '../../util/errors';
import { checkSplit, column, factorLevels, type CodeSample } from './sample';

export type SapVariant = 'discrete' | 'continuous';

/** Options of {@link sap}. */
export interface SapConfig {
  /** Which per-code score (default 'discrete', as disentanglement_lib's unsupervised study). */
  readonly variant?: SapVariant;
}

/** Everything SAP computes. */
export interface SapResult {
  readonly sap: number;
  /** Row-major [J, K] single-code scores S. */
  readonly scores: Float64Array;
  /** S_(1)k − S_(2)k per factor, length K. */
  readonly gaps: Float64Array;
  readonly variant: SapVariant;
}

/**
 * Nearest-class-mean classifier on one feature (1-D linear discriminant, equal priors): the
 * class means of the training values, sorted, with decision boundaries at midpoints.
 * Classes absent from the training points are never predicted; ties go to the lower class id.
 */
export function nearestMeanAccuracy(
  xTrain: ArrayLike<number>,
  yTrain: ArrayLike<number>,
  xTest: ArrayLike<number>,
  yTest: ArrayLike<number>,
  classes: number,
): number {
  const sum = new Float64Array(classes);
  const count = new Float64Array(classes);
  for (let i = 0; i < xTrain.length; i++) {
    sum[yTrain[i]] += xTrain[i];
    count[yTrain[i]] += 1;
  }
  const present: { mean: number; id: number }[] = [];
  for (let c = 0; c < classes; c++) if (count[c] > 0) present.push({ mean: sum[c] / count[c], id: c });
  present.sort((a, b) => a.mean - b.mean || a.id - b.id);
  // Equal means (a code that ignores the factor) collapse to one decision region: lowest id.
  const means: number[] = [];
  const ids: number[] = [];
  for (const p of present) {
    if (means.length > 0 && p.mean === means[means.length - 1]) {
      if (p.id < ids[ids.length - 1]) ids[ids.length - 1] = p.id;
      continue;
    }
    means.push(p.mean);
    ids.push(p.id);
  }
  let hit = 0;
  for (let i = 0; i < xTest.length; i++) {
    const x = xTest[i];
    // First mean ≥ x by bisection, then the nearer of it and its left neighbour.
    let lo = 0;
    let hi = means.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (means[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    let best: number;
    if (lo === 0) best = 0;
    else if (lo === means.length) best = means.length - 1;
    else {
      const dl = x - means[lo - 1];
      const dr = means[lo] - x;
      best = dr < dl ? lo : dl < dr ? lo - 1 : ids[lo] < ids[lo - 1] ? lo : lo - 1;
    }
    if (ids[best] === yTest[i]) hit++;
  }
  return hit / xTest.length;
}

/** Squared correlation Cov(x, y)² / (Var x · Var y), 0 when Var x < 1e-12 (or Var y = 0). */
function squaredCorrelation(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // dlib tests the ddof=1 variance against 1e-12.
  if (sxx / (n - 1) < 1e-12 || !(syy > 0)) return 0;
  return (sxy * sxy) / (sxx * syy);
}

/** Mean over columns of a row-major [rows, cols] matrix of (largest − second largest) down each column. */
export function meanTopTwoGap(scores: ArrayLike<number>, rows: number, cols: number): { mean: number; gaps: Float64Array } {
  const gaps = new Float64Array(cols);
  let s = 0;
  for (let k = 0; k < cols; k++) {
    let first = -Infinity;
    let second = -Infinity;
    for (let j = 0; j < rows; j++) {
      const v = scores[j * cols + k];
      if (v > first) {
        second = first;
        first = v;
      } else if (v > second) second = v;
    }
    gaps[k] = first - second;
    s += gaps[k];
  }
  return { mean: s / cols, gaps };
}

/**
 * SAP of a representation.
 * @param train points the classifiers are fitted on (all the continuous variant uses).
 * @param test held-out points for the discrete variant's accuracies.
 */
export function sap(train: CodeSample, test: CodeSample, config: SapConfig = {}): SapResult {
  checkSplit(train, test);
  const variant = config.variant ?? 'discrete';
  if (variant !== 'discrete' && variant !== 'continuous') {
    throw new UserError(`SAP variant '${String(variant)}' is unknown; use 'discrete' or 'continuous'`);
  }
  const jDims = train.codeDims;
  const kf = train.numFactors;
  if (jDims < 2) throw new UserError('SAP needs at least 2 latent codes (it is a gap between the top two)');
  const levels = factorLevels([train, test]);
  const scores = new Float64Array(jDims * kf);
  const yTrain = Array.from({ length: kf }, (_, k) => column(train.factors, kf, k));
  const yTest = Array.from({ length: kf }, (_, k) => column(test.factors, kf, k));
  for (let j = 0; j < jDims; j++) {
    const zTrain = column(train.codes, jDims, j);
    const zTest = variant === 'discrete' ? column(test.codes, jDims, j) : zTrain;
    for (let k = 0; k < kf; k++) {
      // docs/metrics.md S2 / S3: the single-code score S_jk.
      scores[j * kf + k] =
        variant === 'discrete'
          ? nearestMeanAccuracy(zTrain, yTrain[k], zTest, yTest[k], levels[k])
          : squaredCorrelation(zTrain, yTrain[k]);
    }
  }
  // docs/metrics.md S1: mean gap between the two best codes per factor.
  const { mean, gaps } = meanTopTwoGap(scores, jDims, kf);
  return { sap: mean, scores, gaps, variant };
}
