/**
 * Monte Carlo estimators that report their own uncertainty: the sample mean, its standard
 * error s/√n and n. Used to check every closed form in lib/theory against sampling
 * ("within 4 standard errors").
 */
import type { Rng } from '../util/random';
import { UserError } from '../util/errors';

export interface McEstimate {
  /** Sample mean of f over the draws. */
  readonly estimate: number;
  /** Standard error of the mean, sample standard deviation / √n. */
  readonly stdError: number;
  /** Number of draws. */
  readonly n: number;
}

/** Mean and standard error of a list of values (Welford's running variance). */
export function summarize(values: ArrayLike<number>): McEstimate {
  const n = values.length;
  if (n < 2) throw new UserError(`Monte Carlo needs at least 2 draws, got ${n}; raise the sample count`);
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const delta = v - mean;
    mean += delta / (i + 1);
    m2 += delta * (v - mean);
  }
  return { estimate: mean, stdError: Math.sqrt(m2 / (n - 1) / n), n };
}

/** E_{z~sampler}[f(z)] from n seeded draws. */
export function mcExpectation<T>(sample: (rng: Rng) => T, f: (z: T) => number, n: number, rng: Rng): McEstimate {
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = f(sample(rng));
  return summarize(values);
}

/**
 * KL(q ‖ p) = E_q[log q(z) − log p(z)] from n draws of q (unbiased; p may be unnormalised only
 * if you want KL up to a constant — here both must be normalised log-densities).
 */
export function mcKl<T>(
  sampleQ: (rng: Rng) => T,
  logQ: (z: T) => number,
  logP: (z: T) => number,
  n: number,
  rng: Rng,
): McEstimate {
  return mcExpectation(sampleQ, (z) => logQ(z) - logP(z), n, rng);
}

/** |estimate − exact| in units of the standard error (∞ if the error is 0 but the value is off). */
export function zScore(mc: McEstimate, exact: number): number {
  const diff = Math.abs(mc.estimate - exact);
  if (diff === 0) return 0;
  return mc.stdError > 0 ? diff / mc.stdError : Infinity;
}
