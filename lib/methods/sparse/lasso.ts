/**
 * The inner Lasso of the sparse base-predictors (docs/design.md §Sparse base-predictors, S1):
 *
 *   ŵ = argmin_w (1/2n)‖Φw − y‖² + λ‖w‖₁,   λ = l1reg · λ_max,   λ_max = ‖Φᵀy‖_∞ / n     (S1)
 *
 * λ_max is the smallest λ with ŵ = 0; it is computed from the values (a stop-gradient, as the
 * authors' `--use_plam`). Two solvers:
 * - {@link fistaLasso}: FISTA (Beck & Teboulle 2009) in tf ops, batched over tasks, step 1/L with
 *   L = λ_max(ΦᵀΦ/n) (the Lipschitz constant of the smooth part, from the values); every step is
 *   on the tape, so autodiff through it is the unrolled gradient (the authors' `--unroll`).
 * - {@link lassoGram}: exact coordinate descent in float64 on the Gram form, polished on its
 *   support (the forward of the implicit gradient, lib/methods/sparse/implicit.ts, and the
 *   few-shot heads).
 */
import * as tf from '@tensorflow/tfjs';
import { symmetricEigen } from '../../eval/latent';
import { cholesky, cholSolve } from '../../math/linalg';

/** Float64 Gram form of T problems: G_t = Φ_tᵀΦ_t/n [m, m], c_t = Φ_tᵀy_t/n [m]. */
export interface Gram {
  readonly T: number;
  readonly n: number;
  readonly m: number;
  /** [T, m, m] row-major. */
  readonly G: Float64Array;
  /** [T, m]. */
  readonly c: Float64Array;
}

/** Gram form from row-major Φ [T, n, m] and y [T, n]. */
export function gramOf(phi: ArrayLike<number>, y: ArrayLike<number>, T: number, n: number, m: number): Gram {
  const G = new Float64Array(T * m * m), c = new Float64Array(T * m);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) {
      const row = (t * n + i) * m;
      const yi = y[t * n + i];
      for (let a = 0; a < m; a++) {
        const pa = phi[row + a];
        c[t * m + a] += (pa * yi) / n;
        for (let b = a; b < m; b++) G[(t * m + a) * m + b] += (pa * phi[row + b]) / n;
      }
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) G[(t * m + a) * m + b] = G[(t * m + b) * m + a];
  }
  return { T, n, m, G, c };
}

/** λ_max = ‖Φᵀy‖_∞/n of each problem (S1). */
export function lambdaMax(g: Gram): Float64Array {
  const out = new Float64Array(g.T);
  for (let t = 0; t < g.T; t++) for (let a = 0; a < g.m; a++) out[t] = Math.max(out[t], Math.abs(g.c[t * g.m + a]));
  return out;
}

/** Largest eigenvalue of each G_t (the Lipschitz constant L of the smooth part). */
export function lipschitz(g: Gram): Float64Array {
  const out = new Float64Array(g.T);
  for (let t = 0; t < g.T; t++) out[t] = Math.max(symmetricEigen(g.G.subarray(t * g.m * g.m, (t + 1) * g.m * g.m), g.m).values[0], 1e-12);
  return out;
}

/** Soft-thresholding S_τ(u) = sign(u)·max(|u| − τ, 0), written as relu(u − τ) − relu(−u − τ). */
export function softThreshold(u: tf.Tensor, tau: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.relu(tf.sub(u, tau)), tf.relu(tf.sub(tf.neg(u), tau))));
}

/**
 * `steps` FISTA iterations on T Lasso problems at once, from w = 0: Φ [T, n, m], y [T, n, 1],
 * λ and L per problem (numbers: constants of the tape). Returns ŵ [T, m, 1]. Differentiable in
 * Φ and y through every step (the unrolled gradient).
 */
