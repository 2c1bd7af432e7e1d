/**
 * Minimal neural-network building blocks over raw `tf.variable`s, so that training phases can
 * select variables by group name and checkpoints can address them by a stable name.
 *
 * - `ParamStore` owns every variable of one model. Each variable has a stable name
 *   `group/layer/param` (used in checkpoints) and a group (used by the interleaving phases).
 *   The tfjs engine name is prefixed by a per-store id so several models can coexist.
 * - Initialisation is seeded from `lib/util/random.ts`: same seed → same weights, on any backend.
 */
import * as tf from '@tensorflow/tfjs';
import { dropoutMultipliers, makeRng, type Rng } from '../util/random';
import { defineOp } from '../backend/ops';
import { fusedDense } from './fusedDense';

export interface Param {
  readonly name: string;
  readonly group: string;
  readonly variable: tf.Variable;
}

let storeCounter = 0;

export class ParamStore {
  /** Prefix of the engine-level variable names (unique per process). */
  readonly uid = `dive${storeCounter++}`;
  private readonly params = new Map<string, Param>();
  private wasDisposed = false;
  readonly rng: Rng;

  constructor(seed: number) {
    this.rng = makeRng(seed);
  }

  /** Register a variable `group/name` with the given initial values (row-major, float32). */
  add(group: string, name: string, shape: number[], init: Float32Array): tf.Variable {
    const key = `${group}/${name}`;
    if (this.params.has(key)) throw new Error(`duplicate parameter ${key}`);
    const t = tf.tensor(init, shape, 'float32');
    const variable = tf.variable(t, true, `${this.uid}/${key}`);
    t.dispose();
    this.params.set(key, { name: key, group, variable });
    return variable;
  }

  /** Glorot-uniform matrix [fanIn, fanOut]: U(−√(6/(in+out)), +√(6/(in+out))). */
  glorot(group: string, name: string, fanIn: number, fanOut: number): tf.Variable {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const v = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < v.length; i++) v[i] = (2 * this.rng.uniform() - 1) * limit;
    return this.add(group, name, [fanIn, fanOut], v);
  }

  /** A constant-filled variable (biases: 0; log-widths: a chosen log σ). */
  constant(group: string, name: string, shape: number[], value: number): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    return this.add(group, name, shape, new Float32Array(n).fill(value));
  }

  /** Normal(0, std²) initialised variable (embeddings). */
  normal(group: string, name: string, shape: number[], std: number): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = this.rng.normal() * std;
    return this.add(group, name, shape, v);
  }

  /** All parameters, in registration order. */
  all(): Param[] {
    return [...this.params.values()];
  }

  /** Variables of the listed groups, in registration order. */
  variables(groups?: readonly string[]): tf.Variable[] {
    return this.all()
      .filter((p) => groups === undefined || groups.includes(p.group))
      .map((p) => p.variable);
  }

  /** Group names in registration order. */
  groups(): string[] {
    return [...new Set(this.all().map((p) => p.group))];
  }

  /** Total number of scalar parameters. */
  size(): number {
    return this.all().reduce((s, p) => s + p.variable.size, 0);
  }

  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
    this.params.clear();
    this.wasDisposed = true;
  }

  /** True once `dispose()` ran: the variables are gone, and the model cannot train or predict. */
  get disposed(): boolean {
    return this.wasDisposed;
  }
}

export type Activation = 'relu' | 'tanh' | 'linear';

export function activate(x: tf.Tensor2D, act: Activation): tf.Tensor2D {
  if (act === 'relu') return tf.relu(x);
  if (act === 'tanh') return tf.tanh(x);
  return x;
}

/**
 * Fully connected layer: [B, in] → [B, out], y = act(x W + b). W is Glorot-uniform or zero.
 * ReLU and linear layers run as one fused op with its own gradient (./fusedDense.ts).
 */
