/**
 * Workload `mlp-vae`: one Adam step of a fully connected VAE, the reference point for
 * single-thread CPU training speed (PyTorch's figures on our machine: docs/performance.md).
 *
 * Architecture (defaults): encoder x[B, 2048] → 512 → 512 (ReLU) → [μ, log σ²] (2 × 16, linear);
 * z = μ + σ·ε; decoder z[B, 16] → 512 → 512 (ReLU) → x̂[B, 2048] (linear). Batch B = 256.
 * Loss = MSE(x̂, x) (mean over batch and features) + KL(q(z|x) ‖ N(0, I)) (summed over the
 * latent, mean over the batch) — the standard Gaussian VAE ELBO up to constants (E1 without
 * the forecasting term). Adam, learning rate 1e-3.
 *
 * Written with raw tf ops (`tf.matMul` + `tf.add` + `tf.relu`, variables, optimizer.minimize):
 * the same op mix as lib/models (its Dense is matMul + add + activation), so the kernels that
 * dominate here are the ones that dominate there.
 *
 * FLOPs per step: forward = Σ_layers 2·B·in·out (multiply + add per weight per sample); backward
 * ≈ 2 × forward (one product for the input gradient and one for the weight gradient per
 * layer); step ≈ 3 × forward. Elementwise ops, the reparameterisation and the Adam update are
 * not counted (O(B·width) and O(#params), < 1% of the matmul work). The 3× convention slightly
 * over-counts: the first layer's input gradient is never computed (x is data), 6.6% of the
 * default total. With the defaults: 3 × 2 × 256 × 2,646,016 = 4.064 GFLOP per step.
 */
import * as tf from '@tensorflow/tfjs';
import { makeRng, type Rng } from 'divelab/lib/util/random';
import type { Workload, WorkloadInstance } from '../types';
import { DataParallelTrainer } from '../../parallel/trainer';
import { Adam, DEFAULT_ADAM } from 'divelab/lib/train/adam';
import type { InputSpec } from '../../parallel/types';

export interface MlpVaeConfig {
  /** Samples per step. Default 256. */
  batch: number;
  /** Input (and reconstruction) width. Default 2048. */
  input: number;
  /** Width of the two hidden layers in encoder and decoder. Default 512. */
  hidden: number;
  /** Latent dimensions (the encoder's last layer outputs 2 × latent: μ and log σ²). Default 16. */
  latent: number;
  /** Adam learning rate. Default 1e-3. */
  lr: number;
  /** Distinct synthetic batches cycled through (generated once, outside the timing). Default 4. */
  batches: number;
}

export const DEFAULT_MLP_VAE: MlpVaeConfig = { batch: 256, input: 2048, hidden: 512, latent: 16, lr: 1e-3, batches: 4 };

/** [in, out] of every dense layer, encoder then decoder. */
export function mlpVaeLayers(c: MlpVaeConfig): [number, number][] {
  return [
    [c.input, c.hidden],
    [c.hidden, c.hidden],
    [c.hidden, 2 * c.latent],
    [c.latent, c.hidden],
    [c.hidden, c.hidden],
    [c.hidden, c.input],
  ];
}

/** Training-step FLOPs by the formula in the module comment: 3 × Σ 2·B·in·out. */
export function mlpVaeFlops(c: MlpVaeConfig): number {
  return 3 * mlpVaeLayers(c).reduce((s, [i, o]) => s + 2 * c.batch * i * o, 0);
}

interface DenseParams {
  w: tf.Variable;
  b: tf.Variable;
}

/** Rows of a batch a loss is computed on (data-parallel shards); the whole batch by default. */
export interface MlpVaeRows {
  /** First row of the shard within the full batch. */
  offset: number;
  /** Rows of the whole batch (the noise is drawn for all of them, then sliced). */
  total: number;
}

/**
 * The network and its loss: six dense layers with Glorot-uniform weights and zero biases drawn
 * from `rng` (consumes c.input·c.hidden + … uniforms, layer by layer), as tf variables.
 */
export class MlpVaeNet {
  readonly layers: DenseParams[];

  constructor(private readonly c: MlpVaeConfig, rng: Rng) {
    this.layers = mlpVaeLayers(c).map(([i, o]) => {
      const limit = Math.sqrt(6 / (i + o));
      const w = new Float32Array(i * o);
      for (let k = 0; k < w.length; k++) w[k] = (2 * rng.uniform() - 1) * limit;
      const w0 = tf.tensor2d(w, [i, o]);
      const b0 = tf.zeros([o]);
      const params = { w: tf.variable(w0, true), b: tf.variable(b0, true) };
      tf.dispose([w0, b0]); // the variables hold their own reference to the data
      return params;
    });
  }

