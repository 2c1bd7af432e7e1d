/**
 * Element-wise kernels of the wasm backend on the GEMM module's SIMD loops (lib/backend/gemm).
 * Once the products ran on OpenBLAS, these were the largest kernels left in the LSTNet-shaped
 * DeepDIVE step (docs/performance.md §9 has the profile):
 *
 * - `Relu`: one SIMD pass.
 * - The ReLU gradient: tfjs-core's is `dy · cast(step(x))` — three kernels and two
 *   temporaries. `DiveReluGrad` does it in one pass with the same values (NaN, ±0, ∞·0), and
 *   `installReluGradient()` makes the registered Relu gradient call it wherever the kernel is
 *   registered (tfjs's formula elsewhere).
 * - `Cast` to the dtype the tensor already has (the gradient of every Cast and clone is one):
 *   shares the buffer, as the sharing Identity does (./identity.ts), instead of copying it.
 * - `Add` of a row vector to a matrix ([…, n] + [n], every bias add): one SIMD `add_rows`
 *   pass; the wasm kernel's broadcasting loop was ≈ 4× slower.
 * - `Add`, `Sub`, `Multiply`, `RealDiv` with a one-element operand of non-scalar shape (e.g.
 *   [1, 1, 1]): the operand goes to the original kernel as a scalar, its fast path (the
 *   broadcasting path took 5.6× as long on [64, 168, 321]).
 * - `Transpose` that swaps the last two axes (a batch of matrix transposes, as the
 *   channel-shared trunk does to [batch, time, channel] windows): 4×4 SIMD register blocks,
 *   64 columns at a time.
 *
 * Everything else goes to the original kernels. Tests: tests/kernels/elementwise.test.ts
 * (values bit for bit against tfjs's kernels, gradients, no leaked tensors or buffers).
 */
import * as tf from '@tensorflow/tfjs';
import { outputGradient } from './ownKernels';
import { gemmFor, type LoadedGemm } from '../gemm/gemm';
import { asWasmBackend, heapMemory, heapOffset, withShape, type WasmBackendLike } from './wasmInternals';

/** divelab's kernel: ReLU gradient dy·step(x) (inputs dy, x of one shape, float32). */
export const RELU_GRAD_KERNEL = 'DiveReluGrad';

/** Columns of the source transposed per call (a [rows × 64] band of src, 64 rows of dst). */
const TRANSPOSE_BAND = 64;

function gemmOf(backend: WasmBackendLike): LoadedGemm | null {
  return gemmFor(heapMemory(backend));
}

/** Replacement Relu: float32 in one SIMD pass; other dtypes to the original. */
export function makeFastRelu(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const x = args.inputs.x as tf.TensorInfo;
    const gemm = x.dtype === 'float32' ? gemmOf(backend) : null;
    if (!gemm) return original(args);
    const out = backend.makeOutput(x.shape, 'float32');
    gemm.reluTo(heapOffset(backend, x), heapOffset(backend, out), tf.util.sizeFromShape(x.shape));
    return out;
  };
}

/** The DiveReluGrad kernel: dy·step(x), float32 inputs of one shape. */
export function makeReluGradKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const dy = args.inputs.dy as tf.TensorInfo;
    const x = args.inputs.x as tf.TensorInfo;
    const gemm = gemmOf(backend);
    if (!gemm || dy.dtype !== 'float32' || x.dtype !== 'float32' || !tf.util.arraysEqual(dy.shape, x.shape)) {
      throw new Error(`${RELU_GRAD_KERNEL}: needs float32 dy and x of one shape and the wasm GEMM module`);
    }
    const out = backend.makeOutput(x.shape, 'float32');
    gemm.reluGrad(heapOffset(backend, dy), heapOffset(backend, x), heapOffset(backend, out), tf.util.sizeFromShape(x.shape));
    return out;
  };
}

let tfjsReluGradient: tf.GradConfig | undefined;

/**
 * Make the registered Relu gradient call DiveReluGrad on backends that have it (tfjs's own
 * formula, kept, everywhere else). Idempotent; the gradient registry is global, so this is
 * done once for every backend.
 */
export function installReluGradient(): void {
  if (tfjsReluGradient) return;
  const original = tf.getGradient(tf.Relu);
  if (!original) throw new Error('fast wasm kernels: tfjs registers no Relu gradient (tfjs version changed?)');
  tfjsReluGradient = original;
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const g = outputGradient(dy);
      if (g.dtype === 'float32' && x.dtype === 'float32' && tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend())) {
        return { x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x }, {}) as tf.Tensor };
      }
      return original.gradFunc(dy, saved, attrs);
    },
  });
  // Its own gradient (second derivatives): linear in dy with the same mask; zero almost everywhere in x.
  tf.registerGradient({
    kernelName: RELU_GRAD_KERNEL,
    inputsToSave: ['x'],
    gradFunc: (ddy, saved) => {
      const [x] = saved;
      const g = Array.isArray(ddy) ? ddy[0] : ddy;
      return { dy: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x }, {}) as tf.Tensor, x: () => tf.zerosLike(x) };
    },
  });
}

