/**
 * Reversible instance normalisation (RevIN; Kim et al., ICLR 2022), shared by every learned
 * forecaster (docs/paper.md and docs/design.md, "Training recipe"). Per window and channel, with
 * the input window's own statistics over its L rows,
 *
 *   μ = mean_t x_t,   σ = sqrt(var_t x_t + ε)              (population variance, as RevIN)
 *   x̃ = γ ⊙ (x − μ) / σ + β                                 the model reads x̃
 *   ŷ = σ ⊙ (ỹ − β) / (γ + ε²) + μ                          its output ỹ is mapped back
 *
 * so every loss is computed in the data's (globally scaled) units and a window's level and scale
 * reach the forecast only through μ and σ. γ, β [C] are learned ('affine', initialised to 1 and
 * 0) or fixed at 1 and 0 ('plain'); 'none' leaves x as it is. The statistics come from the data,
 * not from variables, so no gradient flows into them (RevIN's detach).
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './nn';
import { z } from '../util/config';

export const RevinModeSchema = z.enum(['none', 'plain', 'affine']);
export type RevinMode = z.output<typeof RevinModeSchema>;

/**
 * The config field every learned forecaster carries. Default 'none': across ETTh1, gaitndd and
 * the benchmark the validation evidence is mixed (docs/design.md, "Training recipe"), so the
 * tuning stage searches it per data set instead.
 */
export const RevinSchema = RevinModeSchema.default('none').describe(
  "Reversible instance normalisation of each input window (lib/models/revin.ts): 'affine' (learned per-channel γ, β), 'plain' (γ = 1, β = 0) or 'none' (default; docs/design.md \"Training recipe\").",
);

/** ε of RevIN's variance. */
export const REVIN_EPS = 1e-5;

/** A window batch's statistics [B, 1, C]. */
export interface WindowStats {
  readonly mean: tf.Tensor3D;
  readonly std: tf.Tensor3D;
}

export class InstanceNorm {
  private readonly gamma?: tf.Variable;
  private readonly beta?: tf.Variable;
  constructor(store: ParamStore, group: string, readonly mode: RevinMode, channels: number) {
    if (mode === 'affine') {
      this.gamma = store.constant(group, 'revin/gamma', [channels], 1);
      this.beta = store.constant(group, 'revin/beta', [channels], 0);
    }
  }
  get active(): boolean {
    return this.mode !== 'none';
  }
  /** μ, σ of x [B, L, C] over its rows (call inside tf.tidy). */
  stats(x: tf.Tensor3D): WindowStats {
    const { mean, variance } = tf.moments(x, 1, true);
    return { mean: mean as tf.Tensor3D, std: tf.sqrt(tf.add(variance, REVIN_EPS)) as tf.Tensor3D };
  }
  /** x̃ = γ ⊙ (x − μ)/σ + β (identity for 'none'). */
  normalise(x: tf.Tensor3D, s: WindowStats): tf.Tensor3D {
    if (!this.active) return x;
    const n = tf.div(tf.sub(x, s.mean), s.std) as tf.Tensor3D;
    return this.gamma ? (tf.add(tf.mul(n, this.gamma), this.beta!) as tf.Tensor3D) : n;
  }
  /** ŷ = σ ⊙ (ỹ − β)/(γ + ε²) + μ (identity for 'none'); y [B, T, C]. */
  denormalise(y: tf.Tensor3D, s: WindowStats): tf.Tensor3D {
    if (!this.active) return y;
    const n = this.gamma ? tf.div(tf.sub(y, this.beta!), tf.add(this.gamma, REVIN_EPS * REVIN_EPS)) : y;
    return tf.add(tf.mul(n, s.std), s.mean) as tf.Tensor3D;
  }
}
