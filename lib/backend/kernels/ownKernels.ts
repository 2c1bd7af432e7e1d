/**
 * Two helpers of the kernels divelab registers with gradients of their own (./rbf.ts,
 * ./gaussian.ts, ./dropout.ts, ./squaredError.ts, …): whether a kernel runs on the active
 * backend, and the upstream gradient a gradient function receives for a one-output kernel.
 */
import * as tf from '@tensorflow/tfjs';

/** True when the kernel `name` is registered for the active backend. */
export function kernelHere(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** The gradient of a kernel's (only) output, as tfjs passes it to a gradient function: a tensor or a one-element list. */
export function outputGradient(dy: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(dy) ? dy[0] : dy;
}
