/**
 * Two helpers of the kernels the speed lab registers with gradients of their own (./rbf.ts,
 * ./gaussian.ts, ./dropout.ts, ./squaredError.ts, …): whether a kernel runs on the active
 * backend, and the upstream gradient a gradient function receives for a one-output kernel
 * (divelab's, divelab/lib/backend/ops.ts).
 */
import * as tf from '@tensorflow/tfjs';

export { outputGradient } from 'divelab/lib/backend/ops';

/** True when the kernel `name` is registered for the active backend. */
export function kernelHere(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}
