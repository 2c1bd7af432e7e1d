/**
 * Persistence (naive) forecast: every target row repeats the last input row. No parameters.
 * ŷ[b, t, c] = x[b, L−1, c].
 */
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from './nn';
import type { DataInfo, LossTerms, Model, Prediction, TensorBatch } from './types';
import { forecastLoss } from '../objectives/likelihood';

export interface PersistenceConfig {
  /** Unused (no parameters); kept so every config has a seed. */
  seed: number;
}
export const DEFAULT_PERSISTENCE: PersistenceConfig = { seed: 0 };

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
