/**
 * Power of the paired (one-sample) t-test and the number of pairs — seeds — needed to detect a
 * standardised effect d_z (effectSize.ts).
 *
 * Exact method (default): with n pairs the statistic T = √n · mean(d)/sd(d) follows a
 * noncentral t with ν = n − 1 degrees of freedom and noncentrality δ = d_z·√n; two-sided at
 * level α the power is 1 − F(t_c; ν, δ) + F(−t_c; ν, δ), t_c = t_{1−α/2, ν}; one-sided it is
 * 1 − F(t_{1−α, ν}; ν, δ) (for d_z > 0). `seedsNeeded` returns the smallest n ≥ 2 whose power
 * reaches the target — the value G*Power ("means: difference from constant") and R's
 * `pwr.t.test(type = "paired")` (rounded up) print: d_z = 0.5 → 34, 0.8 → 15, 0.2 → 199 at
 * α = 0.05 two-sided, 80 % power.
 *
 * Approximate method ('normal'): n = ((z_{1−α/2} + z_{power}) / d_z)² + z²_{1−α/2}/2, rounded
 * up — the normal formula with Guenther's (1981) t correction, within one pair of the exact
 * answer for the usual effect sizes.
 *
 * The noncentral t CDF is the Poisson-mixture series of Lenth (1989, AS 243): for t ≥ 0,
 *   F(t; ν, δ) = Φ(−δ) + ½ Σ_j [P_j I_x(j + ½, ν/2) + Q_j I_x(j + 1, ν/2)],  x = t²/(t² + ν),
 *   P_j = e^{−δ²/2}(δ²/2)^j / j!,  Q_j = δ e^{−δ²/2}(δ²/2)^j / (√2 Γ(j + 3/2)),
 * and F(t; ν, δ) = 1 − F(−t; ν, −δ) for t < 0; summed in log space until the Poisson weights
 * are negligible (< 1e-17 relative), accurate to ~1e-12 for |δ| ≤ 40.
 */
import { UserError } from '../../util/errors';
import { incompleteBeta, logGamma, normalCdf, normalQuantile, studentTCdf, studentTQuantile } from '../stats';

/** CDF of the noncentral t distribution with `df` degrees of freedom and noncentrality `ncp`. */
export function noncentralTCdf(t: number, df: number, ncp: number): number {
  if (!(df > 0)) throw new UserError(`degrees of freedom must be positive, got ${df}`);
  if (!Number.isFinite(ncp)) throw new UserError(`noncentrality must be finite, got ${ncp}`);
  if (ncp === 0) return studentTCdf(t, df);
  if (t < 0) return 1 - noncentralTCdf(-t, df, -ncp);
  if (t === Infinity) return 1;
  const x = (t * t) / (t * t + df);
  const lambda = (ncp * ncp) / 2;
  const logLambda = Math.log(lambda);
  const halfDf = df / 2;
  let sum = 0;
  // Sum from j = 0 up to well past the Poisson mode λ: terms beyond λ + 15√λ + 40 weigh < 1e-17.
  const jMax = Math.ceil(lambda + 15 * Math.sqrt(lambda) + 40);
  for (let j = 0; j <= jMax; j++) {
    const logP = -lambda + j * logLambda - logGamma(j + 1);
    const logQ = -lambda + j * logLambda - logGamma(j + 1.5) - 0.5 * Math.LN2;
    const p = Math.exp(logP);
    const q = ncp * Math.exp(logQ);
    if (x > 0) sum += p * incompleteBeta(x, j + 0.5, halfDf) + q * incompleteBeta(x, j + 1, halfDf);
    if (j > lambda && p < 1e-17 && Math.abs(q) < 1e-17) break;
  }
  const f = normalCdf(-ncp) + 0.5 * sum;
  return Math.min(1, Math.max(0, f));
}

export interface PowerOptions {
  /** Significance level. Default 0.05. */
  readonly alpha?: number;
  /** 2 (two-sided, default) or 1 (one-sided in the direction of the effect). */
  readonly sides?: 1 | 2;
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`alpha must be in (0, 1), got ${alpha}`);
}

/** Power of the paired t-test with n pairs against a true effect d_z (exact, noncentral t). */
export function pairedTPower(n: number, dz: number, options: PowerOptions = {}): number {
  const alpha = options.alpha ?? 0.05;
  const sides = options.sides ?? 2;
  checkAlpha(alpha);
  if (!Number.isInteger(n) || n < 2) throw new UserError(`number of pairs must be an integer ≥ 2, got ${n}`);
  if (!Number.isFinite(dz)) throw new UserError(`effect size must be finite, got ${dz}`);
  const df = n - 1;
  const ncp = Math.abs(dz) * Math.sqrt(n);
  if (sides === 1) return 1 - noncentralTCdf(studentTQuantile(1 - alpha, df), df, ncp);
  const tc = studentTQuantile(1 - alpha / 2, df);
  return 1 - noncentralTCdf(tc, df, ncp) + noncentralTCdf(-tc, df, ncp);
}

export interface SeedsNeededOptions extends PowerOptions {
  /** Target power. Default 0.8. */
  readonly power?: number;
  /** 'noncentral-t' (exact, default) or 'normal' (normal formula with the t correction). */
  readonly method?: 'noncentral-t' | 'normal';
  /** Give up above this many pairs (returns Infinity). Default 1e6. */
  readonly maxN?: number;
}

/**
 * Smallest number of pairs (seeds) for which the paired t-test reaches `power` against the
 * effect d_z (see module doc). Infinity for d_z = 0 or beyond `maxN`.
 */
export function seedsNeeded(dz: number, options: SeedsNeededOptions = {}): number {
  const alpha = options.alpha ?? 0.05;
  const target = options.power ?? 0.8;
  const sides = options.sides ?? 2;
  const maxN = options.maxN ?? 1e6;
  checkAlpha(alpha);
  if (!(target > alpha && target < 1)) throw new UserError(`target power must be in (alpha, 1), got ${target}`);
  if (!Number.isFinite(dz)) throw new UserError(`effect size must be finite, got ${dz}; with zero spread every seed agrees and no test is needed`);
  const d = Math.abs(dz);
  if (d === 0) return Infinity;
  if (options.method === 'normal') {
    const za = normalQuantile(1 - alpha / sides);
    const zb = normalQuantile(target);
    const n = Math.ceil(((za + zb) / d) ** 2 + (za * za) / 2);
    return n > maxN ? Infinity : Math.max(2, n);
  }
  const ok = (n: number): boolean => pairedTPower(n, d, { alpha, sides }) >= target;
  if (ok(2)) return 2;
  let lo = 2; // power(lo) < target
  let hi = 4;
  while (!ok(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > maxN) return ok(maxN) ? bisect(lo, maxN, ok) : Infinity;
  }
  return bisect(lo, hi, ok);
}

/** Smallest n in (lo, hi] with ok(n), given !ok(lo) and ok(hi) (power increases with n). */
function bisect(lo: number, hi: number, ok: (n: number) => boolean): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
