/**
 * The GRU recurrence (divelab's named op gruRecurrence, divelab/lib/models/nn.ts) as one forward
 * call and one backward-through-time call.
 *
 * Why: the op's definition is 12 tfjs kernels per step and about twice as many in its gradient;
 * over ETTh1's T = 168 steps that is ≈ 6,000 kernel dispatches per batch, and on the wasm backend
 * their fixed cost, not the arithmetic, set the GRU reference's speed (≈ 0.6 s per batch of 64
 * forward and backward, H = 64). Here each step is two matrix products on OpenBLAS's sgemm and
 * one pass over the gates: ≈ 0.1 s per batch, most of it σ and tanh (Math.exp, Math.tanh). Without
 * OpenBLAS the op declines and its definition runs (../ops.ts).
 *
 * Layout: xp [B, T, 3H] (columns z | r | h, bias included), U_zr [H, 2H], U_h [H, H], row-major.
 * The forward pass keeps what the backward pass needs as one buffer of four [T, B, H] blocks:
 * h_{t−1}, z_t, r_t, c_t. Every stored value is rounded to float32 at the same points as the
 * definition's kernels; σ and tanh are evaluated in float64 and rounded once, so values agree
 * with the definition to float32 rounding, not bit for bit (tests/ops.test.ts, tests/kernels/gru.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { BLAS_PARALLEL_MIN_WORK, type BlasOperand, type OpenBlas } from '../blas/openblas';

/** Row-major C[m × n] (leading dimension ldc) = op(A)·op(B) + beta·C, op(A) m × k, op(B) k × n. */
export type Product = (m: number, n: number, k: number, a: BlasOperand, b: BlasOperand, beta: 0 | 1, c: Float32Array, ldc: number) => void;

/** The product on OpenBLAS: one thread below BLAS_PARALLEL_MIN_WORK multiply-adds, `threads()` above (as the matMul kernels). */
export function blasProduct(blas: OpenBlas, threads: () => number): Product {
  return (m, n, k, a, b, beta, c, ldc) => {
    blas.setThreads(m * n * k >= BLAS_PARALLEL_MIN_WORK ? threads() : 1);
    blas.sgemm(m, n, k, 1, a, b, beta, c, ldc);
  };
}

export interface GruDims {
  /** Batch, steps, hidden units. */
  B: number;
  T: number;
  H: number;
}

const fr = Math.fround;
const sigmoid = (v: number): number => fr(1 / (1 + Math.exp(-v)));

/**
 * Forward: h_T [B, H] and the saved states [4, T, B, H] (h_{t−1}, z_t, r_t, c_t), from h₀ = 0.
 * [z | r] = σ(xp_zr + h·U_zr), c = tanh(xp_h + (r ⊙ h)·U_h), h ← (1 − z) ⊙ h + z ⊙ c.
 */
export function gruForward(xp: Float32Array, uzr: Float32Array, uh: Float32Array, { B, T, H }: GruDims, mm: Product): { h: Float32Array; states: Float32Array } {
  const BH = B * H;
  const states = new Float32Array(4 * T * BH);
  const hOut = new Float32Array(BH);
  const azr = new Float32Array(B * 2 * H);
  const ah = new Float32Array(BH);
  const rh = new Float32Array(BH);
  for (let t = 0; t < T; t++) {
    const hPrev = states.subarray(t * BH, (t + 1) * BH);
    const z = states.subarray((T + t) * BH, (T + t + 1) * BH);
    const r = states.subarray((2 * T + t) * BH, (2 * T + t + 1) * BH);
    const c = states.subarray((3 * T + t) * BH, (3 * T + t + 1) * BH);
    for (let b = 0; b < B; b++) {
      const src = (b * T + t) * 3 * H;
      azr.set(xp.subarray(src, src + 2 * H), b * 2 * H);
      ah.set(xp.subarray(src + 2 * H, src + 3 * H), b * H);
    }
    if (t > 0) mm(B, 2 * H, H, { data: hPrev, ld: H, trans: false }, { data: uzr, ld: 2 * H, trans: false }, 1, azr, 2 * H);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const i = b * H + j;
        z[i] = sigmoid(azr[b * 2 * H + j]);
        r[i] = sigmoid(azr[b * 2 * H + H + j]);
        rh[i] = r[i] * hPrev[i];
      }
    }
    if (t > 0) mm(B, H, H, { data: rh, ld: H, trans: false }, { data: uh, ld: H, trans: false }, 1, ah, H);
    const hNext = t + 1 < T ? states.subarray((t + 1) * BH, (t + 2) * BH) : hOut;
    for (let i = 0; i < BH; i++) {
      c[i] = Math.tanh(ah[i]);
      hNext[i] = fr(fr(fr(1 - z[i]) * hPrev[i]) + fr(z[i] * c[i]));
    }
  }
  return { h: hOut, states };
}

