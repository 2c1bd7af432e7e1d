/**
 * Persistence (naive) forecast: every target row repeats the last input row. No parameters.
 * ŷ[b, t, c] = x[b, L−1, c].
 */
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from './nn';
import { z } from '../util/config';
import type { DataInfo, LossTerms, Model, Prediction, TensorBatch } from './types';
import { forecastLoss } from '../objectives/likelihood';

export const PersistenceSchema = z.strictObject({
  seed: z.int().default(0).describe('Unused (no parameters); kept so every config has a seed.'),
});
export type PersistenceConfig = z.output<typeof PersistenceSchema>;

export class Persistence implements Model {
  readonly params: ParamStore;
  readonly objective = { weights: { forecast: 1 } };
  constructor(readonly name: string, readonly config: PersistenceConfig, readonly dataInfo: DataInfo) {
    this.params = new ParamStore(config.seed);
  }
  losses(batch: TensorBatch): LossTerms {
    return { forecast: forecastLoss(batch.y, this.predict(batch.x).forecast) };
  }
  predict(x: tf.Tensor3D): Prediction {
    return tf.tidy(() => {
      const [B, L, C] = x.shape;
      const last = tf.slice(x, [0, L - 1, 0], [B, 1, C]);
      return { forecast: tf.tile(last, [1, this.dataInfo.targetLength, 1]) as tf.Tensor3D };
    });
  }
  dispose(): void {
    this.params.dispose();
  }
}
