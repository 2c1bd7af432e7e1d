/**
 * Seasonal-naive forecast: each target row takes the value one season (or a whole number of
 * seasons) earlier, the latest such row inside the input window. No parameters.
 * Target row j sits `horizon − T + 1 + j` rows after the last input row; it copies input row
 * L − 1 + (horizon − T + 1 + j) − k·season with the smallest k ≥ 1 keeping the row ≤ L − 1.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../util/errors';
import { ParamStore } from './nn';
import { z } from '../util/config';
import type { DataInfo, LossTerms, Model, Prediction, TensorBatch } from './types';
import { forecastLoss } from '../objectives/likelihood';

export const SeasonalNaiveSchema = z.strictObject({
  seed: z.int().default(0).describe('Unused (no parameters); kept so every config has a seed.'),
  season: z.int().min(1).nullable().default(null).describe("Season length in rows; null = the data set's natural cycle (one day for hourly data)."),
});
export type SeasonalNaiveConfig = z.output<typeof SeasonalNaiveSchema>;

/** Input row copied by each target row (see the module comment). */
export function seasonalSourceRows(info: DataInfo, season: number): number[] {
  const L = info.inputLength;
  const rows: number[] = [];
  for (let j = 0; j < info.targetLength; j++) {
    const ahead = info.horizon - info.targetLength + 1 + j; // ≥ 1 rows after the last input
    const k = Math.ceil(ahead / season);
    const src = L - 1 + ahead - k * season;
    if (src < 0) throw new UserError(`seasonal-naive: season ${season} reaches before the ${L}-row input window for horizon ${info.horizon}; use a longer input or a shorter season (config model.season)`);
    rows.push(src);
  }
  return rows;
}

export class SeasonalNaive implements Model {
  readonly params: ParamStore;
  readonly objective = { weights: { forecast: 1 } };
  readonly season: number;
  private readonly rows: number[];
  constructor(readonly name: string, readonly config: SeasonalNaiveConfig, readonly dataInfo: DataInfo) {
    this.params = new ParamStore(config.seed);
    const hourly = dataInfo.sampleRateHz !== undefined && Math.abs(dataInfo.sampleRateHz * 3600 - 1) < 1e-6;
    const season = config.season ?? dataInfo.season ?? (hourly ? 24 : undefined);
    if (season === undefined || !Number.isInteger(season) || season < 1) {
      throw new UserError('seasonal-naive needs a season for data without a known cycle: set {"model": {"season": ROWS}} in --config');
    }
    this.season = season;
    this.rows = seasonalSourceRows(dataInfo, season);
  }
  losses(batch: TensorBatch): LossTerms {
    return { forecast: forecastLoss(batch.y, this.predict(batch.x).forecast) };
  }
  predict(x: tf.Tensor3D): Prediction {
    return tf.tidy(() => ({ forecast: tf.gather(x, tf.tensor1d(this.rows, 'int32'), 1) as tf.Tensor3D }));
  }
  dispose(): void {
    this.params.dispose();
  }
}
