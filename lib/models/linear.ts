/**
 * DLinear-style linear forecaster (Zeng et al. 2023): decompose each channel's input window
 * into trend (moving average, replicate padding) and remainder, and map each with a
 * channel-shared linear layer over time: ŷ_c = W_tᵀ trend_c + W_sᵀ (x_c − trend_c) + b.
 * x [B, L, C] → ŷ [B, T, C]. Parameters: W_t, W_s [L, T], b [T].
 */
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from './nn';
import { z } from '../util/config';
import type { DataInfo, LossTerms, Model, ObjectiveSpec, Prediction, TensorBatch } from './types';
import { forecastLoss } from '../objectives/likelihood';
import { InstanceNorm, RevinSchema } from './revin';

export const LinearSchema = z.strictObject({
  seed: z.int().default(0).describe('Weight-initialisation seed.'),
  kernel: z.int().min(1).default(25).describe('Moving-average kernel in rows (odd; DLinear: 25).'),
  revin: RevinSchema,
});
export type LinearConfig = z.output<typeof LinearSchema>;

/** Averaging matrix A [L, L]: trend = rows · A, window `kernel` with replicate padding. */
export function movingAverageMatrix(L: number, kernel: number): Float32Array {
  const k = Math.max(1, Math.min(kernel, 2 * L - 1));
  const half = Math.floor((k - 1) / 2);
  const a = new Float32Array(L * L);
  for (let t = 0; t < L; t++) {
    for (let o = -half; o <= k - 1 - half; o++) {
      const j = Math.min(L - 1, Math.max(0, t + o));
      a[j * L + t] += 1 / k;
    }
  }
  return a;
}

export class Linear implements Model {
  readonly params: ParamStore;
  readonly objective: ObjectiveSpec = { weights: { forecast: 1 } };
  private readonly avg: tf.Tensor2D;
  private readonly wTrend: tf.Variable;
  private readonly wSeasonal: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly norm: InstanceNorm;
  constructor(readonly name: string, readonly config: LinearConfig, readonly dataInfo: DataInfo) {
    const { inputLength: L, targetLength: T } = dataInfo;
    this.params = new ParamStore(config.seed);
    this.avg = tf.keep(tf.tensor2d(movingAverageMatrix(L, config.kernel), [L, L]));
    // DLinear initialises both maps to the window mean (1/L).
    this.wTrend = this.params.constant('linear', 'trend/w', [L, T], 1 / L);
    this.wSeasonal = this.params.constant('linear', 'seasonal/w', [L, T], 1 / L);
    this.bias = this.params.constant('linear', 'b', [T], 0);
    this.norm = new InstanceNorm(this.params, 'linear', config.revin, dataInfo.channels);
  }
  losses(batch: TensorBatch): LossTerms {
    // E1 forecasting term only (no latent).
    return { forecast: forecastLoss(batch.y, this.predict(batch.x).forecast) };
  }
  predict(input: tf.Tensor3D): Prediction {
    return tf.tidy(() => {
      const stats = this.norm.stats(input);
      const x = this.norm.normalise(input, stats);
      const [B, L, C] = x.shape;
      const rows = tf.reshape(tf.transpose(x, [0, 2, 1]), [B * C, L]);
      const trend = tf.matMul(rows, this.avg);
      const out = tf.add(tf.add(tf.matMul(trend, this.wTrend as tf.Tensor2D), tf.matMul(tf.sub(rows, trend), this.wSeasonal as tf.Tensor2D)), this.bias);
      return { forecast: this.norm.denormalise(tf.transpose(tf.reshape(out, [B, C, this.dataInfo.targetLength]), [0, 2, 1]) as tf.Tensor3D, stats) };
    });
  }
  dispose(): void {
    this.avg.dispose();
    this.params.dispose();
  }
}
