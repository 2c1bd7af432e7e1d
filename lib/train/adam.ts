/**
 * Adam (Kingma & Ba 2015) over named variables, with gradient clipping by global norm.
 *
 * Written out (rather than tf.train.adam) so that (1) each variable keeps its own step count —
 * the interleaving phases update disjoint variable sets, and a shared counter would mis-correct
 * the bias of variables updated only every other step — and (2) the state serialises by the
 * variables' stable names for resumable checkpoints. The update rule itself, with AdamW's
 * decoupled weight decay, is defined once in lib/math/adamRule.ts; decay applies to weight
 * matrices only (variables of rank ≥ 2; biases, RBF centres/widths and other vectors are not
 * decayed). λ_wd = 0 is plain Adam.
 */
import * as tf from '@tensorflow/tfjs';
import { adamCoefficients, type AdamHyper } from '../math/adamRule';
import { defineOp } from '../backend/ops';
import { defaultsOf, z } from '../util/config';

export const AdamSchema = z.strictObject({
  lr: z.number().positive().default(1e-3).describe('Learning rate.'),
  beta1: z.number().min(0).lt(1).default(0.9).describe('Decay of the first-moment estimate.'),
  beta2: z.number().min(0).lt(1).default(0.999).describe('Decay of the second-moment estimate.'),
  epsilon: z.number().positive().default(1e-8).describe('Added to √v̂ in the denominator.'),
  weightDecay: z.number().min(0).optional().describe('λ_wd, decoupled weight decay of rank ≥ 2 variables (AdamW); absent = 0 (plain Adam).'),
});
export type AdamConfig = z.output<typeof AdamSchema>;
export const DEFAULT_ADAM: AdamConfig = defaultsOf(AdamSchema);

/** One variable's Adam state: its moments and its step count. */
export interface AdamSlot {
  m: tf.Tensor;
  v: tf.Tensor;
  t: number;
}

/** Serialised state of one variable's moments. */
export interface AdamSlotState {
  readonly name: string;
  readonly t: number;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

export interface NamedGradient {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly grad: tf.Tensor;
}

/**
 * The gradients of `params` found in `grads` (a `tf.variableGrads` result, keyed by variable
 * name), named by the parameters' stable names — what `Adam.step` takes. Parameters without a
 * gradient (not on the loss's path) are left out.
 */
export function namedGradients(params: readonly { name: string; variable: tf.Variable }[], grads: Readonly<Record<string, tf.Tensor>>): NamedGradient[] {
  return params.filter((p) => grads[p.variable.name] !== undefined).map((p) => ({ name: p.name, variable: p.variable, grad: grads[p.variable.name] }));
}

/**
 * Σ_i ‖g_i‖² of a gradient list as a scalar tensor, left on the device (nothing is read back):
 * a sum of squares per tensor and an AddN. A named op (lib/backend/ops.ts); the speed lab's
 * implementation is one kernel call with the same numbers.
 */
export const globalSquaredNorm = defineOp('globalSquaredNorm', (grads: readonly tf.Tensor[]): tf.Scalar => {
  if (grads.length === 0) return tf.scalar(0);
  return tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))) as tf.Scalar);
});

/** √(Σ_i ‖g_i‖²) of a gradient list, read asynchronously (for tests and diagnostics; the optimiser never reads it). */
export async function globalNorm(grads: readonly tf.Tensor[]): Promise<number> {
  const ss = globalSquaredNorm(grads);
  try {
    return Math.sqrt((await ss.data())[0]);
  } finally {
    ss.dispose();
  }
}

/**
 * One Adam/AdamW update of one variable: returns new [θ, m, v] (the caller owns them), by the
 * rule of lib/math/adamRule.ts from tf ops. `attrs.weightDecay` applies as given (the caller
 * decides which variables decay). A named op (lib/backend/ops.ts); the speed lab's
 * implementation is one fused kernel.
 */
export const adamUpdate = defineOp('adamUpdate', (p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamHyper): [tf.Tensor, tf.Tensor, tf.Tensor] => {
  const c = adamCoefficients(attrs);
  return tf.tidy(() => {
    const gs = c.scale === 1 ? g : tf.mul(g, c.scale);
    const m2 = tf.add(tf.mul(c.beta1, m), tf.mul(c.a1, gs));
    const v2 = tf.add(tf.mul(c.beta2, v), tf.mul(c.a2, tf.square(gs)));
    let p2 = tf.sub(p, tf.div(tf.mul(c.lr * c.c1, m2), tf.add(tf.sqrt(tf.mul(c.c2, v2)), c.epsilon)));
    if (c.lrWd > 0) p2 = tf.sub(p2, tf.mul(c.lrWd, p));
    return [p2, m2, v2];
  });
});

/** One variable of an `adamApply` call: the variable, its gradient, its state (t already advanced) and its weight decay. */
export interface AdamApplyEntry {
  readonly variable: tf.Variable;
  readonly grad: tf.Tensor;
  readonly slot: AdamSlot;
  readonly weightDecay: number;
}

/**
 * The hyperparameters an `adamApply` call shares across its variables. Clipping and the
 * non-finite guard are decided on the device, from tensors, so that a step never waits for a
 * read-back: the gradients are scaled by min(1, clipNorm/‖g‖) with ‖g‖ = √sumSquares (clipNorm
 * ≤ 0: no clipping), and nothing is updated when ‖g‖ is not finite or `gate` is false.
 */