/** Backward through time from dL/dh_T [B, H]: dL/dxp [B, T, 3H], dL/dU_zr [H, 2H], dL/dU_h [H, H]. */
export function gruBackward(dhT: Float32Array, states: Float32Array, uzr: Float32Array, uh: Float32Array, { B, T, H }: GruDims, mm: Product): { dxp: Float32Array; duzr: Float32Array; duh: Float32Array } {
  const BH = B * H;
  const dxp = new Float32Array(B * T * 3 * H);
  const dazrAll = new Float32Array(T * B * 2 * H);
  const dahAll = new Float32Array(T * BH);
  const rhAll = new Float32Array(T * BH);
  let dh = Float32Array.from(dhT);
  let dhPrev = new Float32Array(BH);
  const drh = new Float32Array(BH);
  for (let t = T - 1; t >= 0; t--) {
    const hPrev = states.subarray(t * BH, (t + 1) * BH);
    const z = states.subarray((T + t) * BH, (T + t + 1) * BH);
    const r = states.subarray((2 * T + t) * BH, (2 * T + t + 1) * BH);
    const c = states.subarray((3 * T + t) * BH, (3 * T + t + 1) * BH);
    const dazr = dazrAll.subarray(t * 2 * BH, (t + 1) * 2 * BH);
    const dah = dahAll.subarray(t * BH, (t + 1) * BH);
    const rh = rhAll.subarray(t * BH, (t + 1) * BH);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const i = b * H + j;
        const g = dh[i];
        dah[i] = g * z[i] * (1 - c[i] * c[i]);
        dazr[b * 2 * H + j] = g * (c[i] - hPrev[i]) * z[i] * (1 - z[i]);
        dhPrev[i] = g * (1 - z[i]);
        rh[i] = r[i] * hPrev[i];
      }
    }
    // d(r ⊙ h) = dah·U_hᵀ; then the reset gate's pre-activation and h_{t−1}'s share.
    mm(B, H, H, { data: dah, ld: H, trans: false }, { data: uh, ld: H, trans: true }, 0, drh, H);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const i = b * H + j;
        dazr[b * 2 * H + H + j] = drh[i] * hPrev[i] * r[i] * (1 - r[i]);
        dhPrev[i] += drh[i] * r[i];
      }
    }
    mm(B, H, 2 * H, { data: dazr, ld: 2 * H, trans: false }, { data: uzr, ld: 2 * H, trans: true }, 1, dhPrev, H);
    for (let b = 0; b < B; b++) {
      const dst = (b * T + t) * 3 * H;
      dxp.set(dazr.subarray(b * 2 * H, (b + 1) * 2 * H), dst);
      dxp.set(dah.subarray(b * H, (b + 1) * H), dst + 2 * H);
    }
    [dh, dhPrev] = [dhPrev, dh];
  }
  // Weight gradients over every step at once: Σ_t h_{t−1}ᵀ·dazr_t and Σ_t (r_t ⊙ h_{t−1})ᵀ·dah_t.
  const duzr = new Float32Array(H * 2 * H);
  const duh = new Float32Array(H * H);
  if (T > 0) {
    mm(H, 2 * H, T * B, { data: states.subarray(0, T * BH), ld: H, trans: true }, { data: dazrAll, ld: 2 * H, trans: false }, 0, duzr, 2 * H);
    mm(H, H, T * B, { data: rhAll, ld: H, trans: true }, { data: dahAll, ld: H, trans: false }, 0, duh, H);
  }
  return { dxp, duzr, duh };
}

/**
 * gruRecurrence(xp, U_zr, U_h) → h_T as one tfjs op with its own gradient (tf.customGrad). The
 * backward pass reads the forward pass's states and weights from this closure, where they
 * already are as Float32Arrays (freed with the tape node, or at once when no gradient is taken).
 */
export function gruRecurrenceFused(xp: tf.Tensor3D, uzr: tf.Tensor2D, uh: tf.Tensor2D, mm: Product): tf.Tensor2D {
  const [B, T, threeH] = xp.shape;
  const dims: GruDims = { B, T, H: threeH / 3 };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, a, b] = (args.slice(0, 3) as tf.Tensor[]).map((t) => t.dataSync() as Float32Array);
    const { h, states } = gruForward(x, a, b, dims, mm);
    return {
      value: tf.tensor2d(h, [B, dims.H]),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const g = gruBackward((Array.isArray(dy) ? dy[0] : dy).dataSync() as Float32Array, states, a, b, dims, mm);
        return [tf.tensor3d(g.dxp, [B, T, threeH]), tf.tensor2d(g.duzr, uzr.shape), tf.tensor2d(g.duh, uh.shape)];
      },
    };
  });
  return op(xp, uzr, uh) as tf.Tensor2D;
}
