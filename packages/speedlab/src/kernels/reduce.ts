/**
 * Reductions on the wasm backend through the GEMM module's SIMD loops:
 * - a replacement `Sum` for sums over leading axes (x [M, …rest] → [rest]), the shape of every
 *   bias gradient (Σ over the batch of dy): tfjs-backend-wasm transposes the reduced axes to
 *   the end first, which costs more than the sum. Other sums go to the original kernel.
 * - `DiveSumSquares` (x → scalar Σ x²), one pass for gradient norms instead of Square + Sum.
 */
import * as tf from '@tensorflow/tfjs';
import { gemmFor } from '../gemm/gemm';
import { asWasmBackend, f32, heapMemory, heapOffset } from './wasmInternals';

export const SUM_SQUARES_KERNEL = 'DiveSumSquares';


/** The reduced axes (all when `axis` is undefined) as one contiguous block [a0, a1) of a rank-`rank` tensor, or null. */
function axisBlock(axis: number | number[] | undefined, rank: number): { a0: number; a1: number } | null {
  const list = axis === undefined || axis === null ? Array.from({ length: rank }, (_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  const sorted = [...new Set(list)].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.some((a, i) => a !== sorted[0] + i || a < 0 || a >= rank)) return null;
  return { a0: sorted[0], a1: sorted[sorted.length - 1] + 1 };
}

function blockSizes(shape: readonly number[], { a0, a1 }: { a0: number; a1: number }): { outer: number; reduced: number; inner: number } {
  return {
    outer: tf.util.sizeFromShape(shape.slice(0, a0)),
    reduced: tf.util.sizeFromShape(shape.slice(a0, a1)),
    inner: tf.util.sizeFromShape(shape.slice(a1)),
  };
}

/** [outer, reduced, inner] when the (deduplicated) axes are one contiguous block of `shape` (all axes when undefined), else null. */
export function reducedBlock(axis: number | number[] | undefined, shape: readonly number[]): { outer: number; reduced: number; inner: number } | null {
  const b = axisBlock(axis, shape.length);
  return b ? blockSizes(shape, b) : null;
}

/**
 * x viewed as [outer, reduced, inner] when `axis` is one contiguous block of axes [a0, a1) of a
 * rank-`rank` tensor that leaves at least one axis after it (so `inner` ≥ 1 is a row of
 * contiguous floats); null otherwise.
 */
export function contiguousAxes(axis: number | number[], shape: readonly number[]): { outer: number; reduced: number; inner: number } | null {
  const b = axisBlock(axis, shape.length);
  return b && b.a1 < shape.length ? blockSizes(shape, b) : null;
}

/** Rows of contiguous floats shorter than this keep the original kernel (it reduces innermost axes well). */
const MIN_INNER = 4;

/**
 * Replacement Mean: float32 means over one contiguous block of axes that is not innermost
 * (e.g. [B, T, C] over T — tfjs-backend-wasm transposes the reduced axes to the end first): per
 * outer index one column sum of the [reduced × inner] block (rows added in order), then ×
 * 1/reduced. Other means go to the original kernel.
 */
export function makeFastMean(originalMean: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const x = args.inputs.x as tf.TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const v = x.dtype === 'float32' ? contiguousAxes(axis, x.shape) : null;
    const gemm = v && v.reduced > 1 && v.inner >= MIN_INNER && v.outer > 0 ? gemmFor(heapMemory(backend)) : null;
    if (!v || !gemm) return originalMean(args);
    const rank = x.shape.length;
    const axes = new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)));
    const outShape = x.shape.flatMap((d, i) => (axes.has(i) ? (keepDims ? [1] : []) : [d]));
    const out = backend.makeOutput(outShape, 'float32');
    const px = heapOffset(backend, x);
    const po = heapOffset(backend, out);
    const block = v.reduced * v.inner;
    for (let o = 0; o < v.outer; o++) gemm.colsum(px + 4 * o * block, v.reduced, v.inner, po + 4 * o * v.inner);
    const o32 = f32(backend, out);
    const scale = 1 / v.reduced;
    for (let i = 0; i < o32.length; i++) o32[i] *= scale;
    return out;
  };
}

/** The leading-axis count j when `axis` is exactly [0, j) of a rank-`rank` tensor, else 0. */
export function leadingAxes(axis: number | number[], rank: number): number {
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  const sorted = [...new Set(list)].sort((a, b) => a - b);
  return sorted.every((a, i) => a === i) && sorted.length < rank ? sorted.length : 0;
}

/** Replacement Sum: leading-axis float32 sums by column sums; the rest by the original kernel. */
export function makeFastSum(originalSum: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const x = args.inputs.x as tf.TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const j = x.dtype === 'float32' ? leadingAxes(axis, x.shape.length) : 0;
    const m = tf.util.sizeFromShape(x.shape.slice(0, j));
    const n = tf.util.sizeFromShape(x.shape.slice(j));
    const gemm = j > 0 && m > 1 && n > 0 ? gemmFor(heapMemory(backend)) : null;
    if (!gemm) return originalSum(args);
    const outShape = keepDims ? [...x.shape.slice(0, j).map(() => 1), ...x.shape.slice(j)] : x.shape.slice(j);
    const out = backend.makeOutput(outShape, 'float32');
    gemm.colsum(heapOffset(backend, x), m, n, heapOffset(backend, out));
    return out;
  };
}

/** The DiveSumSquares kernel: float32 x of any shape → scalar Σ x². */
export function makeSumSquaresKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const x = args.inputs.x as tf.TensorInfo;
    const gemm = gemmFor(heapMemory(backend));
    if (!gemm || x.dtype !== 'float32') throw new Error(`${SUM_SQUARES_KERNEL}: needs float32 input and the wasm GEMM module`);
    const count = tf.util.sizeFromShape(x.shape);
    const out = backend.makeOutput([], 'float32');
    f32(backend, out)[0] = count === 0 ? 0 : gemm.sumsq(heapOffset(backend, x), count);
    return out;
  };
}

export const SUM_SQUARES_MANY_KERNEL = 'DiveSumSquaresMany';

/**
 * `DiveSumSquaresMany`: inputs x0 … x{N−1} (float32) → the scalar Σ_i Σ x_i², each tensor's sum
 * by `DiveSumSquares`'s routine rounded to float32 and the N sums added in order in float32 — the
 * numbers of N `DiveSumSquares` calls and an AddN, in one call (the global gradient norm).
 */
export function makeSumSquaresManyKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const gemm = gemmFor(heapMemory(backend));
    if (!gemm) throw new Error(`${SUM_SQUARES_MANY_KERNEL}: needs the wasm GEMM module`);
    const n = Object.keys(args.inputs).length;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const x = args.inputs[`x${i}`] as tf.TensorInfo | undefined;
      if (!x || x.dtype !== 'float32') throw new Error(`${SUM_SQUARES_MANY_KERNEL}: input x${i} must be a float32 tensor`);
      const count = tf.util.sizeFromShape(x.shape);
      const s = Math.fround(count === 0 ? 0 : gemm.sumsq(heapOffset(backend, x), count));
      acc = i === 0 ? s : Math.fround(acc + s);
    }
    const out = backend.makeOutput([], 'float32');
    f32(backend, out)[0] = acc;
    return out;
  };
}