export interface AdamApplyHyper {
  /** Σ‖g_i‖² over the step's gradients (`globalSquaredNorm`), a float32 scalar. */
  readonly sumSquares: tf.Scalar;
  /** The global norm the gradients are clipped to (≤ 0: no clipping). */
  readonly clipNorm: number;
  /** A bool scalar: update only where it is true (the trainer's "loss finite so far"); absent = true. */
  readonly gate?: tf.Scalar;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly lr: number;
}

/**
 * Apply one Adam update to each entry: the variable is assigned θ′ and the slot's moments are
 * replaced by m′, v′ (`adamUpdate` per variable on the clipped gradient, then kept only where
 * the update may happen; the old moments disposed). A named op (lib/backend/ops.ts); the speed
 * lab's implementation writes every variable and moment in place in one kernel call (the same
 * routine; its clip scale is computed from the same float32 Σ‖g‖² in float64, as before these
 * reads moved to the device).
 */
export const adamApply = defineOp('adamApply', (entries: readonly AdamApplyEntry[], hyper: AdamApplyHyper): void => {
  const { beta1, beta2, epsilon, lr, clipNorm } = hyper;
  const { scale, ok } = tf.tidy(() => {
    const norm = tf.sqrt(hyper.sumSquares);
    const finite = tf.isFinite(norm);
    return { scale: clipNorm > 0 ? tf.div(clipNorm, tf.maximum(norm, clipNorm)) : undefined, ok: hyper.gate ? tf.logicalAnd(finite, hyper.gate) : finite };
  });
  try {
    for (const { variable, grad, slot: s, weightDecay } of entries) {
      const [p, m, v] = tf.tidy(() => {
        const gs = scale ? tf.mul(grad, scale) : grad;
        const [p2, m2, v2] = adamUpdate(variable, gs, s.m, s.v, { scale: 1, beta1, beta2, t: s.t, epsilon, lr, weightDecay });
        return [tf.where(ok, p2, variable), tf.where(ok, m2, s.m), tf.where(ok, v2, s.v)];
      });
      variable.assign(p);
      p.dispose();
      s.m.dispose();
      s.v.dispose();
      s.m = tf.keep(m);
      s.v = tf.keep(v);
    }
  } finally {
    tf.dispose([scale, ok].filter((t): t is tf.Tensor => t !== undefined));
  }
});

export class Adam {
  private readonly slots = new Map<string, AdamSlot>();
  constructor(readonly config: AdamConfig = DEFAULT_ADAM) {}

  /**
   * One update of the listed variables, queued on the device without reading anything back.
   * Gradients are scaled by min(1, clipNorm/‖g‖) first (clipNorm ≤ 0 disables clipping);
   * `lrOverride` is this step's scheduled rate. When ‖g‖ is not finite (NaN/Inf gradients) or
   * `gate` (a bool scalar) is false, the variables and moments stay as they were (the step
   * counts advance). Returns the pre-clipping global norm ‖g‖ as a scalar tensor the caller
   * owns (read it when convenient, e.g. at an epoch's end). Does not dispose the given gradients.
   */
  step(grads: readonly NamedGradient[], clipNorm: number, lrOverride?: number, gate?: tf.Scalar): tf.Scalar {
    const sumSquares = globalSquaredNorm(grads.map((g) => g.grad));
    const { beta1, beta2, epsilon } = this.config;
    const lr = lrOverride ?? this.config.lr;
    const wd = this.config.weightDecay ?? 0;
    const slots = grads.map(({ name, variable }) => {
      let slot = this.slots.get(name);
      if (!slot) {
        slot = { m: tf.keep(tf.zerosLike(variable)), v: tf.keep(tf.zerosLike(variable)), t: 0 };
        this.slots.set(name, slot);
      }
      return slot;
    });
    slots.forEach((s) => (s.t += 1));
    const entries = grads.map(({ variable, grad }, i) => ({ variable, grad, slot: slots[i], weightDecay: variable.rank >= 2 ? wd : 0 }));
    try {
      adamApply(entries, { sumSquares, clipNorm, gate, beta1, beta2, epsilon, lr });
      return tf.sqrt(sumSquares);
    } finally {
      sumSquares.dispose();
    }
  }

  /** The moments and step counts by variable name, read back asynchronously (for checkpoints). */
  async getState(): Promise<AdamSlotState[]> {
    const entries = [...this.slots.entries()];
    const data = await Promise.all(entries.flatMap(([, s]) => [s.m.data(), s.v.data()]));
    return entries.map(([name, s], i) => ({ name, t: s.t, m: data[2 * i] as Float32Array, v: data[2 * i + 1] as Float32Array }));
  }

  setState(state: readonly AdamSlotState[], shapes: ReadonlyMap<string, number[]>): void {
    this.dispose();
    for (const s of state) {
      const shape = shapes.get(s.name);
      if (!shape) throw new Error(`optimizer state names unknown variable ${s.name}`);
      this.slots.set(s.name, { t: s.t, m: tf.keep(tf.tensor(s.m, shape)), v: tf.keep(tf.tensor(s.v, shape)) });
    }
  }

  dispose(): void {
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.clear();
  }
}
