/**
 * Total correlation (TC) of the AGGREGATE posterior of a diagonal-Gaussian encoder, the
 * data-level counterpart of E2's gap (docs/theory.md §E2, notebook 02):
 *
 *   q(b) = (1/N) Σ_n q(b | x_n),   q(b | x_n) = N(μ_n, diag σ²_n),
 *   TC(q(b)) = KL(q(b) ‖ Π_j q(b_j)) = E_{q(b)}[log q(b) − Σ_j log q(b_j)]   (nats, ≥ 0).
 *
 * Why the aggregate: a diagonal encoder has TC(q(b|x)) = 0 for every x, so E2's per-window
 * Naive-Bayes split is exact by construction. What the per-label objective can still miss is
 * dependence ACROSS windows: with a factorised prior, KL(q(b) ‖ Π_j p(b_j)) =
 * Σ_j KL(q(b_j) ‖ p(b_j)) + TC(q(b)) — E2's identity applied to q(b) — and for a diagonal
 * encoder TC(q(b)) = Σ_j I(x; b_j) − I(x; b), the information the label codes share.
 *
 * Two estimators, both float64 and tensor-free:
 * - `mwsTotalCorrelation`: the minibatch-weighted-sampling estimator of Chen et al. 2018
 *   (β-TCVAE) with the "minibatch" being the whole data set, so log q(b) and log q(b_j) are
 *   exact log-sum-exps over all N components (no minibatch bias); the only error is the Monte
 *   Carlo average over draws b ~ q(b) (one or more per window, i.e. stratified). O(S·N²·D).
 * - `gaussianTotalCorrelation`: moment-match q(b) by N(·, Σ_agg), Σ_agg = Cov(μ) + mean(diag σ²)
 *   (law of total covariance), and use the Gaussian closed form −½ log det corr(Σ_agg)
 *   (`totalCorrelation` of lib/theory/naiveBayes). Exact when q(b) is Gaussian; otherwise it
 *   measures only linear (second-order) dependence.
 * `independentBaseline` shuffles each dim across windows (true TC 0): MWS on it is the
 * estimator's finite-N floor. `aggregateTotalCorrelation` runs all three.
 *
 * When only the means μ_n are available (the models' `predict` returns posterior means), the
 * TC of the *mean representation* (Locatello et al. 2019) is measured instead: the Gaussian
 * estimator with σ² = 0, or MWS with a kernel-density bandwidth in place of σ
 * (`meanRepresentationCodes`).
 *
 * Shapes: N windows, D code dims; arrays are row-major [N, D].
 */
import { LOG_2PI, logSumExp } from '../util/math';
import { UserError } from '../util/errors';
import { defaultsOf, parseConfig, z } from '../util/config';
import { makeRng, permutation } from '../util/random';
import type { Matrix } from '../math/linalg';
import { totalCorrelation } from '../theory/naiveBayes';
import { type NumericArray, type LabelArray, assertFinite, assertLength, assertPositiveInt, selectColumns } from './arrays';
import { discretiseEqualWidth } from './mig';
import { entropy, mutualInformation } from './information';


/** Per-window diagonal-Gaussian posteriors q(b | x_n) = N(μ_n, diag exp(logvar_n)). */
export interface DiagonalGaussianCodes {
  /** N: windows. */
  readonly n: number;
  /** D: code dims. */
  readonly dim: number;
  /** μ [N, D], row-major. */
  readonly mean: Float64Array;
  /** log σ² [N, D], row-major (natural log of variances). */
  readonly logvar: Float64Array;
}

/**
 * Check and copy encoder outputs into float64 codes.
 * @param mean μ [N, D] row-major; @param logvar log σ² [N, D]; @param dim D.
 */
export function diagonalGaussianCodes(mean: NumericArray, logvar: NumericArray, dim: number, what = 'codes'): DiagonalGaussianCodes {
  assertPositiveInt(dim, `${what}: dim`);
  if (mean.length === 0 || mean.length % dim !== 0) {
    throw new UserError(`${what}: means have ${mean.length} entries, not a positive multiple of dim ${dim}; pass a row-major [N, ${dim}] array`);
  }
  assertLength(logvar, mean.length, `${what}: log-variances`);
  assertFinite(mean, dim, `${what}: means`, 'drop or fix non-finite encoder outputs');
  assertFinite(logvar, dim, `${what}: log-variances`, 'drop or fix non-finite encoder outputs');
  return { n: mean.length / dim, dim, mean: Float64Array.from(mean), logvar: Float64Array.from(logvar) };
}

