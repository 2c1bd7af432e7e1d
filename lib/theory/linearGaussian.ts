/**
 * A linear-Gaussian joint model of (a, b, x, y) in which every term of the joint ELBO (E1 in
 * docs/paper.md, docs/theory.md §E1) is analytic, so Proposition 1 can be
 * checked to rounding error rather than to Monte Carlo noise.
 *
 *   z = [a; b] ~ N(m0, S0)                      (default N(0, I)),  dim dA + dB
 *   x = Wx z + cx + εx,        εx ~ N(0, Rx)     dim dX   (the input window)
 *   y = Wy z + V x + cy + εy,  εy ~ N(0, Ry)     dim dY   (the future; depends on x as in p(y|a,b,x))
 *
 * For any Gaussian q(z) = N(m, S) (the encoder's q(a,b|x) at one x):
 *   forecast       = E_q log p(y|a,b,x)
 *   reconstruction = E_q log p(x|a,b)
 *   priorKl        = KL(q ‖ p(a,b))
 *   L = forecast + reconstruction − priorKl,   log p(x,y) = L + KL(q ‖ p(a,b|x,y))   (E1)
 * log p(x,y) is computed from the joint Gaussian of (x, y) and the posterior by Bayes in
 * information form — two independent routes, so the identity is a real check.
 */
import { LOG_2PI } from '../util/math';
import type { Rng } from '../util/random';
import { UserError } from '../util/errors';
import { type Gaussian, gaussian, klGaussian, logDensity, sampleGaussian } from './gaussian';
import {
  type Matrix,
  add,
  axpby,
  blocks2,
  cholesky,
  cholSolve,
  cholSolveMatrix,
  identity,
  inverseSpd,
  logDetFromCholesky,
  mahalanobisSq,
  matmul,
  matvec,
  symmetrize,
  trace,
  transpose,
  vadd,
  vsub,
} from '../math/linalg';
import { mcExpectation, type McEstimate } from './montecarlo';
import { randomMatrix, randomSpd, randomVector } from './randomParams';


export interface LinearGaussianModel {
  /** Conditional (unsupervised) latent dims a and marginal (label) dims b; z = [a; b]. */
  readonly dimA: number;
  readonly dimB: number;
  readonly dimX: number;
  readonly dimY: number;
  /** p(a, b) = N(m0, S0) over z = [a; b]. */
  readonly prior: Gaussian;
  /** dX × (dA+dB) loading, dX offset, dX × dX noise covariance of x. */
  readonly Wx: Matrix;
  readonly cx: Float64Array;
  readonly Rx: Matrix;
  /** dY × (dA+dB) loading, dY × dX autoregressive term on x, dY offset, dY × dY noise covariance of y. */
  readonly Wy: Matrix;
  readonly V: Matrix;
  readonly cy: Float64Array;
  readonly Ry: Matrix;
}

export interface LinearGaussianDims {
  readonly dimA: number;
  readonly dimB: number;
  readonly dimX: number;
  readonly dimY: number;
}

/** A model with shapes checked (UserError naming the mismatched part). */
export function linearGaussianModel(m: LinearGaussianModel): LinearGaussianModel {
  const dz = m.dimA + m.dimB;
  const want: [string, Matrix, number, number][] = [
    ['Wx', m.Wx, m.dimX, dz],
    ['Rx', m.Rx, m.dimX, m.dimX],
    ['Wy', m.Wy, m.dimY, dz],
    ['V', m.V, m.dimY, m.dimX],
    ['Ry', m.Ry, m.dimY, m.dimY],
  ];
  for (const [name, mat, r, c] of want) {
    if (mat.rows !== r || mat.cols !== c) throw new UserError(`linear-Gaussian model: ${name} is ${mat.rows}x${mat.cols}, expected ${r}x${c}`);
  }
  if (m.prior.mean.length !== dz) throw new UserError(`linear-Gaussian model: prior has dimension ${m.prior.mean.length}, expected dimA+dimB = ${dz}`);
  if (m.cx.length !== m.dimX || m.cy.length !== m.dimY) throw new UserError('linear-Gaussian model: offsets cx/cy do not match dimX/dimY');
  gaussian(m.prior.mean, m.prior.cov, 'prior p(a,b)');
  cholesky(m.Rx, 'noise covariance Rx');
  cholesky(m.Ry, 'noise covariance Ry');
  return m;
}

/**
 * A random model: standard-normal prior (or a random correlated one with `generalPrior`),
 * N(0, 1/dz) loadings, noise covariances from randomSpd with scale 0.5.
 */
