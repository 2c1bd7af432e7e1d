/**
 * Multivariate normal distributions in float64: closed-form KL divergence (diagonal and full
 * covariance), log-density, entropy, marginals and seeded sampling. All the E1/E2 identities in
 * docs/theory.md reduce to these formulas, so they are written once here and tested against
 * Monte Carlo in tests/theory/gaussian.test.ts.
 */
import { LOG_2PI } from '../util/math';
import type { Rng } from '../util/random';
import { UserError } from '../util/errors';
import {
  type Matrix,
  cholesky,
  cholSolveMatrix,
  diag,
  logDetFromCholesky,
  mahalanobisSq,
  trace,
  vsub,
} from '../math/linalg';


/** N(mean, cov): mean has d entries, cov is d × d symmetric positive definite. */
export interface Gaussian {
  readonly mean: Float64Array;
  readonly cov: Matrix;
}

interface Factored {
  readonly chol: Matrix;
  readonly logDet: number;
}

const factorCache = new WeakMap<Matrix, Factored>();

/** Cholesky factor and log-determinant of a covariance (cached per matrix object). */
function factor(cov: Matrix, what: string): Factored {
  let f = factorCache.get(cov);
  if (!f) {
    const chol = cholesky(cov, what);
    f = { chol, logDet: logDetFromCholesky(chol) };
    factorCache.set(cov, f);
  }
  return f;
}

/** Build N(mean, cov), checking shapes and positive definiteness (UserError naming `what`). */
export function gaussian(mean: ArrayLike<number>, cov: Matrix, what = 'Gaussian'): Gaussian {
  if (cov.rows !== cov.cols || cov.rows !== mean.length) {
    throw new UserError(`${what}: mean has ${mean.length} entries but covariance is ${cov.rows}x${cov.cols}; give a d-vector and a d x d matrix`);
  }
  const g = { mean: Float64Array.from(mean), cov };
  factor(cov, `${what} covariance`);
  return g;
}

/** N(mean, diag(variances)). */
export function diagGaussian(mean: ArrayLike<number>, variances: ArrayLike<number>): Gaussian {
  return gaussian(mean, diag(variances));
}

export function dim(g: Gaussian): number {
  return g.mean.length;
}

/** log N(x; mean, cov), in nats. */
export function logDensity(g: Gaussian, x: ArrayLike<number>): number {
  const { chol, logDet } = factor(g.cov, 'covariance');
  return -0.5 * (g.mean.length * LOG_2PI + logDet + mahalanobisSq(chol, vsub(x, g.mean)));
}

/** Differential entropy H = ½ (d log 2πe + log det Σ), in nats. */
export function entropy(g: Gaussian): number {
  const { logDet } = factor(g.cov, 'covariance');
  return 0.5 * (g.mean.length * (LOG_2PI + 1) + logDet);
}

/**
 * KL(q ‖ p) = ½ [ tr(Σp⁻¹ Σq) + (μp−μq)ᵀ Σp⁻¹ (μp−μq) − d + log det Σp − log det Σq ], in nats.
 */
export function klGaussian(q: Gaussian, p: Gaussian): number {
  const d = q.mean.length;
  if (p.mean.length !== d) throw new UserError(`KL between Gaussians of dimension ${d} and ${p.mean.length}; give equal dimensions`);
  const fp = factor(p.cov, 'p covariance');
  const fq = factor(q.cov, 'q covariance');
  const tr = trace(cholSolveMatrix(fp.chol, q.cov));
  const maha = mahalanobisSq(fp.chol, vsub(p.mean, q.mean));
  return 0.5 * (tr + maha - d + fp.logDet - fq.logDet);
}

/**
 * KL between diagonal Gaussians, Σ_i ½ [ vq_i/vp_i + (μp_i−μq_i)²/vp_i − 1 + log vp_i − log vq_i ]
 * (variances, not standard deviations).
 */
export function klDiagGaussian(
  muQ: ArrayLike<number>,
  varQ: ArrayLike<number>,
  muP: ArrayLike<number>,
  varP: ArrayLike<number>,
): number {
  let s = 0;
  for (let i = 0; i < muQ.length; i++) {
    s += 0.5 * (varQ[i] / varP[i] + (muP[i] - muQ[i]) ** 2 / varP[i] - 1 + Math.log(varP[i]) - Math.log(varQ[i]));
  }
  return s;
}

/** log N(x; m, v) for scalars (v is a variance). */
export function normalLogPdf(x: number, m: number, v: number): number {
  return -0.5 * (LOG_2PI + Math.log(v) + (x - m) ** 2 / v);
}

/** One draw x = μ + L ε, ε ~ N(0, I), from the seeded generator. */
export function sampleGaussian(g: Gaussian, rng: Rng): Float64Array {
  const { chol } = factor(g.cov, 'covariance');
  const d = g.mean.length;
  const eps = new Float64Array(d);
  for (let i = 0; i < d; i++) eps[i] = rng.normal();
  const x = Float64Array.from(g.mean);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let k = 0; k <= i; k++) s += chol.data[i * d + k] * eps[k];
    x[i] += s;
  }
  return x;
}

/** The marginal of the coordinates `idx` (in that order). */
export function marginal(g: Gaussian, idx: readonly number[]): Gaussian {
  const d = g.mean.length;
  const k = idx.length;
  const mean = new Float64Array(k);
  const cov: Matrix = { rows: k, cols: k, data: new Float64Array(k * k) };
  idx.forEach((i, a) => {
    mean[a] = g.mean[i];
    idx.forEach((j, b) => (cov.data[a * k + b] = g.cov.data[i * d + j]));
  });
  return { mean, cov };
}

/** Σ_i KL(N(μq_i, Σq_ii) ‖ N(μp_i, Σp_ii)): the sum of one-dimensional marginal KLs. */
export function sumMarginalKl(q: Gaussian, p: Gaussian): number {
  const d = q.mean.length;
  let s = 0;
  for (let i = 0; i < d; i++) {
    s += klDiagGaussian([q.mean[i]], [q.cov.data[i * d + i]], [p.mean[i]], [p.cov.data[i * d + i]]);
  }
  return s;
}
