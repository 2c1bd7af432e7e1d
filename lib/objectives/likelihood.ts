/**
 * Gaussian likelihood terms of the bound (E1) with fixed unit variance, written as mean squared
 * errors: −log N(v; v̂, σ²I) = Σ (v − v̂)² / (2σ²) + const, so minimising the MSE maximises the
 * likelihood. Both are means over every element of the batch (units: scaled data units²).
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../backend/ops';

/**
 * Mean squared error over all elements of two same-shaped tensors, tfjs's Mean ∘
 * SquaredDifference. A named op (lib/backend/ops.ts); the speed lab's implementation is one
 * fused kernel with its own gradient.
 */
export const meanSquaredError = defineOp('meanSquaredError', (target: tf.Tensor, prediction: tf.Tensor): tf.Scalar =>
  tf.tidy(() => tf.mean(tf.squaredDifference(target, prediction)) as tf.Scalar),
);

/** E1 forecasting term: −E_q log p(y | a, b, x) ∝ MSE(y, ŷ); y, ŷ [B, T, C]. */
export function forecastLoss(y: tf.Tensor3D, yHat: tf.Tensor3D): tf.Scalar {
  return meanSquaredError(y, yHat);
}

/** E1 reconstruction term: −E_q log p(x | a, b) ∝ MSE(x, x̂); x, x̂ [B, L, C]. */
export function reconstructionLoss(x: tf.Tensor3D, xHat: tf.Tensor3D): tf.Scalar {
  return meanSquaredError(x, xHat);
}
