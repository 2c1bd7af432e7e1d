/**
 * E2 — the Naive-Bayes split of the prior KL (docs/theory.md §E2). With
 *   q(a, b | x) = q(a | x, b) q(b | x)      and      p(a, b) = p(a | b) Π_i p(b_i),
 * the chain rule of KL and the factorised prior give, exactly,
 *   KL(q(a,b|x) ‖ p(a,b)) = E_{q(b|x)} KL(q(a|x,b) ‖ p(a|b)) + Σ_i KL(q(b_i|x) ‖ p(b_i)) + TC(q(b|x)),
 *   TC(q(b|x)) = KL(q(b|x) ‖ Π_i q(b_i|x))  (total correlation, ≥ 0).
 * The paper's form (E2) is the case TC = 0, i.e. q(b|x) factorises. Everything is linear-
 * Gaussian here so each term is analytic:
 *   q(b|x) = N(mb, Sb);  q(a|x,b) = N(A b + e, Sa);  p(a|b) = N(C b + d, Ra);  p(b_i) = N(μ_i, v_i).
 * DeepDIVE's optimised objective is the special case A = 0 (a encoded from x alone) and
 * p(a|b) = N(0, I) (C = 0, d = 0, Ra = I), where the first term is KL(q(a|x) ‖ N(0, I)).
 */
import type { Rng } from '../util/random';
import { UserError } from '../util/errors';
import { type Gaussian, gaussian, klDiagGaussian, klGaussian, logDensity, normalLogPdf, sampleGaussian } from './gaussian';
import {
  type Matrix,
  add,
  blocks2,
  cholesky,
  cholSolveMatrix,
  diag,
  diagOf,
  identity,
  logDetFromCholesky,
  mahalanobisSq,
  matmul,
  matvec,
  sub,
  symmetrize,
  trace,
  transpose,
  vadd,
  vsub,
  zeros,
} from '../math/linalg';
import { mcExpectation, type McEstimate } from './montecarlo';
import { randomMatrix, randomSpd, randomVector, uniformIn } from './randomParams';

/** q(a, b | x) at one x, as q(a | x, b) q(b | x). */
export interface FactorisedPosterior {
  /** q(b|x) = N(mb, Sb) over the dB marginal (label) dims. */
  readonly qb: Gaussian;
  /** q(a|x,b) = N(A b + e, Sa): A is dA × dB, e has dA entries, Sa is dA × dA. */
  readonly A: Matrix;
  readonly e: Float64Array;
  readonly Sa: Matrix;
}

/** p(a, b) = p(a | b) Π_i p(b_i). */
export interface FactorisedPrior {
  /** p(a|b) = N(C b + d, Ra). */
  readonly C: Matrix;
  readonly d: Float64Array;
  readonly Ra: Matrix;
  /** p(b_i) = N(bMean_i, bVar_i) (variances). */
  readonly bMean: Float64Array;
  readonly bVar: Float64Array;
}

/** The standard prior of DeepDIVE's optimised objective: p(a|b) = N(0, I), p(b_i) = N(0, 1). */
export function standardPrior(dimA: number, dimB: number): FactorisedPrior {
  return { C: zeros(dimA, dimB), d: new Float64Array(dimA), Ra: identity(dimA), bMean: new Float64Array(dimB), bVar: new Float64Array(dimB).fill(1) };
}

/** The joint q(a, b | x) as one Gaussian over [a; b]: mean [A mb + e; mb], cov [[Sa + A Sb Aᵀ, A Sb], [Sb Aᵀ, Sb]]. */
export function jointPosterior(q: FactorisedPosterior): Gaussian {
  const { qb, A, e, Sa } = q;
  const ASb = matmul(A, qb.cov);
  const mean = new Float64Array(A.rows + A.cols);
  mean.set(vadd(matvec(A, qb.mean), e), 0);
  mean.set(qb.mean, A.rows);
  return gaussian(mean, symmetrize(blocks2(add(Sa, matmul(ASb, transpose(A))), ASb, transpose(ASb), qb.cov)), 'joint q(a,b|x)');
}

/** The joint prior p(a, b) as one Gaussian over [a; b]. */
export function jointPrior(p: FactorisedPrior): Gaussian {
  const Vb = diag(p.bVar);
  const CVb = matmul(p.C, Vb);
  const mean = new Float64Array(p.C.rows + p.C.cols);
  mean.set(vadd(matvec(p.C, p.bMean), p.d), 0);
  mean.set(p.bMean, p.C.rows);
  return gaussian(mean, symmetrize(blocks2(add(p.Ra, matmul(CVb, transpose(p.C))), CVb, transpose(CVb), Vb)), 'joint prior p(a,b)');
}

/**
 * E_{q(b|x)} KL(q(a|x,b) ‖ p(a|b)) in closed form. With Δ(b) = (A − C) b + e − d:
 *   ½ [ tr(Ra⁻¹ Sa) − dA + log det Ra − log det Sa + Δ(mb)ᵀ Ra⁻¹ Δ(mb) + tr(Ra⁻¹ (A−C) Sb (A−C)ᵀ) ].
 */
export function expectedConditionalKl(q: FactorisedPosterior, p: FactorisedPrior): number {
  const La = cholesky(p.Ra, 'Ra');
  const Ls = cholesky(q.Sa, 'Sa');
  const D = sub(q.A, p.C);
  const delta = vadd(matvec(D, q.qb.mean), vsub(q.e, p.d));
  const dA = q.Sa.rows;
  return 0.5 * (
    trace(cholSolveMatrix(La, q.Sa)) - dA + logDetFromCholesky(La) - logDetFromCholesky(Ls)
    + mahalanobisSq(La, delta) + trace(cholSolveMatrix(La, matmul(matmul(D, q.qb.cov), transpose(D))))
  );
}

