/**
 * The fast wasm matMul kernels against the original wasm kernels and a float64 reference:
 * plain, transposed (A, B, both), batched, broadcast batch axes, fused bias + activation, and
 * gradients. No timing assertions (speed is `dive bench`'s job).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import {
  applyFastKernelPolicy,
  fastWasmKernelsActive,
  registerFastWasmKernels,
  restoreWasmKernels,
  SPLIT_MIN_WORK,
  activeFastKernels,
  type FastKernelKind,
} from '../../src/kernels';
import { loadGemmModule } from '../../src/gemm/gemm';
import { loadOpenBlas } from '../../src/blas/openblas';
import { makeRng } from '../../../../lib/util/random';
import { relErr } from '../../../../tests/numeric';

const rng = makeRng(20250108);
function randn(shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return tf.tensor(v, shape, 'float32');
}

/** Run `f` with the original wasm kernels, then with the fast ones; return both results. */
function bothWays(kind: FastKernelKind, f: () => tf.Tensor | tf.Tensor[]): { ref: Float32Array[]; fast: Float32Array[]; shapes: number[][] } {
  const run = (): { data: Float32Array[]; shapes: number[][] } =>
    tf.tidy(() => {
      const r = f();
      const list = Array.isArray(r) ? r : [r];
      return { data: list.map((t) => t.dataSync() as Float32Array), shapes: list.map((t) => t.shape) };
    });
  restoreWasmKernels();
  const ref = run();
  registerFastWasmKernels(kind);
  const fast = run();
  expect(fast.shapes).toEqual(ref.shapes);
  return { ref: ref.data, fast: fast.data, shapes: ref.shapes };
}

/** max |x − y| ≤ tol · max(1, max |y|): float32 tolerance relative to the magnitude. */
function expectClose(x: ArrayLike<number>, y: ArrayLike<number>, tol = 2e-5): void {
  const err = relErr(x, y);
  expect(Number.isFinite(err)).toBe(true);
  expect(err).toBeLessThanOrEqual(tol);
}

/** float64 reference product with numpy batch broadcasting (independent of any backend). */
function referenceMatMul(a: tf.Tensor, b: tf.Tensor, tA: boolean, tB: boolean): { data: Float64Array; shape: number[] } {
  const ad = a.dataSync();
  const bd = b.dataSync();
  const ra = a.rank;
  const rb = b.rank;
  const m = tA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = tA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = tB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const pa = [...Array(rank - batchA.length).fill(1), ...batchA] as number[];
  const pb = [...Array(rank - batchB.length).fill(1), ...batchB] as number[];
  const batchOut = pa.map((d, i) => Math.max(d, pb[i]));
  const count = batchOut.reduce((p, d) => p * d, 1);
  const out = new Float64Array(count * m * n);
  for (let o = 0; o < count; o++) {
    let rem = o;
    let ia = 0;
    let ib = 0;
    let sa = 1;
    let sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const i = rem % batchOut[d];
      rem = Math.floor(rem / batchOut[d]);
      ia += (pa[d] === 1 ? 0 : i) * sa;
      ib += (pb[d] === 1 ? 0 : i) * sb;
      sa *= pa[d];
      sb *= pb[d];
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) {
          const av = ad[ia * m * k + (tA ? q * m + i : i * k + q)];
          const bv = bd[ib * k * n + (tB ? j * k + q : q * n + j)];
          s += av * bv;
        }
        out[o * m * n + i * n + j] = s;
      }
    }
  }
  return { data: out, shape: [...batchOut, m, n] };
}

/**
 * [shapeA, shapeB, transposeA, transposeB, originalOk] — shapes as passed to tf.matMul;
 * originalOk = false where tfjs-backend-wasm 4.22's own kernel returns a wrong result (it sizes
 * the output by max(batchA, batchB), so rank-4 broadcasting loses half the matrices).
 */
