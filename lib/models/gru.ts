/**
 * GRU forecasting reference: the shared trunk (kind `gru` by default) followed by a linear map
 * to the T·C targets. x [B, L, C] → ŷ [B, T, C].
 */
import * as tf from '@tensorflow/tfjs';
import { Dense, ParamStore } from './nn';
import { Trunk, trunkSchema } from './trunk';
import { z } from '../util/config';
import type { DataInfo, LossTerms, Model, ObjectiveSpec, Prediction, TensorBatch } from './types';
import { forecastLoss } from '../objectives/likelihood';
import { InstanceNorm, RevinSchema } from './revin';

export const GruSchema = z.strictObject({
  seed: z.int().default(0).describe('Weight-initialisation seed.'),
  trunk: trunkSchema({ kind: 'gru', hidden: 64, layers: 1 }).prefault({}),
  revin: RevinSchema,
});
export type GruConfig = z.output<typeof GruSchema>;

export class GruForecaster implements Model {
  readonly params: ParamStore;
  readonly objective: ObjectiveSpec = { weights: { forecast: 1 }, shared: 'trunk' };
  private readonly trunk: Trunk;
  private readonly head: Dense;
  private readonly norm: InstanceNorm;
  constructor(readonly name: string, readonly config: GruConfig, readonly dataInfo: DataInfo) {
    this.params = new ParamStore(config.seed);
    this.trunk = new Trunk(this.params, 'trunk', config.trunk, dataInfo.inputLength, dataInfo.channels);
    this.head = new Dense(this.params, 'forecaster', 'out', this.trunk.outDim, dataInfo.targetLength * dataInfo.channels);
    this.norm = new InstanceNorm(this.params, 'revin', config.revin, dataInfo.channels);
  }
  losses(batch: TensorBatch): LossTerms {
    return { forecast: forecastLoss(batch.y, this.predict(batch.x).forecast) };
  }
  predict(input: tf.Tensor3D): Prediction {
    return tf.tidy(() => {
      const stats = this.norm.stats(input);
      const x = this.norm.normalise(input, stats);
      const out = tf.reshape(this.head.apply(this.trunk.apply(x)), [-1, this.dataInfo.targetLength, this.dataInfo.channels]) as tf.Tensor3D;
      return { forecast: this.norm.denormalise(out, stats) };
    });
  }
  dispose(): void {
    this.params.dispose();
  }
}
