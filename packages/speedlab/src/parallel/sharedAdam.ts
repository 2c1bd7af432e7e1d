/**
 * Adam on shared memory, one contiguous chunk of the parameters per worker: the optimizer of
 * the data-parallel trainer's `sharded` update. The master weights θ and the moments m, v live
 * in SharedArrayBuffers (float32, in the trainer's variable layout); after the gradient average,
 * worker w updates chunk w in one fused loop (float64 arithmetic, float32 storage), then every
 * replica loads the new θ. The update is the rule of lib/math/adamRule.ts with
 * scale = min(1, clipNorm / ‖g‖) (global norm over the phase's gradient), λ_wd on rank ≥ 2
 * variables, and t counted per variable (a variable's t grows only in the phases that update it).
 * tf.train.adam is the same update with ε = the backend epsilon (1e-7) and no clipping.
 */
import { adamCoefficients, adamScalar } from 'divelab/lib/math/adamRule';

export interface SharedAdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** λ_wd on variables of rank ≥ 2 (AdamW). Default 0. */
  weightDecay?: number;
  /** Clip the phase's averaged gradient to this global norm; ≤ 0 or absent: no clipping. */
  clipNorm?: number;
}

/** One variable's place in a phase's gradient layout and in the master layout. */
export interface Segment {
  /** Offset in the phase's (compact) gradient layout. */
  readonly gradOffset: number;
  /** Offset in the master layout (θ, m, v). */
  readonly masterOffset: number;
  readonly size: number;
  /** Index of the variable in the master layout (its step count slot). */
  readonly variable: number;
  /** Whether weight decay applies (rank ≥ 2). */
  readonly decay: boolean;
}

/** Σ g[i]² over [lo, hi) (float64). */
export function sumOfSquares(g: Float32Array, lo: number, hi: number): number {
  let s = 0;
  for (let i = lo; i < hi; i++) s += g[i] * g[i];
  return s;
}

/**
 * Apply Adam to the gradient elements [lo, hi) of a phase's layout. `steps[variable]` must
 * already hold each variable's new t (incremented for this update). `scale` is the clip factor.
 */
export function adamChunk(
  cfg: SharedAdamConfig,
  segments: readonly Segment[],
  lo: number,
  hi: number,
  grad: Float32Array,
  scale: number,
  theta: Float32Array,
  m: Float32Array,
  v: Float32Array,
  steps: Int32Array,
): void {
  const wd = cfg.weightDecay ?? 0;
  for (const s of segments) {
    const a = Math.max(lo, s.gradOffset);
    const b = Math.min(hi, s.gradOffset + s.size);
    if (a >= b) continue;
    const c = adamCoefficients({ scale, beta1: cfg.beta1, beta2: cfg.beta2, t: steps[s.variable], epsilon: cfg.epsilon, lr: cfg.lr, weightDecay: s.decay ? wd : 0 });
    const shift = s.masterOffset - s.gradOffset;
    for (let i = a; i < b; i++) {
      const j = i + shift;
      const [w, mi, vi] = adamScalar(theta[j], grad[i], m[j], v[j], c);
      theta[j] = w;
      m[j] = mi;
      v[j] = vi;
    }
  }
}
