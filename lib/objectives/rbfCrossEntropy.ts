/**
 * The RBF cross-entropy that replaces each marginal KL term (E3): for label i with class y_i,
 * CE_i = −log r_{i,y_i}(b_i), r_i = softmax(logits_i) the mixture membership of the RBF layer.
 * By E3, KL(q(b_i|x) ‖ p(b_i)) = KL(q(b_i|x) ‖ p_{y_i}) − log π_{y_i} − E_q[CE_i], and the loss
 * replaces the marginal KL by Σ_i CE_i.
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../backend/ops';

/**
 * E3: mean over the batch of −log softmax(logits)[label]; logits [B, K], labels int32 [B]. A
 * named op (lib/backend/ops.ts); the speed lab's implementation is one kernel with its own gradient.
 */
export const rbfCrossEntropy = defineOp('rbfCrossEntropy', (logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar =>
  tf.tidy(() => {
    const logR = tf.logSoftmax(logits);
    const onehot = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logR), 1))) as tf.Scalar;
  }),
);

/** `rbfCrossEntropy` by its definition (plain tfjs), whatever is registered. */
export const composedRbfCrossEntropy = rbfCrossEntropy.definition;

/** E3 summed over labels: Σ_i CE_i (each a batch mean). */
export function sumRbfCrossEntropy(logits: readonly tf.Tensor2D[], labels: readonly tf.Tensor1D[]): tf.Scalar {
  if (logits.length !== labels.length) throw new Error(`${logits.length} RBF layers but ${labels.length} label vectors`);
  return tf.tidy(() => tf.addN(logits.map((l, i) => rbfCrossEntropy(l, labels[i]))) as tf.Scalar);
}