export class Dense {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor(
    store: ParamStore,
    group: string,
    name: string,
    readonly inDim: number,
    readonly outDim: number,
    readonly act: Activation = 'linear',
    init: 'glorot' | 'zeros' = 'glorot',
  ) {
    this.w = init === 'zeros' ? store.constant(group, `${name}/w`, [inDim, outDim], 0) : store.glorot(group, `${name}/w`, inDim, outDim);
    this.b = store.constant(group, `${name}/b`, [outDim], 0);
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (this.act === 'tanh') return activate(tf.add(tf.matMul(x, this.w as tf.Tensor2D), this.b), this.act);
    return fusedDense(x, this.w as tf.Tensor2D, this.b as tf.Tensor1D, this.act);
  }
}

/** A stack of Dense layers with the same activation on every layer (including the last). */
export class Mlp {
  readonly layers: Dense[] = [];
  constructor(store: ParamStore, group: string, name: string, inDim: number, widths: readonly number[], act: Activation) {
    let d = inDim;
    widths.forEach((w, i) => {
      this.layers.push(new Dense(store, group, `${name}${i}`, d, w, act));
      d = w;
    });
  }
  get outDim(): number {
    return this.layers.length ? this.layers[this.layers.length - 1].outDim : 0;
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.layers.reduce((h, l) => l.apply(h), x);
  }
}

/**
 * Gated recurrent unit (Cho et al. 2014) over a sequence [B, T, in] → last hidden state [B, H].
 * Gates z (update), r (reset): h' = (1−z)·h + z·tanh(x W_h + (r·h) U_h + b_h).
 */
export class Gru {
  readonly wx: tf.Variable; // [in, 3H]  (z | r | h)
  readonly uzr: tf.Variable; // [H, 2H]
  readonly uh: tf.Variable; // [H, H]
  readonly b: tf.Variable; // [3H]
  constructor(store: ParamStore, group: string, name: string, readonly inDim: number, readonly hidden: number) {
    this.wx = store.glorot(group, `${name}/wx`, inDim, 3 * hidden);
    this.uzr = store.glorot(group, `${name}/uzr`, hidden, 2 * hidden);
    this.uh = store.glorot(group, `${name}/uh`, hidden, hidden);
    this.b = store.constant(group, `${name}/b`, [3 * hidden], 0);
  }
  /** x: [B, T, in] → final hidden [B, H] (h₀ = 0). */
  apply(x: tf.Tensor3D): tf.Tensor2D {
    const [bsz, steps, inDim] = x.shape;
    // Input projections for all steps at once: [B*T, 3H] → [B, T, 3H]; the recurrence is a named op.
    const xp = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [bsz * steps, inDim]), this.wx as tf.Tensor2D), this.b), [bsz, steps, 3 * this.hidden]) as tf.Tensor3D;
    return gruRecurrence(xp, this.uzr as tf.Tensor2D, this.uh as tf.Tensor2D);
  }
}

/**
 * The GRU recurrence from h₀ = 0, given every step's input projection xp[:, t] = x_t·W + b
 * ([B, T, 3H], columns z | r | h) and the recurrent weights U_zr [H, 2H], U_h [H, H]:
 *
 *   [z_t | r_t] = σ(xp_zr + h_{t−1}·U_zr),   c_t = tanh(xp_h + (r_t ⊙ h_{t−1})·U_h),
 *   h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ c_t;   returns h_T [B, H].
 *
 * A named op (lib/backend/ops.ts): op by op it is 12 small kernels per step, whose dispatch
 * dominates on the wasm backend (T = 168 steps); the speed lab runs the whole recurrence and its
 * backward pass through time as one call each.
 */