/**
 * Scott's rule bandwidths for a D-dim Gaussian kernel density of N points:
 * h_j = sd_j · N^(−1/(D+4)), sd_j the (population) standard deviation of column j.
 */
export function scottBandwidths(mean: NumericArray, dim: number): Float64Array {
  const n = mean.length / dim;
  const { cov } = meanAndCovariance(mean, dim);
  const f = Math.pow(n, -1 / (dim + 4));
  return Float64Array.from({ length: dim }, (_, j) => Math.sqrt(cov[j * dim + j]) * f);
}

/**
 * Codes for the MEAN representation (posterior means only): each window becomes a Gaussian
 * kernel N(μ_n, diag h²), so MWS estimates the TC of the kernel-density estimate of the means.
 * @param bandwidth per-dim kernel widths h_j (> 0), one number for all dims, or 'scott' (default).
 */
export function meanRepresentationCodes(mean: NumericArray, dim: number, bandwidth: number | readonly number[] | 'scott' = 'scott'): DiagonalGaussianCodes {
  assertPositiveInt(dim, 'mean representation: dim');
  if (mean.length === 0 || mean.length % dim !== 0) {
    throw new UserError(`mean representation: ${mean.length} entries is not a positive multiple of dim ${dim}; pass a row-major [N, ${dim}] array`);
  }
  assertFinite(mean, dim, 'mean representation: means', 'drop or fix non-finite encoder outputs');
  const h = bandwidth === 'scott' ? scottBandwidths(mean, dim)
    : typeof bandwidth === 'number' ? new Float64Array(dim).fill(bandwidth) : Float64Array.from(bandwidth);
  assertLength(h, dim, 'mean representation: bandwidths');
  h.forEach((v, j) => {
    if (!(v > 0 && Number.isFinite(v))) throw new UserError(`mean representation: bandwidth of dim ${j} is ${v} (a constant column gives 0); pass positive bandwidths or drop constant dims`);
  });
  const n = mean.length / dim;
  const logvar = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) logvar[i * dim + j] = 2 * Math.log(h[j]);
  return { n, dim, mean: Float64Array.from(mean), logvar };
}

/**
 * For each label in turn, the not-yet-chosen code column with the largest mutual information
 * (nats, columns discretised into `bins` equal-width bins) with that label — how the notebook
 * picks which dims of an unsupervised z stand in for the per-label dims b_i.
 * @param values codes [N, dim]; @param labels one class-id array [N] per label; @param classes K_i.
 * @returns one column per label, in label order, with its MI.
 */
export function labelAlignedColumns(
  values: NumericArray, dim: number, labels: readonly LabelArray[], classes: readonly number[], bins = 20,
): { columns: number[]; mi: number[] } {
  assertPositiveInt(dim, 'labelAlignedColumns: dim');
  if (labels.length > dim) throw new UserError(`labelAlignedColumns: ${labels.length} labels but only ${dim} code dims; pass at least one dim per label`);
  assertLength(classes, labels.length, 'labelAlignedColumns: class counts');
  const n = values.length / dim;
  const binned = Array.from({ length: dim }, (_, j) => discretiseEqualWidth(values, dim, j, bins));
  const used = new Set<number>();
  const columns: number[] = [];
  const mi: number[] = [];
  labels.forEach((y, i) => {
    assertLength(y, n, `labelAlignedColumns: label ${i}`);
    let best = -1;
    let bestMi = -Infinity;
    for (let j = 0; j < dim; j++) {
      if (used.has(j)) continue;
      const m = mutualInformation(binned[j], bins, y, classes[i]);
      if (m > bestMi) [best, bestMi] = [j, m];
    }
    used.add(best);
    columns.push(best);
    mi.push(bestMi);
  });
  return { columns, mi };
}

/** Column means [D] and the population covariance [D·D] of a row-major [N, D] array. */
function meanAndCovariance(values: ArrayLike<number>, dim: number): { mu: Float64Array; cov: Float64Array } {
  const n = values.length / dim;
  const mu = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mu[j] += values[i * dim + j] / n;
  const cov = new Float64Array(dim * dim);
  const d = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) d[j] = values[i * dim + j] - mu[j];
    for (let j = 0; j < dim; j++) for (let k = j; k < dim; k++) cov[j * dim + k] += (d[j] * d[k]) / n;
  }
  for (let j = 0; j < dim; j++) for (let k = 0; k < j; k++) cov[j * dim + k] = cov[k * dim + j];
  return { mu, cov };
}

