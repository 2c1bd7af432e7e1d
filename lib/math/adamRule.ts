/**
 * The Adam/AdamW update rule (Kingma & Ba 2015; decoupled weight decay, Loshchilov & Hutter
 * 2019), defined once for its three implementations: the tf-op path and the fused wasm kernel
 * behind `adamUpdate` (lib/train/adam.ts, packages/speedlab/src/kernels/adam.ts → `adam` in
 * packages/speedlab/src/gemm/wat.ts) and the shared-memory loop of the data-parallel trainer
 * (packages/speedlab/src/parallel/sharedAdam.ts). For one variable at its step t ≥ 1, element by element:
 *
 *   g ← scale·g                                (scale: global-norm clipping, 1 for none)
 *   m ← β₁m + (1−β₁)g;   v ← β₂v + (1−β₂)g²
 *   θ ← θ − lr · (c₁m) / (√(c₂v) + ε) − lr·λ_wd·θ,   c₁ = 1/(1−β₁ᵗ), c₂ = 1/(1−β₂ᵗ)
 *
 * Each implementation takes its constants from `adamCoefficients`, so the bias corrections and
 * the decay term cannot drift apart; tests compare all three with `adamScalar`.
 */

/** Hyper-parameters of one Adam/AdamW update of one variable (the attrs of the DiveAdamUpdate kernel). */
export interface AdamHyper {
  /** Gradient scale (global-norm clipping), 1 for none. */
  scale: number;
  beta1: number;
  beta2: number;
  /** The step number t ≥ 1 of this variable (bias correction). */
  t: number;
  epsilon: number;
  lr: number;
  /** Decoupled weight decay λ_wd (0 = plain Adam). */
  weightDecay: number;
}

/** The per-step constants of the rule. */
export interface AdamCoefficients {
  readonly scale: number;
  readonly beta1: number;
  readonly beta2: number;
  /** 1 − β₁ and 1 − β₂. */
  readonly a1: number;
  readonly a2: number;
  /** Bias corrections as reciprocals: c₁ = 1/(1−β₁ᵗ), c₂ = 1/(1−β₂ᵗ). */
  readonly c1: number;
  readonly c2: number;
  readonly epsilon: number;
  readonly lr: number;
  /** lr·λ_wd. */
  readonly lrWd: number;
}

export function adamCoefficients(h: AdamHyper): AdamCoefficients {
  return {
    scale: h.scale,
    beta1: h.beta1,
    beta2: h.beta2,
    a1: 1 - h.beta1,
    a2: 1 - h.beta2,
    c1: 1 / (1 - Math.pow(h.beta1, h.t)),
    c2: 1 / (1 - Math.pow(h.beta2, h.t)),
    epsilon: h.epsilon,
    lr: h.lr,
    lrWd: h.lr * h.weightDecay,
  };
}

/** The rule on one element (float64): new [θ, m, v]. The reference the implementations are tested against. */
export function adamScalar(p: number, g: number, m: number, v: number, c: AdamCoefficients): [number, number, number] {
  const gs = g * c.scale;
  const m2 = c.beta1 * m + c.a1 * gs;
  const v2 = c.beta2 * v + c.a2 * gs * gs;
  return [p - (c.lr * (c.c1 * m2)) / (Math.sqrt(c.c2 * v2) + c.epsilon) - c.lrWd * p, m2, v2];
}
