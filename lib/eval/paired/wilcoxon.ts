/**
 * Wilcoxon signed-rank test of paired differences d_i = a_i − b_i (H0: the distribution of d is
 * symmetric about 0), following R's `wilcox.test(a, b, paired = TRUE)` (stats 4.x) so that
 * results can be checked against it:
 *
 * - zero differences are DROPPED before ranking (R's default, Wilcoxon's original rule); n is
 *   the number of non-zero differences; with n = 0 the test has no information: V = 0, p = 1;
 * - V = the sum of the ranks of |d_i| over the positive d_i (mid-ranks for tied |d_i|);
 * - exact p-value from the null distribution of V given the observed ranks (all 2^n sign
 *   patterns equally likely, counted by dynamic programming over the ranks) when n < 50
 *   (`exact` overrides the size rule). With tied |d_i| the ranks are the mid-ranks and the
 *   distribution is the exact *conditional* one (Hollander & Wolfe's conditional test, as
 *   coin::wilcoxsign_test computes it): sums of doubled mid-ranks are integers, so the same
 *   counting applies. Unlike R, ties do not force the normal approximation, whose p can fall
 *   below the smallest attainable one (4 pairs with one tie: 0.049 < 2⁻⁴ = 0.0625) and so
 *   give a verdict the data cannot support;
 * - otherwise (n ≥ 50, or `exact: false`) the normal approximation z = (V − n(n+1)/4 − c) / σ with the tie-corrected
 *   σ² = n(n+1)(2n+1)/24 − Σ_g (t_g³ − t_g)/48 (t_g: sizes of the tie groups) and continuity
 *   correction c = ±0.5 towards the mean (sign(V − n(n+1)/4)·0.5 two-sided, 0.5 for 'greater',
 *   −0.5 for 'less'; `correct: false` drops it).
 *
 * Alternatives: 'greater' (d tends to be positive, a > b), 'less' (a < b), 'two-sided'
 * (p = min(1, 2·one-sided p in the direction of the observed V)). Exact one-sided:
 * P(V ≥ v) for 'greater', P(V ≤ v) for 'less'. Note: with n non-zero differences the smallest
 * exact one-sided p is 2^−n, so n ≥ 5 pairs are needed for p < 0.05 one-sided, n ≥ 6 two-sided.
 */
import { UserError } from '../../util/errors';
import { assertFinite, assertLength, type NumericArray } from '../arrays';
import { normalCdf } from '../stats';

export type Alternative = 'two-sided' | 'less' | 'greater';

export interface WilcoxonOptions {
  /** Default 'two-sided'. */
  readonly alternative?: Alternative;
  /** Force (true) or forbid (false) the exact distribution; default: exact when n < 50 (conditional on the mid-ranks when |d| has ties). */
  readonly exact?: boolean;
  /** Continuity correction of the normal approximation. Default true. */
  readonly correct?: boolean;
}

export interface WilcoxonResult {
  /** V: sum of the ranks of the positive differences. */
  readonly statistic: number;
  /** Number of non-zero differences (the ones ranked). */
  readonly n: number;
  /** Zero differences dropped. */
  readonly zeros: number;
  readonly pValue: number;
  readonly alternative: Alternative;
  readonly method: 'exact' | 'normal';
  /** Normal approximation only: the (continuity-corrected) z. */
  readonly z?: number;
}

/** Mid-ranks (1-based) of `values`, and the sizes of the groups of tied values. */
export function midRanks(values: ArrayLike<number>): { ranks: Float64Array; tieSizes: number[] } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i] - values[j]);
  const ranks = new Float64Array(n);
  const tieSizes: number[] = [];
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const r = (i + j + 2) / 2; // mean of ranks i+1 … j+1
    for (let k = i; k <= j; k++) ranks[order[k]] = r;
    if (j > i) tieSizes.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, tieSizes };
}

/**
 * Null distribution of V for n untied ranks: counts[v] = number of subsets of {1..n} whose sum
 * is v (v = 0 … n(n+1)/2); divide by 2^n for probabilities. Float64 counts are exact up to
 * n ≈ 60 (2^53).
 */
export function signedRankCounts(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 0) throw new UserError(`signed-rank sample size must be a non-negative integer, got ${n}`);
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) {
    const top = (r * (r + 1)) / 2;
    for (let v = top; v >= r; v--) counts[v] += counts[v - r];
  }
  return counts;
}

/**
 * Null distribution of V given arbitrary mid-ranks (ties allowed): counts[k] = number of sign
 * patterns whose positive ranks sum to k/2 (sums of doubled ranks are integers).
 */