/**
 * Σ_agg = Cov_n(μ_n) + diag(mean_n σ²_n): the covariance of q(b) by the law of total
 * covariance (population covariance of the means, i.e. divided by N). D × D.
 */
export function aggregateCovariance(codes: DiagonalGaussianCodes): Matrix {
  const { n, dim } = codes;
  const { cov } = meanAndCovariance(codes.mean, dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) cov[j * dim + j] += Math.exp(codes.logvar[i * dim + j]) / n;
  return { rows: dim, cols: dim, data: cov };
}

/**
 * Gaussian TC of the aggregate posterior: −½ log det corr(Σ_agg) (nats). E2's gap for a
 * Gaussian q(b), `totalCorrelation` of lib/theory/naiveBayes applied to Σ_agg.
 */
export function gaussianTotalCorrelation(codes: DiagonalGaussianCodes): number {
  return totalCorrelation(aggregateCovariance(codes));
}

/** Gaussian TC of the mean representation alone: −½ log det corr(Cov(μ)) (σ² = 0). */
export function meanGaussianTotalCorrelation(mean: NumericArray, dim: number): number {
  assertPositiveInt(dim, 'mean representation: dim');
  if (mean.length === 0 || mean.length % dim !== 0) throw new UserError(`mean representation: ${mean.length} entries is not a positive multiple of dim ${dim}; pass a row-major [N, ${dim}] array`);
  assertFinite(mean, dim, 'mean representation: means', 'drop or fix non-finite encoder outputs');
  const { cov } = meanAndCovariance(mean, dim);
  for (let j = 0; j < dim; j++) {
    if (!(cov[j * dim + j] > 0)) throw new UserError(`mean representation: dim ${j} is constant over all ${mean.length / dim} windows, so its correlation is undefined; drop that dim`);
  }
  return totalCorrelation({ rows: dim, cols: dim, data: cov });
}

export const MwsSchema = z.strictObject({
  samplesPerWindow: z.int().min(1).default(1).describe('S: draws b ~ q(b | x_n) per window (1: N draws in all).'),
  seed: z.int().default(0).describe('Seed of the draws.'),
  maxWindows: z.int().min(1).default(5000).describe('Refuse data sets larger than this (the cost is O(S·N²·D)).'),
});
export type MwsConfig = Readonly<z.output<typeof MwsSchema>>;
export const DEFAULT_MWS: MwsConfig = defaultsOf(MwsSchema);

/** MWS estimates (nats), each the mean over the N·S draws b ~ q(b), with its standard error. */
export interface AggregateTcEstimate {
  /** TC(q(b)) = E[log q(b) − Σ_j log q(b_j)]. */
  readonly tc: number;
  /** Standard error of `tc` (draws treated as independent; stratification makes it conservative). */
  readonly tcStdError: number;
  /** Index-code mutual information I(x; b) = E[log q(b|x) − log q(b)]. */
  readonly mi: number;
  /** Per-dim I(x; b_j) = E[log q(b_j|x) − log q(b_j)]; Σ_j dimMi_j − mi = tc (diagonal q(b|x)). */
  readonly dimMi: number[];
  /** N·S. */
  readonly draws: number;
}

/**
 * β-TCVAE's minibatch-weighted-sampling estimator (Chen et al. 2018) with the whole data set
 * as the batch: for each draw b = μ_n + σ_n ε,
 *   log q(b)   = logsumexp_m Σ_j log N(b_j; μ_mj, σ²_mj) − log N,
 *   log q(b_j) = logsumexp_m log N(b_j; μ_mj, σ²_mj) − log N,
 * TC = mean[log q(b) − Σ_j log q(b_j)]   (E2's gap for the aggregate posterior).
 */