export const gruRecurrence = defineOp('gruRecurrence', (xp: tf.Tensor3D, uzr: tf.Tensor2D, uh: tf.Tensor2D): tf.Tensor2D =>
  tf.tidy(() => {
    const [bsz, steps, threeH] = xp.shape;
    const H = threeH / 3;
    // unstack/split (not per-step slices): their gradients are one stack/concat, whereas each
    // slice's gradient pads a zero tensor of the whole input ([B, T, 3H] per step).
    const xs = tf.unstack(xp, 1) as tf.Tensor2D[];
    let h: tf.Tensor2D = tf.zeros([bsz, H]);
    for (let t = 0; t < steps; t++) {
      const [xzr, xh] = tf.split(xs[t], [2 * H, H], 1) as [tf.Tensor2D, tf.Tensor2D];
      const [z, r] = tf.split(tf.sigmoid(tf.add(xzr, tf.matMul(h, uzr))), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const cand = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), uh)));
      h = tf.add(tf.mul(tf.sub(1, z), h), tf.mul(z, cand));
    }
    return h;
  }),
);

/**
 * The clip of a Gaussian code's log σ² to [lo, hi], with hi a number or one bound per column [D]
 * of x's last axis: tf.clipByValue (number), or tf.maximum then tf.minimum (per column), whose
 * gradient passes dy where lo ≤ x ≤ hi. A named op (lib/backend/ops.ts).
 */
export const clipLogvar = defineOp('clipLogvar', <T extends tf.Tensor>(x: T, lo: number, hi: number | tf.Tensor1D): T =>
  (typeof hi === 'number' ? tf.clipByValue(x, lo, hi) : tf.tidy(() => tf.minimum(tf.maximum(x, lo), hi))) as T,
);

/** z = μ + exp(½ log σ²)·ε (E1's reparameterisation, given the noise ε). A named op (lib/backend/ops.ts). */
export const reparameteriseWith = defineOp('reparameterise', (mu: tf.Tensor2D, logvar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D =>
  tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logvar)), eps))),
);

/**
 * Reparameterisation trick: z = μ + exp(½ log σ²) · ε, ε ~ N(0, I) drawn with `seed`.
 */
export function reparameterise(mu: tf.Tensor2D, logvar: tf.Tensor2D, seed: number): tf.Tensor2D {
  return tf.tidy(() => reparameteriseWith(mu, logvar, tf.randomNormal(mu.shape, 0, 1, 'float32', seed)));
}

/**
 * x·m with m the dropout multipliers of (x.size, rate, seed) (lib/util/random.ts's
 * `dropoutMultipliers`, the same mask on every backend). A named op (lib/backend/ops.ts).
 */
export const dropoutWith = defineOp('dropout', <T extends tf.Tensor>(x: T, rate: number, seed: number): T =>
  tf.tidy(() => tf.mul(x, tf.tensor(dropoutMultipliers(x.size, rate, seed), x.shape, 'float32'))) as T,
);

/**
 * Inverted dropout for training passes: each entry is zeroed with probability `rate` and the
 * survivors are scaled by 1/(1 − rate), so the expectation equals the input and evaluation
 * (`predict`) uses the layer unchanged. The mask is drawn with `seed` from lib/util/random.ts
 * (same seed → same mask on every backend). rate ≤ 0 returns x itself. x: any shape.
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, seed: number): T {
  if (!(rate > 0)) return x;
  return dropoutWith(x, rate, seed);
}


/**
 * The named noise streams of one training step: each stochastic part of a forward pass draws
 * its seed as mixSeed(stepSeed, NOISE_STREAM.part), so the same part gets the same stream in
 * every model (β-VAE's trunk plays the role of DeepDIVE's conditional trunk and shares its
 * stream). Changing a number changes every seeded result.
 */
export const NOISE_STREAM = {
  /** Reparameterisation noise of the marginal code b. */
  marginalSample: 1,
  /** Reparameterisation noise of the conditional code a (β-VAE: z). */
  conditionalSample: 2,
  /** Dropout on the label trunk's features. */
  trunkDropout: 3,
  /** Dropout on the conditional trunk's features (β-VAE: its only trunk). */
  conditionalTrunkDropout: 4,
  /** Dropout on the forecaster's hidden layer. */
  forecasterDropout: 5,
} as const;
