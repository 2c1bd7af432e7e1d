/**
 * The inner ridge of the sparse base-predictors (docs/design.md §Sparse base-predictors, S4), in
 * closed form:
 *
 *   ŵ = argmin_w (1/2n)‖Φw − y‖² + (μ/2)‖w‖²  =  (G + μI)⁻¹ c,   G = ΦᵀΦ/n, c = Φᵀy/n        (S4)
 *
 * with μ = l2reg·‖Φ‖_F²/n from the values (implicit.ts `ridgeHyper`; the authors' `ridge_solver`
 * objective with their λ₂ scaling). One Cholesky solve per problem; the support is every
 * coordinate, so the implicit gradient S2′ (implicit.ts) runs on the full support. Used for every
 * problem whose ℓ₁ weight is 0 (`solveGram`), in place of coordinate descent.
 */
import { cholesky, cholSolve } from '../../math/linalg';
import { lassoGram, type Gram, type GramSolution } from './lasso';

/** (G_t + μ_t I)⁻¹ c_t for each problem (μ_t > 0, or G_t positive definite). */
export function ridgeGram(g: Gram, mu: ArrayLike<number>): GramSolution {
  const { T, m, G, c } = g;
  const w = new Float64Array(T * m);
  const all = Int32Array.from({ length: m }, (_, j) => j);
  const support: Int32Array[] = [];
  for (let t = 0; t < T; t++) {
    const A = { rows: m, cols: m, data: new Float64Array(m * m) };
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) A.data[a * m + b] = G[(t * m + a) * m + b] + (a === b ? mu[t] : 0);
    w.set(cholSolve(cholesky(A, 'ridge Gram G + μI'), c.subarray(t * m, (t + 1) * m)), t * m);
    support.push(all);
  }
  return { w, support };
}

/**
 * The inner solution for ℓ₁ weights λ and ridge weights μ per problem: the closed-form ridge when
 * every λ_t is 0 and every μ_t positive, else the Lasso (with its optional ridge term) by exact
 * coordinate descent (lasso.ts `lassoGram`).
 */
export function solveGram(g: Gram, lambda: ArrayLike<number>, mu: ArrayLike<number>): GramSolution {
  const ridge = Array.from(lambda).every((l) => l === 0) && Array.from(mu).every((v) => v > 0);
  return ridge ? ridgeGram(g, mu) : lassoGram(g, lambda, mu);
}