export function randomLinearGaussianModel(dims: LinearGaussianDims, rng: Rng, generalPrior = false): LinearGaussianModel {
  const dz = dims.dimA + dims.dimB;
  const prior = generalPrior
    ? gaussian(randomVector(dz, rng, 0.5), randomSpd(dz, rng, 1, 0.3))
    : gaussian(new Float64Array(dz), identity(dz));
  return linearGaussianModel({
    ...dims,
    prior,
    Wx: randomMatrix(dims.dimX, dz, rng, 1 / Math.sqrt(dz)),
    cx: randomVector(dims.dimX, rng, 0.5),
    Rx: randomSpd(dims.dimX, rng, 0.5, 0.05),
    Wy: randomMatrix(dims.dimY, dz, rng, 1 / Math.sqrt(dz)),
    V: randomMatrix(dims.dimY, dims.dimX, rng, 0.5 / Math.sqrt(dims.dimX)),
    cy: randomVector(dims.dimY, rng, 0.5),
    Ry: randomSpd(dims.dimY, rng, 0.5, 0.05),
  });
}

export interface JointSample {
  readonly z: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** One ancestral draw z → x → y. */
export function sampleJoint(m: LinearGaussianModel, rng: Rng): JointSample {
  const z = sampleGaussian(m.prior, rng);
  const x = sampleGaussian(gaussian(vadd(matvec(m.Wx, z), m.cx), m.Rx), rng);
  const y = sampleGaussian(gaussian(vadd(vadd(matvec(m.Wy, z), matvec(m.V, x)), m.cy), m.Ry), rng);
  return { z, x, y };
}

/** log p(x | z) = log N(x; Wx z + cx, Rx). */
export function logLikelihoodX(m: LinearGaussianModel, z: ArrayLike<number>, x: ArrayLike<number>): number {
  return logDensity({ mean: vadd(matvec(m.Wx, z), m.cx), cov: m.Rx }, x);
}

/** log p(y | z, x) = log N(y; Wy z + V x + cy, Ry). */
export function logLikelihoodY(m: LinearGaussianModel, z: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>): number {
  return logDensity({ mean: vadd(vadd(matvec(m.Wy, z), matvec(m.V, x)), m.cy), cov: m.Ry }, y);
}

/** The marginal p(x, y) = N(μ, C) of the stacked vector [x; y], z integrated out. */
export function marginalXY(m: LinearGaussianModel): Gaussian {
  const S0 = m.prior.cov;
  const m0 = m.prior.mean;
  const M = add(m.Wy, matmul(m.V, m.Wx)); // y depends on z through Wy + V Wx
  const mx = vadd(matvec(m.Wx, m0), m.cx);
  const my = vadd(vadd(matvec(M, m0), matvec(m.V, m.cx)), m.cy);
  const Cxx = add(matmul(matmul(m.Wx, S0), transpose(m.Wx)), m.Rx);
  const Cyx = add(matmul(matmul(M, S0), transpose(m.Wx)), matmul(m.V, m.Rx));
  const Cyy = add(add(matmul(matmul(M, S0), transpose(M)), matmul(matmul(m.V, m.Rx), transpose(m.V))), m.Ry);
  const mean = new Float64Array(m.dimX + m.dimY);
  mean.set(mx, 0);
  mean.set(my, m.dimX);
  return gaussian(mean, symmetrize(blocks2(Cxx, transpose(Cyx), Cyx, Cyy)), 'marginal p(x,y)');
}

/** log p(x, y), the joint evidence, in nats. */
export function logEvidence(m: LinearGaussianModel, x: ArrayLike<number>, y: ArrayLike<number>): number {
  const xy = new Float64Array(m.dimX + m.dimY);
  xy.set(Array.from(x), 0);
  xy.set(Array.from(y), m.dimX);
  return logDensity(marginalXY(m), xy);
}

/**
 * The exact posterior p(a, b | x, y) by Bayes in information form:
 *   Λ = S0⁻¹ + Wxᵀ Rx⁻¹ Wx + Wyᵀ Ry⁻¹ Wy,   μ = Λ⁻¹ [S0⁻¹ m0 + Wxᵀ Rx⁻¹ (x − cx) + Wyᵀ Ry⁻¹ (y − V x − cy)].
 */
export function posterior(m: LinearGaussianModel, x: ArrayLike<number>, y: ArrayLike<number>): Gaussian {
  const L0 = cholesky(m.prior.cov, 'prior covariance');
  const Lx = cholesky(m.Rx, 'Rx');
  const Ly = cholesky(m.Ry, 'Ry');
  const WxT = transpose(m.Wx);
  const WyT = transpose(m.Wy);
  const dz = m.dimA + m.dimB;
  const precision = symmetrize(
    add(add(cholSolveMatrix(L0, identity(dz)), matmul(WxT, cholSolveMatrix(Lx, m.Wx))), matmul(WyT, cholSolveMatrix(Ly, m.Wy))),
  );
  const rx = vsub(x, m.cx);
  const ry = vsub(vsub(y, matvec(m.V, x)), m.cy);
  const h = vadd(vadd(cholSolve(L0, m.prior.mean), matvec(WxT, cholSolve(Lx, rx))), matvec(WyT, cholSolve(Ly, ry)));
  const Lp = cholesky(precision, 'posterior precision');
  return gaussian(cholSolve(Lp, h), inverseSpd(precision, 'posterior precision'), 'posterior p(a,b|x,y)');
}

/**
 * E_q log N(t; W z + c, R) for q = N(m, S):
 *   −½ [ d log 2π + log det R + rᵀ R⁻¹ r + tr(R⁻¹ W S Wᵀ) ],  r = t − W m − c.
 */
function expectedGaussianLogLik(W: Matrix, c: ArrayLike<number>, R: Matrix, t: ArrayLike<number>, q: Gaussian): number {
  const L = cholesky(R, 'noise covariance');
  const r = vsub(vsub(t, matvec(W, q.mean)), c);
  const tr = trace(cholSolveMatrix(L, matmul(matmul(W, q.cov), transpose(W))));
  return -0.5 * (t.length * LOG_2PI + logDetFromCholesky(L) + mahalanobisSq(L, r) + tr);
}

/** Every term of E1 for one (x, y) and one Gaussian q(a, b | x), in nats. */
export interface ElboTerms {
  /** E_q log p(y | a, b, x). */
  readonly forecast: number;
  /** E_q log p(x | a, b). */
  readonly reconstruction: number;
  /** KL(q(a,b|x) ‖ p(a,b)). */
  readonly priorKl: number;
  /** L = forecast + reconstruction − priorKl. */
  readonly elbo: number;
  /** KL(q(a,b|x) ‖ p(a,b|x,y)), the gap. */
  readonly posteriorKl: number;
  /** log p(x, y) from the marginal Gaussian. */
  readonly logEvidence: number;
  /** |log p(x,y) − (L + KL(q‖posterior))| / max(1, |log p(x,y)|): E1's relative error. */
  readonly relError: number;
}

export function elboTerms(m: LinearGaussianModel, x: ArrayLike<number>, y: ArrayLike<number>, q: Gaussian): ElboTerms {
  if (q.mean.length !== m.dimA + m.dimB) throw new UserError(`q(a,b|x) has dimension ${q.mean.length}, expected dimA+dimB = ${m.dimA + m.dimB}`);
  const forecast = expectedGaussianLogLik(m.Wy, vadd(matvec(m.V, x), m.cy), m.Ry, y, q); // E1: E_q log p(y|a,b,x)
  const reconstruction = expectedGaussianLogLik(m.Wx, m.cx, m.Rx, x, q); // E1: E_q log p(x|a,b)
  const priorKl = klGaussian(q, m.prior); // E1: KL(q(a,b|x) ‖ p(a,b))
  const elbo = forecast + reconstruction - priorKl; // E1: L(x,y)
  const posteriorKl = klGaussian(q, posterior(m, x, y)); // E1: KL(q ‖ p(a,b|x,y))
  const ev = logEvidence(m, x, y);
  return { forecast, reconstruction, priorKl, elbo, posteriorKl, logEvidence: ev, relError: Math.abs(ev - (elbo + posteriorKl)) / Math.max(1, Math.abs(ev)) };
}

/**
 * Monte Carlo estimate of L = E_q[log p(y|z,x) + log p(x|z) + log p(z) − log q(z)] from n
 * draws of q — uses only log-densities, none of the closed forms above.
 */
export function mcElbo(m: LinearGaussianModel, x: ArrayLike<number>, y: ArrayLike<number>, q: Gaussian, n: number, rng: Rng): McEstimate {
  return mcExpectation(
    (r) => sampleGaussian(q, r),
    (z) => logLikelihoodY(m, z, x, y) + logLikelihoodX(m, z, x) + logDensity(m.prior, z) - logDensity(q, z),
    n,
    rng,
  );
}

/**
 * q_t = N((1−t) μ_q + t μ_p, (1−t) Σ_q + t Σ_p): a path from q (t = 0) to p (t = 1). KL(q_t ‖ p)
 * is convex in t along it (trace linear, −log det convex, Mahalanobis convex) and 0 at t = 1,
 * so it decreases monotonically to 0.
 */
export function interpolateGaussian(q: Gaussian, p: Gaussian, t: number): Gaussian {
  return gaussian(
    vadd(q.mean.map((v) => (1 - t) * v), p.mean.map((v) => t * v)),
    axpby(1 - t, q.cov, t, p.cov),
    `interpolated q_${t}`,
  );
}
