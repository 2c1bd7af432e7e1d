import { describe, expect, it } from 'vitest';
import { AffineScaler } from '../../lib/data/scalers';
import { corr, forecastMetrics, forecastReport, mae, mse, rrse } from '../../lib/eval/forecast';
import { UserError } from '../../lib/util/errors';
import { makeRng } from '../../lib/util/random';

/** A seeded random [rows, channels] series with per-channel level and spread. */
function series(rows: number, channels: number, seed: number): Float64Array {
  const rng = makeRng(seed);
  const out = new Float64Array(rows * channels);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) out[r * channels + c] = 10 * c + (1 + c) * rng.normal();
  }
  return out;
}

function noisy(x: Float64Array, sigma: number, seed: number): Float64Array {
  const rng = makeRng(seed);
  return x.map((v) => v + sigma * rng.normal());
}

/** LSTNet's CORR written as in its evaluate(): mean((p−m_p)(g−m_g)) / (σ_p σ_g), population std. */
function lstnetCorr(p: Float64Array, g: Float64Array, channels: number): number {
  const rows = g.length / channels;
  let sum = 0;
  let valid = 0;
  for (let c = 0; c < channels; c++) {
    const pc = Array.from({ length: rows }, (_, r) => p[r * channels + c]);
    const gc = Array.from({ length: rows }, (_, r) => g[r * channels + c]);
    const m = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const mp = m(pc);
    const mg = m(gc);
    const sp = Math.sqrt(m(pc.map((v) => (v - mp) ** 2)));
    const sg = Math.sqrt(m(gc.map((v) => (v - mg) ** 2)));
    if (sg === 0) continue;
    sum += m(pc.map((v, i) => (v - mp) * (gc[i] - mg))) / (sp * sg);
    valid++;
  }
  return sum / valid;
}

/** The project's per-channel affine scaler (scaled = (raw − offset) / scale) with given parameters. */
function affineScaler(offset: number[], scale: number[]): AffineScaler {
  return new AffineScaler('zscore', Float32Array.from(offset), Float32Array.from(scale));
}

