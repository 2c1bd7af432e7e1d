/**
 * Implicit differentiation of the inner problem on its active set (docs/design.md §Sparse
 * base-predictors, S2; Bertrand et al. 2020, the authors' `sparsify`): the forward solves the
 * Lasso (or ridge) exactly off the tape (lib/methods/sparse/lasso.ts `lassoGram`, the ridge in
 * closed form by ridge.ts `ridgeGram`) and keeps the
 * support S and signs s_S; on S the solution is the linear system
 *
 *   A w_S = b,   A = Φ_SᵀΦ_S/n + μI,   b = Φ_Sᵀy/n − λ s_S,   w_{∉S} = 0                  (S2)
 *
 * so for an upstream gradient g = ∂L/∂w_S, with v = A⁻¹g (Cholesky, |S| ≤ m′):
 *
 *   ∂L/∂Φ_S = (y vᵀ − Φ_S(v w_Sᵀ + w_S vᵀ))/n,   ∂L/∂Φ_{∉S} = 0,   ∂L/∂y = Φ_S v/n         (S2′)
 *
 * λ and μ are constants (stop-gradient, computed from the values). Valid where the support is
 * locally stable (away from kinks), which holds almost everywhere.
 */
import * as tf from '@tensorflow/tfjs';
import { cholesky, cholSolve } from '../../math/linalg';
import { gramOf, lambdaMax, type Gram } from './lasso';
import { solveGram } from './ridge';

/** Inner regularisation from the values (stop-gradient): λ (ℓ₁) and μ (ridge) per problem. */
export type InnerHyper = (g: Gram) => { lambda: Float64Array; mu: Float64Array };

/** Lasso: λ = l1reg·λ_max (S1), μ = 0. */
export function lassoHyper(l1reg: number): InnerHyper {
  return (g) => ({ lambda: lambdaMax(g).map((v) => l1reg * v), mu: new Float64Array(g.T) });
}

/** Ridge: λ = 0, μ = l2reg·‖Φ‖_F²/n = l2reg·tr(G) (the authors' λ₂ scaling; docs/design.md S4). */
export function ridgeHyper(l2reg: number): InnerHyper {
  return (g) => {
    const mu = new Float64Array(g.T);
    for (let t = 0; t < g.T; t++) for (let a = 0; a < g.m; a++) mu[t] += l2reg * g.G[(t * g.m + a) * g.m + a];
    return { lambda: new Float64Array(g.T), mu };
  };
}

/**
 * ŵ(Φ, y) [T, m, 1] for Φ [T, n, m], y [T, n, 1], with the implicit gradient S2′. `onSolve`
 * (optional) receives the float64 solution (supports, for diagnostics).
 */
export function implicitSolve(phi: tf.Tensor3D, y: tf.Tensor3D, hyper: InnerHyper, onSolve?: (w: Float64Array, support: Int32Array[]) => void): tf.Tensor3D {
  const [T, n, m] = phi.shape;
  const op = tf.customGrad(((p: tf.Tensor, yy: tf.Tensor) => {
    const pv = Float64Array.from(p.dataSync());
    const yv = Float64Array.from(yy.dataSync());
    const g = gramOf(pv, yv, T, n, m);
    const { lambda, mu } = hyper(g);
    const sol = solveGram(g, lambda, mu);
    onSolve?.(sol.w, sol.support);
    const value = tf.tensor3d(Float32Array.from(sol.w), [T, m, 1]);
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const gv = dy.dataSync();
      const dPhi = new Float32Array(T * n * m), dY = new Float32Array(T * n);
      for (let t = 0; t < T; t++) {
        const S = sol.support[t];
        const s = S.length;
        if (s === 0) continue;
        const A = { rows: s, cols: s, data: new Float64Array(s * s) };
        S.forEach((a, i) => S.forEach((b, k) => { A.data[i * s + k] = g.G[(t * m + a) * m + b] + (a === b ? mu[t] : 0); }));
        const v = cholSolve(cholesky(A, 'active-set Gram Φ_SᵀΦ_S/n'), Array.from(S, (a) => gv[t * m + a])); // A v = g
        const wS = Array.from(S, (a) => sol.w[t * m + a]);
        for (let i = 0; i < n; i++) {
          const row = (t * n + i) * m;
          let phiV = 0, phiW = 0;
          S.forEach((a, k) => { phiV += pv[row + a] * v[k]; phiW += pv[row + a] * wS[k]; });
          const yi = yv[t * n + i];
          // S2′: (y vᵀ − Φ_S v w_Sᵀ − Φ_S w_S vᵀ)/n on the support columns.
          S.forEach((a, k) => { dPhi[row + a] = (yi * v[k] - phiV * wS[k] - phiW * v[k]) / n; });
          dY[t * n + i] = phiV / n;
        }
      }
      return [tf.tensor3d(dPhi, [T, n, m]), tf.tensor3d(dY, [T, n, 1])];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(phi, y) as tf.Tensor3D;
}
