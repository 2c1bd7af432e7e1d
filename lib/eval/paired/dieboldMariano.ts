/**
 * Diebold–Mariano test of equal predictive accuracy (Diebold & Mariano 1995) on two forecasts
 * of the same T test windows, with the small-sample correction of Harvey, Leybourne & Newbold
 * (1997) — the same computation as R's `forecast::dm.test`.
 *
 * Loss differential per window t: d_t = g(e_{A,t}) − g(e_{B,t}), g the squared or absolute
 * error (averaged over the k values of a window when a window has k outputs: channels × target
 * rows). With d̄ the mean and γ̂_k = (1/T) Σ_{t>k} (d_t − d̄)(d_{t−k} − d̄) the sample
 * autocovariances, the long-run variance of d̄ for h-step forecasts (whose errors are at most
 * MA(h − 1)) is the truncated, unweighted HAC estimate
 *   V̂ = (γ̂_0 + 2 Σ_{k=1}^{h−1} γ̂_k) / T,
 * DM = d̄ / √V̂, and the HLN statistic DM* = DM · √((T + 1 − 2h + h(h − 1)/T) / T) is referred to
 * Student's t with T − 1 degrees of freedom.
 *
 * Guard: the unweighted HAC sum can be ≤ 0 for h ≥ 2. Then, like `forecast::dm.test`, the test
 * falls back to h = 1 (V̂ = γ̂_0/T, HLN factor with h = 1) and says so in `varianceFallback`.
 * γ̂_0 = 0 (every window's loss differs by the same constant) leaves the test undefined: a
 * UserError.
 *
 * Alternatives refer to d = loss(A) − loss(B): 'less' = A has the smaller expected loss.
 * Caveat: windows of a sliding-window test set overlap, so even h = 1 losses are serially
 * correlated when the target spans several rows; pass the h that matches the forecast horizon
 * in rows, which is what the MA(h − 1) argument assumes.
 */
import { UserError } from '../../util/errors';
import { assertFinite, assertLength, assertPositiveInt, type NumericArray } from '../arrays';
import { studentTCdf } from '../stats';
import type { Alternative } from './wilcoxon';

export type ForecastLoss = 'squared' | 'absolute';

export interface DieboldMarianoOptions {
  /** Forecast horizon h ≥ 1 (autocovariance lags 1 … h − 1 enter the variance). Default 1. */
  readonly horizon?: number;
  /** Default 'two-sided'. */
  readonly alternative?: Alternative;
}

export interface DieboldMarianoResult {
  /** HLN-corrected statistic DM*. */
  readonly statistic: number;
  /** Uncorrected DM = d̄ / √V̂. */
  readonly dm: number;
  /** p-value from Student's t with T − 1 df. */
  readonly pValue: number;
  /** Mean loss differential d̄ = mean(loss A − loss B). */
  readonly meanDifference: number;
  /** V̂, the estimated variance of d̄. */
  readonly variance: number;
  /** Number of windows T. */
  readonly n: number;
  /** The horizon used for the variance and the HLN factor (1 after a fallback). */
  readonly horizon: number;
  readonly alternative: Alternative;
  /** Set when the h-step variance was ≤ 0 and h = 1 was used instead. */
  readonly varianceFallback?: string;
}

/**
 * Per-window losses g(e) of a row-major [T, k] error array (k = values per window): the mean
 * of e² ('squared') or |e| ('absolute') over each window's k values.
 */
export function windowLosses(errors: NumericArray, valuesPerWindow: number, loss: ForecastLoss): Float64Array {
  assertPositiveInt(valuesPerWindow, 'values per window');
  if (loss !== 'squared' && loss !== 'absolute') throw new UserError(`loss must be 'squared' or 'absolute', got '${loss}'`);
  if (errors.length % valuesPerWindow !== 0) {
    throw new UserError(`forecast errors have ${errors.length} entries, not a multiple of ${valuesPerWindow} values per window; pass a [windows, values] array`);
  }
  assertFinite(errors, valuesPerWindow, 'forecast error', 'a forecast or target is not finite; fix the run');
  const T = errors.length / valuesPerWindow;
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let j = 0; j < valuesPerWindow; j++) {
      const e = errors[t * valuesPerWindow + j];
      s += loss === 'squared' ? e * e : Math.abs(e);
    }
    out[t] = s / valuesPerWindow;
  }
  return out;
}