export function fistaLasso(phi: tf.Tensor3D, y: tf.Tensor3D, lambda: ArrayLike<number>, L: ArrayLike<number>, steps: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [T, n, m] = phi.shape;
    const G = tf.div(tf.matMul(phi, phi, true, false), n) as tf.Tensor3D; // ΦᵀΦ/n
    const c = tf.div(tf.matMul(phi, y, true, false), n) as tf.Tensor3D; // Φᵀy/n
    const invL = tf.tensor3d(Float32Array.from({ length: T }, (_, t) => 1 / L[t]), [T, 1, 1]);
    const tau = tf.tensor3d(Float32Array.from({ length: T }, (_, t) => lambda[t] / L[t]), [T, 1, 1]);
    let w: tf.Tensor3D = tf.zeros([T, m, 1]);
    let z: tf.Tensor3D = w;
    let s = 1;
    for (let k = 0; k < steps; k++) {
      const grad = tf.sub(tf.matMul(G, z), c); // ∇ of (1/2n)‖Φz − y‖² = Gz − c
      const wNext = softThreshold(tf.sub(z, tf.mul(invL, grad)), tau) as tf.Tensor3D;
      const sNext = (1 + Math.sqrt(1 + 4 * s * s)) / 2;
      z = tf.add(wNext, tf.mul((s - 1) / sNext, tf.sub(wNext, w)));
      w = wNext;
      s = sNext;
    }
    return w;
  });
}

/** Solution of T problems in float64: coefficients [T, m], with the support and signs used. */
export interface GramSolution {
  readonly w: Float64Array;
  /** Per problem, the indices of the nonzero coefficients. */
  readonly support: Int32Array[];
}

/**
 * Exact minimiser of ½wᵀ(G + μI)w − cᵀw + λ‖w‖₁ for each problem (S1 with an optional ridge μ;
 * λ = 0 is ridge regression): cyclic coordinate descent until no coordinate moves by more than
 * `tol`, then the nonzero coordinates are re-solved exactly, (G_SS + μI) w_S = c_S − λ s_S,
 * kept when the signs agree (they do at a solution; the re-solve removes the CD tolerance).
 */
export function lassoGram(g: Gram, lambda: ArrayLike<number>, mu: ArrayLike<number> = new Float64Array(g.T), tol = 1e-12, maxSweeps = 20_000): GramSolution {
  const { T, m, G, c } = g;
  const w = new Float64Array(T * m);
  const support: Int32Array[] = [];
  for (let t = 0; t < T; t++) {
    const o = t * m, Go = t * m * m;
    const lam = lambda[t], mut = mu[t];
    for (let sweep = 0; sweep < maxSweeps; sweep++) {
      let moved = 0;
      for (let j = 0; j < m; j++) {
        const gjj = G[Go + j * m + j] + mut;
        if (!(gjj > 0)) continue;
        let r = c[o + j];
        for (let k = 0; k < m; k++) if (k !== j) r -= G[Go + j * m + k] * w[o + k];
        const next = Math.sign(r) * Math.max(Math.abs(r) - lam, 0) / gjj;
        moved = Math.max(moved, Math.abs(next - w[o + j]));
        w[o + j] = next;
      }
      if (moved <= tol) break;
    }
    const S = Int32Array.from(Array.from({ length: m }, (_, j) => j).filter((j) => w[o + j] !== 0));
    if (S.length > 0) {
      const A = { rows: S.length, cols: S.length, data: new Float64Array(S.length * S.length) };
      S.forEach((a, i) => S.forEach((b, k) => { A.data[i * S.length + k] = G[Go + a * m + b] + (a === b ? mut : 0); }));
      try {
        const wS = cholSolve(cholesky(A, 'active-set Gram'), Array.from(S, (a) => c[o + a] - lam * Math.sign(w[o + a])));
        if (S.every((a, i) => Math.sign(wS[i]) === Math.sign(w[o + a]))) S.forEach((a, i) => { w[o + a] = wS[i]; });
      } catch {
        // A singular active set (collinear codes): keep the coordinate-descent values.
      }
    }
    support.push(S);
  }
  return { w, support };
}
