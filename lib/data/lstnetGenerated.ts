/**
 * Generated data of the LSTNet electricity shape — 26,304 hourly rows × 321 clients from
 * 2012-01-01, the metadata `loadLstnet` gives the real file — for benchmarks and tests where
 * the real file (not reachable from our machines) is absent. Not a stand-in for results: the
 * values are a seeded toy load model, each client a positive level times daily and weekly
 * cycles with client-specific phases and amplitudes, a slow annual swing, and AR(1) noise:
 *   x_c(t) = L_c · (1 + a_c·sin(2πt/24 + φ_c) + w_c·[weekend(t)] + 0.1·sin(2πt/8766)) · (1 + ε_c(t)),
 *   ε_c(t) = 0.8·ε_c(t−1) + 0.05·N(0, 1).
 */
import { makeRng } from '../util/random';
import { LSTNET_ELECTRICITY_START_MS } from './lstnet';
import type { TimeSeriesDataset } from './types';

export interface LstnetShapeOptions {
  /** Rows (hours). Default 26,304, the electricity file. */
  readonly rows?: number;
  /** Series (clients). Default 321. */
  readonly series?: number;
  /** Generator seed. Default 0. */
  readonly seed?: number;
}

export const LSTNET_ELECTRICITY_SHAPE = { rows: 26_304, series: 321 } as const;

/** The generated data set (one segment, [rows, series] row-major, registry name electricity-lstnet). */
export function generateLstnetShaped(options: LstnetShapeOptions = {}): TimeSeriesDataset {
  const rows = options.rows ?? LSTNET_ELECTRICITY_SHAPE.rows;
  const series = options.series ?? LSTNET_ELECTRICITY_SHAPE.series;
  const seed = options.seed ?? 0;
  const rng = makeRng(seed);
  const level = Float64Array.from({ length: series }, () => 50 + 950 * rng.uniform());
  const daily = Float64Array.from({ length: series }, () => 0.1 + 0.4 * rng.uniform());
  const phase = Float64Array.from({ length: series }, () => 2 * Math.PI * rng.uniform());
  const weekend = Float64Array.from({ length: series }, () => -0.3 + 0.4 * rng.uniform());
  const noise = new Float64Array(series);
  const values = new Float32Array(rows * series);
  const timestamps = new Float64Array(rows);
  for (let t = 0; t < rows; t++) {
    const ms = LSTNET_ELECTRICITY_START_MS + t * 3_600_000;
    timestamps[t] = ms;
    const day = new Date(ms).getUTCDay();
    const isWeekend = day === 0 || day === 6 ? 1 : 0;
    const annual = 0.1 * Math.sin((2 * Math.PI * t) / 8766);
    for (let c = 0; c < series; c++) {
      noise[c] = 0.8 * noise[c] + 0.05 * rng.normal();
      const shape = 1 + daily[c] * Math.sin((2 * Math.PI * t) / 24 + phase[c]) + weekend[c] * isWeekend + annual;
      values[t * series + c] = level[c] * shape * (1 + noise[c]);
    }
  }
  return {
    name: 'electricity-lstnet',
    source: `generated(seed=${seed}, ${rows}x${series}, lib/data/lstnetGenerated.ts)`,
    channelNames: Array.from({ length: series }, (_, i) => `series${i}`),
    sampleRateHz: 1 / 3600,
    segments: [{ id: 'generated', values, length: rows, channels: series, timestamps }],
    meta: { stepSeconds: 3600, start: new Date(LSTNET_ELECTRICITY_START_MS).toISOString(), generated: true },
  };
}
