/**
 * The generated LSTNet-shape data (lib/data/lstnetGenerated.ts): the electricity file's shape
 * and calendar, seeded, positive, with the daily cycle it promises, and prepared with the
 * LSTNet protocol (split, max-abs scaling, hour/weekday/month labels).
 */
import { describe, expect, it } from 'vitest';
import { generateLstnetShaped, LSTNET_ELECTRICITY_SHAPE } from '../../lib/data/lstnetGenerated';
import { LSTNET_ELECTRICITY_START_MS } from '../../lib/data/lstnet';
import { prepareDataset } from '../../lib/data/prepare';

describe('generated LSTNet-shape data', () => {
  it('has the electricity shape and calendar, is seeded, positive, and daily-periodic', () => {
    const d = generateLstnetShaped({ seed: 3 });
    const s = d.segments[0];
    expect([s.length, s.channels]).toEqual([LSTNET_ELECTRICITY_SHAPE.rows, LSTNET_ELECTRICITY_SHAPE.series]);
    expect(d.name).toBe('electricity-lstnet');
    expect(s.timestamps![0]).toBe(LSTNET_ELECTRICITY_START_MS);
    expect(s.timestamps![24] - s.timestamps![0]).toBe(86_400_000);
    expect(Math.min(...s.values.subarray(0, 100_000))).toBeGreaterThan(0);
    expect(generateLstnetShaped({ seed: 3, rows: 200 }).segments[0].values.subarray(0, 321 * 200)).toEqual(s.values.subarray(0, 321 * 200));
    expect(generateLstnetShaped({ seed: 4, rows: 200 }).segments[0].values[5]).not.toBe(s.values[5]);
    // Lag-24 autocorrelation of series 0 far above lag-12 (the daily cycle).
    const x = Float64Array.from({ length: 2000 }, (_, t) => s.values[t * s.channels]);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const ac = (lag: number): number => {
      let num = 0;
      let den = 0;
      for (let t = 0; t < x.length; t++) {
        den += (x[t] - mean) ** 2;
        if (t >= lag) num += (x[t] - mean) * (x[t - lag] - mean);
      }
      return num / den;
    };
    expect(ac(24)).toBeGreaterThan(0.5);
    expect(ac(24)).toBeGreaterThan(ac(12) + 0.5);
  });

  it('prepares with the LSTNet protocol (0.6/0.2/0.2 split, max-abs, calendar labels)', () => {
    const p = prepareDataset(generateLstnetShaped({ rows: 2000, series: 5 }), {}, 'electricity-lstnet');
    expect(p.scaler.kind).toBe('maxabs');
    expect(p.spec).toMatchObject({ inputLength: 168, horizon: 24, targetLength: 1 });
    expect(p.train.count).toBe(Math.floor(0.6 * 2000) - 191);
    const b = p.train.batch(Int32Array.from([0, 1]));
    expect(b.x.length).toBe(2 * 168 * 5);
    expect(b.labels.length).toBe(3); // hour, weekday, month of the target time
  });
});
