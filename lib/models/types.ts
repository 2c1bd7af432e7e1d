/**
 * The common contract of every forecasting model (latent or not), used by the trainer, the CLI
 * (`dive train`, `dive evaluate`), the benchmarks and `dive reproduce`.
 *
 * Shapes: B = batch, L = input rows, T = target rows, C = channels, A = dims of the conditional
 * code a (or z for the β-VAEs), M = number of supervised labels (dims of the marginal code b),
 * K_i = classes of label i. Values are in the scaled units of `PreparedData.scaler`.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './nn';

/** What a model needs to know about the data to build its layers. */
export interface DataInfo {
  /** L: input rows. */
  readonly inputLength: number;
  /** T: target rows. */
  readonly targetLength: number;
  /** Rows from the last input row to the last target row. */
  readonly horizon: number;
  /** C: channels. */
  readonly channels: number;
  /** Supervised labels (one marginal dim each), with class counts K_i. */
  readonly labels: readonly { readonly name: string; readonly classes: number; readonly cyclic?: boolean }[];
  /** π_k per label (training-window class frequencies, each sums to 1). */
  readonly classFrequencies: readonly (readonly number[])[];
  /** Number of training windows (the N of β-TCVAE's minibatch-weighted sampling). */
  readonly trainCount: number;
  /** Sampling rate in Hz (hourly: 1/3600), used for the seasonal-naive default season. */
  readonly sampleRateHz?: number;
  /** Rows in one natural cycle of the data (seasonal-naive's default season), when known. */
  readonly season?: number;
}

/** One training/evaluation batch as tensors. */
export interface TensorBatch {
  /** [B, L, C] */
  readonly x: tf.Tensor3D;
  /** [B, T, C] */
  readonly y: tf.Tensor3D;
  /** One int32 [B] tensor of class ids per label, in `DataInfo.labels` order. */
  readonly labels: readonly tf.Tensor1D[];
}

/** Names of the scalar loss terms models report. */
/** `atom`: the atom-modeling regulariser or its repulsion control (lib/models/atom.ts, a reconstruction). */
export const TERM_NAMES = ['forecast', 'recon', 'klA', 'ce', 'klB', 'kl', 'mi', 'tc', 'dwkl', 'atom'] as const;
export type TermName = (typeof TERM_NAMES)[number];

/** Named scalar loss terms, each already a batch mean (unweighted). */
export type LossTerms = Partial<Record<TermName, tf.Scalar>>;

/** Per-call context for the stochastic parts of a forward pass. */
export interface StepContext {
  /** Seed of the reparameterisation noise of this step (same seed → same noise). */
  readonly noiseSeed: number;
}

/** What a caller of `predict` reads: everything (default) or the forecast only. */
export type PredictNeed = 'all' | 'forecast';

/** Deterministic outputs on an input window (latent means, no noise). */
export interface Prediction {
  /** ŷ [B, T, C] */
  readonly forecast: tf.Tensor3D;
  /** x̂ [B, L, C], for models with a decoder. */
  readonly reconstruction?: tf.Tensor3D;
  /** Mean of the conditional code a (or z) [B, A]. */
  readonly latentA?: tf.Tensor2D;
  /** Mean of the marginal code b [B, M]. */
  readonly latentB?: tf.Tensor2D;
  /** RBF memberships r_i(μ_b,i), one [B, K_i] per label. */
  readonly memberships?: readonly tf.Tensor2D[];
}

/** Which variables and terms one training phase updates. */
export interface PhaseSpec {
  readonly groups: readonly string[];
  readonly terms: readonly TermName[];
}

/**
 * How a model is optimised. `weights` gives the weight of every term in the objective;
 * `marginal` (DeepDIVE with labels) is phase M of the interleaving schedule: its groups are
 * trained on its terms only, and phase C trains all other groups on all other terms. Models
 * without `marginal` have a single phase (all groups, all terms).
 */
export interface ObjectiveSpec {
  readonly weights: Readonly<Partial<Record<TermName, number>>>;
  readonly marginal?: PhaseSpec;
  /** Group whose gradients the conflict diagnostics compare (the shared trunk). */
  readonly shared?: string;
}

export interface Model {
  /** Registry name, e.g. "deepdive". */
  readonly name: string;
  /** The full (defaults-applied) model config, JSON-serialisable. */
  readonly config: object;
  readonly dataInfo: DataInfo;
  /** Named, grouped variables (empty for persistence / seasonal-naive). */
  readonly params: ParamStore;
  readonly objective: ObjectiveSpec;
  /**
   * Unweighted loss terms on a batch (call inside tf.tidy / variableGrads). `need` lists the
   * terms the caller will use; a model may skip computing the others (phase M needs only CE).
   */
  losses(batch: TensorBatch, ctx: StepContext, need?: readonly TermName[]): LossTerms;
  /**
   * Deterministic forward pass on x [B, L, C] (call inside tf.tidy). With need 'forecast' (the
   * validation checks) a model may leave out what the forecast does not use — the decoder's
   * reconstruction, the memberships — and must return the same forecast.
   */
  predict(x: tf.Tensor3D, need?: PredictNeed): Prediction;
  dispose(): void;
}

/** Σ_t w_t · term_t over the listed terms (terms absent or with weight 0 are skipped). */
export function weightedSum(terms: LossTerms, weights: ObjectiveSpec['weights'], use: readonly TermName[]): tf.Scalar {
  let total: tf.Scalar | undefined;
  for (const name of use) {
    const t = terms[name];
    const w = weights[name] ?? 0;
    if (!t || w === 0) continue;
    const wt = tf.mul(w, t) as tf.Scalar;
    total = total ? (tf.add(total, wt) as tf.Scalar) : wt;
  }
  if (!total) throw new Error(`no loss term among ${use.join(', ')} has a non-zero weight`);
  return total;
}
