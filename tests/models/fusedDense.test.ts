/**
 * The fused dense op (lib/models/fusedDense.ts) against tfjs's composition act(matMul + add):
 * values and gradients on the wasm backend with each kernel kind and with tfjs's own kernels,
 * and on the cpu backend; the gradient computes only what is asked for (no input gradient of a
 * layer whose input is data); nothing leaks; and the mean squared error kernel
 * (lib/backend/kernels/squaredError.ts) against tf.mean(tf.squaredDifference).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../lib/backend/select';
import { registerFastWasmKernels, restoreWasmKernels, type FastKernelKind } from '../../packages/speedlab/src/kernels';
import { fusedDense, type FusedActivation } from '../../lib/models/fusedDense';
import { meanSquaredError as squaredErrorMean } from '../../lib/objectives/likelihood';
import { MSE_KERNEL } from '../../packages/speedlab/src/kernels/squaredError';
import { loadOpenBlas } from '../../packages/speedlab/src/blas/openblas';
import { makeRng } from '../../lib/util/random';
import { relErr } from '../numeric';

const rng = makeRng(77);
function randn(shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape, 'float32');
}

/** Loss, ∂x, ∂W, ∂b of Σ (act(xW + b) · r) by `dense`. */
function lossAndGrads(dense: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, r: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Scalar => tf.sum(tf.mul(dense(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), r));
    const { value, grads } = tf.valueAndGrads(f)([x, w, b]);
    return [value, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

const reference = (act: FusedActivation) => (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D => {
  const z = tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
  return act === 'relu' ? tf.relu(z) : z;
};

function compareOnActiveBackend(): void {
  // ragged sizes; 70×90×50 takes the BLAS path where OpenBLAS loads, 5×3×4 the small-product path
  for (const [m, k, n] of [[70, 90, 50], [5, 3, 4], [1, 7, 9]]) {
    const x = randn([m, k]);
    const w = randn([k, n]);
    const b = randn([n]);
    const r = randn([m, n]);
    for (const act of ['relu', 'linear'] as const) {
      const ref = lossAndGrads(reference(act), x, w, b, r);
      const got = lossAndGrads((xx, ww, bb) => fusedDense(xx, ww, bb, act), x, w, b, r);
      got.forEach((g, i) => expect(relErr(g, ref[i]), `${act} ${m}×${k}×${n} output ${i}`).toBeLessThanOrEqual(2e-5 * Math.max(1, k)));
    }
    for (const t of [x, w, b, r]) t.dispose();
  }
}

afterAll(async () => {
  await initBackend('wasm');
  registerFastWasmKernels();
});

describe('fusedDense equals act(xW + b) with its gradients', () => {
  for (const kind of ['blas', 'gemm', null] as (FastKernelKind | null)[]) {
    // Without OpenBLAS the blas kind cannot be registered; 'gemm' covers the same code then.
    it.skipIf(kind === 'blas' && !loadOpenBlas().ok)(`on wasm with ${kind ?? "tfjs's own"} kernels`, async () => {
      await initBackend('wasm');
      if (kind) registerFastWasmKernels(kind);
      else restoreWasmKernels();
      compareOnActiveBackend();
    });
  }
  it('on the cpu backend', async () => {
    await initBackend('cpu');
    compareOnActiveBackend();
    await initBackend('wasm');
  });

  it('computes the input gradient only when asked for, and leaks nothing', async () => {
    await initBackend('wasm');
    registerFastWasmKernels();
    const x = randn([32, 40]);
    const w = tf.variable(randn([40, 24]));
    const b = tf.variable(randn([24]));
    const tensors = tf.memory().numTensors;
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(fusedDense(x as tf.Tensor2D, w as unknown as tf.Tensor2D, b as unknown as tf.Tensor1D, 'relu')), [w, b]);
      value.dispose();
      Object.values(grads).forEach((g) => g.dispose());
    });
    const products = info.kernels.filter((k) => k.name === 'BatchMatMul' || k.name === '_FusedMatMul').length;
    expect(products).toBe(2); // forward + ∂W; no ∂x of the data
    expect(tf.memory().numTensors).toBe(tensors);
    for (const t of [x, w, b]) t.dispose();
  });

  it('rejects a taped transposed fused product with a message naming the limitation', async () => {
    await initBackend('wasm');
    const a = randn([1, 4, 3]);
    const bm = randn([1, 5, 3]);
    const bias = randn([5]);
    expect(() =>
      tf.grad((u: tf.Tensor) => tf.sum(tf.engine().runKernel(tf._FusedMatMul, { a: u, b: bm, bias }, { transposeA: false, transposeB: true, activation: 'linear' }) as tf.Tensor))(a),
    ).toThrow(/untransposed products/);
    for (const t of [a, bm, bias]) t.dispose();
  });
});

describe('the mean squared error kernel', () => {
  it('equals tf.mean(tf.squaredDifference) with its gradients, asks only for the needed ones, leaks nothing', async () => {
    await initBackend('wasm');
    registerFastWasmKernels('gemm');
    expect(tf.getKernel(MSE_KERNEL, 'wasm')).toBeDefined();
    for (const shape of [[7, 13, 5], [3], [64, 321]]) {
      const t = randn(shape);
      const p = randn(shape);
      const ref = tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => squaredErrorMean.definition(a, b))([t, p]);
        return [value, ...grads].map((q) => q.dataSync() as Float32Array);
      });
      const got = tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => squaredErrorMean(a, b))([t, p]);
        return [value, ...grads].map((q) => q.dataSync() as Float32Array);
      });
      got.forEach((g, i) => expect(relErr(g, ref[i]), `${shape} output ${i}`).toBeLessThanOrEqual(1e-5));
      const tensors = tf.memory().numTensors;
      const info = await tf.profile(() => tf.grad((b: tf.Tensor) => squaredErrorMean(t, b))(p).dispose());
      expect(info.kernels.map((k) => k.name).filter((n) => n.startsWith('Dive'))).toEqual([MSE_KERNEL, 'DiveScaledDifference']);
      expect(tf.memory().numTensors).toBe(tensors);
      t.dispose();
      p.dispose();
    }
    // mismatched shapes keep tfjs's broadcasting composition
    const a = randn([4, 3]);
    const c = randn([3]);
    expect(squaredErrorMean(a, c).dataSync()[0]).toBeCloseTo(tf.mean(tf.squaredDifference(a, c)).dataSync()[0], 6);
    // the float64 sum is more accurate than float32 summation: a constant difference of 0.1 over 2^20 elements
    const big = tf.zeros([1 << 20]);
    const off = tf.fill([1 << 20], 0.1);
    expect(Math.abs(squaredErrorMean(big, off).dataSync()[0] - Math.fround(Math.fround(0.1) ** 2))).toBeLessThan(1e-9);
    for (const t of [a, c, big, off]) t.dispose();
  });
});
