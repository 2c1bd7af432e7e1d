/**
 * The dense layer act(x·W + b) as one kernel with a gradient of its own (act = ReLU or linear),
 * used by `Dense` (./nn.ts) for every ReLU and linear fully connected layer of the models.
 *
 * Forward: one `_FusedMatMul` kernel — on the wasm backend the product, the bias (written into
 * the output first) and the ReLU are one call (lib/backend/kernels/matMul.ts), instead of a
 * product, an Add and a Relu that each write a temporary the size of the output. (The kernel is
 * run directly: `tf.fused.matMul` itself runs separate ops for ReLU while a gradient is taped.)
 *
 * Backward (`installFusedMatMulGradient`, a gradient for the `_FusedMatMul` kernel, which tfjs
 * leaves without one because its own op wraps the kernel in customGrad), with g = dy·step(y)
 * (ReLU; y > 0 ⇔ x·W + b > 0) or g = dy (linear): ∂x = g·Wᵀ, ∂W = xᵀ·g, ∂b = Σ_rows g. Each is
 * computed only when asked for — the first layer's ∂x (its input is data) is never computed —
 * and the ReLU mask is one pass (DiveReluGrad where registered).
 *
 * Values equal tfjs's composition up to float32 rounding (the bias enters the sum first);
 * tests/models/fusedDense.test.ts checks values and gradients against it.
 */
import * as tf from '@tensorflow/tfjs';
import { outputGradient } from '../backend/kernels/ownKernels';
import { reluGradient } from '../backend/kernels/elementwise';
import { rank2ProductsHere } from '../backend/kernels/register';

export type FusedActivation = 'relu' | 'linear';

interface FusedAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: string;
}

let installed = false;

/**
 * Register the gradient of `_FusedMatMul` for untransposed products [batch, M, K]·[batch, K, N]
 * (same batch), or [M, K]·[K, N] where our kernels run (`rank2ProductsHere`), with a bias of N
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
      // Rank-2 operands (fusedDense on our kernels) go to BatchMatMul as they are.
      const product = (x: tf.Tensor, y: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor =>
        x.rank === 2 && rank2ProductsHere() ? (tf.engine().runKernel(tf.BatchMatMul, { a: x, b: y }, { transposeA, transposeB }) as tf.Tensor) : tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, transposeA, transposeB);
      return {
        a: () => product(g, b, false, true),
        b: () => product(a, g, true, false),
        bias: () => tf.sum(g, lead),
      };
    },
  });
}

/** act(x·W + b): x [B, in], W [in, out], b [out] → [B, out]. */
export function fusedDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, act: FusedActivation): tf.Tensor2D {
  installFusedMatMulGradient();
  const attrs = { transposeA: false, transposeB: false, activation: act };
  // Our kernels take the rank-2 operands as they are; tfjs's want rank 3.
  if (rank2ProductsHere()) return tf.engine().runKernel(tf._FusedMatMul, { a: x, b: w, bias: b }, attrs) as tf.Tensor2D;
  return tf.tidy(() => {
    const [rows, inDim] = x.shape;
    const outDim = w.shape[1];
    const y = tf.engine().runKernel(tf._FusedMatMul, { a: tf.reshape(x, [1, rows, inDim]), b: tf.reshape(w, [1, inDim, outDim]), bias: b }, attrs) as tf.Tensor3D;
    return tf.reshape(y, [rows, outDim]) as tf.Tensor2D;
  });
}
