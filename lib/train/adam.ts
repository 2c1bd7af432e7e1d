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
import { kernelHere } from '../backend/kernels/ownKernels';
import { ADAM_IN_PLACE_KERNEL, ADAM_KERNEL, ownsBuffers, type AdamAttrs, type AdamInPlaceAttrs } from '../backend/kernels/adam';
import { adamCoefficients } from '../math/adamRule';
import { SUM_SQUARES_MANY_KERNEL, sumSquares } from '../backend/kernels/reduce';
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

interface Slot {
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

/** True when `name` runs here (the wasm backend with the element-wise kinds) and every tensor is float32. */
function wasmKernelFor(name: string, tensors: readonly tf.Tensor[]): boolean {
  return kernelHere(name) && tensors.every((t) => t.dtype === 'float32');
}

/**
 * √(Σ_i ‖g_i‖²) of a gradient list (a number; syncs once): one kernel call where
 * DiveSumSquaresMany runs, else a sum of squares per tensor and an AddN — the same numbers.
 */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  if (grads.length === 0) return 0;
  if (wasmKernelFor(SUM_SQUARES_MANY_KERNEL, grads)) {
    const inputs: tf.NamedTensorMap = {};
    grads.forEach((g, i) => (inputs[`x${i}`] = g));
    return tf.tidy(() => Math.sqrt((tf.engine().runKernel(SUM_SQUARES_MANY_KERNEL, inputs, {}) as tf.Scalar).dataSync()[0]));
  }
  return tf.tidy(() => Math.sqrt(tf.addN(grads.map((g) => sumSquares(g))).dataSync()[0]));
}

/**
 * One Adam/AdamW update of one variable: returns new [θ, m, v] (the caller owns them). On the
 * wasm backend with the fast kernels this is one fused kernel (lib/backend/kernels/adam.ts);
 * elsewhere the same formula from tf ops. `attrs.weightDecay` applies as given (the caller
 * decides which variables decay).
 */
export function adamUpdate(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (wasmKernelFor(ADAM_KERNEL, [p, g])) {
    return tf.engine().runKernel(ADAM_KERNEL, { p, g, m, v }, attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
  }
  // The rule of lib/math/adamRule.ts from tf ops (every backend has them).
  const c = adamCoefficients(attrs);
  return tf.tidy(() => {
    const gs = c.scale === 1 ? g : tf.mul(g, c.scale);
    const m2 = tf.add(tf.mul(c.beta1, m), tf.mul(c.a1, gs));
    const v2 = tf.add(tf.mul(c.beta2, v), tf.mul(c.a2, tf.square(gs)));
    let p2 = tf.sub(p, tf.div(tf.mul(c.lr * c.c1, m2), tf.add(tf.sqrt(tf.mul(c.c2, v2)), c.epsilon)));
    if (c.lrWd > 0) p2 = tf.sub(p2, tf.mul(c.lrWd, p));
    return [p2, m2, v2];
  });
}

/** The in-place kernel's input names of variable i (p{i}, g{i}, m{i}, v{i}), made once. */
const NAMES: string[][] = [];
function inputNames(i: number): string[] {
  return (NAMES[i] ??= ['p', 'g', 'm', 'v'].map((k) => `${k}${i}`));
}

export class Adam {
  private readonly slots = new Map<string, Slot>();
  constructor(readonly config: AdamConfig = DEFAULT_ADAM) {}

  /**
   * One update of the listed variables. Gradients are scaled by min(1, clipNorm/‖g‖) first
   * (clipNorm ≤ 0 disables clipping). Returns the pre-clipping global norm; when that norm is
   * not finite (NaN/Inf gradients) nothing is updated. Does not dispose the given gradients.
   */
  step(grads: readonly NamedGradient[], clipNorm: number): number {
    const norm = globalNorm(grads.map((g) => g.grad));
    if (!Number.isFinite(norm)) return norm;
    const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
    const { lr, beta1, beta2, epsilon } = this.config;
    const wd = this.config.weightDecay ?? 0;
    const slots = grads.map(({ name, variable }) => {
      let slot = this.slots.get(name);
      if (!slot) {
        slot = { m: tf.keep(tf.zerosLike(variable)), v: tf.keep(tf.zerosLike(variable)), t: 0 };
        this.slots.set(name, slot);
      }
      return slot;
    });
    const owned = grads.flatMap(({ variable }, i) => [variable, slots[i].m, slots[i].v]);
    if (grads.length > 0 && wasmKernelFor(ADAM_IN_PLACE_KERNEL, [...owned, ...grads.map((g) => g.grad)]) && ownsBuffers(owned)) {
      // Every variable in one call, over its own buffers (the same routine, the same numbers).
      slots.forEach((s) => (s.t += 1));
      const inputs: tf.NamedTensorMap = {};
      grads.forEach(({ variable, grad }, i) => {
        const [p, g, m, v] = inputNames(i);
        inputs[p] = variable;
        inputs[g] = grad;
        inputs[m] = slots[i].m;
        inputs[v] = slots[i].v;
      });
      const attrs: AdamInPlaceAttrs = { scale, beta1, beta2, epsilon, lr, t: slots.map((s) => s.t), weightDecay: grads.map((g) => (g.variable.rank >= 2 ? wd : 0)) };
      tf.engine().runKernel(ADAM_IN_PLACE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap);
      return norm;
    }
    for (const [i, { variable, grad }] of grads.entries()) {
      const s = slots[i];
      s.t += 1;
      const [p, m, v] = adamUpdate(variable, grad, s.m, s.v, { scale, beta1, beta2, t: s.t, epsilon, lr, weightDecay: variable.rank >= 2 ? wd : 0 });
      variable.assign(p);
      p.dispose();
      s.m.dispose();
      s.v.dispose();
      s.m = tf.keep(m);
      s.v = tf.keep(v);
    }
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