/** Sample autocovariance at lag k with the 1/T denominator. */
function autocovariance(d: Float64Array, mean: number, k: number): number {
  let s = 0;
  for (let t = k; t < d.length; t++) s += (d[t] - mean) * (d[t - k] - mean);
  return s / d.length;
}

/** DM test on two per-window loss series of the same windows (see module doc). */
export function dieboldMarianoLosses(lossA: NumericArray, lossB: NumericArray, options: DieboldMarianoOptions = {}): DieboldMarianoResult {
  const h = options.horizon ?? 1;
  const alternative = options.alternative ?? 'two-sided';
  if (!['two-sided', 'less', 'greater'].includes(alternative)) throw new UserError(`alternative must be 'two-sided', 'less' or 'greater', got '${alternative}'`);
  assertPositiveInt(h, 'Diebold–Mariano horizon');
  assertLength(lossB, lossA.length, 'Diebold–Mariano: loss series of the second forecast');
  assertFinite(lossA, 1, 'Diebold–Mariano: loss of the first forecast', 'fix the run');
  assertFinite(lossB, 1, 'Diebold–Mariano: loss of the second forecast', 'fix the run');
  const T = lossA.length;
  if (T < 2 || T <= h) throw new UserError(`Diebold–Mariano needs more windows than the horizon (got ${T} windows, h = ${h}); use a longer test set`);
  const d = Float64Array.from(lossA, (x, t) => x - lossB[t]);
  let mean = 0;
  for (let t = 0; t < T; t++) mean += d[t];
  mean /= T;
  const gamma0 = autocovariance(d, mean, 0);
  if (!(gamma0 > 0)) {
    throw new UserError(`Diebold–Mariano: the loss differential is the same in all ${T} windows (variance 0), so the test is undefined; the forecasts differ by a constant or not at all`);
  }
  let lrv = gamma0;
  for (let k = 1; k < h; k++) lrv += 2 * autocovariance(d, mean, k);
  let hUsed = h;
  let varianceFallback: string | undefined;
  if (!(lrv > 0)) {
    varianceFallback = `the ${h}-step HAC variance was ${lrv.toPrecision(3)} ≤ 0; used h = 1 (lag-0 variance only)`;
    lrv = gamma0;
    hUsed = 1;
  }
  const variance = lrv / T;
  const dm = mean / Math.sqrt(variance);
  const statistic = dm * Math.sqrt((T + 1 - 2 * hUsed + (hUsed * (hUsed - 1)) / T) / T); // HLN (1997) correction, docs/statistics.md §Diebold–Mariano
  const df = T - 1;
  const pValue = alternative === 'less' ? studentTCdf(statistic, df)
    : alternative === 'greater' ? 1 - studentTCdf(statistic, df)
      : 2 * studentTCdf(-Math.abs(statistic), df);
  return { statistic, dm, pValue: Math.min(1, pValue), meanDifference: mean, variance, n: T, horizon: hUsed, alternative, ...(varianceFallback ? { varianceFallback } : {}) };
}

export interface ForecastErrors {
  /** Row-major [T, k] forecast errors (prediction − target) of model A. */
  readonly errorsA: NumericArray;
  /** The same windows' errors of model B. */
  readonly errorsB: NumericArray;
  /** k, the values per window (channels × target rows). Default 1. */
  readonly valuesPerWindow?: number;
  /** Default 'squared'. */
  readonly loss?: ForecastLoss;
}

/** DM test on two forecasts' per-window errors (losses by `windowLosses`). */
export function dieboldMariano(e: ForecastErrors, options: DieboldMarianoOptions = {}): DieboldMarianoResult {
  const k = e.valuesPerWindow ?? 1;
  const loss = e.loss ?? 'squared';
  assertLength(e.errorsB, e.errorsA.length, 'Diebold–Mariano: errors of the second forecast');
  return dieboldMarianoLosses(windowLosses(e.errorsA, k, loss), windowLosses(e.errorsB, k, loss), options);
}
