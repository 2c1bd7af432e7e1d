/**
 * The fused GRU recurrence (src/kernels/gru.ts): its products on OpenBLAS agree with a float64
 * reference; the backward pass through time agrees with central differences
 * of the forward pass; the fused op agrees with the op's definition at the GRU reference's real
 * size (T = 168, H = 64) and keeps no tensor. (The small-shape agreement of value and gradients is in
 * ../ops.test.ts with every other named op.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import { registerFastWasmKernels } from '../../src/kernels';
import { loadOpenBlas } from '../../src/blas';
import { blasProduct, gruBackward, gruForward, type GruDims, type Product } from '../../src/kernels/gru';
import { gruRecurrence } from '../../../../lib/models/nn';
import { makeRng } from '../../../../lib/util/random';
import { relErr } from '../../../../tests/numeric';

const rng = makeRng(31);
const randn = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => scale * rng.normal());

/** A float64 product for reference: C = op(A)·op(B) + beta·C. */
const reference: Product = (m, n, k, a, b, beta, c, ldc) => {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = beta === 1 ? c[i * ldc + j] : 0;
      for (let l = 0; l < k; l++) s += (a.trans ? a.data[l * a.ld + i] : a.data[i * a.ld + l]) * (b.trans ? b.data[j * b.ld + l] : b.data[l * b.ld + j]);
      c[i * ldc + j] = s;
    }
  }
};

const blas = loadOpenBlas();
if (!blas.ok) console.warn(`gru.test: skipping the fused GRU's OpenBLAS checks (without OpenBLAS the op declines and its definition runs): ${blas.reason}`);
const withBlas = blas.ok ? describe : describe.skip;

beforeAll(async () => {
  await initBackend('wasm');
  registerFastWasmKernels();
});

withBlas('the GRU recurrence’s products on OpenBLAS', () => {
  it('every transpose and beta against float64', () => {
    if (!blas.ok) return;
    const mm = blasProduct(blas.blas, () => 1);
    const [m, n, k] = [5, 7, 6];
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        for (const beta of [0, 1] as const) {
          const a = { data: randn(m * k), ld: ta ? m : k, trans: ta };
          const b = { data: randn(k * n), ld: tb ? k : n, trans: tb };
          const got = randn(m * n);
          const want = Float32Array.from(got);
          mm(m, n, k, a, b, beta, got, n);
          reference(m, n, k, a, b, beta, want, n);
          expect(relErr(got, want), `${ta} ${tb} ${beta}`).toBeLessThan(1e-6);
        }
      }
    }
  });
});

describe('the GRU’s backward pass through time', () => {
  it('equals central differences of the forward pass (loss = Σ w ⊙ h_T)', () => {
    const dims: GruDims = { B: 3, T: 5, H: 4 };
    const { B, T, H } = dims;
    const xp = randn(B * T * 3 * H);
    const uzr = randn(H * 2 * H, 0.6);
    const uh = randn(H * H, 0.6);
    const w = randn(B * H);
    const loss = (x: Float32Array, a: Float32Array, b: Float32Array): number => gruForward(x, a, b, dims, reference).h.reduce((s, v, i) => s + v * w[i], 0);
    const { states } = gruForward(xp, uzr, uh, dims, reference);
    const g = gruBackward(w, states, uzr, uh, dims, reference);
    const eps = 1e-2;
    for (const [arr, grad, label] of [[xp, g.dxp, 'xp'], [uzr, g.duzr, 'uzr'], [uh, g.duh, 'uh']] as const) {
      const numeric = new Float64Array(arr.length);
      for (let i = 0; i < arr.length; i++) {
        const v = arr[i];
        arr[i] = v + eps;
        const up = loss(xp, uzr, uh);
        arr[i] = v - eps;
        const down = loss(xp, uzr, uh);
        arr[i] = v;
        numeric[i] = (up - down) / (2 * eps);
      }
      // float32 states: central differences with eps = 1e-2 carry O(eps²) and rounding error (measured ≤ 2.1e-5).
      expect(relErr(grad, numeric), label).toBeLessThan(1e-4);
    }
  });
});

withBlas('the fused op at the GRU reference’s size', () => {
  it('agrees with the definition on T = 168, H = 64 (value and gradients, measured ≤ 4.4e-7) and keeps no tensor', () => {
    const [B, T, H] = [16, 168, 64];
    const xp = tf.tensor3d(randn(B * T * 3 * H), [B, T, 3 * H]);
    const uzr = tf.tensor2d(randn(H * 2 * H, 1 / 8), [H, 2 * H]);
    const uh = tf.tensor2d(randn(H * H, 1 / 8), [H, H]);
    const w = tf.tensor2d(randn(B * H), [B, H]);
    const before = tf.memory().numTensors;
    const run = (f: typeof gruRecurrence.definition): Float32Array[] =>
      tf.tidy(() => {
        const y = f(xp, uzr, uh);
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor2D, c as tf.Tensor2D), w)))([xp, uzr, uh]);
        return [y, ...grads].map((t) => t.dataSync() as Float32Array);
      });
    const fast = run(gruRecurrence);
    const plain = run(gruRecurrence.definition);
    expect(tf.memory().numTensors).toBe(before);
    ['h_T', 'dxp', 'dU_zr', 'dU_h'].forEach((name, i) => expect(relErr(fast[i], plain[i]), name).toBeLessThan(1e-5));
    tf.dispose([xp, uzr, uh, w]);
  });
});
