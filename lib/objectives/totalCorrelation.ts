/**
 * β-TCVAE decomposition (Chen et al. 2018) of E1's prior term, estimated by minibatch-weighted
 * sampling (MWS): E_x KL(q(z|x) ‖ p(z)) = MI(x; z) + TC(z) + Σ_d KL(q(z_d) ‖ p(z_d)), with
 *   log q(z_i)       ≈ logsumexp_j log q(z_i | x_j) − log(N·B)
 *   log Π_d q(z_id)  ≈ Σ_d [ logsumexp_j log q(z_id | x_j) − log(N·B) ]
 * over a batch of B samples from a data set of N windows.
 */
import { LOG_2PI } from '../util/math';
import * as tf from '@tensorflow/tfjs';


/** log N(z; μ, exp(logvar)) element-wise (broadcasting). */
export function gaussianLogDensity(z: tf.Tensor, mu: tf.Tensor, logvar: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(-0.5, tf.add(tf.add(LOG_2PI, logvar), tf.div(tf.square(tf.sub(z, mu)), tf.exp(logvar)))));
}

export interface TcTerms {
  /** Index-code mutual information E[log q(z|x) − log q(z)]. */
  readonly mi: tf.Scalar;
  /** Total correlation E[log q(z) − Σ_d log q(z_d)]. */
  readonly tc: tf.Scalar;
  /** Dimension-wise KL E[Σ_d log q(z_d) − log p(z_d)], p = N(0, I). */
  readonly dwkl: tf.Scalar;
}

/**
 * E1 prior KL split into MI + TC + dimension-wise KL (β-TCVAE), MWS estimate.
 * z, mu, logvar: [B, D] (z sampled from q(z|x) with those parameters); datasetSize: N.
 */
export function tcDecomposition(z: tf.Tensor2D, mu: tf.Tensor2D, logvar: tf.Tensor2D, datasetSize: number): TcTerms {
  const [B, D] = z.shape;
  const logNB = Math.log(Math.max(datasetSize, B) * B);
  return tf.tidy(() => {
    const logqzx = tf.sum(gaussianLogDensity(z, mu, logvar), 1); // [B]
    const logpz = tf.sum(gaussianLogDensity(z, tf.zerosLike(z), tf.zerosLike(z)), 1); // [B]
    // mat[i, j, d] = log q(z_id | x_j)
    const mat = gaussianLogDensity(tf.reshape(z, [B, 1, D]), tf.reshape(mu, [1, B, D]), tf.reshape(logvar, [1, B, D]));
    const logqz = tf.sub(tf.logSumExp(tf.sum(mat, 2), 1), logNB); // [B]
    const logprodqz = tf.sum(tf.sub(tf.logSumExp(mat, 1), logNB), 1); // [B]
    const mi = tf.mean(tf.sub(logqzx, logqz)) as tf.Scalar;
    const tc = tf.mean(tf.sub(logqz, logprodqz)) as tf.Scalar;
    const dwkl = tf.mean(tf.sub(logprodqz, logpz)) as tf.Scalar;
    return { mi, tc, dwkl };
  });
}
