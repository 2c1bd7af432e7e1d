/**
 * The FactorVAE disentanglement score (Kim & Mnih, ICML 2018), as disentanglement_lib's
 * `factor_vae.py`, with votes drawn from a finite table of points instead of a generator:
 *
 * 1. global scale: s_j² = Var(z_j) (ddof 1) over ≤ `globalVariancePoints` training points;
 *    codes with s_j < `pruneStd` (0.05) are inactive and take no part (dlib `_prune_dims`);
 * 2. a vote: pick a factor k uniformly, a level from the points' own distribution (the level of
 *    a uniformly drawn point), then L = `batchSize` (64) points with v_k at that level (drawn
 *    with replacement); the vote is (k, d*) with
 *        d* = argmin_{j active} Var_batch(z_j) / s_j²                 (docs/metrics.md F1)
 * 3. the majority-vote classifier maps each active code j to argmax_k V_kj of the training
 *    votes; train accuracy is its accuracy on those votes, and the score its accuracy on
 *    `evalVotes` fresh votes drawn from the test points                (docs/metrics.md F2).
 *
 * Pure noise scores ≈ 1/K (each vote's code is independent of its factor); a code per factor
 * scores 1. No active code: score 0, as dlib.
 */
import { UserError } from '../../util/errors';
import { makeRng, type Rng } from '../../util/random';
import { checkSplit, factorLevels, type CodeSample } from './sample';

/** Options of {@link factorVaeScore}; every field has a documented default. */
export interface FactorVaeConfig {
  /** Seed of the vote sampler (default 0). */
  readonly seed?: number;
  /** L, points per vote sharing the fixed factor level (default 64, as dlib). */
  readonly batchSize?: number;
  /** Votes for fitting the majority-vote classifier (default 10 000, as dlib). */
  readonly trainVotes?: number;
  /** Fresh votes for the score (default 5 000, as dlib). */
  readonly evalVotes?: number;
  /** Training points for the global variances (default 10 000, as dlib). */
  readonly globalVariancePoints?: number;
  /** Codes whose global standard deviation is below this are pruned (default 0.05, as dlib). */
  readonly pruneStd?: number;
}

export const FACTOR_VAE_DEFAULTS = {
  seed: 0,
  batchSize: 64,
  trainVotes: 10_000,
  evalVotes: 5_000,
  globalVariancePoints: 10_000,
  pruneStd: 0.05,
} as const;

/** Everything the FactorVAE score computes. */
export interface FactorVaeResult {
  /** Accuracy of the majority-vote classifier on the evaluation votes. */
  readonly score: number;
  /** Its accuracy on the training votes. */
  readonly trainAccuracy: number;
  /** Codes with global std ≥ pruneStd. */
  readonly activeDims: number;
  /** Per code, the factor the classifier assigns to it (−1 for an inactive code), length J. */
  readonly classifier: Int32Array;
  /** Row-major [K, J] training vote counts (zero columns for inactive codes). */
  readonly votes: Int32Array;
  /** Global standard deviation per code, length J. */
  readonly globalStd: Float64Array;
}

/** Row ids of each level of each factor: groups[k][level] (empty for unseen levels). */
export function groupByLevel(s: CodeSample, levels: Int32Array): Int32Array[][] {
  const kf = s.numFactors;
  const n = s.factors.length / kf;
  const groups: Int32Array[][] = [];
  for (let k = 0; k < kf; k++) {
    const counts = new Int32Array(levels[k]);
    for (let i = 0; i < n; i++) counts[s.factors[i * kf + k]]++;
    const g = Array.from(counts, (c) => new Int32Array(c));
    const fill = new Int32Array(levels[k]);
    for (let i = 0; i < n; i++) {
      const v = s.factors[i * kf + k];
      g[v][fill[v]++] = i;
    }
    groups.push(g);
  }
  return groups;
}

/**
 * Draw `count` votes from sample `s` into a row-major [K, J] count matrix.
 * @param groups {@link groupByLevel} of `s`.
 * @param active indices of the active codes; `scale2` their global variances (the divisor of F1).
 */
export function drawVotes(
  s: CodeSample,
  groups: Int32Array[][],
  active: readonly number[],
  scale2: Float64Array,
  count: number,
  batch: number,
  rng: Rng,
): Int32Array {
  const kf = s.numFactors;
  const jDims = s.codeDims;
  const n = s.factors.length / kf;
  const na = active.length;
  // The active codes, compacted into one float64 block (row-major [n, na]).
  const z = new Float64Array(n * na);
  for (let i = 0; i < n; i++) for (let a = 0; a < na; a++) z[i * na + a] = s.codes[i * jDims + active[a]];
  const votes = new Int32Array(kf * jDims);
  const sum = new Float64Array(na);
  const sumSq = new Float64Array(na);
  for (let v = 0; v < count; v++) {
    const k = rng.int(kf);
    const anchor = rng.int(n);
    const rows = groups[k][s.factors[anchor * kf + k]];
    sum.fill(0);
    sumSq.fill(0);
    // One-pass sums of deviations from the anchor's code (a shift that keeps the variance exact).
    for (let b = 0; b < batch; b++) {
      const r = rows[rng.int(rows.length)];
      for (let a = 0; a < na; a++) {
        const d = z[r * na + a] - z[anchor * na + a];
        sum[a] += d;
        sumSq[a] += d * d;
      }
    }
    let best = 0;
    let bestRatio = Infinity;
    for (let a = 0; a < na; a++) {
      // docs/metrics.md F1: batch variance (ddof 1) over global variance, argmin.
      const variance = (sumSq[a] - (sum[a] * sum[a]) / batch) / (batch - 1);
      const ratio = variance / scale2[a];
      if (ratio < bestRatio) {
        bestRatio = ratio;
        best = a;
      }
    }
    votes[k * jDims + active[best]]++;
  }
  return votes;
}

