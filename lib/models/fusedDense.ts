/**
 * The dense layer act(x·W + b) as one kernel with a gradient of its own (act = ReLU or linear),
 * used by `Dense` (./nn.ts) for every ReLU and linear fully connected layer of the models.
 *
 * Forward: one `_FusedMatMul` kernel — on the wasm backend the product, the bias (written into
 * the output first) and the ReLU are one call (the speed lab's kernel), instead of a
 * product, an Add and a Relu that each write a temporary the size of the output. (The kernel is
 * run directly: `tf.fused.matMul` itself runs separate ops for ReLU while a gradient is taped.)
 *
 * Backward (`installFusedMatMulGradient`, a gradient for the `_FusedMatMul` kernel, which tfjs
 * leaves without one because its own op wraps the kernel in customGrad), with g = dy·step(y)
 * (ReLU; y > 0 ⇔ x·W + b > 0) or g = dy (linear): ∂x = g·Wᵀ, ∂W = xᵀ·g, ∂b = Σ_rows g. Each is
 * computed only when asked for — the first layer's ∂x (its input is data) is never computed —
 * and the ReLU mask is the named op `reluGradient` (one pass where the speed lab implements it).
 *
 * tfjs's own product kernels want rank-3 operands; the named ops `fusedDenseForward` and
 * `denseProduct` are defined that way (reshapes around the kernel), and the speed lab, whose
 * product kernels take rank-2 operands as they are, implements them without the reshapes.
 *
 * Values equal tfjs's composition up to float32 rounding (the bias enters the sum first);
 * tests/models/fusedDense.test.ts checks values and gradients against it.
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp, outputGradient } from '../backend/ops';

export type FusedActivation = 'relu' | 'linear';

interface FusedAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: string;
}

/** The ReLU gradient dy·step(x), as tfjs's Relu gradient computes it. A named op (lib/backend/ops.ts). */
export const reluGradient = defineOp('reluGradient', (dy: tf.Tensor, x: tf.Tensor): tf.Tensor => tf.tidy(() => tf.mul(dy, tf.cast(tf.step(x), 'float32'))));

/** x·y (x, y [M, K]·[K, N] or batched [B, M, K]·[B, K, N]) with optional transposes, by tf.matMul. A named op (lib/backend/ops.ts). */
export const denseProduct = defineOp('denseProduct', (x: tf.Tensor, y: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor =>
  tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, transposeA, transposeB),
);

/**
 * act(x·W + b) by the `_FusedMatMul` kernel on rank-3 operands (the reshapes tfjs's kernels
 * need), no gradient installed. A named op (lib/backend/ops.ts).
 */
export const fusedDenseForward = defineOp('fusedDenseForward', (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, act: FusedActivation): tf.Tensor2D =>
  tf.tidy(() => {
    const [rows, inDim] = x.shape;
    const outDim = w.shape[1];
    const attrs = { transposeA: false, transposeB: false, activation: act };
    const y = tf.engine().runKernel(tf._FusedMatMul, { a: tf.reshape(x, [1, rows, inDim]), b: tf.reshape(w, [1, inDim, outDim]), bias: b }, attrs) as tf.Tensor3D;
    return tf.reshape(y, [rows, outDim]) as tf.Tensor2D;
  }),
);

let installed = false;

/**
 * Register the gradient of `_FusedMatMul` for untransposed products [batch, M, K]·[batch, K, N]
 * (same batch), or [M, K]·[K, N] where the speed lab's kernels run, with a bias of N
 * and a linear or ReLU activation; anything else throws when its gradient is asked for. Global (the gradient registry is shared by every backend); idempotent.
 */
export function installFusedMatMulGradient(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: tf._FusedMatMul,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const { transposeA, transposeB, activation } = attrs as unknown as FusedAttrs;
      const [a, b, y] = saved;
      if (transposeA || transposeB || (activation !== 'relu' && activation !== 'linear') || a.rank !== b.rank) {
        throw new Error(`the gradient of _FusedMatMul is implemented for untransposed products with a linear or ReLU activation only (got transposeA=${transposeA}, transposeB=${transposeB}, activation=${activation})`);
      }
      const d = outputGradient(dy);
      // g here, not in a thunk: tfjs runs each thunk in its own tidy, which would dispose a shared g.
      const g = activation === 'relu' ? reluGradient(d, y) : d;
      const lead = Array.from({ length: d.rank - 1 }, (_, i) => i);
      return {
        a: () => denseProduct(g, b, false, true),
        b: () => denseProduct(a, g, true, false),
        bias: () => tf.sum(g, lead),
      };
    },
  });
}

/** act(x·W + b): x [B, in], W [in, out], b [out] → [B, out]. */
export function fusedDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, act: FusedActivation): tf.Tensor2D {
  installFusedMatMulGradient();
  return fusedDenseForward(x, w, b, act);
}