type Case = [number[], number[], boolean, boolean, boolean];
const CASES: Case[] = [
  [[37, 53], [53, 29], false, false, true],
  [[53, 37], [53, 29], true, false, true],
  [[37, 53], [29, 53], false, true, true],
  [[53, 37], [29, 53], true, true, true],
  [[1, 64], [64, 40], false, false, true],
  [[64, 1], [64, 40], true, false, true],
  [[3, 33, 21], [3, 21, 19], false, false, true], // batched
  [[3, 21, 33], [3, 19, 21], true, true, true],
  [[4, 17, 25], [25, 30], false, false, true], // rank 3 × rank 2: fold a's batch into rows
  [[4, 25, 17], [1, 30, 25], true, true, true],
  [[1, 20, 24], [5, 24, 18], false, false, true], // broadcast a
  [[18, 20], [5, 18, 24], true, false, true], // rank 2 × rank 3
  [[2, 1, 20, 24], [3, 24, 18], false, false, false], // rank 4 broadcast both ways
  [[2, 1, 24, 20], [3, 18, 24], true, true, false],
  [[6, 4, 5], [6, 3, 5], false, true, true], // tiny batched: below SPLIT_MIN_WORK, original path
  [[2, 1, 4, 5], [3, 5, 3], false, false, false], // tiny, but a broadcast the original gets wrong
  // Past every cache block of the GEMM (MC 64, KC 256, NC 256) with ragged edges in m, n and k.
  [[70, 300], [300, 270], false, false, true],
  [[300, 70], [270, 300], true, true, true],
  [[2, 67, 261], [2, 261, 9], false, false, true],
];
// OpenBLAS (libopenblas0-pthread) is installed by .ci/run and `dive setup`; only a machine
// without it skips the blas kind, and says so.
const blasLoad = loadOpenBlas();
if (!blasLoad.ok) console.warn(`kernels.test: skipping the 'blas' kernel kind: ${blasLoad.reason}`);
const DEFAULT_KIND: FastKernelKind = blasLoad.ok ? 'blas' : 'gemm';
const KINDS: FastKernelKind[] = [...(blasLoad.ok ? (['blas'] as const) : []), 'gemm'];

/** Cases whose gradient tfjs-core supports (its BatchMatMul gradient does not reduce broadcast batch axes). */
const GRAD_CASES = CASES.filter(([sa, sb]) => sa.length === sb.length && sa.slice(0, -2).every((d, i) => d === sb[i]));

