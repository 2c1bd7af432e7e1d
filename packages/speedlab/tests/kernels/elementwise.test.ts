/**
 * The element-wise wasm kernels (src/kernels/elementwise.ts) against tfjs-backend-wasm's
 * own kernels, bit for bit: ReLU and its gradient (with NaN, ±0, ±∞), same-dtype Cast, bias
 * adds, one-element broadcasts, last-two-axes transposes (ragged sizes past the 4×4 blocks and
 * the 64-column bands), and the Sum and Mean gradients. (The comparisons with the retired
 * `baseline` kind are in git history.) No timing assertions (speed is `dive bench`'s job).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import { registerFastWasmKernels, restoreWasmKernels, type FastKernelKind } from '../../src/kernels';
import { lastTwoSwapped, RELU_GRAD_KERNEL, rowBroadcast } from '../../src/kernels/elementwise';
import { TILE_MIDDLE_KERNEL } from '../../src/kernels/reduceGradient';
import { reducedBlock } from '../../src/kernels/reduce';
import { makeRng } from '../../../../lib/util/random';

const rng = makeRng(1402);
const SPECIAL = [NaN, -1, 0, -0, 2, Infinity, -Infinity, 1e-38, -1e-38];

function randn(shape: number[], specials = false): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = specials && i % 7 === 3 ? SPECIAL[(i / 7) % SPECIAL.length | 0] : rng.normal();
  return tf.tensor(v, shape, 'float32');
}

/**
 * f with tfjs's kernels (or with the `reference` kind's) and with `kind`'s; shapes, dtypes and
 * every bit must agree.
 */
function expectSameBits(kind: FastKernelKind, f: () => tf.Tensor | tf.Tensor[], reference: FastKernelKind | null = null): void {
  const run = (): { bits: Uint32Array[]; shapes: number[][]; dtypes: string[] } => {
    let out: { bits: Uint32Array[]; shapes: number[][]; dtypes: string[] } | undefined;
    tf.tidy(() => {
      const r = f();
      const list = Array.isArray(r) ? r : [r];
      out = {
        bits: list.map((t) => new Uint32Array(new Float32Array(t.dataSync()).buffer)),
        shapes: list.map((t) => t.shape),
        dtypes: list.map((t) => t.dtype),
      };
    });
    return out!;
  };
  if (reference) registerFastWasmKernels(reference);
  else restoreWasmKernels();
  const ref = run();
  registerFastWasmKernels(kind);
  const fast = run();
  expect(fast.shapes).toEqual(ref.shapes);
  expect(fast.dtypes).toEqual(ref.dtypes);
  // NaN payloads may differ between implementations; compare NaN-ness there, bits elsewhere.
  fast.bits.forEach((b, i) => {
    const r = ref.bits[i];
    const fv = new Float32Array(b.buffer);
    const rv = new Float32Array(r.buffer);
    for (let j = 0; j < b.length; j++) {
      if (Number.isNaN(rv[j])) expect(Number.isNaN(fv[j]), `element ${j} of output ${i}`).toBe(true);
      else expect(b[j], `element ${j} of output ${i}: ${fv[j]} vs ${rv[j]}`).toBe(r[j]);
    }
  });
}

const KIND: FastKernelKind = 'gemm';

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => {
  registerFastWasmKernels();
});

describe('shape rules', () => {
  it('rowBroadcast accepts a trailing row (after leading ones) of a matrix with ≥ 2 rows', () => {
    expect(rowBroadcast([20544, 128], [128])).toEqual({ m: 20544, n: 128 });
    expect(rowBroadcast([4, 5, 6], [1, 6])).toEqual({ m: 20, n: 6 });
    expect(rowBroadcast([4, 5, 6], [5, 6])).toEqual({ m: 4, n: 30 });
    expect(rowBroadcast([4, 5, 6], [4, 1, 6])).toBeNull();
    expect(rowBroadcast([1, 6], [6])).toBeNull();
    expect(rowBroadcast([3, 6], [3, 6])).toBeNull();
    expect(rowBroadcast([3, 6], [1, 1, 6])).toBeNull();
    expect(rowBroadcast([3, 0], [0])).toBeNull();
  });
  it('lastTwoSwapped recognises batches of matrix transposes only', () => {
    expect(lastTwoSwapped([64, 168, 321], [0, 2, 1])).toEqual({ batch: 64, rows: 168, cols: 321 });
    expect(lastTwoSwapped([5, 7], [1, 0])).toEqual({ batch: 1, rows: 5, cols: 7 });
    expect(lastTwoSwapped([2, 3, 4, 5], [0, 2, 1, 3])).toBeNull();
    expect(lastTwoSwapped([2, 3, 4], [1, 0, 2])).toBeNull();
    expect(lastTwoSwapped([2, 3, 4], [0, 1, 2])).toBeNull();
  });
});