  /** Every trainable variable, layer by layer (weight then bias). */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((p) => [p.w, p.b]);
  }

  private dense(h: tf.Tensor2D, p: DenseParams, relu: boolean): tf.Tensor2D {
    const y = tf.add(tf.matMul(h, p.w as tf.Tensor2D), p.b) as tf.Tensor2D;
    return relu ? tf.relu(y) : y;
  }

  /**
   * The loss on x [B, input] (mean over its B rows). The noise ε is drawn for `rows.total`
   * rows from `noiseSeed` and rows [offset, offset + B) are used, so a shard's loss uses
   * exactly the noise its samples get in the full batch.
   */
  loss(x: tf.Tensor2D, noiseSeed: number, rows?: MlpVaeRows): tf.Scalar {
    const Z = this.c.latent;
    const B = x.shape[0];
    const offset = rows?.offset ?? 0;
    const total = rows?.total ?? B;
    const [e0, e1, e2, d0, d1, d2] = this.layers;
    const stats = this.dense(this.dense(this.dense(x, e0, true), e1, true), e2, false);
    const mu = tf.slice(stats, [0, 0], [B, Z]);
    const logvar = tf.slice(stats, [0, Z], [B, Z]);
    // Reparameterisation: z = μ + exp(½ log σ²) · ε, ε ~ N(0, I).
    const noise = tf.randomNormal([total, Z], 0, 1, 'float32', noiseSeed);
    const eps = total === B ? noise : tf.slice(noise, [offset, 0], [B, Z]);
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logvar)), eps)) as tf.Tensor2D;
    const xHat = this.dense(this.dense(this.dense(z, d0, true), d1, true), d2, false);
    // E1 reconstruction term (Gaussian likelihood, fixed variance → MSE).
    const recon = tf.mean(tf.squaredDifference(xHat, x));
    // E1 prior term: KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²), mean over the batch.
    const kl = tf.mul(-0.5, tf.mean(tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar)), 1)));
    return tf.add(recon, kl) as tf.Scalar;
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

/**
 * The synthetic training batches, each [batch, input] row-major: low-rank structure plus noise
 * (so the model has something to fit), drawn from `rng` after the weights.
 */
export function mlpVaeBatches(c: MlpVaeConfig, rng: Rng): Float32Array[] {
  const rank = 8;
  const basis = Float32Array.from({ length: rank * c.input }, () => rng.normal());
  return Array.from({ length: c.batches }, () => {
    const x = new Float32Array(c.batch * c.input);
    for (let r = 0; r < c.batch; r++) {
      const coef = Array.from({ length: rank }, () => rng.normal() / Math.sqrt(rank));
      for (let j = 0; j < c.input; j++) {
        let v = 0.1 * rng.normal();
        for (let q = 0; q < rank; q++) v += coef[q] * basis[q * c.input + j];
        x[r * c.input + j] = v;
      }
    }
    return x;
  });
}

/**
 * Seed of the reparameterisation noise of step `step` (the same in every variant). Never 0:
 * tfjs's random ops treat a seed of 0 as "no seed" and draw from Math.random, which made step 0
 * of seed 0 irreproducible.
 */
export function mlpVaeNoiseSeed(seed: number, step: number): number {
  return (seed * 7919 + step) >>> 0 || 0x5eed;
}

/** The FLOP formula as printed in results. */
export function mlpVaeFlopFormula(c: MlpVaeConfig): string {
  return `3 × 2 × B × Σ in·out = 3 × 2 × ${c.batch} × (${mlpVaeLayers(c).map(([i, o]) => `${i}·${o}`).join(' + ')})`;
}

export class MlpVaeInstance implements WorkloadInstance {
  readonly flopsPerStep: number;
  readonly flopFormula: string;
  readonly net: MlpVaeNet;
  private readonly data: tf.Tensor2D[];
  private readonly optimizer: Adam;
  private steps = 0;

  constructor(private readonly c: MlpVaeConfig, private readonly seed: number) {
    this.flopsPerStep = mlpVaeFlops(c);
    this.flopFormula = mlpVaeFlopFormula(c);
    // Seeded: weights first, then the data (same seed → same initial numbers and batches).
    const rng = makeRng(seed);
    this.net = new MlpVaeNet(c, rng);
    this.data = mlpVaeBatches(c, rng).map((x) => tf.tensor2d(x, [c.batch, c.input]));
    this.optimizer = new Adam({ ...DEFAULT_ADAM, lr: c.lr });
  }

  /** The loss on batch x (exposed for FLOP-count checks). */
  loss(x: tf.Tensor2D, noiseSeed: number): tf.Scalar {
    return this.net.loss(x, noiseSeed);
  }

  /** The i-th synthetic batch (cycled). */
  batch(i: number): tf.Tensor2D {
    return this.data[i % this.data.length];
  }