export function mwsTotalCorrelation(codes: DiagonalGaussianCodes, config: Partial<MwsConfig> = {}): AggregateTcEstimate {
  const c = parseConfig(MwsSchema, config, 'mws');
  const { n, dim } = codes;
  if (n > c.maxWindows) throw new UserError(`MWS total correlation: ${n} windows exceed maxWindows ${c.maxWindows} (cost grows as N²); subsample the windows or raise maxWindows`);
  const rng = makeRng(c.seed);
  const sd = codes.logvar.map((lv) => Math.exp(0.5 * lv));
  const invVar = codes.logvar.map((lv) => Math.exp(-lv));
  // Per-component normalisers −½(log 2π + log σ²_mj).
  const lognorm = codes.logvar.map((lv) => -0.5 * (LOG_2PI + lv));
  const logN = Math.log(n);
  const b = new Float64Array(dim);
  const joint = new Float64Array(n); // Σ_j log N(b_j; μ_mj, σ²_mj) per component m
  const perDim = new Float64Array(n * dim); // log N(b_j; μ_mj, σ²_mj), [m, j]
  const dimMi = new Float64Array(dim);
  let sumTc = 0;
  let sumTc2 = 0;
  let sumMi = 0;
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < c.samplesPerWindow; s++) {
      for (let j = 0; j < dim; j++) b[j] = codes.mean[i * dim + j] + sd[i * dim + j] * rng.normal();
      for (let m = 0; m < n; m++) {
        let t = 0;
        for (let j = 0; j < dim; j++) {
          const k = m * dim + j;
          const z = b[j] - codes.mean[k];
          const l = lognorm[k] - 0.5 * z * z * invVar[k];
          perDim[k] = l;
          t += l;
        }
        joint[m] = t;
      }
      const logQ = logSumExp(joint, 0, 1, n) - logN;
      let logProd = 0;
      for (let j = 0; j < dim; j++) {
        const logQj = logSumExp(perDim, j, dim, n) - logN;
        logProd += logQj;
        dimMi[j] += perDim[i * dim + j] - logQj;
      }
      const tc = logQ - logProd;
      sumTc += tc;
      sumTc2 += tc * tc;
      sumMi += joint[i] - logQ;
    }
  }
  const draws = n * c.samplesPerWindow;
  const tc = sumTc / draws;
  const variance = draws > 1 ? Math.max(0, (sumTc2 - draws * tc * tc) / (draws - 1)) : 0;
  return { tc, tcStdError: Math.sqrt(variance / draws), mi: sumMi / draws, dimMi: Array.from(dimMi, (v) => v / draws), draws };
}

/**
 * The same codes with each dim's (μ, log σ²) column pairs permuted independently across
 * windows: the marginals q(b_j) are unchanged and the dims become independent, so its TC is 0
 * in the population and any estimate on it is the estimator's finite-N floor. Seeded.
 */
export function independentBaseline(codes: DiagonalGaussianCodes, seed: number): DiagonalGaussianCodes {
  const { n, dim } = codes;
  const rng = makeRng(seed);
  const mean = new Float64Array(n * dim);
  const logvar = new Float64Array(n * dim);
  for (let j = 0; j < dim; j++) {
    const p = permutation(n, rng);
    for (let i = 0; i < n; i++) {
      mean[i * dim + j] = codes.mean[p[i] * dim + j];
      logvar[i * dim + j] = codes.logvar[p[i] * dim + j];
    }
  }
  return { n, dim, mean, logvar };
}

/** Both estimators of the aggregate TC on one set of codes (nats). */
export interface TotalCorrelationReport {
  readonly n: number;
  readonly dim: number;
  /** −½ log det corr(Σ_agg). */
  readonly gaussian: number;
  readonly mws: AggregateTcEstimate;
  /** MWS on `independentBaseline(codes)`: the value the estimator gives when the TC is truly 0. */
  readonly mwsFloor: AggregateTcEstimate;
  /**
   * TC / Σ_j I(x; b_j) (MWS): the fraction of the per-dim information that is shared between
   * dims, in [0, 1] up to estimation error (0: independent codes).
   */
  readonly sharedFraction: number;
}

/** Run both estimators, and MWS on the independent baseline (seed + 1 permutes, seed + 2 draws). */
export function aggregateTotalCorrelation(codes: DiagonalGaussianCodes, config: Partial<MwsConfig> = {}): TotalCorrelationReport {
  const gaussian = gaussianTotalCorrelation(codes);
  const mws = mwsTotalCorrelation(codes, config);
  const seed = config.seed ?? DEFAULT_MWS.seed;
  const mwsFloor = mwsTotalCorrelation(independentBaseline(codes, seed + 1), { ...config, seed: seed + 2 });
  const perDim = mws.dimMi.reduce((s, v) => s + v, 0);
  return { n: codes.n, dim: codes.dim, gaussian, mws, mwsFloor, sharedFraction: perDim > 0 ? mws.tc / perDim : 0 };
}

