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
 * √(Σ_i ‖g_i‖²) of a gradient list (a number; syncs once): a sum of squares per tensor and an
 * AddN. A named op (lib/backend/ops.ts); the speed lab's implementation is one kernel call with
 * the same numbers.
 */
export const globalNorm = defineOp('globalNorm', (grads: readonly tf.Tensor[]): number => {
  if (grads.length === 0) return 0;
  return tf.tidy(() => Math.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]));
});

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

/** The hyperparameters an `adamApply` call shares across its variables. */
export interface AdamApplyHyper {
  readonly scale: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly lr: number;
}

/**
 * Apply one Adam update to each entry: the variable is assigned θ′ and the slot's moments are
 * replaced by m′, v′ (`adamUpdate` per variable; the old moments disposed). A named op
 * (lib/backend/ops.ts); the speed lab's implementation writes every variable and moment in
 * place in one kernel call (the same routine, the same numbers).
 */
export const adamApply = defineOp('adamApply', (entries: readonly AdamApplyEntry[], hyper: AdamApplyHyper): void => {
  const { scale, beta1, beta2, epsilon, lr } = hyper;
  for (const { variable, grad, slot: s, weightDecay } of entries) {
    const [p, m, v] = adamUpdate(variable, grad, s.m, s.v, { scale, beta1, beta2, t: s.t, epsilon, lr, weightDecay });
    variable.assign(p);
    p.dispose();
    s.m.dispose();
    s.v.dispose();
    s.m = tf.keep(m);
    s.v = tf.keep(v);
  }
});

export class Adam {
  private readonly slots = new Map<string, AdamSlot>();
  constructor(readonly config: AdamConfig = DEFAULT_ADAM) {}

  /**
   * One update of the listed variables. Gradients are scaled by min(1, clipNorm/‖g‖) first
   * (clipNorm ≤ 0 disables clipping); `lrOverride` is this step's scheduled rate. Returns the pre-clipping global norm; when that norm is
   * not finite (NaN/Inf gradients) nothing is updated. Does not dispose the given gradients.
   */
  step(grads: readonly NamedGradient[], clipNorm: number, lrOverride?: number): number {
    const norm = globalNorm(grads.map((g) => g.grad));
    if (!Number.isFinite(norm)) return norm;
    const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
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
    adamApply(entries, { scale, beta1, beta2, epsilon, lr });
    return norm;
  }

  getState(): AdamSlotState[] {
    return [...this.slots.entries()].map(([name, s]) => ({
      name,
      t: s.t,
      m: s.m.dataSync() as Float32Array,
      v: s.v.dataSync() as Float32Array,
    }));
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