/** Replacement Cast: to the dtype it already has, a shared buffer; otherwise the original. */
export function makeSharingCast(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
    if (x.dtype !== dtype || dtype === 'string') return original(args);
    asWasmBackend(args.backend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype };
  };
}

/** The numpy broadcast of two shapes (the caller's kernels have checked they broadcast). */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  return tf.backend_util.assertAndGetBroadcastShape(a as number[], b as number[]);
}

/**
 * Replacement for a broadcasting binary kernel (Add, Sub, Multiply, RealDiv): a one-element
 * operand of non-scalar shape goes to the original as a scalar (its fast path); for Add, a
 * float32 row vector added to a matrix goes to `add_rows`. Everything else to the original.
 */
export function makeFastBinary(kernelName: string, original: tf.KernelFunc): tf.KernelFunc {
  const isAdd = kernelName === tf.Add;
  return (args) => {
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    if (a.dtype !== b.dtype || a.dtype === 'string' || a.dtype === 'complex64') return original(args);
    const sa = tf.util.sizeFromShape(a.shape);
    const sb = tf.util.sizeFromShape(b.shape);
    if ((sa === 1 && a.shape.length > 0) || (sb === 1 && b.shape.length > 0)) {
      const out = broadcastShape(a.shape, b.shape);
      const r = original({ ...args, inputs: { a: sa === 1 ? withShape(a, []) : a, b: sb === 1 ? withShape(b, []) : b } }) as tf.TensorInfo;
      return tf.util.arraysEqual(r.shape, out) ? r : withShape(r, out);
    }
    const backend = isAdd && a.dtype === 'float32' ? asWasmBackend(args.backend) : null;
    const gemm = backend ? gemmOf(backend) : null;
    if (backend && gemm) {
      for (const [full, row] of [[a, b], [b, a]] as const) {
        const rows = rowBroadcast(full.shape, row.shape);
        if (!rows) continue;
        const out = backend.makeOutput(full.shape, 'float32');
        gemm.addRows(heapOffset(backend, full), heapOffset(backend, row), heapOffset(backend, out), rows.m, rows.n);
        return out;
      }
    }
    return original(args);
  };
}

/**
 * [m, n] when `row` (after leading ones) equals the trailing axes of `full`, is shorter than
 * `full`, and `full` has at least 2 rows of it; else null. Then full + row = add_rows(m, n).
 */
export function rowBroadcast(full: readonly number[], row: readonly number[]): { m: number; n: number } | null {
  const lead = row.findIndex((d) => d !== 1);
  if (lead < 0 || row.length > full.length) return null;
  const r = row.slice(lead);
  if (r.length >= full.length || !r.every((d, i) => d === full[full.length - r.length + i])) return null;
  const n = tf.util.sizeFromShape(r);
  const m = n > 0 ? tf.util.sizeFromShape([...full]) / n : 0;
  return m >= 2 ? { m, n } : null;
}

/**
 * [batch, rows, cols] when `perm` keeps the leading axes in place and swaps the last two
 * (rank ≥ 2), else null.
 */
export function lastTwoSwapped(shape: readonly number[], perm: readonly number[]): { batch: number; rows: number; cols: number } | null {
  const r = shape.length;
  if (r < 2 || perm.length !== r || perm[r - 2] !== r - 1 || perm[r - 1] !== r - 2) return null;
  for (let i = 0; i < r - 2; i++) if (perm[i] !== i) return null;
  return { batch: tf.util.sizeFromShape(shape.slice(0, r - 2)), rows: shape[r - 2], cols: shape[r - 1] };
}

/** Replacement Transpose: 4-byte tensors whose last two axes swap, by SIMD blocks; else the original. */
export function makeFastTranspose(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const x = args.inputs.x as tf.TensorInfo;
    const { perm } = args.attrs as unknown as { perm: number[] };
    const t = x.dtype === 'float32' || x.dtype === 'int32' ? lastTwoSwapped(x.shape, perm) : null;
    const gemm = t && t.rows > 1 && t.cols > 1 ? gemmOf(backend) : null;
    if (!t || !gemm) return original(args);
    const out = backend.makeOutput(perm.map((p) => x.shape[p]), x.dtype);
    const src = heapOffset(backend, x);
    const dst = heapOffset(backend, out);
    const matrix = 4 * t.rows * t.cols;
    for (let k = 0; k < t.batch; k++) {
      for (let j = 0; j < t.cols; j += TRANSPOSE_BAND) {
        // src[:, j:j+w] (row stride cols) → dst[j:j+w, :] (row stride rows)
        gemm.transpose(src + k * matrix + 4 * j, dst + k * matrix + 4 * j * t.rows, t.rows, Math.min(TRANSPOSE_BAND, t.cols - j), t.cols, t.rows);
      }
    }
    return out;
  };
}
