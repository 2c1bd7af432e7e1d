/**
 * Effect size of paired data: Cohen's d_z = mean(d) / sd(d), d_i = a_i − b_i, sd with the
 * n − 1 denominator (Cohen 1988, §2.3.5; Lakens 2013, eq. 6) — the standardised mean
 * difference the paired t-test and its power (power.ts) are written in. Optionally
 * Hedges-corrected: g_z = J(n − 1) · d_z with the exact small-sample factor
 * J(ν) = Γ(ν/2) / (√(ν/2) · Γ((ν − 1)/2)) (Hedges 1981; ≈ 1 − 3/(4ν − 1)), which removes the
 * upward bias of d_z for normal data.
 */
import { UserError } from '../../util/errors';
import type { NumericArray } from '../arrays';
import { logGamma, mean, sampleStd } from '../stats';
import { pairedDifferences } from './wilcoxon';

export interface EffectSize {
  /** Cohen's d_z (or g_z when hedges). ±Infinity when every difference is the same non-zero value; 0 when all are 0. */
  readonly value: number;
  readonly kind: 'cohen-dz' | 'hedges-gz';
  readonly n: number;
}

/** Hedges' exact bias-correction factor J(ν) for ν = n − 1 degrees of freedom (ν ≥ 2). */
export function hedgesJ(df: number): number {
  if (!(df >= 2)) throw new UserError(`Hedges' correction needs at least 3 pairs (df ≥ 2), got df = ${df}`);
  return Math.exp(logGamma(df / 2) - logGamma((df - 1) / 2)) / Math.sqrt(df / 2);
}

/** d_z (or Hedges' g_z) of the differences a − b. Needs n ≥ 2 (n ≥ 3 with hedges). */
export function pairedEffectSize(a: NumericArray, b: NumericArray, options: { hedges?: boolean } = {}): EffectSize {
  return effectSizeOfDiffs(pairedDifferences(a, b, 'paired effect size'), options);
}

/** d_z (or g_z) of paired differences d. */
export function effectSizeOfDiffs(d: NumericArray, options: { hedges?: boolean } = {}): EffectSize {
  const n = d.length;
  if (n < 2) throw new UserError(`paired effect size needs at least 2 pairs, got ${n}; run more seeds`);
  const m = mean(d);
  const s = sampleStd(d);
  const dz = s > 0 ? m / s : m === 0 ? 0 : Math.sign(m) * Infinity;
  if (!options.hedges) return { value: dz, kind: 'cohen-dz', n };
  return { value: hedgesJ(n - 1) * dz, kind: 'hedges-gz', n };
}
