/**
 * The multiclass group-Lasso head of the few-shot classification tasks (docs/design.md §Sparse
 * base-predictors, S5): softmax regression with an unpenalised intercept and a group-ℓ₁ penalty
 * over the feature rows of W (a zero row = a code the task does not use),
 *
 *   min_{W,b} (1/n) Σ_i CE(softmax(Φ_i W + b), y_i) + λ Σ_j ‖W_{j,:}‖₂,   λ = l1reg·λ_max     (S5)
 *   λ_max = max_j ‖[Φᵀ(P̂ − Y)/n]_{j,:}‖₂   (P̂: the class frequencies, the optimum at W = 0)
 *
 * solved by FISTA on the primal with row-wise block soft-thresholding
 * BST(w, τ) = max(0, 1 − τ/‖w‖₂)·w, step 1/L with L = ½·λ_max([Φ 1]ᵀ[Φ 1]/n) (the softmax
 * cross-entropy Hessian is ≤ ½I in the logits). The authors solve the Crammer–Singer SVM dual
 * instead (MetaOptNet style, n ≪ features); with m′ = 6 codes the primal is as small, smooth, and
 * has the same row sparsity, so we keep it (every step is a tf op, hence unrollable).
 */
import * as tf from '@tensorflow/tfjs';
import { symmetricEigen } from '../../eval/latent';

export interface GroupLassoHead {
  /** [T, m, C], one head per task. */
  readonly W: tf.Tensor3D;
  /** [T, 1, C]. */
  readonly b: tf.Tensor3D;
  /** λ of each task. */
  readonly lambda: Float64Array;
}

/** Row-wise block soft-thresholding of W [T, m, C] by τ (a number or [T, 1, 1]). */
export function blockSoftThreshold(W: tf.Tensor3D, tau: tf.Tensor | number): tf.Tensor3D {
  return tf.tidy(() => {
    const norms = tf.sqrt(tf.sum(tf.square(W), 2, true));
    return tf.mul(W, tf.relu(tf.sub(1, tf.div(tau, tf.maximum(norms, 1e-12))))) as tf.Tensor3D;
  });
}

/** Smooth part's gradient (∂/∂W, ∂/∂b) of each task's mean cross-entropy at (W, b). */
function ceGrad(phi: tf.Tensor3D, Y: tf.Tensor3D, W: tf.Tensor3D, b: tf.Tensor3D): [tf.Tensor3D, tf.Tensor3D] {
  return tf.tidy(() => {
    const n = phi.shape[1];
    const r = tf.sub(tf.softmax(tf.add(tf.matMul(phi, W), b)), Y); // P − Y
    return [tf.div(tf.matMul(phi, r, true, false), n) as tf.Tensor3D, tf.mean(r, 1, true) as tf.Tensor3D];
  });
}

/**
 * Fit the head S5 for T tasks at once on codes Φ [T, n, m] (row-major values) and labels
 * 0..C−1 ([T, n]) by `steps` FISTA iterations.
 */
export function fitGroupLasso(phiValues: ArrayLike<number>, labels: ArrayLike<number>, T: number, n: number, m: number, classes: number, l1reg: number, steps: number): GroupLassoHead {
  // Lipschitz constant of each task's smooth part, from the values.
  const Ls = new Float32Array(T);
  for (let t = 0; t < T; t++) {
    const aug = new Float64Array((m + 1) * (m + 1));
    for (let i = 0; i < n; i++) {
      const row = (t * n + i) * m;
      for (let a = 0; a <= m; a++) {
        const xa = a < m ? phiValues[row + a] : 1;
        for (let c = 0; c <= m; c++) aug[a * (m + 1) + c] += (xa * (c < m ? phiValues[row + c] : 1)) / n;
      }
    }
    Ls[t] = 0.5 * Math.max(symmetricEigen(aug, m + 1).values[0], 1e-12);
  }
  const lambda = new Float64Array(T);
  const fitted = tf.tidy(() => {
    const phi = tf.tensor3d(Float32Array.from(phiValues as ArrayLike<number>), [T, n, m]);
    const Y = tf.oneHot(tf.tensor2d(Int32Array.from(labels as ArrayLike<number>), [T, n], 'int32'), classes).toFloat() as tf.Tensor3D;
    const freq = tf.mean(Y, 1, true);
    const lmax = tf.max(tf.sqrt(tf.sum(tf.square(tf.div(tf.matMul(phi, tf.sub(freq, Y), true, false), n)), 2)), 1).dataSync();
    for (let t = 0; t < T; t++) lambda[t] = l1reg * lmax[t];
    const invL = tf.tensor3d(Float32Array.from(Ls, (l) => 1 / l), [T, 1, 1]);
    const tau = tf.tensor3d(Float32Array.from(lambda, (l, t) => l / Ls[t]), [T, 1, 1]);
    let W: tf.Tensor3D = tf.zeros([T, m, classes]);
    // Intercept at its optimum for W = 0: log class frequencies (clipped for absent classes).
    let b: tf.Tensor3D = tf.log(tf.maximum(freq, 1e-3)) as tf.Tensor3D;
    let zW = W, zb = b, s = 1;
    for (let k = 0; k < steps; k++) {
      const [gW, gb] = ceGrad(phi, Y, zW, zb);
      const Wn = blockSoftThreshold(tf.sub(zW, tf.mul(invL, gW)) as tf.Tensor3D, tau);
      const bn = tf.sub(zb, tf.mul(invL, gb)) as tf.Tensor3D;
      const sn = (1 + Math.sqrt(1 + 4 * s * s)) / 2;
      zW = tf.add(Wn, tf.mul((s - 1) / sn, tf.sub(Wn, W)));
      zb = tf.add(bn, tf.mul((s - 1) / sn, tf.sub(bn, b)));
      W = Wn;
      b = bn;
      s = sn;
    }
    return { W, b };
  });
  return { W: fitted.W, b: fitted.b, lambda };
}

/** Predicted classes [T, q] of codes [T, q, m] under the T heads. */
export function predictGroupLasso(head: GroupLassoHead, phiValues: ArrayLike<number>, q: number): Int32Array {
  const [T, m] = head.W.shape;
  return tf.tidy(() => {
    const logits = tf.add(tf.matMul(tf.tensor3d(Float32Array.from(phiValues as ArrayLike<number>), [T, q, m]), head.W), head.b);
    return Int32Array.from(tf.argMax(logits, 2).dataSync());
  });
}

/** Per task, the fraction of rows of W that are exactly zero (codes the task does not use). */
export function zeroRowFraction(head: GroupLassoHead): Float64Array {
  const [T, m, C] = head.W.shape;
  const w = head.W.dataSync();
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < m; j++) {
      let any = false;
      for (let c = 0; c < C; c++) if (w[(t * m + j) * C + c] !== 0) any = true;
      if (!any) out[t] += 1 / m;
    }
  }
  return out;
}

export function disposeHead(head: GroupLassoHead): void {
  head.W.dispose();
  head.b.dispose();
}