  async step(): Promise<number> {
    const x = this.data[this.steps % this.data.length];
    const noiseSeed = mlpVaeNoiseSeed(this.seed, this.steps);
    this.steps++;
    const { value, grads } = tf.variableGrads(() => this.net.loss(x, noiseSeed), this.net.variables);
    this.optimizer.step(
      this.net.variables.map((variable) => ({ name: variable.name, variable, grad: grads[variable.name] })),
      0,
    ).dispose();
    tf.dispose(Object.values(grads));
    try {
      return (await value.data())[0];
    } finally {
      value.dispose();
    }
  }

  dispose(): void {
    this.optimizer.dispose();
    this.net.dispose();
    tf.dispose(this.data);
  }
}

/**
 * The workload trained data-parallel (bench backend `wasm-parallel`): W worker threads, each
 * with its own wasm backend + fast kernels and a replica of the same network
 * (src/parallel/mlpVaeReplica.ts), B/W rows each, gradients averaged in shared memory, the
 * same Adam update on every replica. Same seed → the same initial weights, batches and noise
 * as MlpVaeInstance, so the losses agree to float32 rounding. Per step the main thread copies
 * the batch into the trainer's shared input buffer (4·B·input bytes, no allocation) and
 * blocks until the workers are done. FLOPs per step are the single-thread count (the work is
 * split, not changed).
 */
export class ParallelMlpVaeInstance implements WorkloadInstance {
  readonly flopsPerStep: number;
  readonly flopFormula: string;
  private steps = 0;
  private steps0 = 0;

  private constructor(private readonly c: MlpVaeConfig, private readonly data: Float32Array[], readonly trainer: DataParallelTrainer) {
    this.flopsPerStep = mlpVaeFlops(c);
    this.flopFormula = mlpVaeFlopFormula(c);
  }

  /** Start `workers` workers (each builds the seeded replica) and generate the seeded batches. */
  static async create(c: MlpVaeConfig, seed: number, workers: number, fastKernels?: boolean, update?: 'sharded' | 'replicated'): Promise<ParallelMlpVaeInstance> {
    // The batches are the draws that follow the weights in makeRng(seed) (as MlpVaeInstance).
    const rng = makeRng(seed);
    const weightDraws = mlpVaeLayers(c).reduce((n, [i, o]) => n + i * o, 0); // one uniform per weight (MlpVaeNet)
    for (let k = 0; k < weightDraws; k++) rng.uniform();
    const data = mlpVaeBatches(c, rng);
    const trainer = await DataParallelTrainer.create({
      replica: { kind: 'mlp-vae', config: c, seed },
      inputs: mlpVaeInputs(c),
      maxRows: c.batch,
      workers,
      backend: 'wasm',
      ...(fastKernels === undefined ? {} : { fastKernels }),
      ...(update === undefined ? {} : { update }),
    });
    return new ParallelMlpVaeInstance(c, data, trainer);
  }

  step(): number {
    this.trainer.inputs.x.set(this.data[this.steps % this.data.length]);
    this.steps++;
    return this.trainer.step(this.c.batch);
  }

  startTiming(): void {
    this.steps0 = this.steps;
    this.trainer.workerTimings(true);
  }

  /** Mean ms per step of each part of the workers' steps (gradient, wait, reduce, update), per worker. */
  report(): Record<string, unknown> {
    const n = Math.max(1, this.steps - this.steps0);
    const perWorker = this.trainer.workerTimings().map((t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round((10 * v) / n) / 10])));
    return { update: this.trainer.update, workerMsPerStep: perWorker };
  }

  dispose(): void {
    this.trainer.dispose();
  }
}

/** The inputs of the data-parallel replica: x [rows, input]. */
export function mlpVaeInputs(c: MlpVaeConfig): InputSpec[] {
  return [{ name: 'x', rowShape: [c.input], dtype: 'float32' }];
}

/** A mlp-vae workload; its instances expose their loss and batches (for FLOP checks). */
export interface MlpVaeWorkload extends Workload {
  create(seed: number): Promise<MlpVaeInstance>;
  createParallel(seed: number, options: { workers: number; fastKernels?: boolean }): Promise<ParallelMlpVaeInstance>;
}

/** The mlp-vae workload for a given configuration (the registry uses DEFAULT_MLP_VAE). */
export function mlpVaeWorkload(config: MlpVaeConfig = DEFAULT_MLP_VAE, name = 'mlp-vae'): MlpVaeWorkload {
  const c = { ...config };
  return {
    name,
    description: `MLP VAE ${c.input}→${c.hidden}→${c.hidden}→2×${c.latent}, decoder mirrored, batch ${c.batch}, MSE + KL, Adam ${c.lr}`,
    samplesPerStep: c.batch,
    async create(seed) {
      return new MlpVaeInstance(c, seed);
    },
    async createParallel(seed, options) {
      return ParallelMlpVaeInstance.create(c, seed, options.workers, options.fastKernels);
    },
  };
}
