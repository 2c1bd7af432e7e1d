/**
 * The mean squared error as one wasm kernel with its own gradient, for the likelihood terms of
 * the bound (divelab/lib/objectives/likelihood.ts, docs/paper.md E1).
 *
 * Why: `tf.mean(tf.squaredDifference(t, p))` makes one temporary of the input's size forward,
 * and its gradient four more (the Mean gradient multiplies dy by a tensor of ones built in
 * JavaScript and uploaded, then divides; SquaredDifference's multiplies 2·(p − t) by it). For
 * the LSTNet-shaped reconstruction ([64, 168, 321], 13.8 MB per tensor) that was ≈ 30 ms of a
 * ≈ 450 ms step. Here the forward pass is one read of both inputs, summed in float64, and the
 * gradient of each input that needs one (tfjs asks only for those) is one pass:
 * ∂/∂p = (2·dy/N)·(p − t), ∂/∂t = (2·dy/N)·(t − p).
 *
 * Numerics: each square is rounded to float32 as in SquaredDifference; the sum is float64 (more
 * accurate than tfjs's float32 Mean); the gradient rounds 2·dy/N once, so it can differ from
 * tfjs's in the last bit. It implements divelab's named op meanSquaredError, whose definition
 * (tfjs's Mean ∘ SquaredDifference) runs where the kernel does not.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelHere, outputGradient } from './ownKernels';
import { gemmFor } from '../gemm/gemm';
import { asWasmBackend, f32, heapMemory, heapOffset } from './wasmInternals';

export const MSE_KERNEL = 'DiveMeanSquaredError';
export const SCALED_DIFF_KERNEL = 'DiveScaledDifference';

function sameFloat32(a: tf.TensorInfo, b: tf.TensorInfo): boolean {
  return a.dtype === 'float32' && b.dtype === 'float32' && tf.util.arraysEqual(a.shape, b.shape);
}

/** DiveMeanSquaredError: float32 a, b of one shape → scalar mean of (a − b)² (0 elements: NaN, as tf.mean). */
export function makeMseKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    const gemm = gemmFor(heapMemory(backend));
    if (!gemm || !sameFloat32(a, b)) throw new Error(`${MSE_KERNEL}: needs float32 a and b of one shape and the wasm GEMM module`);
    const n = tf.util.sizeFromShape(a.shape);
    const out = backend.makeOutput([], 'float32');
    f32(backend, out)[0] = n === 0 ? NaN : gemm.sqdiffSum(heapOffset(backend, a), heapOffset(backend, b), n) / n;
    return out;
  };
}

/** DiveScaledDifference: float32 a, b of one shape and a scalar s → s·(a − b). */
export function makeScaledDiffKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    const s = args.inputs.s as tf.TensorInfo;
    const gemm = gemmFor(heapMemory(backend));
    if (!gemm || !sameFloat32(a, b) || s.dtype !== 'float32' || tf.util.sizeFromShape(s.shape) !== 1) {
      throw new Error(`${SCALED_DIFF_KERNEL}: needs float32 a and b of one shape, a float32 scalar s and the wasm GEMM module`);
    }
    const out = backend.makeOutput(a.shape, 'float32');
    const scale = f32(backend, s)[0];
    gemm.scaledDiff(heapOffset(backend, a), heapOffset(backend, b), scale, heapOffset(backend, out), tf.util.sizeFromShape(a.shape));
    return out;
  };
}

/** s·(a − b), one kernel where registered (s a scalar tensor). */
export function scaledDifference(a: tf.Tensor, b: tf.Tensor, s: tf.Scalar): tf.Tensor {
  if (kernelHere(SCALED_DIFF_KERNEL) && sameFloat32(a, b) && s.dtype === 'float32') return tf.engine().runKernel(SCALED_DIFF_KERNEL, { a, b, s }, {}) as tf.Tensor;
  return tf.tidy(() => tf.mul(s, tf.sub(a, b)));
}

let installed = false;

/** Register both kernels' gradients (global registry; used only where the kernels run). Idempotent. */
export function installSquaredErrorGradients(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: MSE_KERNEL,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved;
      const g = outputGradient(dy) as tf.Scalar;
      const scale = (): tf.Scalar => tf.mul(g, 2 / a.size) as tf.Scalar;
      return { a: () => scaledDifference(a, b, scale()), b: () => scaledDifference(b, a, scale()) };
    },
  });
  tf.registerGradient({
    kernelName: SCALED_DIFF_KERNEL,
    inputsToSave: ['a', 'b', 's'],
    gradFunc: (dy, saved) => {
      const [a, b, s] = saved;
      const g = outputGradient(dy);
      return { a: () => tf.mul(g, s), b: () => tf.neg(tf.mul(g, s)), s: () => tf.reshape(tf.sum(tf.mul(g, tf.sub(a, b))), s.shape) };
    },
  });
}
