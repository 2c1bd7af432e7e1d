/**
 * Seeded bootstrap confidence interval of the mean paired difference d̄, d_i = a_i − b_i:
 * B resamples of the n pairs with replacement (the pairs, i.e. the differences, are the units —
 * runs with the same seed share data order and split), the mean of each resample, then
 *
 * - 'percentile': the (1 − level)/2 and (1 + level)/2 quantiles of the B resampled means
 *   (linear interpolation between order statistics, R type 7 / numpy 'linear');
 * - 'bca' (default): Efron's (1987) bias-corrected and accelerated interval — the same
 *   quantiles taken at the adjusted levels α_j = Φ(ẑ₀ + (ẑ₀ + z_j)/(1 − â(ẑ₀ + z_j))), with the
 *   bias correction ẑ₀ = Φ⁻¹((#{θ*_b < d̄} + #{θ*_b ≤ d̄}) / 2B) (ties with d̄ count half — they
 *   are common with few pairs, whose resampled means take few distinct values) and the jackknife acceleration
 *   â = Σ(θ̄₍.₎ − θ₍ᵢ₎)³ / (6 [Σ(θ̄₍.₎ − θ₍ᵢ₎)²]^{3/2}), θ₍ᵢ₎ the mean without pair i (as
 *   `scipy.stats.bootstrap(method='BCa')`). When ẑ₀ is infinite (every resampled mean lies
 *   strictly above d̄, or every one strictly below) BCa is undefined and the percentile interval
 *   is returned, with `fallback` saying so. Identical differences give the zero-width [d̄, d̄].
 *
 * Same differences + seed + B → the same interval on every machine (lib/util/random.ts).
 * With few pairs (3–5 seeds) any bootstrap interval is too narrow — it cannot show more spread
 * than the n values have (n = 3 gives only 10 distinct resamples); docs/statistics.md discusses
 * why the verdict also needs the rank test.
 */
import { UserError } from '../../util/errors';
import { makeRng } from '../../util/random';
import { assertFinite, type NumericArray } from '../arrays';
import { normalCdf, normalQuantile } from '../stats';

export interface BootstrapOptions {
  /** Confidence level. Default 0.95. */
  readonly level?: number;
  /** Number of resamples B. Default 10,000. */
  readonly resamples?: number;
  /** Seed of the resampling. Default 0. */
  readonly seed?: number;
  /** Default 'bca'. */
  readonly method?: 'bca' | 'percentile';
}

export interface BootstrapInterval {
  /** d̄, the observed mean difference. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  /** The method actually used (percentile after a BCa fallback). */
  readonly method: 'bca' | 'percentile';
  readonly resamples: number;
  readonly seed: number;
  /** Why BCa was not possible, when it fell back to percentile. */
  readonly fallback?: string;
}

/** Linear-interpolation quantile (type 7) of sorted values. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The B resampled means of d (seeded). */
export function bootstrapMeans(d: NumericArray, resamples: number, seed: number): Float64Array {
  const n = d.length;
  const rng = makeRng(seed);
  const out = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[rng.int(n)];
    out[b] = s / n;
  }
  return out;
}

/** Bootstrap CI of the mean of the differences d (see module doc). Needs n ≥ 2. */
export function bootstrapMeanCi(d: NumericArray, options: BootstrapOptions = {}): BootstrapInterval {
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? 10_000;
  const seed = options.seed ?? 0;
  const method = options.method ?? 'bca';
  if (!(level > 0 && level < 1)) throw new UserError(`confidence level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(resamples) || resamples < 100) throw new UserError(`bootstrap resamples must be an integer ≥ 100, got ${resamples}`);
  if (method !== 'bca' && method !== 'percentile') throw new UserError(`bootstrap method must be 'bca' or 'percentile', got '${method}'`);
  const n = d.length;
  if (n < 2) throw new UserError(`a bootstrap interval needs at least 2 pairs, got ${n}; run more seeds`);
  assertFinite(d, 1, 'bootstrap: difference', 'drop or rerun the run that produced it');
  let estimate = 0;
  for (let i = 0; i < n; i++) estimate += d[i];
  estimate /= n;
  const means = bootstrapMeans(d, resamples, seed).sort();
  const alphaLo = (1 - level) / 2;
  const alphaHi = (1 + level) / 2;
  const percentile = (fallback?: string): BootstrapInterval => ({
    estimate,
    lower: quantileSorted(means, alphaLo),
    upper: quantileSorted(means, alphaHi),
    level,
    method: 'percentile',
    resamples,
    seed,
    ...(fallback ? { fallback } : {}),
  });
  if (method === 'percentile') return percentile();

  let below = 0;
  let atOrBelow = 0;
  for (let b = 0; b < resamples; b++) {
    if (means[b] < estimate) below++;
    if (means[b] <= estimate) atOrBelow++;
  }
  const share = (below + atOrBelow) / (2 * resamples);
  if (share === 0 || share === 1) {
    return percentile(`BCa undefined: every resampled mean lies ${share === 0 ? 'above' : 'below'} the observed mean (bias correction infinite); percentile interval used`);
  }
  const z0 = normalQuantile(share);
  // Jackknife acceleration: leave-one-out means θ_(i) = (n·d̄ − d_i)/(n − 1).
  const jack = Float64Array.from(d, (x) => (n * estimate - x) / (n - 1));
  let jackMean = 0;
  for (let i = 0; i < n; i++) jackMean += jack[i];
  jackMean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const u = jackMean - jack[i];
    num += u * u * u;
    den += u * u;
  }
  const a = den > 0 ? num / (6 * den ** 1.5) : 0;
  const adjust = (alpha: number): number => {
    const z = normalQuantile(alpha);
    return normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
  };
  const qLo = adjust(alphaLo);
  const qHi = adjust(alphaHi);
  if (!(qLo >= 0 && qLo <= 1 && qHi >= 0 && qHi <= 1)) return percentile('BCa adjusted levels are outside [0, 1]; percentile interval used');
  return { estimate, lower: quantileSorted(means, qLo), upper: quantileSorted(means, qHi), level, method: 'bca', resamples, seed };
}