describe('element-wise kernels equal tfjs-backend-wasm bit for bit', () => {
  it('ReLU, with NaN, ±0, ±∞ and subnormals', () => {
    const x = randn([37, 19], true);
    expectSameBits(KIND, () => tf.relu(x));
    expectSameBits(KIND, () => tf.relu(tf.tensor1d(SPECIAL)));
    x.dispose();
  });

  it('the ReLU gradient dy·step(x) — NaN, −0 and ∞·0 included — through DiveReluGrad', async () => {
    const x = randn([33, 21], true);
    const dy = randn([33, 21], true);
    const g = (v: tf.Tensor): tf.Tensor => tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.relu(u), dy)))(v);
    expectSameBits(KIND, () => g(x));
    // The fast path is really taken: one DiveReluGrad, no Step or Cast.
    registerFastWasmKernels(KIND);
    const info = await tf.profile(() => g(x));
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain(RELU_GRAD_KERNEL);
    expect(names).not.toContain('Step');
    x.dispose();
    dy.dispose();
  });

  it('second derivatives through the ReLU gradient match tfjs (linear in dy, zero in x)', () => {
    const x = randn([6, 5]);
    const w = randn([6, 5]);
    // d/dx of Σ (dReLU/dx · w)² = 0 a.e.; d/dw = 2·w·step(x)²: both through DiveReluGrad's own gradient
    const f = (u: tf.Tensor, v: tf.Tensor): tf.Tensor => tf.sum(tf.square(tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.relu(z), v)))(u)));
    expectSameBits(KIND, () => tf.grads((u: tf.Tensor, v: tf.Tensor) => f(u, v))([x, w]));
    x.dispose();
    w.dispose();
  });

  it('Cast to the same dtype shares the buffer (no new buffer, values unchanged); other casts are tfjs’s', () => {
    const x = randn([10, 3], true);
    const i = tf.tensor1d([1, -2, 3], 'int32');
    expectSameBits(KIND, () => [tf.cast(x, 'float32'), tf.cast(x, 'int32'), tf.cast(x, 'bool'), tf.cast(i, 'int32'), tf.cast(i, 'float32')]);
    registerFastWasmKernels(KIND);
    const before = tf.engine().backend.numDataIds();
    const y = tf.cast(x, 'float32');
    expect(tf.engine().backend.numDataIds()).toBe(before);
    x.dispose();
    expect(Array.from(y.dataSync()).length).toBe(30); // outlives the original
    y.dispose();
    i.dispose();
  });

  it('bias adds ([…, n] + [n], either order) and other broadcasts of Add', () => {
    for (const [a, b] of [
      [[129, 67], [67]],
      [[67], [129, 67]],
      [[3, 5, 7], [1, 7]],
      [[3, 5, 7], [5, 7]],
      [[3, 5, 7], [3, 1, 7]],
      [[8, 4], [8, 4]],
      [[2, 3], [1, 1, 3]],
    ] as [number[], number[]][]) {
      const ta = randn(a, true);
      const tb = randn(b, true);
      expectSameBits(KIND, () => tf.add(ta, tb));
      ta.dispose();
      tb.dispose();
    }
  });

  it('one-element operands of any rank for Add, Sub, Multiply, RealDiv (output shape as tfjs)', () => {
    const ops = [tf.add, tf.sub, tf.mul, tf.div] as const;
    for (const [a, b] of [
      [[1, 1, 1], [4, 6, 5]],
      [[4, 6, 5], [1, 1, 1]],
      [[1, 1, 1, 1], [5]],
      [[1], [1, 1]],
      [[], [2, 3]],
      [[1, 1], [3, 1, 2]],
    ] as [number[], number[]][]) {
      const ta = randn(a, true);
      const tb = randn(b, true);
      for (const op of ops) expectSameBits(KIND, () => op(ta, tb));
      ta.dispose();
      tb.dispose();
    }
    const i = tf.tensor([[[2]]], [1, 1, 1], 'int32');
    const j = tf.tensor1d([1, 2, 3], 'int32');
    expectSameBits(KIND, () => [tf.mul(i, j), tf.add(j, i), tf.sub(i, j)]);
    i.dispose();
    j.dispose();
  });

  it('Transpose of the last two axes, ragged sizes past the 4×4 blocks and 64-column bands; other permutations too', () => {
    for (const shape of [[5, 7], [3, 9, 130], [2, 64, 64], [1, 1, 3], [4, 133, 6]]) {
      const x = randn(shape, true);
      const perm = shape.map((_, i) => i);
      [perm[shape.length - 2], perm[shape.length - 1]] = [perm[shape.length - 1], perm[shape.length - 2]];
      expectSameBits(KIND, () => tf.transpose(x, perm));
      x.dispose();
    }
    const y = randn([2, 3, 4, 5]);
    expectSameBits(KIND, () => [tf.transpose(y, [0, 2, 1, 3]), tf.transpose(y, [3, 2, 1, 0])]);
    y.dispose();
    const k = tf.tensor3d(Array.from({ length: 2 * 5 * 7 }, (_, q) => q - 30), [2, 5, 7], 'int32');
    expectSameBits(KIND, () => tf.cast(tf.transpose(k, [0, 2, 1]), 'float32'));
    k.dispose();
  });

  it('leaks no tensors and no wasm buffers', () => {
    registerFastWasmKernels(KIND);
    const x = randn([20, 30], true);
    const b = randn([30]);
    const one = tf.tensor([[2]]);
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    tf.tidy(() => {
      tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(one, tf.relu(tf.add(tf.transpose(tf.cast(u, 'float32')), tf.reshape(tf.slice(v, 0, 20), [1, 20])))))) ([x, b]);
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    for (const t of [x, b, one]) t.dispose();
  });
});

