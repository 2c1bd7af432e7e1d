/**
 * The shared trunk: one configurable encoder of the input window, used by every latent model
 * and the GRU reference so comparisons are fair. x [B, L, C] → h [B, H].
 *
 * - `mlp`: flatten to [B, L·C], then `layers` Dense+ReLU layers of width `hidden`.
 * - `channel-mlp`: a channel-shared MLP over each channel's L values ([B·C, L] → [B·C, hidden/…]),
 *   then the per-channel features are averaged: parameter count independent of C (for the
 *   321-channel electricity shape).
 * - `gru`: a GRU over the L rows (slow on the wasm backend for long windows).
 */
import * as tf from '@tensorflow/tfjs';
import { Dense, Gru, Mlp, type ParamStore } from './nn';
import { z } from '../util/config';

/** The trunk's config schema with the given defaults (the latent models' MLP trunk; the GRU reference's own). */
export function trunkSchema(d: { kind: 'mlp' | 'channel-mlp' | 'gru'; hidden: number; layers: number }) {
  return z.strictObject({
    kind: z.enum(['mlp', 'channel-mlp', 'gru']).default(d.kind).describe('Encoder type.'),
    hidden: z.int().min(1).default(d.hidden).describe('Width of every hidden layer / GRU state (H).'),
    layers: z.int().min(1).default(d.layers).describe('Number of Dense layers (mlp, channel-mlp).'),
  });
}
export const TrunkSchema = trunkSchema({ kind: 'mlp', hidden: 128, layers: 2 });
export type TrunkConfig = z.output<typeof TrunkSchema>;

export class Trunk {
  private readonly mlp?: Mlp;
  private readonly gru?: Gru;
  private readonly gruOut?: Dense;
  readonly outDim: number;
  constructor(store: ParamStore, group: string, readonly config: TrunkConfig, readonly inputLength: number, readonly channels: number) {
    const widths = new Array<number>(config.layers).fill(config.hidden);
    if (config.kind === 'mlp') this.mlp = new Mlp(store, group, 'mlp', inputLength * channels, widths, 'relu');
    else if (config.kind === 'channel-mlp') this.mlp = new Mlp(store, group, 'cmlp', inputLength, widths, 'relu');
    else {
      this.gru = new Gru(store, group, 'gru', channels, config.hidden);
      this.gruOut = new Dense(store, group, 'gruOut', config.hidden, config.hidden, 'relu');
    }
    this.outDim = config.hidden;
  }
  /** x [B, L, C] → h [B, H]. */
  apply(x: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const [B, L, C] = x.shape;
      if (this.config.kind === 'mlp') return this.mlp!.apply(tf.reshape(x, [B, L * C]));
      if (this.config.kind === 'channel-mlp') {
        const perChannel = this.mlp!.apply(tf.reshape(tf.transpose(x, [0, 2, 1]), [B * C, L])); // [B·C, H]
        return tf.mean(tf.reshape(perChannel, [B, C, this.outDim]), 1) as tf.Tensor2D;
      }
      return this.gruOut!.apply(this.gru!.apply(x));
    });
  }
}