/** KL(q(b_i|x) ‖ p(b_i)) for each marginal dim i (one term per label). */
export function marginalKls(q: FactorisedPosterior, p: FactorisedPrior): number[] {
  const v = diagOf(q.qb.cov);
  return Array.from(v, (vi, i) => klDiagGaussian([q.qb.mean[i]], [vi], [p.bMean[i]], [p.bVar[i]]));
}

/** Total correlation of N(·, Σ): KL(N(Σ) ‖ Π_i N(Σ_ii)) = ½ (Σ_i log Σ_ii − log det Σ) = −½ log det(correlation). */
export function totalCorrelation(cov: Matrix): number {
  const L = cholesky(cov, 'covariance');
  let s = 0;
  for (const v of diagOf(cov)) s += Math.log(v);
  return 0.5 * (s - logDetFromCholesky(L));
}

/** TC of a bivariate Gaussian with correlation ρ: −½ log(1 − ρ²). */
export function totalCorrelation2d(rho: number): number {
  if (!(Math.abs(rho) < 1)) throw new UserError(`correlation ${rho} is outside (-1, 1); give |rho| < 1`);
  return -0.5 * Math.log1p(-rho * rho);
}

/** The pieces of E2 for one encoder output and prior, in nats. */
export interface NaiveBayesDecomposition {
  /** KL(q(a,b|x) ‖ p(a,b)) between the two joint Gaussians. */
  readonly jointKl: number;
  /** E_{q(b|x)} KL(q(a|x,b) ‖ p(a|b)). */
  readonly conditionalTerm: number;
  /** KL(q(b_i|x) ‖ p(b_i)) per label. */
  readonly marginalTerms: number[];
  /** The Naive-Bayes right side of E2: conditionalTerm + Σ marginalTerms. */
  readonly naiveBayes: number;
  /** jointKl − naiveBayes (0 when q(b|x) factorises). */
  readonly gap: number;
  /** TC(q(b|x)). */
  readonly totalCorrelation: number;
  /** |gap − TC| / max(1, jointKl): the error of the exact identity. */
  readonly relError: number;
}

export function naiveBayesDecomposition(q: FactorisedPosterior, p: FactorisedPrior): NaiveBayesDecomposition {
  const jointKl = klGaussian(jointPosterior(q), jointPrior(p)); // E2: left side, KL(q(a,b|x) ‖ p(a,b))
  const conditionalTerm = expectedConditionalKl(q, p); // E2: E_{q(b|x)} KL(q(a|x,b) ‖ p(a|b))
  const marginalTerms = marginalKls(q, p); // E2: Σ_i KL(q(b_i|x) ‖ p(b_i))
  const naiveBayes = conditionalTerm + marginalTerms.reduce((s, v) => s + v, 0);
  const tc = totalCorrelation(q.qb.cov); // E2 gap when q(b|x) does not factorise
  const gap = jointKl - naiveBayes;
  return { jointKl, conditionalTerm, marginalTerms, naiveBayes, gap, totalCorrelation: tc, relError: Math.abs(gap - tc) / Math.max(1, jointKl) };
}

/** Monte Carlo TC = E_{q(b)}[log q(b) − Σ_i log q(b_i)] from n draws. */
export function mcTotalCorrelation(qb: Gaussian, n: number, rng: Rng): McEstimate {
  const v = diagOf(qb.cov);
  return mcExpectation(
    (r) => sampleGaussian(qb, r),
    (b) => {
      let s = logDensity(qb, b);
      for (let i = 0; i < b.length; i++) s -= normalLogPdf(b[i], qb.mean[i], v[i]);
      return s;
    },
    n,
    rng,
  );
}

/**
 * A random encoder output: q(b|x) with a random correlated covariance, or a diagonal one when
 * `factorised` (then E2 holds exactly); q(a|x,b) with a random linear dependence on b.
 */
export function randomFactorisedPosterior(dimA: number, dimB: number, rng: Rng, factorised: boolean): FactorisedPosterior {
  const Sb = factorised
    ? diag(Array.from({ length: dimB }, () => uniformIn(rng, 0.1, 2)))
    : randomSpd(dimB, rng, 1, 0.05);
  return {
    qb: gaussian(randomVector(dimB, rng), Sb, 'q(b|x)'),
    A: randomMatrix(dimA, dimB, rng, 0.7),
    e: randomVector(dimA, rng),
    Sa: randomSpd(dimA, rng, 1, 0.1),
  };
}

/** A random factorised prior: p(a|b) linear-Gaussian in b, p(b_i) independent normals. */
export function randomFactorisedPrior(dimA: number, dimB: number, rng: Rng): FactorisedPrior {
  return {
    C: randomMatrix(dimA, dimB, rng, 0.5),
    d: randomVector(dimA, rng, 0.5),
    Ra: randomSpd(dimA, rng, 1, 0.2),
    bMean: randomVector(dimB, rng),
    bVar: Float64Array.from({ length: dimB }, () => uniformIn(rng, 0.3, 3)),
  };
}

/** A 2-d q(b|x) covariance with unit variances and correlation ρ (for TC-vs-correlation curves). */
export function correlatedCov2d(rho: number, s1 = 1, s2 = 1): Matrix {
  return { rows: 2, cols: 2, data: Float64Array.from([s1 * s1, rho * s1 * s2, rho * s1 * s2, s2 * s2]) };
}
