/**
 * Diebold–Mariano with the HLN correction against a hand calculation on a tiny series
 * (intermediate values written out below; checked with numpy 2.4.6 and scipy.stats.t).
 */
import { describe, expect, it } from 'vitest';
import { dieboldMariano, dieboldMarianoLosses, windowLosses } from '../../../lib/eval/paired/dieboldMariano';
import { studentTCdf } from '../../../lib/eval/stats';

const e1 = [1, -2, 3, -1, 2, 0.5, -1.5, 2.5];
const e2 = [0.5, -1, 1, -1.5, 1, 1, -1, 2];

describe('Diebold–Mariano test', () => {
  it('squared loss, h = 1 and h = 2 (HAC with one autocovariance lag), by hand', () => {
    // d = e1² − e2² = 0.75, 3, 8, −1.25, 3, −0.75, 1.25, 2.25; T = 8; d̄ = 16.25/8 = 2.03125.
    // γ̂0 = Σ(d − d̄)²/8 = 7.2880859375; γ̂1 = Σ(d_t − d̄)(d_{t−1} − d̄)/8 = −2.3643798828125.
    const T = 8;
    const mean = 2.03125;
    const g0 = 7.2880859375;
    const g1 = -2.3643798828125;
    // h = 1: V = γ̂0/T = 0.9110107421875; DM = d̄/√V; HLN factor √((T + 1 − 2)/T) = √(7/8).
    const r1 = dieboldMariano({ errorsA: e1, errorsB: e2 });
    expect(r1.meanDifference).toBeCloseTo(mean, 14);
    expect(r1.variance).toBeCloseTo(g0 / T, 14);
    expect(r1.dm).toBeCloseTo(mean / Math.sqrt(g0 / T), 12);
    expect(r1.statistic).toBeCloseTo(1.990699263799162, 12);
    expect(r1.pValue).toBeCloseTo(0.08680171524517731, 10); // 2·scipy.stats.t.cdf(−1.9907, 7)
    // h = 2: V = (γ̂0 + 2γ̂1)/T = 0.319915771484375; HLN factor √((T + 1 − 4 + 2/T)/T) = √(5.25/8).
    const r2 = dieboldMariano({ errorsA: e1, errorsB: e2 }, { horizon: 2 });
    expect(r2.variance).toBeCloseTo((g0 + 2 * g1) / T, 14);
    expect(r2.dm).toBeCloseTo(3.5912492880629556, 12);
    expect(r2.statistic).toBeCloseTo(3.5912492880629556 * Math.sqrt(5.25 / 8), 12);
    expect(r2.statistic).toBeCloseTo(2.9092444274097313, 12);
    expect(r2.pValue).toBeCloseTo(0.022684959376576126, 10);
    expect(dieboldMariano({ errorsA: e1, errorsB: e2 }, { horizon: 2, alternative: 'greater' }).pValue).toBeCloseTo(0.011342479688288063, 10);
    expect(dieboldMariano({ errorsA: e1, errorsB: e2 }, { horizon: 2, alternative: 'less' }).pValue).toBeCloseTo(1 - 0.011342479688288063, 10);
    // h = 3 adds γ̂2 = 0.339599609375: DM* = 2.185774520060175.
    expect(dieboldMariano({ errorsA: e1, errorsB: e2 }, { horizon: 3 }).statistic).toBeCloseTo(2.185774520060175, 12);
  });

  it('absolute loss and multi-value windows', () => {
    // d = |e1| − |e2|: DM* = 1.937773693550725, two-sided p = 0.09384213884512414 (numpy/scipy).
    const r = dieboldMariano({ errorsA: e1, errorsB: e2, loss: 'absolute' });
    expect(r.statistic).toBeCloseTo(1.937773693550725, 12);
    expect(r.pValue).toBeCloseTo(0.09384213884512414, 10);
    // Two values per window: per-window loss is their mean square.
    expect(Array.from(windowLosses([1, 3, 2, 2], 2, 'squared'))).toEqual([5, 4]);
    expect(Array.from(windowLosses([1, -3, 2, 2], 2, 'absolute'))).toEqual([2, 2]);
  });

  it('falls back to h = 1 when the h-step variance is not positive, and rejects degenerate input', () => {
    // d = 1, −1, 1, −1, 1, −1, 1, −0.5: γ̂0 + 2γ̂1 = −0.7236 < 0 → h = 1: DM* = 0.17407765595569785.
    const d = [1, -1, 1, -1, 1, -1, 1, -0.5];
    const zeros = new Array(8).fill(0);
    const r = dieboldMarianoLosses(d, zeros, { horizon: 2 });
    expect(r.horizon).toBe(1);
    expect(r.varianceFallback).toMatch(/HAC variance was -0\.724 ≤ 0; used h = 1/);
    expect(r.statistic).toBeCloseTo(0.17407765595569785, 12);
    expect(r.pValue).toBeCloseTo(2 * studentTCdf(-0.17407765595569785, 7), 12);
    expect(() => dieboldMarianoLosses([2, 2, 2], [1, 1, 1])).toThrow(/same in all 3 windows/);
    expect(() => dieboldMarianoLosses([1, 2], [2, 1], { horizon: 2 })).toThrow(/more windows than the horizon/);
    expect(() => dieboldMarianoLosses([1, 2, 3], [2, 1])).toThrow(/3 were expected/);
    expect(() => windowLosses([1, 2, 3], 2, 'squared')).toThrow(/not a multiple of 2/);
  });
});
