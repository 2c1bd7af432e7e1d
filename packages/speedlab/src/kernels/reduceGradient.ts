/**
 * The gradients of Sum and Mean on the wasm backend without a tensor of ones.
 *
 * tfjs-core's are dy reshaped, times `ones(x.shape)` (a tensor filled in JavaScript and copied
 * onto the heap), divided by the reduced size for Mean: three passes and two temporaries of the
 * input's size. Where the reduced axes are one contiguous block — [outer, reduced, inner], every
 * loss mean and channel pooling here — the gradient is dy (÷ N for Mean, on dy's small tensor)
 * repeated along that block: one `DiveTileMiddle` kernel (the GEMM module's `tile_middle`,
 * row copies doubling by memory.copy). The values are tfjs's bit for bit (x·1 = x, and the
 * division is the same float32 division, only before the broadcast instead of after).
 * Other reductions, dtypes and backends keep tfjs's gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { outputGradient } from './ownKernels';
import { gemmFor } from '../gemm/gemm';
import { asWasmBackend, heapMemory, heapOffset } from './wasmInternals';
import { reducedBlock } from './reduce';

export const TILE_MIDDLE_KERNEL = 'DiveTileMiddle';

/** DiveTileMiddle: x with outer·inner 4-byte elements → `shape` (outer·reduced·inner elements), x repeated along the middle. */
export function makeTileMiddleKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const x = args.inputs.x as tf.TensorInfo;
    const { outer, reduced, inner, shape } = args.attrs as unknown as { outer: number; reduced: number; inner: number; shape: number[] };
    const gemm = gemmFor(heapMemory(backend));
    if (!gemm || (x.dtype !== 'float32' && x.dtype !== 'int32') || tf.util.sizeFromShape(x.shape) !== outer * inner || tf.util.sizeFromShape(shape) !== outer * reduced * inner) {
      throw new Error(`${TILE_MIDDLE_KERNEL}: needs float32 or int32 x of outer·inner elements, an output shape of outer·reduced·inner and the wasm GEMM module`);
    }
    const out = backend.makeOutput(shape, x.dtype);
    if (outer * reduced * inner > 0) gemm.tileMiddle(heapOffset(backend, x), heapOffset(backend, out), outer, reduced, inner);
    return out;
  };
}

let installed = false;

/** Replace the registered Sum and Mean gradients (global registry; tfjs's own kept as the fallback). Idempotent. */
export function installReduceGradients(): void {
  if (installed) return;
  installed = true;
  for (const kernelName of [tf.Sum, tf.Mean]) {
    const original = tf.getGradient(kernelName);
    if (!original) throw new Error(`fast wasm kernels: tfjs registers no ${kernelName} gradient (tfjs version changed?)`);
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved;
        const g = outputGradient(dy);
        const { axis } = attrs as unknown as { axis: number | number[] };
        const block = x.dtype === 'float32' && g.dtype === 'float32' && tf.getKernel(TILE_MIDDLE_KERNEL, tf.getBackend()) ? reducedBlock(axis, x.shape) : null;
        if (!block) return original.gradFunc(dy, saved, attrs);
        const tile = (): tf.Tensor => {
          const scaled = kernelName === tf.Mean ? tf.div(g, block.reduced) : g;
          return tf.engine().runKernel(TILE_MIDDLE_KERNEL, { x: scaled }, { ...block, shape: x.shape }) as tf.Tensor;
        };
        // tfjs's Sum gradient is computed eagerly, its Mean gradient lazily; keep both as they were.
        if (kernelName === tf.Sum) {
          const derX = tile();
          return { x: () => derX };
        }
        return { x: tile };
      },
    });
  }
  // Its own gradient (second derivatives): the sum over the repeated rows.
  tf.registerGradient({
    kernelName: TILE_MIDDLE_KERNEL,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const g = outputGradient(dy);
      const { outer, reduced, inner } = attrs as unknown as { outer: number; reduced: number; inner: number };
      return { x: () => tf.reshape(tf.sum(tf.reshape(g, [outer, reduced, inner]), 1), x.shape) };
    },
  });
}