/** Majority-vote classifier: per code, the factor with most votes (ties → lowest k); −1 for inactive codes. */
export function majorityVote(votes: Int32Array, active: readonly number[], kf: number, jDims: number): Int32Array {
  const classifier = new Int32Array(jDims).fill(-1);
  for (const j of active) {
    let best = 0;
    for (let k = 1; k < kf; k++) if (votes[k * jDims + j] > votes[best * jDims + j]) best = k;
    classifier[j] = best;
  }
  return classifier;
}

/** Fraction of votes the classifier gets right (docs/metrics.md F2). */
export function voteAccuracy(votes: Int32Array, classifier: Int32Array, kf: number, jDims: number): number {
  let right = 0;
  let total = 0;
  for (let j = 0; j < jDims; j++) {
    for (let k = 0; k < kf; k++) total += votes[k * jDims + j];
    if (classifier[j] >= 0) right += votes[classifier[j] * jDims + j];
  }
  return total > 0 ? right / total : 0;
}

function positiveInt(v: number, what: string, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new UserError(`FactorVAE ${what} must be an integer ≥ ${min}, got ${v}`);
  return v;
}

/**
 * FactorVAE score of a representation.
 * @param train points for the global variances and the training votes.
 * @param test points for the evaluation votes (disjoint from `train` for an honest score).
 */
export function factorVaeScore(train: CodeSample, test: CodeSample, config: FactorVaeConfig = {}): FactorVaeResult {
  const { nTrain } = checkSplit(train, test);
  const seed = config.seed ?? FACTOR_VAE_DEFAULTS.seed;
  const batch = positiveInt(config.batchSize ?? FACTOR_VAE_DEFAULTS.batchSize, 'batchSize', 2);
  const trainVotes = positiveInt(config.trainVotes ?? FACTOR_VAE_DEFAULTS.trainVotes, 'trainVotes');
  const evalVotes = positiveInt(config.evalVotes ?? FACTOR_VAE_DEFAULTS.evalVotes, 'evalVotes');
  const gvPoints = positiveInt(config.globalVariancePoints ?? FACTOR_VAE_DEFAULTS.globalVariancePoints, 'globalVariancePoints', 2);
  const pruneStd = config.pruneStd ?? FACTOR_VAE_DEFAULTS.pruneStd;
  if (!(pruneStd >= 0)) throw new UserError(`FactorVAE pruneStd must be ≥ 0, got ${pruneStd}`);
  const jDims = train.codeDims;
  const kf = train.numFactors;
  const levels = factorLevels([train, test]);

  // Global variances (ddof 1) over the first ≤ gvPoints training points.
  const m = Math.min(nTrain, gvPoints);
  const globalStd = new Float64Array(jDims);
  for (let j = 0; j < jDims; j++) {
    let mean = 0;
    for (let i = 0; i < m; i++) mean += train.codes[i * jDims + j];
    mean /= m;
    let v = 0;
    for (let i = 0; i < m; i++) v += (train.codes[i * jDims + j] - mean) ** 2;
    globalStd[j] = Math.sqrt(v / (m - 1));
  }
  const active: number[] = [];
  for (let j = 0; j < jDims; j++) if (globalStd[j] >= pruneStd && globalStd[j] > 0) active.push(j);
  if (active.length === 0) {
    const none = new Int32Array(jDims).fill(-1);
    return { score: 0, trainAccuracy: 0, activeDims: 0, classifier: none, votes: new Int32Array(kf * jDims), globalStd };
  }
  const scale2 = Float64Array.from(active, (j) => globalStd[j] ** 2);
  const rng = makeRng(seed);
  const votes = drawVotes(train, groupByLevel(train, levels), active, scale2, trainVotes, batch, rng);
  const classifier = majorityVote(votes, active, kf, jDims);
  const evalCounts = drawVotes(test, groupByLevel(test, levels), active, scale2, evalVotes, batch, rng);
  return {
    score: voteAccuracy(evalCounts, classifier, kf, jDims),
    trainAccuracy: voteAccuracy(votes, classifier, kf, jDims),
    activeDims: active.length,
    classifier,
    votes,
    globalStd,
  };
}