describe.each(KINDS)('fast wasm matMul kernels (%s)', (kind) => {
  beforeAll(async () => {
    const report = await initBackend('wasm');
    expect(report.active).toBe('wasm');
  });
  afterAll(() => {
    registerFastWasmKernels();
  });

  it('are registered at backend level when the wasm backend starts', () => {
    registerFastWasmKernels(kind);
    expect(fastWasmKernelsActive()).toBe(true);
    expect(activeFastKernels()).toBe(kind);
    const fast = tf.getKernel('BatchMatMul', 'wasm').kernelFunc;
    restoreWasmKernels();
    expect(fastWasmKernelsActive()).toBe(false);
    const original = tf.getKernel('BatchMatMul', 'wasm').kernelFunc;
    expect(original).not.toBe(fast);
    restoreWasmKernels(); // idempotent
    expect(tf.getKernel('BatchMatMul', 'wasm').kernelFunc).toBe(original);
    registerFastWasmKernels(kind);
    registerFastWasmKernels(kind); // idempotent
    expect(fastWasmKernelsActive()).toBe(true);
    expect(tf.getKernel('BatchMatMul', 'wasm').kernelFunc).not.toBe(original);
    expect(tf.getKernel('_FusedMatMul', 'wasm').kernelFunc).not.toBe(original);
  });

  it('honour DIVE_FAST_KERNELS (0, the kind, unset, and a typo)', () => {
    const saved = process.env.DIVE_FAST_KERNELS;
    try {
      process.env.DIVE_FAST_KERNELS = '0';
      applyFastKernelPolicy('wasm');
      expect(fastWasmKernelsActive()).toBe(false);
      process.env.DIVE_FAST_KERNELS = kind;
      applyFastKernelPolicy('wasm');
      expect(activeFastKernels()).toBe(kind);
      delete process.env.DIVE_FAST_KERNELS;
      applyFastKernelPolicy('wasm');
      expect(activeFastKernels()).toBe(DEFAULT_KIND);
      process.env.DIVE_FAST_KERNELS = 'fast';
      expect(() => applyFastKernelPolicy('wasm')).toThrow(/DIVE_FAST_KERNELS must be blas \(default when OpenBLAS loads\), gemm or 0, got 'fast'/);
    } finally {
      if (saved === undefined) delete process.env.DIVE_FAST_KERNELS;
      else process.env.DIVE_FAST_KERNELS = saved;
    }
  });

  it.each(CASES)('matMul %j × %j (tA=%s, tB=%s) matches a float64 reference and the original kernel', (sa, sb, tA, tB, originalOk) => {
    const a = randn(sa);
    const b = randn(sb);
    const { ref, fast, shapes } = bothWays(kind, () => tf.matMul(a, b, tA, tB));
    const exact = referenceMatMul(a, b, tA, tB);
    expect(shapes[0]).toEqual(exact.shape);
    expectClose(fast[0], exact.data);
    if (originalOk) expectClose(fast[0], ref[0]);
    a.dispose();
    b.dispose();
  });

  it('covers both sides of the batched split threshold', () => {
    expect(4 * 5 * 3 < SPLIT_MIN_WORK).toBe(true);
    expect(33 * 21 * 19 >= SPLIT_MIN_WORK).toBe(true);
  });

  it.each(GRAD_CASES)('gradients of matMul %j × %j (tA=%s, tB=%s) match the original kernels', (sa, sb, tA, tB) => {
    const a = randn(sa);
    const b = randn(sb);
    const outShape = referenceMatMul(a, b, tA, tB).shape;
    const w = randn(outShape);
    const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, tA, tB), w)));
    const { ref, fast } = bothWays(kind, () => g([a, b]));
    expectClose(fast[0], ref[0]);
    expectClose(fast[1], ref[1]);
    tf.dispose([a, b, w]);
  });

  it.each([
    [[1, 40, 30], [1, 30, 24], false, false, 'relu'],
    [[1, 30, 40], [1, 30, 24], true, false, 'relu'],
    [[1, 40, 30], [1, 24, 30], false, true, 'linear'],
    [[4, 30, 40], [1, 24, 30], true, true, 'relu'],
    [[5, 12, 30], [1, 30, 24], false, false, 'relu'],
    [[3, 12, 30], [3, 30, 24], false, false, 'linear'], // batched weights: one product per matrix
    [[3, 30, 12], [3, 24, 30], true, true, 'relu'],
  ] as [number[], number[], boolean, boolean, 'relu' | 'linear'][])(
    'fused matMul %j × %j (tA=%s, tB=%s, %s) with bias, and its gradients',
    (sa, sb, tA, tB, activation) => {
      // Reference: float64 product + bias + activation. (The original wasm _FusedMatMul is NOT a
      // reference with transposes: its fallback loop adds bias[N−1] instead of bias[j] to every
      // row but the first.)
      const a = randn(sa);
      const b = randn(sb);
      const n = tB ? sb[sb.length - 2] : sb[sb.length - 1];
      const bias = randn([n]);
      registerFastWasmKernels(kind);
      const got = tf.tidy(() => tf.fused.matMul({ a, b, transposeA: tA, transposeB: tB, bias, activation }).dataSync());
      const exact = referenceMatMul(a, b, tA, tB).data;
      const biasData = bias.dataSync();
      const want = exact.map((v, i) => {
        const y = v + biasData[i % n];
        return activation === 'relu' ? Math.max(0, y) : y;
      });
      expectClose(got, want);
      // Gradients: fused op with fast kernels vs the unfused expression with the original kernels
      // (only for equal batch shapes: tfjs-core's matMul gradient does not reduce broadcast axes).
      if (sa[0] !== sb[0]) {
        tf.dispose([a, b, bias]);
        return;
      }
      const fused = tf.grads((x: tf.Tensor, y: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: x as tf.Tensor3D, b: y as tf.Tensor3D, transposeA: tA, transposeB: tB, bias: c, activation }))),
      );
      const unfused = tf.grads((x: tf.Tensor, y: tf.Tensor, c: tf.Tensor) => {
        const z = tf.add(tf.matMul(x, y, tA, tB), c);
        return tf.sum(tf.square(activation === 'relu' ? tf.relu(z) : z));
      });
      const fast = tf.tidy(() => fused([a, b, bias]).map((t) => t.dataSync()));
      restoreWasmKernels();
      const ref = tf.tidy(() => unfused([a, b, bias]).map((t) => t.dataSync()));
      registerFastWasmKernels(kind);
      for (let i = 0; i < 3; i++) expectClose(fast[i], ref[i], 5e-5);
      tf.dispose([a, b, bias]);
    },
  );

  it('leaks no tensors and no wasm heap buffers', () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const a = randn([3, 24, 20]);
    const b = randn([3, 18, 24]);
    const w = randn([48, 40]);
    const bias = randn([40]);
    const x = randn([2, 24, 48]);
    const run = (): void =>
      tf.tidy(() => {
        tf.matMul(a, b, true, true).dataSync();
        tf.matMul(x, w).dataSync();
        tf.fused.matMul({ a: x, b: tf.reshape(w, [1, 48, 40]) as tf.Tensor3D, bias, activation: 'relu' }).dataSync();
        tf.fused.matMul({ a: a as tf.Tensor3D, b: b as tf.Tensor3D, transposeA: true, transposeB: true, bias: tf.slice(bias, 0, 18), activation: 'relu' }).dataSync();
        const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p, q, true, true)));
        g([a, b]).forEach((t) => t.dataSync());
      });
    run(); // warm-up: lazily created engine state
    const tensors = tf.memory().numTensors;
    const ids = backend.numDataIds();
    run();
    run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(ids);
    tf.dispose([a, b, w, bias, x]);
  });
});

