/**
 * Closed-form Kullback–Leibler divergences between diagonal Gaussians (nats).
 * q = N(μ, diag σ²) given as (mu, logvar) of shape [B, D].
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../backend/ops';

/**
 * E1 prior term for the conditional code: KL(q(a|x) ‖ N(0, I)) =
 * ½ Σ_d (μ_d² + σ_d² − 1 − log σ_d²), summed over dims, averaged over the batch. Returns a scalar.
 * A named op (lib/backend/ops.ts); the speed lab's implementation is one kernel with its own gradient.
 */
export const klStandardNormal = defineOp('klStandardNormal', (mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Scalar =>
  tf.tidy(() => tf.mean(tf.sum(klStandardNormalPerDim(mu, logvar), 1)) as tf.Scalar),
);

/** Element-wise KL(N(μ, σ²) ‖ N(0, 1)) [B, D] (the per-dimension terms of E1's prior KL). */
export function klStandardNormalPerDim(mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(0.5, tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), tf.add(1, logvar))) as tf.Tensor2D);
}

/**
 * E2 Naive-Bayes split of the marginal prior KL: with q(b|x) = Π_i q(b_i|x) and a factorised
 * prior p(b) = Π_i N(m_i, s_i²), KL(q(b|x) ‖ p(b)) = Σ_i KL(q(b_i|x) ‖ p(b_i)). Returns the
 * per-label terms [M] (batch means); their sum is the full marginal KL.
 * priorMu / priorLogvar: [M] (the prior of each label's dimension).
 */
export function naiveBayesMarginalKl(mu: tf.Tensor2D, logvar: tf.Tensor2D, priorMu: tf.Tensor1D, priorLogvar: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    // KL(N(μ,σ²) ‖ N(m,s²)) = ½ [ log s² − log σ² + (σ² + (μ − m)²)/s² − 1 ]
    const perElem = tf.mul(
      0.5,
      tf.sub(tf.add(tf.sub(priorLogvar, logvar), tf.div(tf.add(tf.exp(logvar), tf.square(tf.sub(mu, priorMu))), tf.exp(priorLogvar))), 1),
    );
    return tf.mean(perElem, 0) as tf.Tensor1D;
  });
}