export function signedRankCountsFor(ranks: ArrayLike<number>): Float64Array {
  const doubled = Array.from(ranks, (r) => Math.round(2 * r));
  const max = doubled.reduce((a, b) => a + b, 0);
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  let top = 0;
  for (const r of doubled) {
    top += r;
    for (let v = top; v >= r; v--) counts[v] += counts[v - r];
  }
  return counts;
}

/** P(V ≤ v) under H0 for n untied ranks. */
function exactCdf(counts: Float64Array, n: number, v: number): number {
  if (v < 0) return 0;
  let s = 0;
  const top = Math.min(Math.floor(v), counts.length - 1);
  for (let k = 0; k <= top; k++) s += counts[k];
  return s / 2 ** n;
}

/** Paired differences a − b, checked (same length, finite). */
export function pairedDifferences(a: NumericArray, b: NumericArray, what = 'paired samples'): Float64Array {
  if (a.length === 0) throw new UserError(`${what}: no pairs given; pass one value per seed for each model`);
  assertLength(b, a.length, `${what}: second sample`);
  assertFinite(a, 1, `${what}: first sample`, 'drop or rerun the run that produced it');
  assertFinite(b, 1, `${what}: second sample`, 'drop or rerun the run that produced it');
  return Float64Array.from(a, (x, i) => x - b[i]);
}

/** Wilcoxon signed-rank test of a − b (see module doc). */
export function wilcoxonSignedRank(a: NumericArray, b: NumericArray, options: WilcoxonOptions = {}): WilcoxonResult {
  return wilcoxonSignedRankDiffs(pairedDifferences(a, b, 'Wilcoxon signed-rank'), options);
}

/** Wilcoxon signed-rank test of differences d against 0 (see module doc). */
export function wilcoxonSignedRankDiffs(d: NumericArray, options: WilcoxonOptions = {}): WilcoxonResult {
  const alternative = options.alternative ?? 'two-sided';
  if (!['two-sided', 'less', 'greater'].includes(alternative)) throw new UserError(`alternative must be 'two-sided', 'less' or 'greater', got '${alternative}'`);
  assertFinite(d, 1, 'Wilcoxon signed-rank: difference', 'drop or rerun the run that produced it');
  const nz = Array.from(d).filter((x) => x !== 0);
  const zeros = d.length - nz.length;
  const n = nz.length;
  if (n === 0) return { statistic: 0, n: 0, zeros, pValue: 1, alternative, method: 'exact' };
  const { ranks, tieSizes } = midRanks(nz.map(Math.abs));
  let v = 0;
  for (let i = 0; i < n; i++) if (nz[i] > 0) v += ranks[i];
  const mu = (n * (n + 1)) / 4;
  const exact = options.exact ?? n < 50;
  if (exact) {
    // Untied: ranks 1..n. Tied: the conditional distribution over the observed mid-ranks, on
    // the doubled scale (V = k/2), where P(V ≥ x) = P(2V ≥ 2x).
    const tied = tieSizes.length > 0;
    const counts = tied ? signedRankCountsFor(ranks) : signedRankCounts(n);
    const scale = tied ? 2 : 1;
    const upper = (x: number): number => 1 - exactCdf(counts, n, Math.round(scale * x) - 1); // P(V ≥ x)
    const lower = (x: number): number => exactCdf(counts, n, Math.round(scale * x)); // P(V ≤ x)
    let p: number;
    if (alternative === 'greater') p = upper(v);
    else if (alternative === 'less') p = lower(v);
    else p = Math.min(1, 2 * (v > mu ? upper(v) : lower(v)));
    return { statistic: v, n, zeros, pValue: Math.min(1, Math.max(0, p)), alternative, method: 'exact' };
  }
  let tieTerm = 0;
  for (const t of tieSizes) tieTerm += t * t * t - t;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  if (!(sigma > 0)) return { statistic: v, n, zeros, pValue: 1, alternative, method: 'normal', z: 0 };
  const dz = v - mu;
  const correction = options.correct === false ? 0 : alternative === 'two-sided' ? Math.sign(dz) * 0.5 : alternative === 'greater' ? 0.5 : -0.5;
  const z = (dz - correction) / sigma;
  const p = alternative === 'less' ? normalCdf(z) : alternative === 'greater' ? normalCdf(-z) : 2 * Math.min(normalCdf(z), normalCdf(-z));
  return { statistic: v, n, zeros, pValue: Math.min(1, p), alternative, method: 'normal', z };
}