describe('the GEMM binary', () => {
  it('uses fused multiply-add on this engine (relaxed SIMD, enabled by loadGemmModule)', () => {
    expect(loadGemmModule()?.fma).toBe(true);
  });
});

describe('fast wasm reductions', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    registerFastWasmKernels('gemm');
  });
  it.each([
    [[256, 37], 0, false],
    [[3, 4, 5], [0, 1], false],
    [[3, 4, 5], [1, 0], true],
    [[6, 7], -2, true],
    [[5, 3], 1, false], // not leading: original kernel
    [[4, 6], [0, 1], false], // full reduction: original kernel
    [[1, 9], 0, false], // m = 1
  ] as [number[], number | number[], boolean][])('Sum of %j over %j (keepDims %s) matches a float64 reference', (shape, axis, keepDims) => {
    const x = randn(shape);
    const got = tf.sum(x, axis, keepDims);
    const rank = shape.length;
    const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
    restoreWasmKernels();
    const ref = tf.sum(x, axis, keepDims);
    registerFastWasmKernels('gemm');
    expect(got.shape).toEqual(ref.shape);
    // float64 reference
    const xd = x.dataSync();
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
    const outShape = shape.filter((_, i) => !axes.includes(i));
    const exact = new Float64Array(outShape.reduce((p, d) => p * d, 1));
    for (let flat = 0; flat < xd.length; flat++) {
      let o = 0;
      for (let i = 0, ko = 0; i < rank; i++) {
        if (axes.includes(i)) continue;
        const coord = Math.floor(flat / strides[i]) % shape[i];
        o = o * outShape[ko] + coord;
        ko++;
      }
      exact[o] += xd[flat];
    }
    expectClose(got.dataSync(), exact);
    expectClose(got.dataSync(), ref.dataSync());
    tf.dispose([x, got, ref]);
  });

  it.each([
    [[4, 9, 6], 1, false], // middle axis: column sums per outer index
    [[2, 3, 5, 8], [2, 1], true],
    [[3, 7, 5], -2, false],
    [[6, 5], 0, false], // leading axis (outer = 1)
    [[64, 21, 13], 1, false],
    [[5, 3], 1, false], // innermost: original kernel
    [[4, 6, 2], 1, false], // rows shorter than 4 floats: original kernel
    [[2, 3, 4], [0, 2], false], // not contiguous: original kernel
  ] as [number[], number | number[], boolean][])('Mean of %j over %j (keepDims %s) matches a float64 reference and the original kernel', (shape, axis, keepDims) => {
    const x = randn(shape);
    const got = tf.mean(x, axis, keepDims);
    const rank = shape.length;
    const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
    restoreWasmKernels();
    const ref = tf.mean(x, axis, keepDims);
    registerFastWasmKernels('gemm');
    expect(got.shape).toEqual(ref.shape);
    const xd = x.dataSync();
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
    const outShape = shape.filter((_, i) => !axes.includes(i));
    const count = axes.reduce((p, a) => p * shape[a], 1);
    const exact = new Float64Array(outShape.reduce((p, d) => p * d, 1));
    for (let flat = 0; flat < xd.length; flat++) {
      let o = 0;
      for (let i = 0, ko = 0; i < rank; i++) {
        if (axes.includes(i)) continue;
        o = o * outShape[ko] + (Math.floor(flat / strides[i]) % shape[i]);
        ko++;
      }
      exact[o] += xd[flat] / count;
    }
    expectClose(got.dataSync(), exact);
    expectClose(got.dataSync(), ref.dataSync());
    tf.dispose([x, got, ref]);
  });

  it('DiveSumSquares (one pass) equals Σ x² from Square + Sum', () => {
    const sumSquares = (x: tf.Tensor): tf.Scalar => tf.engine().runKernel('DiveSumSquares', { x }, {}) as tf.Scalar;
    for (const n of [0, 1, 15, 16, 1000 + 3]) {
      const x = randn([n]);
      const fast = sumSquares(x);
      const slow = tf.tidy(() => tf.sum(tf.square(x)));
      expect(fast.shape).toEqual([]);
      expectClose(fast.dataSync(), slow.dataSync(), 1e-6);
      tf.dispose([x, fast, slow]);
    }
    const nan = tf.tensor1d([1, NaN, 2]);
    expect(Number.isNaN(sumSquares(nan).dataSync()[0])).toBe(true);
    nan.dispose();
  });
});

describe('shared Identity (tensors saved for the backward pass are not copied)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    registerFastWasmKernels('gemm');
  });
  it('clones share the buffer, outlive each other, and gradients stay correct', () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = randn([5, 7]);
    const values = Float32Array.from(x.dataSync());
    const ids = backend.numDataIds();
    const y = tf.clone(x);
    expect(backend.numDataIds()).toBe(ids); // no new buffer
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(Array.from(values)); // y outlives x
    const z = tf.clone(y);
    y.dispose();
    expect(z.shape).toEqual([5, 7]);
    const w = randn([7, 3]);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.relu(tf.matMul(a, b))));
    const fast = tf.tidy(() => g([z, w]).map((t) => t.dataSync()));
    restoreWasmKernels(); // tfjs's copying Identity
    const ref = tf.tidy(() => g([z, w]).map((t) => t.dataSync()));
    registerFastWasmKernels('gemm');
    for (let i = 0; i < 2; i++) expectClose(fast[i], ref[i]);
    tf.dispose([z, w]);
  });
});
