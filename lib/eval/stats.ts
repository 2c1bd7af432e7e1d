/**
 * Summaries of a metric over repeated runs (seeds): mean, sample standard deviation (n − 1),
 * Student-t confidence intervals, and the "0.1234 ± 0.0056" formatting used in result tables.
 * float64 throughout.
 */
import { UserError } from '../util/errors';
import { LOG_2PI } from '../util/math';
import { assertFinite, type NumericArray } from './arrays';
import { normalCdf as normalCdfImported } from '../theory/quadrature';

/** Mean, spread and a t-interval of one metric over runs. */
export interface RunSummary {
  /** Number of runs. */
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1 denominator); NaN when n = 1. */
  readonly std: number;
  /** Standard error of the mean, std / sqrt(n); NaN when n = 1. */
  readonly sem: number;
  /** Two-sided Student-t confidence interval of the mean at `level`; [NaN, NaN] when n = 1. */
  readonly ci: readonly [number, number];
  /** Confidence level of `ci` (default 0.95). */
  readonly level: number;
}

function checkRuns(values: NumericArray, what: string): void {
  if (values.length === 0) throw new UserError(`${what}: no values given; pass one value per run`);
  assertFinite(values, 1, what, 'a run produced a non-finite metric; drop or rerun it');
}

/** Arithmetic mean. */
export function mean(values: NumericArray): number {
  checkRuns(values, 'mean');
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** Sample standard deviation sqrt(Σ (x − x̄)² / (n − 1)); NaN for a single value. */
export function sampleStd(values: NumericArray): number {
  const m = mean(values);
  if (values.length < 2) return NaN;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] - m) * (values[i] - m);
  return Math.sqrt(s / (values.length - 1));
}

/** log Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta function I_x(a, b), x ∈ [0, 1], a, b > 0. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** CDF of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Quantile (inverse CDF) of Student's t: the t with P(T ≤ t) = p. Bisection on the CDF to
 * ~1e-12; e.g. studentTQuantile(0.975, 29) ≈ 2.0452.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new UserError(`t quantile probability must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new UserError(`degrees of freedom must be positive, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Two-sided Student-t confidence interval of the mean: x̄ ± t_{(1+level)/2, n−1} · s / sqrt(n).
 * Assumes runs are independent and roughly normal; [NaN, NaN] for a single run.
 */
export function tInterval(values: NumericArray, level = 0.95): [number, number] {
  if (!(level > 0 && level < 1)) throw new UserError(`confidence level must be in (0, 1), got ${level}`);
  const m = mean(values);
  const n = values.length;
  if (n < 2) return [NaN, NaN];
  const half = studentTQuantile((1 + level) / 2, n - 1) * (sampleStd(values) / Math.sqrt(n));
  return [m - half, m + half];
}

/** Mean, sample std, standard error and t-interval of one metric over runs. */
export function summarise(values: NumericArray, level = 0.95): RunSummary {
  const m = mean(values);
  const s = sampleStd(values);
  return { n: values.length, mean: m, std: s, sem: s / Math.sqrt(values.length), ci: tInterval(values, level), level };
}

function isRunSummary(v: NumericArray | RunSummary): v is RunSummary {
  return !Array.isArray(v) && !ArrayBuffer.isView(v) && 'mean' in v;
}

/**
 * "mean ± std" with `digits` decimals (default 4), e.g. "0.1234 ± 0.0056". With a single run
 * the spread is unknown and the text says so: "0.1234 ± n/a (n=1)".
 */
export function formatMeanStd(values: NumericArray | RunSummary, digits = 4): string {
  const s = isRunSummary(values) ? values : summarise(values);
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) throw new UserError(`digits must be an integer in 0..20, got ${digits}`);
  if (Number.isNaN(s.std)) return `${s.mean.toFixed(digits)} ± n/a (n=${s.n})`;
  return `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;
}

/** Standard normal CDF Φ(z) (erfc-based, lib/theory/quadrature.ts; ~1e-16 absolute). */
export { normalCdf } from '../theory/quadrature';

/**
 * Standard normal quantile Φ⁻¹(p): Acklam's rational approximation (relative error 1.15e-9)
 * polished by two Newton steps on Φ (lib/theory/quadrature.ts), ~1e-15 in the body; e.g.
 * normalQuantile(0.975) ≈ 1.959963984540054.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new UserError(`normal quantile probability must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lowTail = 0.02425;
  let x: number;
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - lowTail) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // Newton on Φ(x) − p (Φ' = φ); the upper tail works on 1 − Φ to keep precision.
  for (let k = 0; k < 2; k++) {
    const pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    if (!(pdf > 0)) break;
    const err = p < 0.5 ? normalCdfImported(x) - p : (1 - p) - normalCdfImported(-x);
    x -= err / pdf;
  }
  return x;
}
