/**
 * Per-label RBF mixture layer (DeepDIVE's marginal clusters, E3).
 *
 * For label i with K classes and marginal scalar b_i:
 *   logits_ik = −(b_i − c_ik)² / (2 σ_ik²) + log π_ik,   r_i = softmax_k(logits_i)
 * Centres c_ik are learnable, initialised evenly spaced on [−span, +span]; log-widths log σ_ik
 * are learnable, initialised to log(spacing) so neighbouring RBFs overlap at ≈ one σ — one per
 * class, or with `sharedWidth` one per label (σ_ik = σ_i, so the K Gaussians differ only in
 * centre and prior and each decision region is a single interval, E3); log π_ik are fixed
 * offsets from the training-set class frequencies (the mixture weights of the prior).
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './nn';

/** Smallest class frequency used for log π (absent classes must not give −∞). */
const MIN_FREQUENCY = 1e-6;

export class RbfLayer {
  /** c_i [K] */
  readonly centres: tf.Variable;
  /** log σ_i [K], or [1] with a shared width (broadcast over the K classes) */
  readonly logWidths: tf.Variable;
  /** log π_i [K] (constant) */
  readonly logPrior: tf.Tensor1D;
  readonly classes: number;

  constructor(store: ParamStore, group: string, name: string, frequencies: readonly number[], span: number, sharedWidth = false) {
    const K = frequencies.length;
    if (K < 1) throw new Error(`RBF layer ${name} needs at least one class`);
    this.classes = K;
    const c = new Float32Array(K);
    const spacing = K > 1 ? (2 * span) / (K - 1) : span;
    for (let k = 0; k < K; k++) c[k] = K > 1 ? -span + k * spacing : 0;
    this.centres = store.add(group, `${name}/centres`, [K], c);
    this.logWidths = store.constant(group, `${name}/logWidths`, [sharedWidth ? 1 : K], Math.log(spacing));
    const total = frequencies.reduce((a, b) => a + b, 0);
    const lp = new Float32Array(K);
    for (let k = 0; k < K; k++) lp[k] = Math.log(Math.max(total > 0 ? frequencies[k] / total : 1 / K, MIN_FREQUENCY));
    this.logPrior = tf.keep(tf.tensor1d(lp));
  }

  /** b: [B] marginal scalars → logits [B, K] (E3's π_k p_k(b) in log space). */
  logits(b: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      const d = tf.sub(tf.reshape(b, [-1, 1]), tf.reshape(this.centres, [1, -1]));
      const inv2var = tf.div(0.5, tf.exp(tf.mul(2, this.logWidths)));
      return tf.add(tf.neg(tf.mul(tf.square(d), inv2var)), this.logPrior) as tf.Tensor2D;
    });
  }

  /** Memberships r = softmax(logits) [B, K]. */
  memberships(b: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.logits(b)));
  }

  dispose(): void {
    this.logPrior.dispose();
  }
}