/** The latent outputs of a split (structurally `SplitOutputs` of lib/train/predict). */
export interface LatentOutputs {
  /** μ_a or μ_z [N, latentADim]. */
  readonly latentA?: NumericArray;
  readonly latentADim: number;
  /** μ_b [N, latentBDim] (one dim per label), for models with a marginal code. */
  readonly latentB?: NumericArray;
  readonly latentBDim: number;
  /** Per label: class ids [N]. */
  readonly labels: readonly LabelArray[];
}

/** The per-label code of a model: DeepDIVE's b, or for a model without b the label-aligned dims of z. */
export interface LabelCode {
  /** Posterior means [N, dim], row-major. */
  readonly values: Float64Array;
  /** One dim per label. */
  readonly dim: number;
  /** 'b' (DeepDIVE's marginal code) or 'z' (dims of an unsupervised code). */
  readonly source: 'b' | 'z';
  /** For 'z': the chosen z dims, in label order (see `labelAlignedColumns`), else null. */
  readonly columns: number[] | null;
  /** MI (nats, dims discretised into `bins` equal-width bins) of code dim i with label i. */
  readonly labelMi: number[];
}

/**
 * The code whose TC the Naive-Bayes split ignores: μ_b when the model has a marginal code,
 * otherwise one z dim per label chosen by `labelAlignedColumns` (greedy, highest MI first).
 * @param classes K_i per label.
 */
export function labelCode(out: LatentOutputs, classes: readonly number[], bins = 20): LabelCode {
  if (out.latentB && out.latentBDim > 0) {
    const values = Float64Array.from(out.latentB);
    const dim = out.latentBDim;
    if (out.labels.length !== dim) throw new UserError(`labelCode: ${dim} marginal dims but ${out.labels.length} labels; pass the labels the model was trained on`);
    assertLength(classes, dim, 'labelCode: class counts');
    const labelMi = out.labels.map((y, i) => mutualInformation(discretiseEqualWidth(values, dim, i, bins), bins, y, classes[i]));
    return { values, dim, source: 'b', columns: null, labelMi };
  }
  if (!out.latentA || out.latentADim === 0) throw new UserError('labelCode: the model outputs no latent code; use a latent model (deepdive, beta-vae, beta-tcvae)');
  const sel = labelAlignedColumns(out.latentA, out.latentADim, out.labels, classes, bins);
  return { values: selectColumns(out.latentA, out.latentADim, sel.columns), dim: sel.columns.length, source: 'z', columns: sel.columns, labelMi: sel.mi };
}

/**
 * The correlation |ρ| of a bivariate Gaussian whose TC is `tc` nats: √(1 − e^(−2·tc)), the
 * inverse of −½ log(1 − ρ²) (`totalCorrelation2d`), to read a TC in familiar units.
 */
export function equivalentCorrelation(tc: number): number {
  if (!(tc >= 0)) throw new UserError(`equivalentCorrelation: TC ${tc} is negative or not a number; pass a TC ≥ 0 (clip estimates at 0)`);
  return Math.sqrt(-Math.expm1(-2 * tc));
}

/**
 * Plug-in TC of discrete labels: Σ_i H(y_i) − H(y_1, …, y_M) (nats; for two labels their
 * mutual information). The dependence a code that recovered every label exactly would inherit.
 * @param labels class ids [N] per label; @param classes K_i.
 */
export function discreteTotalCorrelation(labels: readonly LabelArray[], classes: readonly number[]): number {
  assertLength(classes, labels.length, 'discreteTotalCorrelation: class counts');
  if (labels.length === 0) return 0;
  const n = labels[0].length;
  const joint = new Int32Array(n);
  let k = 1;
  let sum = 0;
  labels.forEach((y, i) => {
    assertLength(y, n, `discreteTotalCorrelation: label ${i}`);
    for (let r = 0; r < n; r++) {
      if (!(Number.isInteger(y[r]) && y[r] >= 0 && y[r] < classes[i])) throw new UserError(`discreteTotalCorrelation: label ${i} has class id ${y[r]} at row ${r}, outside 0..${classes[i] - 1}; pass ids below the class count`);
      joint[r] = joint[r] * classes[i] + y[r];
    }
    k *= classes[i];
    sum += entropy(y, classes[i]);
  });
  if (k > 1e7) throw new UserError(`discreteTotalCorrelation: ${k} joint classes is too many to count; pass fewer labels`);
  return Math.max(0, sum - entropy(joint, k));
}