describe('forecast metrics', () => {
  it('match a hand-computed example', () => {
    const truth = [1, 2, 3, 4];
    const pred = [1, 2, 3, 5];
    // SSE = 1, Σ(y − 2.5)² = 5
    expect(rrse(pred, truth)).toBeCloseTo(1 / Math.sqrt(5), 12);
    expect(mse(pred, truth)).toBeCloseTo(0.25, 12);
    expect(mae(pred, truth)).toBeCloseTo(0.25, 12);
    // Pearson: deviations (−1.5, −0.5, 0.5, 1.5) and (−1.75, −0.75, 0.25, 2.25):
    // Σ products = 6.5, Σ squares = 5 and 8.75.
    const r = 6.5 / Math.sqrt(5 * 8.75);
    expect(corr(pred, truth)).toBeCloseTo(r, 12);
  });

  it('a perfect forecast has RRSE 0, CORR 1, MSE 0, MAE 0', () => {
    const y = series(200, 4, 1);
    const m = forecastMetrics(y, y, 4);
    expect(m.rrse).toBe(0);
    expect(m.corr).toBeCloseTo(1, 12);
    expect(m.mse).toBe(0);
    expect(m.mae).toBe(0);
    expect(m.count).toBe(800);
    expect(m.corrChannels).toBe(4);
  });

  it('predicting the overall test mean has RRSE exactly 1', () => {
    const y = series(300, 3, 2);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    expect(rrse(new Float64Array(y.length).fill(mean), y, 3)).toBeCloseTo(1, 12);
    // Any other constant is worse.
    expect(rrse(new Float64Array(y.length).fill(mean + 0.5), y, 3)).toBeGreaterThan(1);
  });

  it('RRSE and CORR are invariant to one global affine map; MSE scales by a², MAE by |a|', () => {
    const y = series(250, 3, 3);
    const p = noisy(y, 0.7, 4);
    const a = -3.7;
    const b = 12.5;
    const ya = y.map((v) => a * v + b);
    const pa = p.map((v) => a * v + b);
    const m = forecastMetrics(p, y, 3);
    const ma = forecastMetrics(pa, ya, 3);
    expect(ma.rrse).toBeCloseTo(m.rrse, 10);
    expect(ma.corr).toBeCloseTo(m.corr, 10);
    expect(ma.mse).toBeCloseTo(a * a * m.mse, 8);
    expect(ma.mae).toBeCloseTo(Math.abs(a) * m.mae, 8);
    expect(m.rrse).toBeGreaterThan(0.05);
    expect(m.corr).toBeLessThan(0.999);
  });

  it('CORR equals LSTNet formula and is invariant to per-channel positive rescaling of the prediction', () => {
    const y = series(150, 5, 5);
    const p = noisy(y, 1.5, 6);
    expect(corr(p, y, 5)).toBeCloseTo(lstnetCorr(p, y, 5), 12);
    const scaled = p.map((v, i) => (1 + (i % 5)) * v - 7);
    expect(corr(scaled, y, 5)).toBeCloseTo(corr(p, y, 5), 12);
    expect(corr(p.map((v) => -v), y, 5)).toBeCloseTo(-corr(p, y, 5), 12);
  });

  it('CORR skips channels whose truth is constant and scores a constant prediction 0', () => {
    const rows = 40;
    const y = series(rows, 2, 7);
    const p = noisy(y, 0.5, 8);
    const y1 = y.slice();
    for (let r = 0; r < rows; r++) y1[r * 2 + 1] = 3; // channel 1 constant
    const c0 = corr(Float64Array.from({ length: rows }, (_, r) => p[r * 2]), Float64Array.from({ length: rows }, (_, r) => y[r * 2]));
    const m = forecastMetrics(p, y1, 2);
    expect(m.corrChannels).toBe(1);
    expect(m.corr).toBeCloseTo(c0, 12);
    const pConst = p.slice();
    for (let r = 0; r < rows; r++) pConst[r * 2 + 1] = 1; // constant prediction on a varying channel
    expect(corr(pConst, y, 2)).toBeCloseTo(c0 / 2, 12);
    expect(Number.isNaN(corr([1, 2], [5, 6], 2))).toBe(true); // one row: nothing varies
  });

  it('treats [n, steps, channels] as n·steps rows', () => {
    const [n, steps, channels] = [20, 3, 3];
    const y = series(n * steps, channels, 9);
    const p = noisy(y, 0.3, 10);
    // Reference MSE / MAE by explicit loops over windows, steps and channels.
    let se = 0;
    let ae = 0;
    for (let w = 0; w < n; w++) {
      for (let s = 0; s < steps; s++) {
        for (let c = 0; c < channels; c++) {
          const i = (w * steps + s) * channels + c;
          se += (y[i] - p[i]) ** 2;
          ae += Math.abs(y[i] - p[i]);
        }
      }
    }
    const m = forecastMetrics(p, y, channels);
    expect(m.count).toBe(n * steps * channels);
    expect(m.mse).toBeCloseTo(se / (n * steps * channels), 12);
    expect(m.mae).toBeCloseTo(ae / (n * steps * channels), 12);
    expect(m.corr).toBeCloseTo(lstnetCorr(p, y, channels), 12);
    // With channels = steps·channels the CORR columns become (step, channel) pairs.
    expect(corr(p, y, steps * channels)).toBeCloseTo(lstnetCorr(p, y, steps * channels), 12);
    expect(corr(p, y, steps * channels)).not.toBeCloseTo(m.corr, 6);
  });

  it('rejects NaN, shape mismatches and a constant truth with one-line UserErrors', () => {
    const y = series(10, 2, 11);
    const p = y.slice();
    p[7] = NaN;
    expect(() => rrse(p, y, 2)).toThrow(UserError);
    expect(() => rrse(p, y, 2)).toThrow(/prediction is NaN at row 3, column 1/);
    const yInf = y.slice();
    yInf[0] = Infinity;
    expect(() => mse(y, yInf, 2)).toThrow(/truth is Infinity at row 0, column 0/);
    expect(() => mae(y.subarray(0, 18), y, 2)).toThrow(/prediction has 18 entries but 20/);
    expect(() => corr(y, y, 3)).toThrow(/not a multiple of channels=3/);
    expect(() => rrse([1, 2], [4, 4])).toThrow(/every truth value is identical/);
    expect(() => rrse([], [])).toThrow(/empty/);
    expect(() => rrse(y, y, 0)).toThrow(/channels must be a positive integer/);
  });
});

describe('forecastReport', () => {
  it('gives metrics in normalised and original units without touching the inputs', () => {
    const raw = series(120, 3, 12);
    const predRaw = noisy(raw, 0.8, 13);
    const scaler = affineScaler([5, 10, 20], [2, 0.5, 30]);
    const y = scaler.transform(Float32Array.from(raw));
    const p = scaler.transform(Float32Array.from(predRaw));
    const yCopy = y.slice();
    const report = forecastReport(p, y, 3, scaler);
    expect(y).toEqual(yCopy);
    expect(report.normalised).toEqual(forecastMetrics(p, y, 3));
    // Original units: the float32 round trip loses ~1e-7 relative.
    const orig = forecastMetrics(predRaw, raw, 3);
    expect(report.original.rrse).toBeCloseTo(orig.rrse, 4);
    expect(report.original.corr).toBeCloseTo(orig.corr, 5);
    expect(report.original.mse).toBeCloseTo(orig.mse, 3);
    // Per-channel scales differ, so RRSE in the two unit systems differs.
    expect(Math.abs(report.original.rrse - report.normalised.rrse)).toBeGreaterThan(1e-3);
    // CORR is per channel and so unit-free.
    expect(report.original.corr).toBeCloseTo(report.normalised.corr, 5);
  });

  it('rejects a scaler fitted on a different channel count', () => {
    const y = series(10, 2, 14);
    expect(() => forecastReport(y, y, 2, affineScaler([0, 0, 0], [1, 1, 1]))).toThrow(/scaler has 3 channels but the forecasts have 2/);
  });
});