describe('Sum and Mean gradients by DiveTileMiddle', () => {
  it('reducedBlock finds contiguous blocks of axes (all axes when none given)', () => {
    expect(reducedBlock(1, [64, 321, 128])).toEqual({ outer: 64, reduced: 321, inner: 128 });
    expect(reducedBlock([0, 1, 2], [4, 5, 6])).toEqual({ outer: 1, reduced: 120, inner: 1 });
    expect(reducedBlock(undefined, [4, 5])).toEqual({ outer: 1, reduced: 20, inner: 1 });
    expect(reducedBlock([-1], [4, 5, 6])).toEqual({ outer: 20, reduced: 6, inner: 1 });
    expect(reducedBlock([0, 2], [4, 5, 6])).toBeNull();
  });

  it('equal tfjs’s gradients bit for bit (contiguous and other axes, keepDims, every size), and run one DiveTileMiddle', async () => {
    for (const [shape, axis, keepDims] of [
      [[6, 7, 5], 1, false],
      [[6, 7, 5], [0, 1], true],
      [[6, 7, 5], [1, 2], false],
      [[6, 7, 5], [0, 2], false],
      [[6, 7, 5], undefined, false],
      [[1000], 0, false],
      [[3, 1, 4], 1, true],
      [[2, 3], -1, false],
    ] as [number[], number | number[] | undefined, boolean][]) {
      const x = randn(shape);
      const w = randn(tf.tidy(() => tf.sum(x, axis, keepDims)).shape);
      for (const red of [tf.sum, tf.mean]) {
        expectSameBits(KIND, () => tf.grad((u: tf.Tensor) => tf.sum(tf.mul(red(u, axis, keepDims), w)))(x));
      }
      w.dispose();
      x.dispose();
    }
    registerFastWasmKernels(KIND);
    const x = randn([64, 9, 8]);
    const info = await tf.profile(() => tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.mean(u, 1))))(x));
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain(TILE_MIDDLE_KERNEL);
    x.dispose();
  });

  it('second derivatives through DiveTileMiddle equal tfjs’s', () => {
    const x = randn([5, 4, 3]);
    const v = randn([5, 4, 3]);
    const f = (u: tf.Tensor, q: tf.Tensor): tf.Tensor => tf.sum(tf.square(tf.grad((z: tf.Tensor) => tf.sum(tf.square(tf.mean(tf.mul(z, q), 1))))(u)));
    expectSameBits(KIND, () => tf.grads((u: tf.Tensor, q: tf.Tensor) => f(u, q))([x, v]));
    x.dispose();
    v.dispose();
  });
});
